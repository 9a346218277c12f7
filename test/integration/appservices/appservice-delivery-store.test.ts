// The delivery store's atomicity rule (appservices/delivery/store.ts): transactions are stored
// in the same database transaction that moves the cursors, a batch built from cursors that
// moved meanwhile changes nothing at all, and drop-queue moves cursors forward only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, type TestDatabase } from '../../support/database.ts';
import { runMigrations } from '../../../core/storage/migrate.ts';
import { APPSERVICES_MIGRATIONS_DIR } from '../../../appservices/store.ts';
import { DeliveryStore, type TxnDraft } from '../../../appservices/delivery/store.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase();
  await runMigrations(t.db, [{ feature: 'appservices', dir: APPSERVICES_MIGRATIONS_DIR }]);
});
after(() => t?.cleanup());

const draft = (n: number): TxnDraft => ({ body: `{"events":[${n}]}`, events: 1, ephemeral: 0, toDevice: 0, lastStream: n, createdTs: 1 });

test('commitBatch: consecutive txnIds with the cursor move; a stale batch changes nothing', async () => {
  const store = new DeliveryStore(t.db);
  const start = { events: 10, receipts: 0, presence: 0, to_device: 0 };
  assert.deepEqual(await store.cursors('a', start), start);
  const first = await store.commitBatch({ asId: 'a', from: start, to: { events: 20 }, txns: [draft(11), draft(12), draft(13)] });
  assert.deepEqual(first, { txnIds: [1, 2, 3] });
  assert.equal((await store.cursors('a', start)).events, 20);
  // Built from the old position by a second builder: refused, and neither the cursors, the queue
  // nor the txnId counter moved.
  const stale = await store.commitBatch({ asId: 'a', from: start, to: { events: 30, receipts: 5 }, txns: [draft(21)] });
  assert.equal(stale, null);
  assert.deepEqual(await store.cursors('a', start), { ...start, events: 20 });
  assert.deepEqual((await store.pending('a', 0, 10)).map((x) => [x.txnId, x.body]), [[1, '{"events":[11]}'], [2, '{"events":[12]}'], [3, '{"events":[13]}']]);
  const next = await store.commitBatch({ asId: 'a', from: { ...start, events: 20 }, to: { events: 25, receipts: 2 }, txns: [draft(21)] });
  assert.deepEqual(next, { txnIds: [4] });
  // Only cursors may move: an empty batch still checks them.
  assert.deepEqual(await store.commitBatch({ asId: 'a', from: { ...start, events: 25, receipts: 2 }, to: { events: 26 }, txns: [] }), { txnIds: [] });
  assert.deepEqual(await store.cursors('a', start), { events: 26, receipts: 2, presence: 0, to_device: 0 });
});

test('dropQueue forgets queued transactions and moves the cursors forward, never back', async () => {
  const store = new DeliveryStore(t.db);
  const start = { events: 100, receipts: 7, presence: 0, to_device: 0 };
  await store.cursors('b', start);
  await store.commitBatch({ asId: 'b', from: start, to: { events: 150 }, txns: [draft(120), draft(140)] });
  assert.equal(await store.dropQueue('b', { events: 200, receipts: 3, presence: 1, to_device: 0 }), 2);
  assert.deepEqual(await store.pending('b', 0, 10), []);
  assert.deepEqual(await store.cursors('b', start), { events: 200, receipts: 7, presence: 1, to_device: 0 });
  // txnIds are never reused after a drop.
  assert.deepEqual(await store.commitBatch({ asId: 'b', from: { events: 200, receipts: 7, presence: 1, to_device: 0 }, to: { events: 201 }, txns: [draft(201)] }), { txnIds: [3] });
});
