// The Db contract on whichever backend testDatabase() gives: embedded PGlite by default,
// PostgreSQL when DATABASE_URL is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, type TestDatabase } from '../../support/database.ts';
import { NestedTransactionError } from '../../../core/storage/pg-db.ts';
import { runMigrations } from '../../../core/storage/migrate.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase();
  await t.db.query('CREATE TABLE items (id SERIAL PRIMARY KEY, owner TEXT NOT NULL, n INT NOT NULL)');
});
after(async () => {
  await t.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('concurrent transactions do not see or keep each other\'s statements', async () => {
  await t.db.query('DELETE FROM items');
  const rounds = 20;
  const work: Promise<unknown>[] = [];
  for (let i = 0; i < rounds; i++) {
    // Each committer writes two rows with a pause between them; each rollbacker does the same
    // and then fails. If statements of different transactions shared a session, a rollback
    // would take the committer's rows with it, or a commit would keep the rollbacker's.
    work.push(t.db.tx(async (q) => {
      await q.query('INSERT INTO items (owner, n) VALUES ($1, 1)', [`commit-${i}`]);
      await sleep(2);
      await q.query('INSERT INTO items (owner, n) VALUES ($1, 2)', [`commit-${i}`]);
    }));
    work.push(t.db.tx(async (q) => {
      await q.query('INSERT INTO items (owner, n) VALUES ($1, 1)', [`rollback-${i}`]);
      await sleep(2);
      await q.query('INSERT INTO items (owner, n) VALUES ($1, 2)', [`rollback-${i}`]);
      throw new Error('roll me back');
    }).catch((e: Error) => assert.equal(e.message, 'roll me back')));
    work.push(t.db.query('SELECT count(*) FROM items'));
  }
  await Promise.all(work);
  const rows = (await t.db.query<{ owner: string; c: number }>(
    "SELECT owner, count(*)::int AS c FROM items GROUP BY owner ORDER BY owner")).rows;
  assert.equal(rows.length, rounds);
  for (const r of rows) {
    assert.match(r.owner, /^commit-/);
    assert.equal(r.c, 2);
  }
});

test('a transaction sees its own uncommitted writes; others see them only after commit', async () => {
  await t.db.query('DELETE FROM items');
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const writer = t.db.tx(async (q) => {
    await q.query("INSERT INTO items (owner, n) VALUES ('w', 1)");
    const own = await q.query<{ c: number }>("SELECT count(*)::int AS c FROM items WHERE owner = 'w'");
    assert.equal(own.rows[0]!.c, 1);
    await gate;
  });
  await sleep(20);
  release();
  await writer;
  const seen = await t.db.query<{ c: number }>("SELECT count(*)::int AS c FROM items WHERE owner = 'w'");
  assert.equal(seen.rows[0]!.c, 1);
});

test('db.query and db.tx inside a transaction are refused, not deadlocked', async () => {
  await assert.rejects(t.db.tx(async () => t.db.query('SELECT 1')), NestedTransactionError);
  await assert.rejects(t.db.tx(async () => t.db.tx(async (q) => q.query('SELECT 1'))), NestedTransactionError);
  // Work a transaction started but did not await may use db once the transaction is over.
  let late: Promise<unknown> = Promise.resolve();
  await t.db.tx(async () => {
    late = sleep(5).then(() => t.db.query('SELECT 1'));
  });
  await late;
});

test('migrations apply once, and data survives a restart', async () => {
  const dir = new URL('../../../core/queue/migrations/', import.meta.url).pathname;
  const first = await runMigrations(t.db, [{ feature: 'queue', dir }]);
  assert.ok(first.length >= 1);
  await t.db.query("INSERT INTO items (owner, n) VALUES ('durable', 42)");
  const db = await t.restart();
  assert.deepEqual(await runMigrations(db, [{ feature: 'queue', dir }]), []);
  const r = await db.query<{ n: number }>("SELECT n FROM items WHERE owner = 'durable'");
  assert.deepEqual(r.rows, [{ n: 42 }]);
});
