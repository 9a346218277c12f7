// Startup benchmark (issue #2): time from process start to the first 200 on /versions, and RSS
// after 10 s idle, for the embedded default and (when DATABASE_URL is set, or with --postgres)
// PostgreSQL. Each run uses a fresh data dir / database; the embedded run is done twice to show
// the first start (initdb) and a warm restart. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresDatabase } from '../support/database.ts';

const IDLE_MS = 10_000;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function peakMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function run(label: string, env: Record<string, string>): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['core/cli.js', 'start'], {
    env: { ...process.env, ...env, LISTEN_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  let readyMs = -1;
  while (readyMs < 0) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/_matrix/client/versions`);
      if (r.status === 200) readyMs = performance.now() - t0;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
    if (performance.now() - t0 > 60_000) throw new Error(`${label}: not ready after 60 s`);
  }
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const rss = await rssMb(child.pid!);
  const peak = await peakMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  console.log(`${label.padEnd(28)} ready ${readyMs.toFixed(0).padStart(5)} ms   idle RSS ${rss.toFixed(1).padStart(6)} MB   peak RSS ${peak.toFixed(1).padStart(6)} MB`);
}

const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
try {
  const base = { DATA_DIR: dataDir, SERVER_NAME: 'bench.local' };
  await run('embedded (first start)', base);
  await run('embedded (restart)', base);
  const pgUrl = process.env.DATABASE_URL ?? (process.argv.includes('--postgres') ? 'postgres://postgres@127.0.0.1:5432/postgres' : null);
  if (pgUrl) {
    const db = await freshPostgresDatabase(pgUrl);
    const pgDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-pg-'));
    try {
      await run('postgres (first start)', { DATA_DIR: pgDir, SERVER_NAME: 'bench.local', DATABASE_URL: db.url });
      await run('postgres (restart)', { DATA_DIR: pgDir, SERVER_NAME: 'bench.local', DATABASE_URL: db.url });
    } finally {
      await db.drop();
      await rm(pgDir, { recursive: true, force: true });
    }
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
