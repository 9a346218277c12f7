// Canonical JSON. Spec: appendices "Canonical JSON" (the grammar: keys sorted by code point, no
// insignificant whitespace, UTF-8, only the listed escapes, integers only) and room versions'
// "Canonical JSON" fragments: v6+ MUST enforce the integer range, v1–v5 MUST NOT.
//
// A hand-written encoder: it is on the hot path of every hash and signature, and it is several
// times faster than JSON.stringify over a sorted deep copy. Errors are MatrixError(M_BAD_JSON).

import { MatrixError } from '../spec/errors.ts';
import type { JsonValue } from './pdu.ts';

/** Spec: appendices "Canonical JSON" — numbers must be integers in [-(2**53)+1, (2**53)-1]. */
export const CANONICAL_INT_MAX = Number.MAX_SAFE_INTEGER;
export const CANONICAL_INT_MIN = Number.MIN_SAFE_INTEGER;
/** Not a spec limit: bounds recursion so hostile nesting is a typed error, not a stack overflow. */
export const MAX_JSON_DEPTH = 512;

export interface CanonicalJsonOptions {
  /**
   * Enforce the appendix's number rules: reject floats and integers outside the safe range.
   * Defaults to true; pass `version.strictCanonicalJson` for events of room versions 1–5.
   */
  readonly strict?: boolean;
  /** Top-level keys to leave out (e.g. `signatures`, `unsigned`) without copying the object. */
  readonly omit?: readonly string[];
}

const bad = (msg: string): MatrixError => new MatrixError('M_BAD_JSON', `canonical JSON: ${msg}`);

const SURROGATE = /[\ud800-\udfff]/;

/** Set by encodeString when it meets a surrogate pair, so object encoding can re-sort. */
let sawSurrogate = false;

// True if the string needs the slow path: a character that must be escaped, or a surrogate
// (lone ones cannot be encoded as UTF-8 at all; paired ones change how keys sort). A plain loop
// beats a regex test on the short strings events are made of.
function needsSlowPath(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

function encodeString(s: string): string {
  if (!needsSlowPath(s)) return '"' + s + '"';
  if (SURROGATE.test(s)) {
    if (!s.isWellFormed()) throw bad('string contains a lone surrogate');
    sawSurrogate = true;
  }
  // JSON.stringify writes exactly the grammar's escapes: \b \t \n \f \r \" \\ and \u00XX in
  // lower-case hex for the other controls; everything else (now well-formed) goes out raw.
  return JSON.stringify(s);
}

function encodeNumber(n: number, strict: boolean): string {
  if (Number.isSafeInteger(n)) return n === 0 ? '0' : '' + n; // '' + -0 is '0' anyway
  if (!Number.isFinite(n)) throw bad('NaN and Infinity are not JSON');
  if (strict) throw bad(Number.isInteger(n) ? `integer ${n} is outside the canonical range` : `float ${n} is not allowed`);
  // Room versions 1–5 may carry such numbers: write integers without exponent, floats as JS does.
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

// Sort by code point. Default sort compares UTF-16 units, which differs only for astral
// characters against U+E000–U+FFFF, so it is used unless a key has a surrogate pair.
const byCodePoint = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
};

/** Above this many keys the built-in sort wins; below it, insertion sort is several times faster. */
const INSERTION_SORT_MAX = 16;

/** Sorts keys by UTF-16 code unit, like the default Array#sort (events' objects are small). */
function sortKeys(keys: string[]): void {
  if (keys.length > INSERTION_SORT_MAX) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
}

function encodeObject(o: Record<string, unknown>, strict: boolean, depth: number, omit?: readonly string[]): string {
  const keys = Object.keys(o);
  sortKeys(keys);
  sawSurrogate = false;
  let out = encodeMembers(o, keys, strict, depth, omit);
  if (sawSurrogate && keys.some((k) => SURROGATE.test(k))) {
    keys.sort(byCodePoint);
    out = encodeMembers(o, keys, strict, depth, omit);
  }
  return out;
}

function encodeMembers(
  o: Record<string, unknown>,
  keys: string[],
  strict: boolean,
  depth: number,
  omit?: readonly string[],
): string {
  let out = '{';
  let first = true;
  let keySurrogate = false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = o[k];
    // Like JSON.stringify, an `undefined` member is absent (optional fields built in code).
    if (v === undefined || (omit !== undefined && omit.includes(k))) continue;
    sawSurrogate = false;
    const ks = encodeString(k);
    keySurrogate ||= sawSurrogate;
    out += (first ? '' : ',') + ks + ':' + encodeValue(v, strict, depth + 1);
    first = false;
  }
  sawSurrogate = keySurrogate;
  return out + '}';
}

