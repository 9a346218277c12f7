// Renders the documented example config from the defaults.
import { dump } from 'js-yaml';
import { DEFAULTS, type Config } from './schema.ts';
import { OPTION_DOCS } from './docs.ts';

const snakeKeys = (v: unknown, freeForm: boolean): unknown => {
  if (freeForm || v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(x, k === 'client')]));
};

export function renderExampleConfig(overrides: Partial<Config> = {}): string {
  const doc = snakeKeys({ ...DEFAULTS, ...overrides }, false) as Record<string, unknown>;
  const parts = ['# Switchyard homeserver configuration. Every option with its default.', '# Environment variables named below override this file.', ''];
  for (const [key, value] of Object.entries(doc)) {
    const docLine = OPTION_DOCS[key];
    if (docLine) parts.push(`# ${docLine}`);
    parts.push(dump({ [key]: value }, { lineWidth: 120 }).trimEnd(), '');
  }
  return parts.join('\n');
}
