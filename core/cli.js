#!/usr/bin/env node
// The `switchyard` command's entry point. It is plain JavaScript so that Node's compile cache is
// switched on before any TypeScript is loaded: with every module's stripped and compiled code
// cached, Node never has to load its TypeScript stripper (a WebAssembly module), which saves
// ~30 MB of memory and a third of the start-up time. The commands live in core/cli/commands.ts.
import module from 'node:module';
import { URL, fileURLToPath } from 'node:url';

module.enableCompileCache?.(fileURLToPath(new URL('../node_modules/.cache/switchyard-compile', import.meta.url)));
await import('./cli/commands.ts');
