// Unpadded base64, standard and URL-safe. Spec: appendices "Unpadded Base64" and
// "URL-safe unpadded Base64". Encoders never pad; decoders accept input with or without correct
// padding ("implementations SHOULD accept input with or without padding") but are otherwise
// strict: a wrong alphabet, an impossible length or non-zero trailing bits give null, never a
// throw — Buffer.from(s, 'base64') alone would silently skip bad characters.

import { MatrixError } from '../spec/errors.ts';

const STANDARD_RE = /^[A-Za-z0-9+/]*$/;
const URL_SAFE_RE = /^[A-Za-z0-9_-]*$/;

export function encodeBase64(bytes: Uint8Array): string {
  return stripPadding(toBuffer(bytes).toString('base64'));
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return toBuffer(bytes).toString('base64url');
}

/** Standard alphabet (`+`, `/`). Returns null for anything that is not valid base64. */
export function decodeBase64(s: unknown): Buffer | null {
  return decode(s, STANDARD_RE, 'base64');
}

/** URL-safe alphabet (`-`, `_`). Returns null for anything that is not valid base64. */
export function decodeBase64Url(s: unknown): Buffer | null {
  return decode(s, URL_SAFE_RE, 'base64url');
}

function decode(s: unknown, alphabet: RegExp, encoding: 'base64' | 'base64url'): Buffer | null {
  if (typeof s !== 'string') return null;
  let body = s;
  if (body.endsWith('=')) {
    // Padding is accepted only when it is exactly what RFC 4648 would have written.
    if (body.length % 4 !== 0) return null;
    body = body.endsWith('==') ? body.slice(0, -2) : body.slice(0, -1);
    if (body.endsWith('=')) return null;
  }
  if (body.length % 4 === 1 || !alphabet.test(body)) return null;
  // Non-zero bits in the last character's unused low bits are tolerated: the spec's own test
  // seed (appendices "Signing Key", `...W+3XA1`) has them, and Python's decoder ignores them.
  return Buffer.from(body, encoding);
}

function stripPadding(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61 /* = */) end--;
  return end === s.length ? s : s.slice(0, end);
}

function toBuffer(bytes: Uint8Array): Buffer {
  if (!(bytes instanceof Uint8Array)) throw new MatrixError('M_INVALID_PARAM', 'base64: expected bytes');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
