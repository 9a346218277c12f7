// IRC inline formatting (https://modern.ircdocs.horse/formatting) as a list of styled spans.
// Spans are the pivot between IRC control codes and Matrix HTML: both directions parse into and
// render from spans, so a round trip through either side keeps the formatting. Colours are kept
// as "#rrggbb" so mIRC indices (^C) and hex colours (^D) meet Matrix's data-mx-color on one form.

export const CODE = {
  BOLD: '\x02',
  COLOR: '\x03',
  HEX_COLOR: '\x04',
  RESET: '\x0f',
  MONOSPACE: '\x11',
  REVERSE: '\x16',
  ITALIC: '\x1d',
  STRIKE: '\x1e',
  UNDERLINE: '\x1f',
} as const;

export interface Style {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
  monospace: boolean;
  reverse: boolean;
  fg?: string;
  bg?: string;
}

export interface Span {
  text: string;
  style: Style;
}

export const PLAIN: Style = Object.freeze({
  bold: false, italic: false, underline: false, strike: false, monospace: false, reverse: false,
});

const TOGGLES = [
  ['bold', CODE.BOLD],
  ['italic', CODE.ITALIC],
  ['underline', CODE.UNDERLINE],
  ['strike', CODE.STRIKE],
  ['monospace', CODE.MONOSPACE],
  ['reverse', CODE.REVERSE],
] as const;

// mIRC colours 0–98 (https://modern.ircdocs.horse/formatting#colors); 99 means "default".
export const IRC_COLOURS: readonly string[] = [
  'ffffff', '000000', '00007f', '009300', 'ff0000', '7f0000', '9c009c', 'fc7f00',
  'ffff00', '00fc00', '009393', '00ffff', '0000fc', 'ff00ff', '7f7f7f', 'd2d2d2',
  '470000', '472100', '474700', '324700', '004700', '00472c', '004747', '002747', '000047', '2e0047', '470047', '47002a',
  '740000', '743a00', '747400', '517400', '007400', '007449', '007474', '004074', '000074', '4b0074', '740074', '740045',
  'b50000', 'b56300', 'b5b500', '7db500', '00b500', '00b571', '00b5b5', '0063b5', '0000b5', '7500b5', 'b500b5', 'b5006b',
  'ff0000', 'ff8c00', 'ffff00', 'b2ff00', '00ff00', '00ffa0', '00ffff', '008cff', '0000ff', 'a500ff', 'ff00ff', 'ff0098',
  'ff5959', 'ffb459', 'ffff71', 'cfff60', '6fff6f', '65ffc9', '6dffff', '59b4ff', '5959ff', 'c459ff', 'ff66ff', 'ff59bc',
  'ff9c9c', 'ffd39c', 'ffff9c', 'e2ff9c', '9cff9c', '9cffdb', '9cffff', '9cd3ff', '9c9cff', 'dc9cff', 'ff9cff', 'ff94d3',
  '000000', '131313', '282828', '363636', '4d4d4d', '656565', '818181', '9f9f9f', 'bcbcbc', 'e2e2e2', 'ffffff',
].map((h) => `#${h}`);

export function sameStyle(a: Style, b: Style): boolean {
  return TOGGLES.every(([k]) => a[k] === b[k]) && a.fg === b.fg && a.bg === b.bg;
}

/** Merges neighbours with equal style and drops empty spans, so equal texts compare equal. */
export function normalizeSpans(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    if (s.text === '') continue;
    const last = out.at(-1);
    if (last && sameStyle(last.style, s.style)) last.text += s.text;
    else out.push({ text: s.text, style: { ...s.style } });
  }
  return out;
}

export function plainText(spans: readonly Span[]): string {
  return spans.map((s) => s.text).join('');
}

function colourIndex(digits: string): string | undefined {
  const n = Number(digits);
  return n < IRC_COLOURS.length ? IRC_COLOURS[n] : undefined;
}

