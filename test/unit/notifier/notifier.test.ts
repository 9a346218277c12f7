import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalNotifier } from '../../../core/notifier/notifier.ts';

test('wait resolves with the first interesting update and unsubscribes', async () => {
  const n = new LocalNotifier();
  const p = n.wait((u) => u.stream === 'events' && (u.rooms ?? []).includes('!a:x'), 1000);
  n.notify({ stream: 'receipts', position: 1, rooms: ['!a:x'] });
  n.notify({ stream: 'events', position: 5, rooms: ['!b:x'] });
  n.notify({ stream: 'events', position: 6, rooms: ['!a:x'] });
  assert.deepEqual(await p, { stream: 'events', position: 6, rooms: ['!a:x'] });
  assert.equal(n.listenerCount, 0);
});

test('wait times out with null, and abort ends it early', async () => {
  const n = new LocalNotifier();
  assert.equal(await n.wait(() => true, 10), null);
  const ac = new AbortController();
  const p = n.wait(() => true, 60_000, ac.signal);
  ac.abort();
  assert.equal(await p, null);
  assert.equal(n.listenerCount, 0);
});

test('a throwing listener does not stop the others', () => {
  const n = new LocalNotifier();
  let seen = 0;
  n.subscribe(() => {
    throw new Error('bug');
  });
  n.subscribe(() => seen++);
  n.notify({ stream: 'typing', position: 1 });
  assert.equal(seen, 1);
});
