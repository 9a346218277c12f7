// The txn id cache: hits are always trusted; misses are authoritative only with a single writer
// for a device loaded whole; otherwise they ask the database (single writer) or are left to the
// persist statement's check (several writers; test/integration/rooms/persist-claim.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TxnCache, TXN_LOAD_WINDOW_MS } from '../../../core/rooms/txn-cache.ts';
import type { RoomsStore } from '../../../core/rooms/store.ts';

function fakeStore(rows: { txnId: string; eventId: string; ts: number }[]) {
  const calls = { lookups: 0, loads: 0 };
  const store = {
    async eventIdForTxn(_u: string, _s: string, txnId: string) {
      calls.lookups++;
      return rows.find((r) => r.txnId === txnId)?.eventId ?? null;
    },
    async recentTxns(_u: string, _s: string, since: number, limit: number) {
      calls.loads++;
      return rows.filter((r) => r.ts >= since).slice(0, limit);
    },
  } as unknown as RoomsStore;
  return { store, calls };
}

test('single writer: one load per device, then misses and hits need no query', async () => {
  const now = 10 * TXN_LOAD_WINDOW_MS;
  const { store, calls } = fakeStore([{ txnId: 'old', eventId: '$old', ts: now - 1000 }]);
  const cache = new TxnCache(store, true, () => now);
  assert.equal(await cache.lookup('@a:x', 'd:D', 'old'), '$old');
  assert.equal(await cache.lookup('@a:x', 'd:D', 'new'), null);
  cache.remember('@a:x', 'd:D', 'new', '$new');
  assert.equal(await cache.lookup('@a:x', 'd:D', 'new'), '$new');
  assert.deepEqual(calls, { lookups: 0, loads: 1 });
});

test('single writer: remembering for an unloaded device does not make it look loaded', async () => {
  const { store, calls } = fakeStore([{ txnId: 'before-restart', eventId: '$b', ts: Date.now() }]);
  const cache = new TxnCache(store, true);
  cache.remember('@a:x', 'd:D', 'fresh', '$f');
  assert.equal(await cache.lookup('@a:x', 'd:D', 'before-restart'), '$b');
  assert.equal(calls.loads, 1);
});

test('several writers: misses are left to the persist statement (no query), hits are served', async () => {
  const { store, calls } = fakeStore([{ txnId: 'elsewhere', eventId: '$e', ts: Date.now() }]);
  const cache = new TxnCache(store, false);
  assert.equal(await cache.lookup('@a:x', 'd:D', 'elsewhere'), null);
  cache.remember('@a:x', 'd:D', 'mine', '$m');
  assert.equal(await cache.lookup('@a:x', 'd:D', 'mine'), '$m');
  assert.deepEqual(calls, { lookups: 0, loads: 0 });
});
