// The embedded PGlite launcher: unix socket, one process per data directory, data that
// survives a clean restart and a SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmbeddedPostgres } from '../../../core/storage/embedded.ts';
import { createPgDb } from '../../../core/storage/pg-db.ts';
import { PGLITE_GUCS } from '../../../core/storage/pglite-options.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-embedded-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('serves PGlite over a private unix socket with a single-connection pool', async () => {
  await withDir(async (dir) => {
    const pg = await startEmbeddedPostgres({ dataDir: dir });
    try {
      assert.equal(pg.poolMax, 1);
      assert.match(pg.connectionString, /\?host=.*pglite-run/);
      const db = createPgDb({ connectionString: pg.connectionString, max: pg.poolMax });
      const r = await db.query<{ v: string; sb: string }>("SELECT version() AS v, current_setting('shared_buffers') AS sb");
      assert.match(r.rows[0]!.v, /PGlite/);
      // The tuned settings are in force (not PGlite's 128MB default).
      assert.equal(`shared_buffers=${r.rows[0]!.sb}`, PGLITE_GUCS.find((g) => g.startsWith('shared_buffers=')));
      await db.close();
    } finally {
      await pg.close();
    }
  });
});

test('a second process cannot open the same data directory', async () => {
  await withDir(async (dir) => {
    const pg = await startEmbeddedPostgres({ dataDir: dir });
    try {
      // The lock holds the pid of a live process; from this process's point of view a second
      // open looks exactly like another process holding it.
      await assert.rejects(startEmbeddedPostgres({ dataDir: dir }), /in use by another process/);
    } finally {
      await pg.close();
    }
    const again = await startEmbeddedPostgres({ dataDir: dir });
    await again.close();
  });
});

test('committed transactions survive SIGKILL mid-write; no half transaction is visible', async () => {
  await withDir(async (dir) => {
    const embedded = pathToFileURL(join(import.meta.dirname, '../../../core/storage/embedded.ts')).href;
    const pgDb = pathToFileURL(join(import.meta.dirname, '../../../core/storage/pg-db.ts')).href;
    const script = join(dir, 'writer.mjs');
    await writeFile(script, `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(embedded)});
      const { createPgDb } = await import(${JSON.stringify(pgDb)});
      const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(dir, 'data'))} });
      const db = createPgDb({ connectionString: pg.connectionString, max: pg.poolMax });
      await db.query('CREATE TABLE pairs (id SERIAL PRIMARY KEY, k INT NOT NULL)');
      for (let i = 0; ; i++) {
        await db.tx(async (q) => {
          await q.query('INSERT INTO pairs (k) VALUES ($1)', [i]);
          await q.query('INSERT INTO pairs (k) VALUES ($1)', [i]);
        });
        process.stdout.write(i + '\\n');
      }
    `);
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = -1;
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: string) => {
        const last = d.trim().split('\n').pop();
        committed = Number(last);
        if (committed >= 200) resolve();
      });
      child.on('exit', () => resolve());
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(committed >= 200, 'the writer got going before it was killed');

    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'data') });
    try {
      const db = createPgDb({ connectionString: pg.connectionString, max: pg.poolMax });
      const r = await db.query<{ n: number; odd: number; top: number }>(
        'SELECT count(*)::int AS n, max(k) AS top, (SELECT count(*)::int FROM (SELECT k FROM pairs GROUP BY k HAVING count(*) <> 2) x) AS odd FROM pairs');
      assert.equal(r.rows[0]!.odd, 0);
      assert.ok(r.rows[0]!.top >= committed, `every acknowledged commit is there (${r.rows[0]!.top} >= ${committed})`);
      await db.close();
    } finally {
      await pg.close();
    }
  });
});
