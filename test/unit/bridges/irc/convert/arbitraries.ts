/* eslint-disable no-control-regex -- IRC formatting and framing are control characters. */
// fast-check generators shared by the IRC converter tests.
import fc from 'fast-check';
import { IRC_COLOURS, normalizeSpans, type Span, type Style } from '../../../../../bridges/irc/convert/irc-format.ts';

// Text without control characters, including astral code points and combining marks.
export const text = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'abc XYZ 0123456789,.!?#@<>&"\''.split('')) },
    { weight: 2, arbitrary: fc.constantFrom('é', 'ß', '日', '本', '😀', '👍🏽', 'e\u0301', '\u00a0') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((s) => !/[\x00-\x1f\x7f]/.test(s)) },
  ),
  maxLength: 40,
});

// Colours the mIRC table can express by index, plus arbitrary hex ones (sent with ^D).
const colour = fc.oneof(
  fc.constantFrom(...new Set(IRC_COLOURS)),
  fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`),
);

export function style(withReverse: boolean): fc.Arbitrary<Style> {
  return fc.record({
    bold: fc.boolean(), italic: fc.boolean(), underline: fc.boolean(), strike: fc.boolean(),
    monospace: fc.boolean(), reverse: withReverse ? fc.boolean() : fc.constant(false),
    // A background alone cannot be expressed with ^D (it needs a foreground), so bg implies fg.
    colours: fc.option(fc.tuple(colour, fc.option(colour, { nil: undefined })), { nil: undefined }),
  }).map(({ colours, ...flags }) => {
    const s: Style = { ...flags };
    if (colours) {
      s.fg = colours[0];
      if (colours[1] !== undefined) s.bg = colours[1];
    }
    return s;
  });
}

export function spans(withReverse: boolean): fc.Arbitrary<Span[]> {
  return fc.array(fc.record({ text, style: style(withReverse) }), { maxLength: 8 }).map(normalizeSpans);
}
