/* eslint-disable no-control-regex -- IRC formatting and framing are control characters. */
// IRC messages ↔ Matrix m.room.message content. PRIVMSG ↔ m.text, CTCP ACTION ("/me") ↔
// m.emote, NOTICE ↔ m.notice (Client-Server API, "m.room.message msgtypes"). formatted_body is
// only sent when the IRC text had formatting or mentions; the plain body never has codes.
import { htmlToSpans, spansToHtml } from './html.ts';
import { PLAIN, normalizeSpans, parseIrc, plainText, renderIrc, type Span } from './irc-format.ts';
import { pillify, userIdFromMatrixTo, type NickLookup } from './mentions.ts';
import { splitIrcText } from './split.ts';

export type IrcMessageKind = 'privmsg' | 'action' | 'notice';

export interface MatrixMessageContent {
  msgtype: 'm.text' | 'm.emote' | 'm.notice';
  body: string;
  format?: 'org.matrix.custom.html';
  formatted_body?: string;
  'm.mentions'?: { user_ids: string[] };
}

const MSGTYPE: Record<IrcMessageKind, MatrixMessageContent['msgtype']> = {
  privmsg: 'm.text', action: 'm.emote', notice: 'm.notice',
};

/** Unwraps CTCP ACTION; other CTCP requests are not messages (undefined). */
export function parseCtcpAction(text: string): { kind: 'privmsg' | 'action'; text: string } | undefined {
  if (!text.startsWith('\x01')) return { kind: 'privmsg', text };
  const m = /^\x01ACTION(?: (.*?))?\x01?$/s.exec(text);
  return m ? { kind: 'action', text: m[1] ?? '' } : undefined;
}

export function ircToMatrix(kind: IrcMessageKind, text: string, lookup: NickLookup = () => undefined): MatrixMessageContent {
  const spans = parseIrc(text);
  const body = plainText(spans);
  const mentioned = new Set<string>();
  const html = spansToHtml(spans, (t) => pillify(t, lookup, mentioned));
  const content: MatrixMessageContent = { msgtype: MSGTYPE[kind], body };
  const formatted = mentioned.size > 0 || spans.some((s) => s.style.bold || s.style.italic || s.style.underline
    || s.style.strike || s.style.monospace || s.style.fg !== undefined || s.style.bg !== undefined);
  if (formatted) {
    content.format = 'org.matrix.custom.html';
    content.formatted_body = html;
  }
  if (mentioned.size > 0) content['m.mentions'] = { user_ids: [...mentioned] };
  return content;
}

export interface MatrixContentIn {
  msgtype?: unknown;
  body?: unknown;
  format?: unknown;
  formatted_body?: unknown;
  'm.relates_to'?: { 'm.in_reply_to'?: unknown } | unknown;
}

/** Strips the "> <@user> quoted" reply fallback some clients still put in `body`. */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('>')) i++;
  if (i === 0) return body;
  if (lines[i] === '') i++;
  return lines.slice(i).join('\n');
}

/**
 * Matrix content → IRC lines of at most `budget` bytes each, with the kind to send them as.
 * `userIdToNick` turns pills into the nick IRC users know; unknown pills keep their text.
 */
export function matrixToIrc(
  content: MatrixContentIn,
  budget: number,
  userIdToNick: (userId: string) => string | undefined = () => undefined,
): { kind: IrcMessageKind; lines: string[] } {
  const kind: IrcMessageKind = content.msgtype === 'm.emote' ? 'action' : content.msgtype === 'm.notice' ? 'notice' : 'privmsg';
  const isReply = typeof content['m.relates_to'] === 'object' && content['m.relates_to'] !== null
    && 'm.in_reply_to' in content['m.relates_to'];
  let spans: Span[];
  if (content.format === 'org.matrix.custom.html' && typeof content.formatted_body === 'string') {
    spans = htmlToSpans(content.formatted_body, {
      link: (href, text) => {
        const userId = userIdFromMatrixTo(href);
        if (userId) return userIdToNick(userId) ?? text;
        return text === href || !href ? text : `${text} <${href}>`;
      },
    });
  } else {
    const body = typeof content.body === 'string' ? content.body : '';
    spans = [{ text: isReply ? stripReplyFallback(body) : body, style: PLAIN }];
  }
  // Control characters typed on Matrix must not act as IRC formatting or break the line.
  spans = normalizeSpans(spans.map((s) => ({ ...s, text: s.text.replace(/[\x00-\x09\x0b-\x1f\x7f]/g, '') })));
  const lines = splitSpansToLines(spans).flatMap((line) => splitIrcText(renderIrc(line), budget));
  return { kind, lines };
}

function splitSpansToLines(spans: readonly Span[]): Span[][] {
  const lines: Span[][] = [[]];
  for (const s of spans) {
    const parts = s.text.split('\n');
    parts.forEach((p, i) => {
      if (i > 0) lines.push([]);
      if (p) lines.at(-1)!.push({ text: p, style: s.style });
    });
  }
  return lines;
}