function encodeValue(v: unknown, strict: boolean, depth: number): string {
  switch (typeof v) {
    case 'string':
      return encodeString(v);
    case 'number':
      return encodeNumber(v, strict);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth > MAX_JSON_DEPTH) throw bad(`nested deeper than ${MAX_JSON_DEPTH}`);
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          if (item === undefined) throw bad('array holds undefined');
          out += (i === 0 ? '' : ',') + encodeValue(item, strict, depth + 1);
        }
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw bad('not a plain object');
      return encodeObject(v as Record<string, unknown>, strict, depth);
    }
    default:
      throw bad(`cannot encode a ${typeof v}`);
  }
}

/** Encodes `value` as a canonical JSON string (UTF-16 in memory; hash the UTF-8 bytes of it). */
export function encodeCanonicalJson(value: unknown, opts?: CanonicalJsonOptions): string {
  const strict = opts?.strict ?? true;
  const omit = opts?.omit;
  if (omit !== undefined && omit.length > 0) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('omit needs an object');
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw bad('not a plain object');
    return encodeObject(value as Record<string, unknown>, strict, 0, omit);
  }
  return encodeValue(value, strict, 0);
}

/**
 * The canonical JSON of each member of a plain object (`"key":value`), in canonical key order,
 * `undefined` members left out. Because the order of a subset of keys is the subset of the
 * order, `'{' + parts.filter(...).join(',') + '}'` is the canonical JSON of any sub-object: one
 * encoding of an event serves its content hash, its signed (redacted) form and its size.
 */
export function encodeMembersOf(
  value: unknown,
  opts?: { readonly strict?: boolean },
): { readonly keys: string[]; readonly parts: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not an object');
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw bad('not a plain object');
  const o = value as Record<string, unknown>;
  const strict = opts?.strict ?? true;
  const all = Object.keys(o);
  sortKeys(all);
  const keys: string[] = [];
  const parts: string[] = [];
  let keySurrogate = false;
  for (let i = 0; i < all.length; i++) {
    const k = all[i] as string;
    const v = o[k];
    if (v === undefined) continue;
    sawSurrogate = false;
    const ks = encodeString(k);
    keySurrogate ||= sawSurrogate;
    keys.push(k);
    parts.push(ks + ':' + encodeValue(v, strict, 1));
  }
  if (keySurrogate && keys.some((k) => SURROGATE.test(k))) {
    const order = keys.map((_, i) => i).sort((a, b) => byCodePoint(keys[a] as string, keys[b] as string));
    return { keys: order.map((i) => keys[i] as string), parts: order.map((i) => parts[i] as string) };
  }
  return { keys, parts };
}

export function canonicalJsonBytes(value: unknown, opts?: CanonicalJsonOptions): Buffer {
  return Buffer.from(encodeCanonicalJson(value, opts), 'utf8');
}

const INTEGER_SOURCE = /^-?(?:0|[1-9][0-9]*)$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface ReviverContext {
  source?: string;
}

/**
 * Parses a received JSON body. Invalid UTF-8 or JSON is M_NOT_JSON. With `strict` (room v6+
 * payloads), any number written as a float (`1.0`, `1e3`) or outside the canonical integer range
 * is M_BAD_JSON — checked on the source text, since JSON.parse turns `1.0` into `1`.
 * Duplicate keys are not rejected (the spec is silent; the last one wins, as in JSON.parse).
 */
export function parseJson(text: string | Uint8Array, opts?: { strict?: boolean }): JsonValue {
  let s: string;
  if (typeof text === 'string') s = text;
  else if (text instanceof Uint8Array) {
    try {
      s = utf8.decode(text);
    } catch {
      throw new MatrixError('M_NOT_JSON', 'body is not valid UTF-8');
    }
  } else throw new MatrixError('M_NOT_JSON', 'body is not text');
  try {
    if (!opts?.strict) return JSON.parse(s) as JsonValue;
    return JSON.parse(s, strictReviver as (k: string, v: unknown) => unknown) as JsonValue;
  } catch (e) {
    if (e instanceof MatrixError) throw e;
    throw new MatrixError('M_NOT_JSON', 'body is not valid JSON');
  }
}

function strictReviver(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === 'number') {
    const src = context?.source;
    if (src !== undefined && !INTEGER_SOURCE.test(src)) throw bad(`number ${src} is not an integer`);
    if (!Number.isSafeInteger(value)) throw bad(`integer ${src ?? value} is outside the canonical range`);
  }
  return value;
}
