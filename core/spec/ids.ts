// Identifier grammar and branded identifier types. Spec: appendices "Identifier Grammar"
// (server names, user identifiers incl. historical ones, room ids, room aliases, event ids).
// Parsers return null on bad input; callers at the edge turn that into the right MatrixError.

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;
export type EventId = Brand<string, 'EventId'>;
export type RoomAlias = Brand<string, 'RoomAlias'>;
export type ServerName = Brand<string, 'ServerName'>;

/** Spec: appendices "Common identifier format" — the whole id is at most 255 bytes. */
export const MAX_ID_BYTES = 255;

const DNS_NAME = /^[A-Za-z0-9.-]{1,255}$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

/** Spec: appendices "Server Name": hostname [ ":" port ], hostname = IPv4 / "[" IPv6 "]" / dns-name. */
export function parseServerName(s: string): ServerName | null {
  if (typeof s !== 'string' || s.length === 0 || s.length > MAX_ID_BYTES) return null;
  let host = s;
  const portMatch = /^(.*?)(?::(\d{1,5}))?$/.exec(s);
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return null;
    host = s.slice(0, end + 1);
    const rest = s.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    if (rest !== '' && Number(rest.slice(1)) > 65535) return null;
    return IPV6_LITERAL.test(host) ? (s as ServerName) : null;
  }
  if (!portMatch) return null;
  host = portMatch[1] ?? '';
  const port = portMatch[2];
  if (port !== undefined && Number(port) > 65535) return null;
  if (IPV4.test(host)) return host.split('.').every((o) => Number(o) <= 255) ? (s as ServerName) : null;
  return DNS_NAME.test(host) ? (s as ServerName) : null;
}

/** Localparts this server creates: a-z 0-9 . _ = - / + (spec: "User Identifiers"). */
export const LOCALPART_RE = /^[a-z0-9._=\-/+]+$/;
/** Historical localparts accepted from other servers: %x21-39 / %x3B-7E. */
const HISTORICAL_LOCALPART_RE = /^[\x21-\x39\x3B-\x7E]+$/;

export function isValidLocalpart(localpart: string): boolean {
  return localpart.length > 0 && LOCALPART_RE.test(localpart);
}

function splitSigil(s: unknown, sigil: string): { local: string; server: ServerName } | null {
  if (typeof s !== 'string' || !s.startsWith(sigil) || Buffer.byteLength(s) > MAX_ID_BYTES) return null;
  const colon = s.indexOf(':');
  if (colon < 0) return null;
  const server = parseServerName(s.slice(colon + 1));
  return server ? { local: s.slice(1, colon), server } : null;
}

/** Parses a user id; historical localparts are allowed (ids from other servers), new ones are checked with isValidLocalpart. */
export function parseUserId(s: unknown): UserId | null {
  const p = splitSigil(s, '@');
  return p && p.local.length > 0 && HISTORICAL_LOCALPART_RE.test(p.local) ? (s as UserId) : null;
}

export function parseRoomAlias(s: unknown): RoomAlias | null {
  const p = splitSigil(s, '#');
  return p && p.local.length > 0 && !/[\0:]/.test(p.local) ? (s as RoomAlias) : null;
}

/** Room ids: `!opaque:server`, or from v12 `!` + url-safe base64 of the create event's reference hash, with no server. */
export function parseRoomId(s: unknown): RoomId | null {
  if (typeof s !== 'string' || !s.startsWith('!') || Buffer.byteLength(s) > MAX_ID_BYTES || s.length < 2) return null;
  const colon = s.indexOf(':');
  if (colon < 0) return /^![A-Za-z0-9_-]{43}$/.test(s) ? (s as RoomId) : null;
  return colon > 1 && parseServerName(s.slice(colon + 1)) ? (s as RoomId) : null;
}

/** Event ids: `$opaque:server` (v1, v2) or `$` + base64 of the reference hash (v3+). */
export function parseEventId(s: unknown): EventId | null {
  if (typeof s !== 'string' || !s.startsWith('$') || s.length < 2 || Buffer.byteLength(s) > MAX_ID_BYTES) return null;
  return s.slice(1).includes('\0') ? null : (s as EventId);
}

export const localpartOf = (id: UserId | RoomAlias): string => id.slice(1, id.indexOf(':'));
export const serverOf = (id: UserId | RoomAlias | RoomId | EventId): ServerName | null => {
  const colon = id.indexOf(':');
  return colon < 0 ? null : (id.slice(colon + 1) as ServerName);
};
export const userIdOf = (localpart: string, server: ServerName | string): UserId => `@${localpart}:${server}` as UserId;
