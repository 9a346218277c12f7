// A freshly initialised PGlite data directory is the same for every install of one PGlite
// version, and initdb costs ~3 s and a large memory peak. So the first initdb is kept as a
// template (in node_modules/.cache, made at `npm install` by the postinstall step when
// possible) and every new embedded database is a copy of it: a first start takes ~1 s, and each
// test that starts a hub on a fresh data dir skips initdb.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INITDB_SCRIPT = fileURLToPath(new URL('./pglite-initdb.ts', import.meta.url));
const CACHE_ROOT = fileURLToPath(new URL('../../node_modules/.cache/switchyard-pglite/', import.meta.url));

function templateDir(): string {
  const pkgFile = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };
  return join(CACHE_ROOT, `pglite-${pkg.version}`);
}

/** Creates pgData as a new cluster: a copy of the template, made first if need be. */
export async function initDataDir(pgData: string): Promise<void> {
  try {
    const template = await ensureTemplate();
    await copyTree(template, pgData);
  } catch {
    // No writable cache (read-only install): initdb in place.
    await initdbInChild(pgData);
  }
}

/** `cp -a` copies the ~1,000 files in ~0.1 s; fs.cp takes ~0.5–1 s. fs.cp is the fallback. */
async function copyTree(from: string, to: string): Promise<void> {
  const ok = await new Promise<boolean>((res) => {
    const child = spawn('cp', ['-a', from, to], { stdio: 'ignore' });
    child.on('error', () => res(false));
    child.on('close', (code) => res(code === 0));
  });
  if (!ok) {
    rmSync(to, { recursive: true, force: true });
    await cp(from, to, { recursive: true });
  }
}

export async function ensureTemplate(): Promise<string> {
  const template = templateDir();
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  await mkdir(CACHE_ROOT, { recursive: true });
  const tmp = `${template}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await initdbInChild(tmp);
    // rename is atomic: concurrent first starts each build one, and one of them wins.
    if (!existsSync(join(template, 'PG_VERSION'))) renameSync(tmp, template);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return template;
}

export async function initdbInChild(pgData: string): Promise<void> {
  const child = spawn(process.execPath, [INITDB_SCRIPT, pgData], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', res);
  });
  if (code !== 0) {
    // A half-written directory would be taken for a database at the next start.
    rmSync(pgData, { recursive: true, force: true });
    throw new Error(`initdb of the embedded database in ${pgData} failed (exit ${code}): ${stderr.trim().slice(-2000)}`);
  }
}

// `node core/storage/pglite-template.ts` (npm's postinstall) builds the template ahead of the
// first start. It never fails the install: without a template the first start runs initdb.
if (import.meta.main) {
  await ensureTemplate().catch((e: unknown) => console.warn(`switchyard: could not prepare the embedded database template: ${String(e)}`));
}
