// Every endpoint definition in core/spec/endpoints, for tests that sweep all of them.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AuthKind, EndpointDef } from '../../core/spec/endpoint.ts';

const dir = fileURLToPath(new URL('../../core/spec/endpoints/', import.meta.url));

export async function allEndpoints(): Promise<EndpointDef<AuthKind, unknown, unknown, unknown>[]> {
  const defs: EndpointDef<AuthKind, unknown, unknown, unknown>[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(new URL(file, `file://${dir}`).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (v && typeof v === 'object' && 'name' in v && 'method' in v && 'paths' in v) defs.push(v as EndpointDef<AuthKind, unknown, unknown, unknown>);
    }
  }
  return defs;
}

/** Fills `:param` placeholders with the values given (URL-encoded). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_, k: string) => encodeURIComponent(values[k] ?? `unknown-${k}`));
}
