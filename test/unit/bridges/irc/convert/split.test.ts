import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeSpans, parseIrc, renderIrc } from '../../../../../bridges/irc/convert/irc-format.ts';
import { byteLength, splitIrcLine, splitIrcText, textByteBudget } from '../../../../../bridges/irc/convert/split.ts';
import { spans, text } from './arbitraries.ts';

test('textByteBudget: 510 minus the relayed prefix', () => {
  // ":alice!~alice@host.example PRIVMSG #chan :" is 42 bytes.
  assert.equal(textByteBudget({ nick: 'alice', user: '~alice', host: 'host.example', target: '#chan' }), 510 - 42);
  assert.equal(textByteBudget({ nick: 'alice', user: '~alice', host: 'host.example', target: '#chan', action: true }), 510 - 42 - 9);
  assert.equal(textByteBudget({ nick: 'a', target: '#c', command: 'NOTICE' }), 510 - (1 + 1 + 1 + 10 + 1 + 63 + 1 + 6 + 1 + 2 + 2));
});

test('splitIrcLine: short lines are untouched, long ones cut after a space', () => {
  assert.deepEqual(splitIrcLine('hello', 100), ['hello']);
  assert.deepEqual(splitIrcLine('', 100), []);
  const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
  const lines = splitIrcLine(words, 64);
  assert.ok(lines.length > 1);
  for (const l of lines.slice(0, -1)) assert.ok(l.endsWith(' '), JSON.stringify(l));
  assert.equal(lines.join(''), words);
});

test('splitIrcLine: never cuts a code point or emoji; a word longer than the line is cut between graphemes', () => {
  const emoji = '👍🏽'.repeat(40);
  const lines = splitIrcLine(emoji, 64);
  for (const l of lines) {
    assert.ok(byteLength(l) <= 64);
    assert.match(l, /^(👍🏽)+$/u);
  }
  assert.equal(lines.join(''), emoji);
});

test('splitIrcLine: formatting is re-opened on the continuation line', () => {
  const line = `\x02\x0304${'x'.repeat(100)}`;
  const [a, b] = splitIrcLine(line, 64);
  assert.ok(a && b);
  assert.ok(parseIrc(b).every((s) => s.style.bold && s.style.fg === '#ff0000'));
});

test('splitIrcLine rejects a budget too small for formatting codes', () => {
  assert.throws(() => splitIrcLine('x'.repeat(100), 10), RangeError);
});

test('splitIrcText: each Matrix line becomes IRC lines, blank lines dropped, CR never sent', () => {
  assert.deepEqual(splitIrcText('one\r\ntwo\n\nthree\rfour', 100), ['one', 'two', 'three', 'four']);
});

test('property: split lines never exceed the budget and lose no text or formatting', () => {
  fc.assert(fc.property(fc.array(spans(true), { minLength: 1, maxLength: 12 }), fc.integer({ min: 64, max: 300 }), (parts, budget) => {
    const line = renderIrc(normalizeSpans(parts.flat()));
    const lines = splitIrcLine(line, budget);
    for (const l of lines) assert.ok(byteLength(l) <= budget, `${byteLength(l)} > ${budget}`);
    assert.deepEqual(normalizeSpans(lines.flatMap(parseIrc)), parseIrc(line));
  }), { numRuns: 300 });
});

test('property: plain multi-line text keeps every non-newline character in order', () => {
  fc.assert(fc.property(fc.array(text, { maxLength: 30 }), fc.integer({ min: 64, max: 200 }), (ls, budget) => {
    const lines = splitIrcText(ls.join('\n'), budget);
    assert.equal(lines.join(''), ls.join(''));
    for (const l of lines) assert.ok(byteLength(l) <= budget);
  }), { numRuns: 300 });
});
