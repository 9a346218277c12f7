// Identifier grammar and branded identifier types. Spec: appendices "Identifier Grammar"
// (common namespaced identifiers, server names, user ids incl. historical ones, room ids with
// and without a domain, room aliases, event ids).
// Parsers return null on bad input; callers at the edge turn that into the right MatrixError.

import { isIPv6 } from 'node:net';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;
export type EventId = Brand<string, 'EventId'>;
export type RoomAlias = Brand<string, 'RoomAlias'>;
export type ServerName = Brand<string, 'ServerName'>;

/** Spec: appendices "Common Identifier Format" — user ids, room ids, aliases, event ids: at most 255 bytes. */
export const MAX_ID_BYTES = 255;
/** Spec: "Server Name" — dns-name = 1*255dns-char. */
const MAX_DNS_NAME_CHARS = 255;
/** Spec: "Common Namespaced Identifier Grammar" — 1 to 255 characters. */
const MAX_NAMESPACED_ID_CHARS = 255;

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

const DNS_NAME = /^[A-Za-z0-9.-]+$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** Spec grammar: IPv6address = 2*45IPv6char (0-9 A-F a-f : .). */
const IPV6_CHARS = /^[0-9A-Fa-f:.]{2,45}$/;
const PORT = /^[0-9]{1,5}$/;

/**
 * Spec: "Server Name": hostname [ ":" port ], hostname = IPv4address / "[" IPv6address "]" /
 * dns-name. IPv4 octets must be 0–255 and IPv6 literals must be RFC 3513 text (the spec's
 * prose, checked with node:net); ports are 1–5 digits and at most 65535.
 */
export function parseServerName(s: unknown): ServerName | null {
  if (typeof s !== 'string' || s.length === 0) return null;
  let host: string;
  let port: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return null;
    host = s.slice(0, end + 1);
    const rest = s.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return null;
      port = rest.slice(1);
    }
    const addr = host.slice(1, -1);
    if (!IPV6_CHARS.test(addr) || !isIPv6(addr)) return null;
  } else {
    const colon = s.lastIndexOf(':');
    host = colon < 0 ? s : s.slice(0, colon);
    if (colon >= 0) port = s.slice(colon + 1);
    const v4 = IPV4.exec(host);
    if (v4) {
      if (v4.slice(1).some((o) => Number(o) > 255)) return null;
    } else if (host.length === 0 || host.length > MAX_DNS_NAME_CHARS || !DNS_NAME.test(host)) return null;
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) return null;
  return s as ServerName;
}

/** Localparts this server creates: a-z 0-9 . _ = - / + (spec: "User Identifiers"). */
export const LOCALPART_RE = /^[a-z0-9._=\-/+]+$/;
/** Spec: "Historical User IDs" — user ids whose localpart is non-empty and within U+0021–U+007E are compliant. */
const COMPLIANT_HISTORICAL_LOCALPART_RE = /^[\x21-\x7e]+$/;

export function isValidLocalpart(localpart: string): boolean {
  return typeof localpart === 'string' && LOCALPART_RE.test(localpart);
}

/** A localpart of a received id: any non-surrogate code points except `:` and NUL (empty allowed). */
const isOpaqueLocalpart = (local: string): boolean => local.isWellFormed() && !/[\0:]/.test(local);

function splitSigil(s: unknown, sigil: string): { local: string; server: ServerName } | null {
  if (typeof s !== 'string' || !s.startsWith(sigil) || byteLength(s) > MAX_ID_BYTES) return null;
  const colon = s.indexOf(':');
  if (colon < 0) return null;
  const server = parseServerName(s.slice(colon + 1));
  return server ? { local: s.slice(1, colon), server } : null;
}

/**
 * Parses a user id as received from anywhere: historical localparts are accepted (spec:
 * "clients and servers MUST accept user IDs with localparts consisting of any legal
 * non-surrogate Unicode code points except for `:` and NUL ... and the empty string").
 * Use isValidUserIdForNewUser when creating users, isCompliantUserId before exposing ids outside events.
 */