/** Parses one IRC line into spans; unknown C0 controls are dropped. */
export function parseIrc(line: string): Span[] {
  const spans: Span[] = [];
  let style: Style = { ...PLAIN };
  let text = '';
  const flush = () => {
    if (text) spans.push({ text, style: { ...style } });
    text = '';
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    const toggle = TOGGLES.find(([, code]) => code === ch);
    if (toggle) {
      flush();
      style = { ...style, [toggle[0]]: !style[toggle[0]] };
    } else if (ch === CODE.RESET) {
      flush();
      style = { ...PLAIN };
    } else if (ch === CODE.COLOR || ch === CODE.HEX_COLOR) {
      flush();
      const re = ch === CODE.COLOR ? /^(\d{1,2})(?:,(\d{1,2}))?/ : /^([0-9a-fA-F]{6})(?:,([0-9a-fA-F]{6}))?/;
      const m = re.exec(line.slice(i + 1));
      const next = { ...style };
      if (!m) {
        delete next.fg;
        delete next.bg;
      } else {
        const toHex = (v: string) => (ch === CODE.COLOR ? colourIndex(v) : `#${v.toLowerCase()}`);
        const fg = toHex(m[1]!);
        if (fg) next.fg = fg; else delete next.fg;
        if (m[2] !== undefined) {
          const bg = toHex(m[2]);
          if (bg) next.bg = bg; else delete next.bg;
        }
        i += m[0].length;
      }
      style = next;
    } else if (ch < ' ' || ch === '\x7f') {
      // Other controls (CTCP \x01 is handled by the caller, CR/LF never reach here) carry no text.
    } else {
      text += ch;
    }
  }
  flush();
  return normalizeSpans(spans);
}

function colourCode(fg: string | undefined, bg: string | undefined): string {
  const idx = (hex: string | undefined) => (hex === undefined ? -1 : IRC_COLOURS.indexOf(hex));
  const fi = fg === undefined ? 99 : idx(fg);
  const bi = bg === undefined ? -2 : idx(bg);
  if (fi >= 0 && bi !== -1) {
    const two = (n: number) => String(n).padStart(2, '0');
    return CODE.COLOR + two(fi) + (bi >= 0 ? `,${two(bi)}` : '');
  }
  // A colour outside the mIRC table: the hex form, which has no "default" so both are given.
  const hex = (h: string | undefined, dflt: string) => (h ?? dflt).slice(1);
  return CODE.HEX_COLOR + hex(fg, '#000000') + (bg === undefined ? '' : `,${hex(bg, '#ffffff')}`);
}

/** Codes that switch from PLAIN to `style` (used to re-open formatting on a continuation line). */
export function styleCodes(style: Style): string {
  return renderIrc([{ text: '', style }]);
}

/** Renders spans as one IRC line with the fewest toggles; digits after a colour code are guarded. */
export function renderIrc(spans: readonly Span[]): string {
  let out = '';
  let cur: Style = { ...PLAIN };
  for (const span of spans) {
    const s = span.style;
    for (const [k, code] of TOGGLES) if (cur[k] !== s[k]) out += code;
    let colourJustSet = false;
    if (cur.fg !== s.fg || cur.bg !== s.bg) {
      if (s.fg === undefined && s.bg === undefined) out += CODE.COLOR;
      else if (s.bg === undefined && cur.bg !== undefined) out += CODE.COLOR + colourCode(s.fg, undefined);
      else out += colourCode(s.fg, s.bg);
      colourJustSet = true;
    }
    // "^C04" followed by ",5" or "^C" followed by "3" would be read as part of the colour code.
    if (colourJustSet && /^[0-9a-fA-F,]/.test(span.text)) out += CODE.BOLD + CODE.BOLD;
    out += span.text;
    cur = s;
  }
  return out;
}

export function stripIrcFormatting(line: string): string {
  return plainText(parseIrc(line));
}
