#!/usr/bin/env node
// The `switchyard` command's entry point. It is plain JavaScript so that Node's compile cache is
// switched on before any TypeScript is loaded: with every module's stripped and compiled code
// cached, Node never has to load its TypeScript stripper (a WebAssembly module), which saves
// ~30 MB of memory and a third of the start-up time. The commands live in core/cli/commands.ts.
// When `npm install` has bundled them (core/cli/bundle.ts) and the bundle is fresh, the bundle is
// loaded instead: the same code as one file, cheaper to start and smaller in memory.
import module from 'node:module';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

module.enableCompileCache?.(fileURLToPath(new URL('../node_modules/.cache/switchyard-compile', import.meta.url)));
await import(freshBundle() ?? './cli/commands.ts');

/** The bundle's entry URL, or null when there is none, it is stale, or SWITCHYARD_NO_BUNDLE is set. */
function freshBundle() {
  if (process.env.SWITCHYARD_NO_BUNDLE) return null;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = new URL('../node_modules/.cache/switchyard-bundle/', import.meta.url);
  try {
    // A bundle reached through a symlinked node_modules was built for another tree.
    if (realpathSync(dir) !== `${realpathSync(root)}/node_modules/.cache/switchyard-bundle`) return null;
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'));
    for (const { path, size, mtimeMs } of manifest) {
      const s = statSync(`${root}/${path}`);
      if (s.size !== size || s.mtimeMs !== mtimeMs) return null;
    }
    return new URL('commands.js', dir).href;
  } catch {
    return null;
  }
}
