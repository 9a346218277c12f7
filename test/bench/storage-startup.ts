// Embedded database start-up: time to open (fresh data directory = initdb, and existing), and
// the process's memory after opening, after some writes, and at rest. Each scenario runs in its
// own process so one's memory does not count against the next.
// Usage: node test/bench/storage-startup.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../core/storage/open.ts';

const MB = 1024 * 1024;

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function scenario(dataDir: string, label: string): Promise<void> {
  const t0 = performance.now();
  const opened = await openDatabase({ database: { url: null, poolMax: 10 }, dataDir });
  const openMs = performance.now() - t0;
  const afterOpen = Math.round(process.memoryUsage().rss / MB);
  await opened.db.query('CREATE TABLE IF NOT EXISTS bench (id SERIAL PRIMARY KEY, body JSONB NOT NULL)');
  const t1 = performance.now();
  for (let i = 0; i < 1000; i++) {
    await opened.db.query('INSERT INTO bench (body) VALUES ($1)', [JSON.stringify({ type: 'm.room.message', i, body: 'x'.repeat(200) })]);
  }
  const insertMs = performance.now() - t1;
  const afterWrites = Math.round(process.memoryUsage().rss / MB);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = Math.round(process.memoryUsage().rss / MB);
  await opened.close();
  console.log(`${label.padEnd(9)} open ${openMs.toFixed(0).padStart(5)} ms | rss after open ${afterOpen} MB, after 1000 inserts ${afterWrites} MB (${insertMs.toFixed(0)} ms), idle ${idle} MB, peak ${peakRssMb()} MB`);
}

const [mode, dir] = process.argv.slice(2);
if (mode === 'run' && dir) {
  await scenario(dir, process.argv[4] ?? 'run');
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  try {
    for (const label of ['fresh', 'existing', 'existing']) {
      const r = spawnSync(process.execPath, [import.meta.filename, 'run', dataDir, label], { stdio: 'inherit' });
      if (r.status !== 0) process.exitCode = 1;
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
