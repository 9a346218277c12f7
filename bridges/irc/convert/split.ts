/* eslint-disable no-control-regex -- IRC formatting and framing are control characters. */
// Splitting text into IRC lines. An IRC message is at most 512 bytes including CR LF (RFC 1459
// §2.3; message tags do not count, https://ircv3.net/specs/extensions/message-tags), and the
// server relays ours to others with ":nick!user@host PRIVMSG #chan :" in front, so the text
// budget is what remains after that prefix. Splitting never cuts a code point or grapheme,
// never cuts a formatting code, prefers to cut after whitespace, keeps every character (the
// space stays at the end of the earlier line) and re-opens the active formatting on the next line.
import { PLAIN, parseIrc, styleCodes, type Style } from './irc-format.ts';

export const IRC_MESSAGE_BYTES = 512;
const CRLF_BYTES = 2;
/** Used when the real user/host of our connection is not known yet (hosts are at most 63 bytes). */
export const DEFAULT_USER_BYTES = 10;
export const DEFAULT_HOST_BYTES = 63;
/** CTCP ACTION wraps the text in "\x01ACTION " … "\x01". */
export const ACTION_OVERHEAD_BYTES = 9;
/** Below this a line could not hold the formatting codes that re-open a style. */
export const MIN_BUDGET_BYTES = 64;

const enc = new TextEncoder();
export const byteLength = (s: string): number => enc.encode(s).length;

export interface BudgetInput {
  nick: string;
  target: string;
  command?: 'PRIVMSG' | 'NOTICE';
  user?: string;
  host?: string;
  action?: boolean;
}

export function textByteBudget(b: BudgetInput): number {
  const user = b.user ? byteLength(b.user) : DEFAULT_USER_BYTES;
  const host = b.host ? byteLength(b.host) : DEFAULT_HOST_BYTES;
  // ":" nick "!" user "@" host " " command " " target " :"
  const prefix = 1 + byteLength(b.nick) + 1 + user + 1 + host + 1 + (b.command ?? 'PRIVMSG').length + 1 + byteLength(b.target) + 2;
  return IRC_MESSAGE_BYTES - CRLF_BYTES - prefix - (b.action ? ACTION_OVERHEAD_BYTES : 0);
}

const CONTROL = /\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-fA-F]{6}(?:,[0-9a-fA-F]{6})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/y;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// A grapheme longer than this (stacked combining marks) is split between code points instead.
const MAX_ATOM_BYTES = 32;

function atoms(line: string): string[] {
  const out: string[] = [];
  let text = '';
  const flushText = () => {
    for (const { segment } of graphemes.segment(text)) {
      if (byteLength(segment) <= MAX_ATOM_BYTES) out.push(segment);
      else out.push(...Array.from(segment));
    }
    text = '';
  };
  for (let i = 0; i < line.length;) {
    CONTROL.lastIndex = i;
    const m = CONTROL.exec(line);
    if (m) {
      flushText();
      out.push(m[0]);
      i += m[0].length;
    } else {
      const cp = String.fromCodePoint(line.codePointAt(i)!);
      text += cp;
      i += cp.length;
    }
  }
  flushText();
  return out;
}

function styleAtEnd(chunk: string): Style {
  // A sentinel character makes the parser report the style in force after the last code.
  return parseIrc(`${chunk}x`).at(-1)?.style ?? PLAIN;
}

/** Splits one line (no CR/LF) into lines of at most `maxBytes` UTF-8 bytes. */
export function splitIrcLine(line: string, maxBytes: number): string[] {
  if (maxBytes < MIN_BUDGET_BYTES) throw new RangeError(`IRC line budget ${maxBytes} is below ${MIN_BUDGET_BYTES} bytes`);
  if (byteLength(line) <= maxBytes) return line ? [line] : [];
  const parts = atoms(line);
  const sizes = parts.map(byteLength);
  const out: string[] = [];
  let style: Style = PLAIN;
  for (let i = 0; i < parts.length;) {
    let prefix = styleCodes(style);
    if (/[\x03\x04]/.test(prefix) && /^[0-9a-fA-F,]/.test(parts[i]!)) prefix += '\x02\x02';
    let bytes = byteLength(prefix);
    let j = i;
    let lastBreak = -1;
    while (j < parts.length && bytes + sizes[j]! <= maxBytes) {
      bytes += sizes[j]!;
      j++;
      if (/^\s$/u.test(parts[j - 1]!)) lastBreak = j;
    }
    if (j < parts.length && lastBreak > i) j = lastBreak;
    const chunk = prefix + parts.slice(i, j).join('');
    // A chunk of only formatting codes carries nothing; its style flows into the next line.
    if (parseIrc(chunk).length > 0) out.push(chunk);
    style = styleAtEnd(chunk);
    i = j;
  }
  return out;
}

/** Splits a multi-line text (Matrix body) into IRC lines; blank lines are dropped (IRC cannot send them). */
export function splitIrcText(text: string, maxBytes: number): string[] {
  return text.split(/\r\n|\r|\n/).flatMap((line) => splitIrcLine(line, maxBytes));
}
