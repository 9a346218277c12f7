// The Matrix string formats the spec's OpenAPI documents use in `format` (listed in the spec's
// data/string-formats.yaml), checked against the grammar of spec appendices "Identifier Grammar"
// and client-server-api "Matrix Content (mxc://) URIs". Written here from the spec rather than
// borrowed from core/spec/ids.ts so the validator cannot share a bug with the server it checks.

/** Spec: appendices "Common identifier format" — an identifier is at most 255 bytes. */
const MAX_ID_BYTES = 255;
/** Port: 1*5DIGIT (appendices "Server Name"). */
const MAX_PORT = 65535;
/** A v3+ event id and a v12 room id are `sigil + unpadded base64(sha256)`: 32 bytes → 43 chars. */
const SHA256_UNPADDED_BASE64_LENGTH = 43;

const DNS_NAME = /^[A-Za-z0-9.-]{1,255}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
/** Historical user localparts: %x21-39 / %x3B-7E (appendices "Historical User IDs"). */
const USER_LOCALPART = /^[\x21-\x39\x3B-\x7E]+$/;
const HASH_ID = new RegExp(`^[A-Za-z0-9+/_-]{${SHA256_UNPADDED_BASE64_LENGTH}}$`);
const URLSAFE_HASH_ID = new RegExp(`^[A-Za-z0-9_-]{${SHA256_UNPADDED_BASE64_LENGTH}}$`);
/** Spec: media-id "MUST consist of only alphanumeric (A-Za-z0-9), _ and - characters". */
const MEDIA_ID = /^[A-Za-z0-9_-]+$/;

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** server_name = hostname [ ":" port ]; hostname = IPv4address / "[" IPv6address "]" / dns-name. */
export function isServerName(s: string): boolean {
  if (s.length === 0 || byteLength(s) > MAX_ID_BYTES) return false;
  let host = s;
  let port: string | null = null;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return false;
    host = s.slice(0, end + 1);
    const rest = s.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return false;
      port = rest.slice(1);
    }
    if (!IPV6_LITERAL.test(host)) return false;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0) {
      host = s.slice(0, colon);
      port = s.slice(colon + 1);
    }
    const v4 = IPV4.exec(host);
    if (v4) {
      if (v4.slice(1).some((octet) => Number(octet) > 255)) return false;
    } else if (!DNS_NAME.test(host)) {
      return false;
    }
  }
  return port === null || (/^\d{1,5}$/.test(port) && Number(port) <= MAX_PORT);
}

/** `sigil localpart ":" server_name`, split at the first colon (localparts here cannot hold one). */
function sigilled(s: string, sigil: string, localpartOk: (local: string) => boolean): boolean {
  if (!s.startsWith(sigil) || byteLength(s) > MAX_ID_BYTES) return false;
  const colon = s.indexOf(':');
  if (colon < 0) return false;
  return localpartOk(s.slice(1, colon)) && isServerName(s.slice(colon + 1));
}

export const isUserId = (s: string): boolean => sigilled(s, '@', (l) => USER_LOCALPART.test(l));

/** Room alias localparts: any non-surrogate code points except `:` and NUL. */
export const isRoomAlias = (s: string): boolean =>
  sigilled(s, '#', (l) => l.length > 0 && !l.includes('\0') && l.isWellFormed());

/** `!opaque:domain` (room versions 1-11) or `!` + url-safe hash (v12+, no domain). */
export function isRoomId(s: string): boolean {
  if (!s.startsWith('!') || byteLength(s) > MAX_ID_BYTES) return false;
  if (!s.includes(':')) return URLSAFE_HASH_ID.test(s.slice(1));
  return sigilled(s, '!', (l) => l.length > 0);
}

/** `$opaque:domain` (room versions 1-2) or `$` + base64 hash (v3: standard, v4+: url-safe alphabet). */
export function isEventId(s: string): boolean {
  if (!s.startsWith('$') || byteLength(s) > MAX_ID_BYTES) return false;
  if (!s.includes(':')) return HASH_ID.test(s.slice(1));
  return sigilled(s, '$', (l) => l.length > 0);
}

/** mxc://<server-name>/<media-id> */
export function isMxcUri(s: string): boolean {
  if (!s.startsWith('mxc://')) return false;
  const rest = s.slice('mxc://'.length);
  const slash = rest.indexOf('/');
  return slash > 0 && isServerName(rest.slice(0, slash)) && MEDIA_ID.test(rest.slice(slash + 1));
}

/** Unpadded base64 (appendices "Unpadded Base64"): no `=`, and no length that leaves 6 stray bits. */
export const isUnpaddedBase64 = (s: string): boolean => /^[A-Za-z0-9+/]*$/.test(s) && s.length % 4 !== 1;
export const isUrlSafeUnpaddedBase64 = (s: string): boolean => /^[A-Za-z0-9_-]*$/.test(s) && s.length % 4 !== 1;

/** The Matrix-specific formats by the names the OpenAPI documents use. */
export const MATRIX_FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  'mx-user-id': isUserId,
  'mx-room-id': isRoomId,
  'mx-event-id': isEventId,
  'mx-room-alias': isRoomAlias,
  'mx-server-name': isServerName,
  'mx-mxc-uri': isMxcUri,
  'mx-unpadded-base64': isUnpaddedBase64,
  'mx-urlsafe-unpadded-base64': isUrlSafeUnpaddedBase64,
};
