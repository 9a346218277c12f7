// Mentions: IRC nicks in text ↔ Matrix user pills (links to https://matrix.to/#/@user:server,
// Client-Server API "User and room mentions"). Which nicks are people is the caller's knowledge,
// passed as a lookup, so these stay pure.
import { escapeHtml } from './html.ts';

// RFC 2812 §2.3.1 nick characters (letters, digits, special "[]\`_^{|}" and "-").
const NICK_TOKEN = /[A-Za-z0-9[\]\\`_^{|}-]+/g;

export type NickLookup = (nick: string) => string | undefined;

export function matrixToUrl(userId: string): string {
  return `https://matrix.to/#/${encodeURIComponent(userId).replace(/%40/g, '@').replace(/%3A/gi, ':')}`;
}

/** The user id a matrix.to link points at, or undefined for any other link. */
export function userIdFromMatrixTo(href: string): string | undefined {
  const m = /^https:\/\/matrix\.to\/#\/([^?/]+)/.exec(href);
  if (!m) return undefined;
  let id: string;
  try { id = decodeURIComponent(m[1]!); } catch { return undefined; }
  return /^@[^:]+:.+$/.test(id) ? id : undefined;
}

/** Escapes text for HTML, turning known nicks into pills; collects the mentioned user ids. */
export function pillify(text: string, lookup: NickLookup, mentioned: Set<string>): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(NICK_TOKEN)) {
    const userId = lookup(m[0]);
    if (!userId) continue;
    out += escapeHtml(text.slice(last, m.index)) + `<a href="${escapeHtml(matrixToUrl(userId))}">${escapeHtml(m[0])}</a>`;
    mentioned.add(userId);
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}
