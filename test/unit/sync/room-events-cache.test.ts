import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomsForSync, StoredEvent } from '../../../core/rooms/api.ts';
import { CACHED_EVENTS_PER_ROOM, RoomEventsCache } from '../../../core/sync/room-events-cache.ts';

/** A RoomsForSync whose roomEvents reads a list and counts reads. */
function fakeRooms(events: StoredEvent[]) {
  const calls: { from: number; to: number; limit: number }[] = [];
  const rooms = {
    async roomEvents(roomId: string, range: { from: number; to: number; limit: number }) {
      calls.push(range);
      const all = events.filter((e) => e.roomId === roomId && e.streamOrdering > range.from && e.streamOrdering <= range.to).reverse();
      return { events: all.slice(0, range.limit), limited: all.length > range.limit };
    },
  } as unknown as RoomsForSync;
  return { rooms, calls };
}
const event = (pos: number, type = 'm.room.message', extra: Partial<StoredEvent> = {}) =>
  ({ eventId: `$${pos}`, roomId: '!r', type, stateKey: null, sender: '@a', streamOrdering: pos, content: { body: `m${pos}` }, redactedBy: null, ...extra }) as unknown as StoredEvent;
const ids = (r: { events: StoredEvent[] }) => r.events.map((e) => e.streamOrdering);

test('serves repeated and overlapping reads from memory, fetching only the new tail', async () => {
  const list = [1, 2, 3].map((p) => event(p));
  const { rooms, calls } = fakeRooms(list);
  const cache = new RoomEventsCache();
  assert.deepEqual(ids(await cache.roomEvents(rooms, '!r', { from: 0, to: 3, limit: 10 })), [3, 2, 1]);
  assert.deepEqual(ids(await cache.roomEvents(rooms, '!r', { from: 1, to: 3, limit: 10 })), [3, 2]);
  const limited = await cache.roomEvents(rooms, '!r', { from: 0, to: 3, limit: 2 });
  assert.deepEqual([ids(limited), limited.limited], [[3, 2], true]);
  assert.equal(calls.length, 1);
  list.push(event(4), event(5));
  // Ten woken readers at once share one tail read.
  const all = await Promise.all(Array.from({ length: 10 }, () => cache.roomEvents(rooms, '!r', { from: 3, to: 5, limit: 10 })));
  for (const r of all) assert.deepEqual(ids(r), [5, 4]);
  assert.deepEqual(calls.slice(1), [{ from: 3, to: 5, limit: CACHED_EVENTS_PER_ROOM }]);
});

test('reads below the window go to the database', async () => {
  const list = [1, 2, 3, 4].map((p) => event(p));
  const { rooms, calls } = fakeRooms(list);
  const cache = new RoomEventsCache();
  await cache.roomEvents(rooms, '!r', { from: 2, to: 4, limit: 10 });
  assert.deepEqual(ids(await cache.roomEvents(rooms, '!r', { from: 0, to: 4, limit: 10 })), [4, 3, 2, 1]);
  assert.equal(calls.length, 2);
});

test('a redaction in a fetched tail drops the older (now stale) events from the window', async () => {
  const list = [event(1), event(2)];
  const { rooms, calls } = fakeRooms(list);
  const cache = new RoomEventsCache();
  await cache.roomEvents(rooms, '!r', { from: 0, to: 2, limit: 10 });
  // The database now holds event 1 redacted, and the redaction.
  list[0] = event(1, 'm.room.message', { content: {}, redactedBy: '$3' });
  list.push(event(3, 'm.room.redaction', { redacts: '$1' }));
  await cache.roomEvents(rooms, '!r', { from: 2, to: 3, limit: 10 });
  const again = await cache.roomEvents(rooms, '!r', { from: 0, to: 3, limit: 10 });
  assert.deepEqual(again.events.find((e) => e.streamOrdering === 1)?.redactedBy, '$3');
  assert.equal(calls.length, 3);
});

test('a window filled by a limited read answers later limited reads of the same range, not older ranges it cannot know', async () => {
  const list = [1, 2, 3, 4, 5].map((p) => event(p));
  const { rooms, calls } = fakeRooms(list);
  const cache = new RoomEventsCache();
  const first = await cache.roomEvents(rooms, '!r', { from: 0, to: 5, limit: 2 });
  assert.deepEqual([ids(first), first.limited], [[5, 4], true]);
  const again = await cache.roomEvents(rooms, '!r', { from: 0, to: 5, limit: 2 });
  assert.deepEqual([ids(again), again.limited], [[5, 4], true]);
  assert.equal(calls.length, 1);
  // Three events are asked for: the window holds two, so the database answers.
  assert.deepEqual(ids(await cache.roomEvents(rooms, '!r', { from: 0, to: 5, limit: 3 })), [5, 4, 3]);
  assert.equal(calls.length, 2);
});
