// `node core/cli/bundle.ts` (run by npm's postinstall) bundles the server with esbuild into
// node_modules/.cache/switchyard-bundle/, which core/cli.js loads instead of the sources when the
// bundle is fresh. One bundle instead of ~400 modules makes a PostgreSQL-backed start ~1/3 cheaper
// in CPU and ~8 MB smaller in idle RSS (issue #2's start-up targets).
//
// What stays outside the bundle, loaded from node_modules as before: native addons
// (sodium-native), PGlite (its wasm and data files sit beside its own modules) and the Redis
// client stack, which are loaded lazily. Lazy imports become separate chunks (code splitting),
// so they stay lazy. Our modules that find files next to themselves (migrations, the PGlite
// template script) get `import.meta.url` rewritten to their source file's URL, computed from the
// chunk's own location so a moved tree keeps working.
//
// Freshness: manifest.json lists every source file the bundle was built from with its size and
// mtime, plus node_modules/.package-lock.json (changes on every install); core/cli.js falls back
// to the sources when any differ. This script never fails an install: without esbuild, or on an
// error, it removes any old bundle and the sources are used.
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE_DIR = resolve(ROOT, 'node_modules/.cache/switchyard-bundle');
const ENTRY = resolve(ROOT, 'core/cli/commands.ts');
// Loaded lazily or from files beside them: see the note at the top.
const EXTERNAL = ['sodium-native', '@electric-sql/*', 'ioredis', 'bullmq', 'pg-native'];
// Files whose changes make a bundle stale even though esbuild did not read them as code.
const EXTRA_INPUTS = ['node_modules/.package-lock.json', 'package.json'];

export interface ManifestEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Builds into outDir (tests use another directory inside node_modules/.cache). */
export async function buildBundle(outDir = BUNDLE_DIR): Promise<{ files: number; bytes: number }> {
  const esbuild = await import('esbuild');
  const tmp = `${outDir}.tmp-${process.pid}`;
  try {
    await writeBundle(esbuild, tmp, outDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const outputs = JSON.parse(await readFile(resolve(outDir, 'outputs.json'), 'utf8')) as number[];
  return { files: outputs.length, bytes: outputs.reduce((n, b) => n + b, 0) };
}

async function writeBundle(esbuild: typeof Esbuild, tmp: string, outDir: string): Promise<void> {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    outdir: tmp,
    // keepNames: error classes and stack traces keep their names; sourcemaps for --enable-source-maps.
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    external: EXTERNAL,
    // CommonJS dependencies (pg, koa's helpers) call require() for Node's builtins.
    banner: { js: "import { createRequire as __switchyardRequire } from 'node:module'; const require = __switchyardRequire(import.meta.url);" },
    plugins: [{ name: 'source-relative-import-meta', setup: (b) => b.onLoad({ filter: /\.ts$/ }, (args) => rewriteImportMeta(args.path, outDir)) }],
  });
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules/')),
    ...EXTRA_INPUTS,
  ];
  const manifest: ManifestEntry[] = [];
  for (const path of inputs) {
    const s = await stat(resolve(ROOT, path)).catch(() => null);
    if (s) manifest.push({ path: relative(ROOT, resolve(ROOT, path)), size: s.size, mtimeMs: s.mtimeMs });
  }
  await writeFile(resolve(tmp, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(resolve(tmp, 'outputs.json'), JSON.stringify(Object.values(result.metafile.outputs).map((o) => o.bytes)));
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
}

async function rewriteImportMeta(path: string, outDir: string): Promise<{ contents: string; loader: 'ts' } | undefined> {
  if (path.includes('/node_modules/')) return undefined;
  const source = await readFile(path, 'utf8');
  if (!source.includes('import.meta.')) return undefined;
  // Chunks are written flat into outDir, so one relative path serves every chunk.
  const fileUrl = `new URL(${JSON.stringify(relative(outDir, path))}, import.meta.url)`;
  const dirPath = `${relative(outDir, dirname(path))}/`;
  return {
    contents: source
      .replaceAll('import.meta.url', `${fileUrl}.href`)
      .replaceAll('import.meta.dirname', `decodeURIComponent(new URL(${JSON.stringify(dirPath)}, import.meta.url).pathname).replace(/\\/$/, '')`)
      // Only a module run as a script is main; inside the bundle none is.
      .replaceAll('import.meta.main', 'false'),
    loader: 'ts',
  };
}

if (import.meta.main) {
  try {
    const { files, bytes } = await buildBundle();
    console.log(`switchyard: bundled the server into ${relative(ROOT, BUNDLE_DIR)} (${files} files, ${(bytes / 1e6).toFixed(1)} MB)`);
  } catch (e) {
    await rm(BUNDLE_DIR, { recursive: true, force: true }).catch(() => {});
    console.log(`switchyard: no bundle (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); the server runs from its sources`);
  }
}
