// History visibility (client-server-api "History visibility"): each of the four settings against
// a membership timeline — an event before the invite, while invited, while joined, after leaving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventVisible, parseHistoryVisibility, VisibilityTimeline, type HistoryVisibility } from '../../../core/rooms/visibility.ts';
import type { Membership } from '../../../core/rooms/api.ts';

const USER = '@bob:test.local';
const msg = (streamOrdering: number) => ({ streamOrdering, type: 'm.room.message', stateKey: null });

// Bob is invited at 10, joins at 20, leaves at 30. Messages at 5, 15, 25, 35.
const memberships: { stream: number; value: Membership }[] = [
  { stream: 10, value: 'invite' },
  { stream: 20, value: 'join' },
  { stream: 30, value: 'leave' },
];
const timelineWith = (v: HistoryVisibility) => new VisibilityTimeline(memberships, [{ stream: 1, value: v }]);

const EXPECTED: Record<HistoryVisibility, [before: boolean, invited: boolean, joined: boolean, afterLeave: boolean]> = {
  world_readable: [true, true, true, true],
  shared: [true, true, true, false],
  invited: [false, true, true, false],
  joined: [false, false, true, false],
};

for (const [v, expected] of Object.entries(EXPECTED) as [HistoryVisibility, boolean[]][]) {
  test(`history_visibility ${v}: before invite, invited, joined, after leave`, () => {
    const t = timelineWith(v);
    assert.deepEqual([5, 15, 25, 35].map((s) => t.visible(msg(s), USER)), expected);
  });
}

test('a user who never joined sees nothing of a shared room except world_readable history', () => {
  const t = new VisibilityTimeline([], [{ stream: 1, value: 'shared' }]);
  assert.equal(t.visible(msg(5), USER), false);
  assert.equal(t.everMember(), false);
  const w = new VisibilityTimeline([], [{ stream: 1, value: 'shared' }, { stream: 6, value: 'world_readable' }]);
  assert.equal(w.visible(msg(5), USER), false, 'the setting at the event counts, not the current one');
  assert.equal(w.visible(msg(7), USER), true);
  assert.equal(w.currentVisibility(), 'world_readable');
});

test('the setting in force at each event applies: a change to joined hides later history from the invited', () => {
  const t = new VisibilityTimeline(memberships.slice(0, 1), [{ stream: 1, value: 'invited' }, { stream: 12, value: 'joined' }]);
  assert.equal(t.visible(msg(11), USER), true);
  assert.equal(t.visible(msg(13), USER), false);
});

test('own membership events: the join is visible under joined, the leave always', () => {
  const t = timelineWith('joined');
  assert.equal(t.visible({ streamOrdering: 20, type: 'm.room.member', stateKey: USER }, USER), true);
  assert.equal(t.visible({ streamOrdering: 30, type: 'm.room.member', stateKey: USER }, USER), true);
  assert.equal(t.visible({ streamOrdering: 10, type: 'm.room.member', stateKey: USER }, USER), false, 'an invite under joined');
  assert.equal(t.visible({ streamOrdering: 30, type: 'm.room.member', stateKey: '@carol:test.local' }, USER), true, 'still joined just before 30');
});

test('the algorithm steps and unknown values', () => {
  assert.equal(eventVisible({ visibility: 'joined', membership: 'join', joinedAfter: false }), true);
  assert.equal(eventVisible({ visibility: 'shared', membership: null, joinedAfter: true }), true);
  assert.equal(eventVisible({ visibility: 'invited', membership: 'knock', joinedAfter: true }), false);
  assert.equal(eventVisible({ visibility: 'joined', membership: 'ban', joinedAfter: true }), false);
  assert.equal(parseHistoryVisibility('nonsense'), 'shared');
  assert.equal(parseHistoryVisibility(undefined), 'shared');
});
