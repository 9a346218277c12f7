// Validates a parsed YAML document against the shape of the defaults and writes it into the
// config. YAML keys are snake_case; the Config type is camelCase. Keys whose default is null or an
// object of free-form values are described in NULLABLE/FREE_FORM so they can still be checked.
import type { Config } from './schema.ts';

const NULLABLE: Record<string, 'string' | 'number' | 'object'> = {
  'database.url': 'string',
  redisUrl: 'string',
  'registration.sharedSecret': 'string',
  'auth.refreshTokenLifetimeMs': 'number',
  'wellKnown.client': 'object',
  'wellKnown.server': 'string',
};
/** Objects kept as written (their keys are not ours to rename). */
const FREE_FORM = new Set(['wellKnown.client']);

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snake = (path: string) => path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export function validateConfig(doc: unknown, into: Config): string[] {
  const problems: string[] = [];
  if (kindOf(doc) !== 'object') return ['the file must hold a YAML mapping'];
  walk(doc as Record<string, unknown>, into as unknown as Record<string, unknown>, '', problems);
  return problems;
}

function walk(src: Record<string, unknown>, dst: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const [rawKey, value] of Object.entries(src)) {
    const key = camel(rawKey);
    const path = prefix ? `${prefix}.${key}` : key;
    const name = snake(path);
    if (!(key in dst)) {
      problems.push(`${name}: unknown option`);
      continue;
    }
    const expected: string = NULLABLE[path] ?? kindOf(dst[key]);
    const got = kindOf(value);
    if (got === 'null' && (path in NULLABLE)) {
      dst[key] = null;
    } else if (expected === 'object' && got === 'object' && !FREE_FORM.has(path)) {
      walk(value as Record<string, unknown>, dst[key] as Record<string, unknown>, path, problems);
    } else if (expected === got) {
      if (got === 'array' && !(value as unknown[]).every((x) => typeof x === 'string')) {
        problems.push(`${name}: must be a list of strings`);
      } else {
        dst[key] = value;
      }
    } else {
      problems.push(`${name}: expected ${expected}, got ${got}`);
    }
  }
}
