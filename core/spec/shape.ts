// Parsers for request bodies, query strings and path parameters. Every endpoint definition names
// its shapes; the HTTP layer runs them before a handler sees anything, so handlers work on typed
// values only. Failures are MatrixErrors: a missing field is M_MISSING_PARAM, a wrong type in a
// JSON body M_BAD_JSON, a bad query or path value M_INVALID_PARAM (client-server-api
// "Standard error response").
import { MatrixError } from './errors.ts';

export type Where = 'body' | 'query' | 'path';
export type Shape<T> = (value: unknown, at: string, where: Where) => T;
export type Infer<S> = S extends Shape<infer T> ? T : never;

const isMissing = (v: unknown) => v === undefined;

function wrong(at: string, where: Where, expected: string): MatrixError {
  const code = where === 'body' ? 'M_BAD_JSON' : 'M_INVALID_PARAM';
  return new MatrixError(code, `${at || 'body'} must be ${expected}`);
}

function missing(at: string): MatrixError {
  return new MatrixError('M_MISSING_PARAM', `Missing parameter: ${at}`);
}

export interface StringOpts {
  maxLength?: number;
  minLength?: number;
  pattern?: RegExp;
  oneOf?: readonly string[];
}

export const str =
  (opts: StringOpts = {}): Shape<string> =>
  (v, at, where) => {
    if (isMissing(v)) throw missing(at);
    if (typeof v !== 'string') throw wrong(at, where, 'a string');
    if (opts.maxLength !== undefined && v.length > opts.maxLength)
      throw wrong(at, where, `at most ${opts.maxLength} characters`);
    if (opts.minLength !== undefined && v.length < opts.minLength)
      throw wrong(at, where, `at least ${opts.minLength} characters`);
    if (opts.pattern && !opts.pattern.test(v)) throw wrong(at, where, `a string matching ${opts.pattern}`);
    if (opts.oneOf && !opts.oneOf.includes(v)) throw wrong(at, where, `one of ${opts.oneOf.join(', ')}`);
    return v;
  };

export const literal =
  <T extends string>(...values: T[]): Shape<T> =>
  (v, at, where) => {
    if (isMissing(v)) throw missing(at);
    if (typeof v !== 'string' || !values.includes(v as T)) throw wrong(at, where, `one of ${values.join(', ')}`);
    return v as T;
  };

/** Integers; in query strings and paths the decimal text is accepted. */
export const int =
  (opts: { min?: number; max?: number } = {}): Shape<number> =>
  (v, at, where) => {
    if (isMissing(v)) throw missing(at);
    const n = where !== 'body' && typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw wrong(at, where, 'an integer');
    if (opts.min !== undefined && n < opts.min) throw wrong(at, where, `an integer >= ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw wrong(at, where, `an integer <= ${opts.max}`);
    return n;
  };

/** Booleans; in query strings "true"/"false" are accepted. */
export const bool = (): Shape<boolean> => (v, at, where) => {
  if (isMissing(v)) throw missing(at);
  if (typeof v === 'boolean') return v;
  if (where !== 'body' && (v === 'true' || v === 'false')) return v === 'true';
  throw wrong(at, where, 'a boolean');
};

export const optional =
  <T>(shape: Shape<T>): Shape<T | undefined> =>
  (v, at, where) =>
    v === undefined || (where === 'body' && v === null) ? undefined : shape(v, at, where);

export const withDefault =
  <T>(shape: Shape<T>, fallback: T): Shape<T> =>
  (v, at, where) =>
    v === undefined ? fallback : shape(v, at, where);

export const array =
  <T>(item: Shape<T>, opts: { maxItems?: number } = {}): Shape<T[]> =>
  (v, at, where) => {
    if (isMissing(v)) throw missing(at);
    if (!Array.isArray(v)) throw wrong(at, where, 'an array');
    if (opts.maxItems !== undefined && v.length > opts.maxItems)
      throw wrong(at, where, `an array of at most ${opts.maxItems} items`);
    return v.map((x, i) => item(x, `${at}[${i}]`, where));
  };

/** Any JSON object, kept as is (event content, account data). */
export const jsonObject = (): Shape<Record<string, unknown>> => (v, at, where) => {
  if (isMissing(v)) throw missing(at);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw wrong(at, where, 'an object');
  return v as Record<string, unknown>;
};

/** A map with string keys whose values all have one shape. */
export const record =
  <T>(value: Shape<T>): Shape<Record<string, T>> =>
  (v, at, where) => {
    const o = jsonObject()(v, at, where);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(o)) out[k] = value(x, at ? `${at}.${k}` : k, where);
    return out;
  };

type Fields = Record<string, Shape<unknown>>;
type ObjectOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** An object with known fields; unknown fields are ignored, as the spec asks of servers. */
export const object =
  <F extends Fields>(fields: F): Shape<ObjectOf<F>> =>
  (v, at, where) => {
    const o = jsonObject()(v, at, where);
    const out: Record<string, unknown> = {};
    for (const [k, shape] of Object.entries(fields)) {
      const parsed = shape(o[k], at ? `${at}.${k}` : k, where);
      if (parsed !== undefined) out[k] = parsed;
    }
    return out as ObjectOf<F>;
  };

/** Runs a shape at the top of a body, query or path value. */
export const parseWith = <T>(shape: Shape<T>, value: unknown, where: Where): T => shape(value, '', where);
