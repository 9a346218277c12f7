// Validates server responses against the Matrix spec's own OpenAPI documents (v1.19, vendored in
// test/fixtures/matrix-spec/), so tests check what the server sends against the spec rather than
// against the test author's reading of it. Error bodies the spec does not document per endpoint
// are held to the "Standard error response" shape (client-server-api, "API Standards").
import { readFileSync } from 'node:fs';
import { AssertionError } from 'node:assert';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { MATRIX_FORMATS } from './openapi-formats.ts';

export type SpecApi = 'client-server' | 'server-server' | 'application-service';

export type ValidationResult =
  | { readonly ok: true; readonly operation: string }
  | { readonly ok: false; readonly errors: string[]; readonly operation?: string };

interface MediaType { readonly schema?: object }
interface ResponseObject { readonly content?: Readonly<Record<string, MediaType>> }
interface ServerObject { readonly url: string; readonly variables?: Readonly<Record<string, { readonly default: string }>> }
interface OperationObject {
  readonly operationId?: string;
  readonly servers?: readonly ServerObject[];
  readonly responses?: Readonly<Record<string, ResponseObject>>;
}
interface OpenApiDocument {
  readonly servers?: readonly ServerObject[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>> & { readonly servers?: readonly ServerObject[] }>>;
}

/** One documented operation, with its full path template (servers' base path + path key). */
export interface SpecOperation {
  readonly api: SpecApi;
  /** `METHOD /full/template/{param}`: how operations are named in results and logs. */
  readonly key: string;
  readonly operationId: string | undefined;
  readonly method: string;
  readonly template: string;
  /** Path segments; null where the template has a parameter. */
  readonly segments: readonly (string | null)[];
  readonly responses: Readonly<Record<string, ResponseObject>>;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
const JSON_MEDIA_TYPE = 'application/json';

/** Spec: client-server-api "Standard error response" — `errcode` required, `error` optional. */
export const STANDARD_ERROR_SCHEMA = {
  type: 'object',
  required: ['errcode'],
  properties: { errcode: { type: 'string' }, error: { type: 'string' } },
} as const;

// The CommonJS default export arrives as module.exports under Node's ESM interop; the typings
// describe it as `{ default }`, so take whichever is callable.
type AjvClass = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;
type AddFormats = typeof addFormatsModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

let ajvInstance: InstanceType<AjvClass> | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function ajv(): InstanceType<AjvClass> {
  if (ajvInstance) return ajvInstance;
  // strict: false because the documents carry OpenAPI's `example` and the spec's `x-` keywords.
  const instance = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(instance);
  for (const [name, check] of Object.entries(MATRIX_FORMATS)) instance.addFormat(name, { type: 'string', validate: check });
  ajvInstance = instance;
  return instance;
}

function validatorFor(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv().compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

const operationsByApi = new Map<SpecApi, readonly SpecOperation[]>();

function basePaths(servers: readonly ServerObject[] | undefined): string[] {
  if (!servers || servers.length === 0) return [''];
  const bases = servers.map((server) => {
    const url = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => server.variables?.[name]?.default ?? 'localhost');
    const path = /^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url).pathname : url;
    return path.replace(/\/+$/, '');
  });
  return [...new Set(bases)];
}

/** Every operation of one API, loaded from the vendored document on first use. */
export function listOperations(api: SpecApi): readonly SpecOperation[] {
  const cached = operationsByApi.get(api);
  if (cached) return cached;
  const file = new URL(`../fixtures/matrix-spec/${api}.json`, import.meta.url);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  const byKey = new Map<string, SpecOperation>();
  for (const [rawPath, item] of Object.entries(doc.paths)) {
    // The document has one key with a stray trailing space ("/_matrix/client/v3/events ").
    const path = rawPath.trim();
    for (const [method, value] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const op = value as OperationObject;
      for (const base of basePaths(op.servers ?? item.servers ?? doc.servers)) {
        const template = base + path;
        const key = `${method.toUpperCase()} ${template}`;
        if (byKey.has(key)) continue;
        byKey.set(key, {
          api,
          key,
          operationId: op.operationId,
          method: method.toUpperCase(),
          template,
          segments: template.split('/').map((s) => (/^\{[^}]+\}$/.test(s) ? null : s)),
          responses: op.responses ?? {},
        });
      }
    }
  }
  const operations = [...byKey.values()];
  operationsByApi.set(api, operations);
  return operations;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Literal segments beat parameters, leftmost first, as routers do (so `/pushrules/global/` wins). */
function moreSpecific(a: SpecOperation, b: SpecOperation): number {
  for (let i = 0; i < a.segments.length; i++) {
    const aLiteral = a.segments[i] !== null;
    const bLiteral = b.segments[i] !== null;
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

/**
 * The operation a concrete request path (query string allowed) belongs to, or null. Segments are
 * percent-decoded before comparison; a parameter may be empty only as the last segment (an empty
 * state key is sent as a trailing slash).
 */
export function matchOperation(api: SpecApi, method: string, path: string): SpecOperation | null {
  const pathOnly = path.split(/[?#]/, 1)[0] ?? '';
  const raw = pathOnly.split('/');
  const decoded = raw.map(decodeSegment);
  if (decoded.some((s) => s === null)) return null;
  const upper = method.toUpperCase();
  const candidates = listOperations(api).filter(
    (op) =>
      op.method === upper &&
      op.segments.length === raw.length &&
      op.segments.every((literal, i) =>
        literal === null ? decoded[i] !== '' || i === raw.length - 1 : literal === decoded[i] || literal === raw[i],
      ),
  );
  return candidates.sort(moreSpecific)[0] ?? null;
}

/**
 * The operation a route template belongs to, e.g. a koa pattern `/_matrix/client/v3/profile/:userId`
 * or the spec's `{userId}` style; parameter names need not agree. For coverage checks.
 */
export function operationForTemplate(api: SpecApi, method: string, template: string): SpecOperation | null {
  const shape = (segments: readonly (string | null)[]): string => segments.map((s) => s ?? '{}').join('/');
  const wanted = shape(template.split('/').map((s) => (s.startsWith(':') || /^\{[^}]+\}$/.test(s) ? null : s)));
  const upper = method.toUpperCase();
  return listOperations(api).find((op) => op.method === upper && shape(op.segments) === wanted) ?? null;
}

/** The documented response for a status: exact code, then a `4XX`-style range, then `default`. */
function documentedResponse(op: SpecOperation, status: number): ResponseObject | undefined {
  const range = `${Math.floor(status / 100)}XX`;
  const rangeKey = Object.keys(op.responses).find((k) => k.toUpperCase() === range);
  return op.responses[String(status)] ?? (rangeKey ? op.responses[rangeKey] : undefined) ?? op.responses.default;
}

function formatError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(body)' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  const detail =
    typeof params.additionalProperty === 'string'
      ? `: ${params.additionalProperty}`
      : Array.isArray(params.allowedValues)
        ? `: ${JSON.stringify(params.allowedValues)}`
        : '';
  return `${where} ${e.message ?? e.keyword}${detail}`;
}

function check(schema: object, body: unknown, operation: string, what: string): ValidationResult {
  const validate = validatorFor(schema);
  if (validate(body)) return { ok: true, operation };
  const errors = (validate.errors ?? []).map((e) => `${what}: ${formatError(e)}`);
  return { ok: false, errors, operation };
}

/** What a response of this status must look like: a JSON schema, no JSON at all, or not documented. */
export type ResponseExpectation =
  | { readonly kind: 'json'; readonly schema: object; readonly what: string }
  | { readonly kind: 'other'; readonly mediaTypes: readonly string[] }
  | { readonly kind: 'undocumented'; readonly documented: readonly string[] };

export function expectedResponse(op: SpecOperation, status: number): ResponseExpectation {
  const response = documentedResponse(op, status);
  const schema = response?.content?.[JSON_MEDIA_TYPE]?.schema;
  if (schema) return { kind: 'json', schema, what: `${status} response schema` };
  // Errors the operation does not describe still have to be standard error bodies.
  if (status >= 400) return { kind: 'json', schema: STANDARD_ERROR_SCHEMA, what: 'standard error response' };
  if (response) return { kind: 'other', mediaTypes: Object.keys(response.content ?? {}) };
  return { kind: 'undocumented', documented: Object.keys(op.responses) };
}

/**
 * Validates one response body (already parsed JSON) against the spec. `path` is the concrete
 * request path as sent, e.g. `/_matrix/client/v3/profile/%40a%3Ab/displayname?x=1`.
 */
export function validateResponse(api: SpecApi, method: string, path: string, status: number, body: unknown): ValidationResult {
  const op = matchOperation(api, method, path);
  if (!op) {
    return { ok: false, errors: [`no ${api} operation matches ${method.toUpperCase()} ${path}`] };
  }
  const expected = expectedResponse(op, status);
  switch (expected.kind) {
    case 'json':
      return check(expected.schema, body, op.key, expected.what);
    case 'other':
      if (body === undefined || expected.mediaTypes.length === 0) return { ok: true, operation: op.key };
      return { ok: false, operation: op.key, errors: [`${status} is documented as ${expected.mediaTypes.join(', ')}, not JSON`] };
    case 'undocumented':
      return {
        ok: false,
        operation: op.key,
        errors: [`status ${status} is not documented for ${op.key} (documented: ${expected.documented.join(', ')})`],
      };
  }
}

/** Like validateResponse, but throws an AssertionError listing every schema violation. */
export function assertValidResponse(api: SpecApi, method: string, path: string, status: number, body: unknown): void {
  const result = validateResponse(api, method, path, status, body);
  if (result.ok) return;
  const head = `${method.toUpperCase()} ${path} → ${status} does not match the ${api} spec` +
    (result.operation ? ` (${result.operation})` : '');
  throw new AssertionError({ message: [head, ...result.errors.map((e) => `  - ${e}`)].join('\n'), actual: body });
}

/** One request seen by specFetch. `operation` is null when no operation of the API matched. */
export interface ExercisedCall {
  readonly api: SpecApi;
  readonly operation: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface SpecFailure extends ExercisedCall {
  readonly errors: readonly string[];
}

/** Collects what specFetch saw, so a suite can assert coverage and that nothing was off-spec. */
export class SpecLog {
  readonly calls: ExercisedCall[] = [];
  readonly failures: SpecFailure[] = [];

  /** Operation keys (`METHOD /template`) exercised; with successOnly, only by 2xx responses. */
  exercised(options: { readonly successOnly?: boolean } = {}): Set<string> {
    const keys = new Set<string>();
    for (const call of this.calls) {
      if (call.operation === null) continue;
      if (options.successOnly && (call.status < 200 || call.status > 299)) continue;
      keys.add(call.operation);
    }
    return keys;
  }

  /** The expected operation keys that were never exercised. */
  missing(expected: Iterable<string>, options: { readonly successOnly?: boolean } = {}): string[] {
    const seen = this.exercised(options);
    return [...new Set(expected)].filter((key) => !seen.has(key));
  }

  assertClean(): void {
    if (this.failures.length === 0) return;
    const lines = this.failures.flatMap((f) => [
      `${f.method} ${f.path} → ${f.status}${f.operation ? ` (${f.operation})` : ''}`,
      ...f.errors.map((e) => `  - ${e}`),
    ]);
    throw new AssertionError({ message: `${this.failures.length} response(s) do not match the spec:\n${lines.join('\n')}` });
  }

  assertExercised(expected: Iterable<string>, options: { readonly successOnly?: boolean } = {}): void {
    const missing = this.missing(expected, options);
    if (missing.length > 0) throw new AssertionError({ message: `operations never exercised:\n  ${missing.join('\n  ')}` });
  }
}

export interface SpecFetchOptions {
  /** Where calls and failures are recorded; share one between several clients. */
  readonly log?: SpecLog;
  /** The fetch that does the work (default: globalThis.fetch). */
  readonly fetch?: typeof globalThis.fetch;
  /** Successful responses on paths the spec does not define fail unless this returns true. */
  readonly allowUnmatched?: (method: string, path: string) => boolean;
}

export type SpecFetch = typeof globalThis.fetch & { readonly log: SpecLog };

function requestOf(input: Parameters<typeof globalThis.fetch>[0], init: RequestInit | undefined): { method: string; url: URL } {
  const isRequest = typeof input === 'object' && !(input instanceof URL);
  const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
  return { method, url: new URL(isRequest ? input.url : String(input)) };
}

/** Checks a fetched response's content type and body text against the expectation. */
async function checkFetched(api: SpecApi, method: string, path: string, res: Response, allowUnmatched: SpecFetchOptions['allowUnmatched']): Promise<{ operation: string | null; errors: string[] }> {
  const op = matchOperation(api, method, path);
  let expected: ResponseExpectation;
  if (op) {
    expected = expectedResponse(op, res.status);
  } else if (res.status >= 400) {
    expected = { kind: 'json', schema: STANDARD_ERROR_SCHEMA, what: 'standard error response' };
  } else {
    const errors = allowUnmatched?.(method, path) ? [] : [`no ${api} operation matches ${method} ${path}`];
    return { operation: null, errors };
  }
  const operation = op ? op.key : null;
  if (expected.kind === 'undocumented') {
    return { operation, errors: [`status ${res.status} is not documented (documented: ${expected.documented.join(', ')})`] };
  }
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.clone().text();
  if (expected.kind === 'other') {
    const isJson = /\bjson\b/i.test(contentType);
    const bad = isJson && expected.mediaTypes.length > 0 && text !== '';
    return { operation, errors: bad ? [`${res.status} is documented as ${expected.mediaTypes.join(', ')}, got ${contentType}`] : [] };
  }
  if (!/^application\/json\b/i.test(contentType)) return { operation, errors: [`expected application/json, got "${contentType}"`] };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { operation, errors: [`body is not valid JSON: ${JSON.stringify(text.slice(0, 200))}`] };
  }
  const result = check(expected.schema, body, operation ?? '', expected.what);
  return { operation, errors: result.ok ? [] : result.errors };
}

/**
 * A fetch for tests (e.g. matrix-js-sdk's `createClient({ fetchFn })`) that checks every response
 * from `baseUrl` against the spec, records it in `log`, and rejects with an AssertionError when a
 * body is off-spec. Callers that swallow fetch errors (the SDK retries them) should end with
 * `log.assertClean()`. Requests to other origins pass through unchecked.
 */
export function specFetch(baseUrl: string, api: SpecApi, options: SpecFetchOptions = {}): SpecFetch {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const log = options.log ?? new SpecLog();
  const doFetch = options.fetch ?? globalThis.fetch;
  const wrapped = async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit): Promise<Response> => {
    const { method, url } = requestOf(input, init);
    const res = await doFetch(input, init);
    if (url.origin !== base.origin || !url.pathname.startsWith(basePath)) return res;
    const path = url.pathname.slice(basePath.length);
    const { operation, errors } = await checkFetched(api, method, path, res, options.allowUnmatched);
    const call = { api, operation, method, path, status: res.status };
    log.calls.push(call);
    if (errors.length > 0) {
      log.failures.push({ ...call, errors });
      const head = `${method} ${url.pathname}${url.search} → ${res.status} does not match the ${api} spec` +
        (operation ? ` (${operation})` : '');
      throw new AssertionError({ message: [head, ...errors.map((e) => `  - ${e}`)].join('\n') });
    }
    return res;
  };
  return Object.assign(wrapped, { log });
}