export function parseUserId(s: unknown): UserId | null {
  const p = splitSigil(s, '@');
  return p && isOpaqueLocalpart(p.local) ? (s as UserId) : null;
}

/** Spec: "Historical User IDs" — localpart non-empty and within U+0021–U+007E. */
export function isCompliantUserId(s: unknown): s is UserId {
  const p = splitSigil(s, '@');
  return p !== null && COMPLIANT_HISTORICAL_LOCALPART_RE.test(p.local);
}

/** The current grammar (`user_id_localpart = 1*user_id_char`), for ids this server allocates. */
export function isValidUserIdForNewUser(s: unknown): s is UserId {
  const p = splitSigil(s, '@');
  return p !== null && LOCALPART_RE.test(p.local);
}

/** Spec: "Room Aliases" — localpart any non-surrogate code points except `:` and NUL. */
export function parseRoomAlias(s: unknown): RoomAlias | null {
  const p = splitSigil(s, '#');
  return p && p.local.length > 0 && isOpaqueLocalpart(p.local) ? (s as RoomAlias) : null;
}

/** v12+ room ids: `!` + URL-safe unpadded base64 of a SHA-256 reference hash (43 characters). */
const HASH_ROOM_ID = /^![A-Za-z0-9_-]{43}$/;

/**
 * Spec: "Room IDs": `!opaque_id:domain` (up to v11) or, from v12, the create event's event id
 * with `!` as sigil (no domain).
 */
export function parseRoomId(s: unknown): RoomId | null {
  if (typeof s !== 'string' || !s.startsWith('!') || byteLength(s) > MAX_ID_BYTES) return null;
  const colon = s.indexOf(':');
  if (colon < 0) return HASH_ROOM_ID.test(s) ? (s as RoomId) : null;
  return isOpaqueLocalpart(s.slice(1, colon)) && parseServerName(s.slice(colon + 1)) ? (s as RoomId) : null;
}

/**
 * Spec: "Event IDs": `$opaque_id`, at most 255 bytes. Its precise form depends on the room
 * version; isEventIdOfFormat checks that.
 */
export function parseEventId(s: unknown): EventId | null {
  if (typeof s !== 'string' || !s.startsWith('$') || s.length < 2 || byteLength(s) > MAX_ID_BYTES) return null;
  return s.includes('\0') || !s.isWellFormed() ? null : (s as EventId);
}

/** v1/v2: `$opaque:domain`; v3: `$` + base64 of a SHA-256; v4+: `$` + URL-safe base64 of it. */
export function isEventIdOfFormat(s: unknown, format: 'v1' | 'v3' | 'v4'): s is EventId {
  if (parseEventId(s) === null) return false;
  const id = s as string;
  switch (format) {
    case 'v1': {
      const colon = id.indexOf(':');
      return colon > 1 && parseServerName(id.slice(colon + 1)) !== null;
    }
    case 'v3':
      return /^\$[A-Za-z0-9+/]{43}$/.test(id);
    case 'v4':
      return /^\$[A-Za-z0-9_-]{43}$/.test(id);
  }
}

/** Spec: "Common Namespaced Identifier Grammar": [a-z][a-z0-9._-]*, 1–255 characters. */
export function isNamespacedIdentifier(s: unknown): s is string {
  return typeof s === 'string' && s.length <= MAX_NAMESPACED_ID_CHARS && /^[a-z][a-z0-9._-]*$/.test(s);
}

export const localpartOf = (id: UserId | RoomAlias): string => id.slice(1, id.indexOf(':'));
/** The domain of an id: after the first `:` (localparts cannot contain one); null for domain-less ids. */
export const serverOf = (id: UserId | RoomAlias | RoomId | EventId): ServerName | null => {
  const colon = id.indexOf(':');
  return colon < 0 ? null : (id.slice(colon + 1) as ServerName);
};
export const userIdOf = (localpart: string, server: ServerName | string): UserId => `@${localpart}:${server}` as UserId;
