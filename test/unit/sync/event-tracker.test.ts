import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamTracker, TRACKER_RANGES_PER_KEY } from '../../../core/sync/event-tracker.ts';

const ev = (from: number, position: number, rooms: string[], users: string[] = []) => ({ stream: 'events' as const, from, position, rooms, users });

test('answers only for ranges it has fully seen', () => {
  const t = new EventStreamTracker();
  // Nothing seen yet: unknown, not "no events".
  assert.equal(t.roomsWithEvents(['!a'], 0, 5), null);
  t.onUpdate(ev(10, 12, ['!a']));
  t.onUpdate(ev(12, 13, ['!b'], ['@u']));
  assert.deepEqual(t.roomsWithEvents(['!a', '!b', '!c'], 10, 13), ['!a', '!b']);
  assert.deepEqual(t.roomsWithEvents(['!a', '!b', '!c'], 12, 13), ['!b']);
  assert.equal(t.membershipChanged('@u', 10, 12), false);
  assert.equal(t.membershipChanged('@u', 12, 13), true);
  // Before the first update, or past the last: unknown.
  assert.equal(t.roomsWithEvents(['!a'], 9, 13), null);
  assert.equal(t.roomsWithEvents(['!a'], 12, 14), null);
  assert.equal(t.membershipChanged('@v', 5, 13), null);
  // An empty range needs no knowledge.
  assert.deepEqual(t.roomsWithEvents(['!a'], 13, 13), []);
});

test('a gap (a missed update) makes ranges across it unknown until it is filled, in any order', () => {
  const t = new EventStreamTracker();
  t.onUpdate(ev(0, 5, ['!a']));
  t.onUpdate(ev(8, 9, ['!b'])); // (5, 8] not seen yet: another process's update still in flight
  assert.equal(t.roomsWithEvents(['!a', '!b', '!c'], 5, 9), null);
  assert.deepEqual(t.roomsWithEvents(['!a', '!b', '!c'], 8, 9), ['!b']);
  t.onUpdate(ev(5, 8, ['!c']));
  assert.deepEqual(t.roomsWithEvents(['!a', '!b', '!c'], 5, 9), ['!b', '!c']);
  assert.equal(t.coveredFrom(0), 9);
});

test('updates without a range (other streams, old senders) are ignored', () => {
  const t = new EventStreamTracker();
  t.onUpdate({ stream: 'receipts', position: 3, rooms: ['!a'] });
  t.onUpdate({ stream: 'events', position: 3, rooms: ['!a'] });
  assert.equal(t.coveredFrom(0), null);
});

test('a room with more touches than it keeps answers null for ranges below what it forgot', () => {
  const t = new EventStreamTracker();
  for (let i = 0; i < TRACKER_RANGES_PER_KEY + 5; i++) t.onUpdate(ev(i, i + 1, ['!busy']));
  const n = TRACKER_RANGES_PER_KEY + 5;
  assert.deepEqual(t.roomsWithEvents(['!busy'], n - 1, n), ['!busy']);
  // (0, 2]: those touches were summarised away.
  assert.equal(t.roomsWithEvents(['!busy'], 0, 2), null);
  // Still known that it had events across the forgotten part.
  assert.deepEqual(t.roomsWithEvents(['!busy'], 0, n), ['!busy']);
});

test('a position read from the database is a boundary that later updates extend', () => {
  const t = new EventStreamTracker();
  t.seed(40);
  assert.deepEqual(t.roomsWithEvents(['!a'], 40, 40), []);
  assert.equal(t.roomsWithEvents(['!a'], 39, 40), null);
  t.onUpdate(ev(40, 42, ['!a']));
  assert.deepEqual(t.roomsWithEvents(['!a', '!b'], 40, 42), ['!a']);
  // An update that does not start where the known run ends leaves a gap.
  t.onUpdate(ev(43, 44, ['!b']));
  assert.equal(t.roomsWithEvents(['!b'], 42, 44), null);
});
