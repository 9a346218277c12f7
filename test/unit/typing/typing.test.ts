import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalNotifier, type StreamUpdate } from '../../../core/notifier/notifier.ts';
import { DEFAULT_TYPING_TIMEOUT_MS, MAX_TYPING_TIMEOUT_MS, TypingService } from '../../../core/typing/service.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import type { UserId } from '../../../core/spec/ids.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import { TestRooms } from '../../support/room-membership.ts';

const ROOM = '!room:test.x';
const OTHER = '!other:test.x';
const as = (userId: string): Requester => ({ userId: userId as UserId, deviceId: 'D', tokenId: null, appserviceId: null, isGuest: false });

function setup() {
  const clock = { now: 1_700_000_000_000 };
  const notifier = new LocalNotifier();
  const updates: StreamUpdate[] = [];
  notifier.subscribe((u) => updates.push(u));
  const rooms = new TestRooms().join('@a:x', ROOM).join('@b:x', ROOM).join('@a:x', OTHER);
  const typing = new TypingService({ membership: rooms, notifier, now: () => clock.now });
  return { clock, notifier, updates, rooms, typing };
}

async function rejects(p: Promise<unknown>, errcode: string) {
  await assert.rejects(p, (e: unknown) => e instanceof MatrixError && e.errcode === errcode);
}

describe('typing', () => {
  test('typing starts, shows in the room, stops with typing: false', async () => {
    const { typing, clock } = setup();
    const start = typing.currentPosition();
    await typing.setTyping(as('@a:x'), ROOM, '@a:x', true, 10_000);
    const p1 = typing.currentPosition();
    assert.ok(p1 > start);
    assert.deepEqual(typing.typingSince([ROOM, OTHER], 0), [{ roomId: ROOM, userIds: ['@a:x'] }]);
    assert.deepEqual(typing.typingSince([ROOM], start), [{ roomId: ROOM, userIds: ['@a:x'] }]);
    assert.deepEqual(typing.typingSince([ROOM], p1), []);
    clock.now += 1;
    await typing.setTyping(as('@b:x'), ROOM, '@b:x', true, undefined);
    await typing.setTyping(as('@a:x'), ROOM, '@a:x', false, undefined);
    const p2 = typing.currentPosition();
    assert.ok(p2 > p1);
    assert.deepEqual(typing.typingSince([ROOM], p1), [{ roomId: ROOM, userIds: ['@b:x'] }]);
    await typing.setTyping(as('@b:x'), ROOM, '@b:x', false, undefined);
    // Incremental syncs learn the list became empty; initial syncs skip empty rooms.
    assert.deepEqual(typing.typingSince([ROOM], p2), [{ roomId: ROOM, userIds: [] }]);
    assert.deepEqual(typing.typingSince([ROOM], 0), []);
  });

  test('typing expires after its timeout (default 30 s, capped at 120 s)', async () => {
    const { typing, clock } = setup();
    await typing.setTyping(as('@a:x'), ROOM, '@a:x', true, undefined);
    await typing.setTyping(as('@b:x'), ROOM, '@b:x', true, 10 * 60_000);
    clock.now += DEFAULT_TYPING_TIMEOUT_MS - 1;
    assert.deepEqual(typing.typingSince([ROOM], 0)[0]!.userIds.sort(), ['@a:x', '@b:x']);
    const before = typing.currentPosition();
    clock.now += 1;
    assert.deepEqual(typing.typingSince([ROOM], before), [{ roomId: ROOM, userIds: ['@b:x'] }]);
    clock.now += MAX_TYPING_TIMEOUT_MS - DEFAULT_TYPING_TIMEOUT_MS;
    assert.deepEqual(typing.typingSince([ROOM], 0), []);
  });

  test('renewing typing extends it without a new position', async () => {
    const { typing, clock } = setup();
    await typing.setTyping(as('@a:x'), ROOM, '@a:x', true, 5_000);
    const p = typing.currentPosition();
    clock.now += 4_000;
    await typing.setTyping(as('@a:x'), ROOM, '@a:x', true, 5_000);
    assert.equal(typing.currentPosition(), p);
    clock.now += 4_000;
    assert.deepEqual(typing.typingSince([ROOM], 0), [{ roomId: ROOM, userIds: ['@a:x'] }]);
    clock.now += 1_001;
    assert.deepEqual(typing.typingSince([ROOM], 0), []);
  });

  test('positions are monotonic even when many changes share a millisecond, and after a restart', async () => {
    const { typing, clock, rooms } = setup();
    let last = typing.currentPosition();
    for (let i = 0; i < 20; i++) {
      await typing.setTyping(as('@a:x'), ROOM, '@a:x', i % 2 === 0, undefined);
      const p = typing.currentPosition();
      assert.ok(p > last, `${p} > ${last}`);
      last = p;
    }
    // 20 changes in one millisecond ran 19 ms ahead of the clock; a restart takes longer than that.
    clock.now += 1_000;
    const restarted = new TypingService({ membership: rooms, notifier: new LocalNotifier(), now: () => clock.now });
    assert.ok(restarted.currentPosition() > last, 'a new process starts after old positions');
    typing.close();
    restarted.close();
  });

  test('notifies with the room and user after each change', async () => {
    const { typing, updates } = setup();
    await typing.setTyping(as('@a:x'), ROOM, '@a:x', true, undefined);
    const u = updates.at(-1)!;
    assert.equal(u.stream, 'typing');
    assert.deepEqual(u.rooms, [ROOM]);
    assert.deepEqual(u.users, ['@a:x']);
    assert.equal(u.position, typing.currentPosition());
  });

  test('only for oneself, in rooms one is joined to, with a valid room id', async () => {
    const { typing, rooms } = setup();
    await rejects(typing.setTyping(as('@a:x'), ROOM, '@b:x', true, undefined), 'M_FORBIDDEN');
    await rejects(typing.setTyping(as('@b:x'), OTHER, '@b:x', true, undefined), 'M_FORBIDDEN');
    await rejects(typing.setTyping(as('@a:x'), 'not-a-room', '@a:x', true, undefined), 'M_INVALID_PARAM');
    rooms.leave('@a:x', ROOM);
    await rejects(typing.setTyping(as('@a:x'), ROOM, '@a:x', true, undefined), 'M_FORBIDDEN');
    assert.deepEqual(typing.typingSince([ROOM, OTHER], 0), []);
  });

  test('updates from another process (through the notifier) are applied, stale expiries are not', async () => {
    const { typing, notifier, clock } = setup();
    const remoteAt = typing.currentPosition() + 1000;
    notifier.notify({ stream: 'typing', position: remoteAt, rooms: [ROOM], users: ['@b:x'], typing: { roomId: ROOM, userId: '@b:x', until: clock.now + 60_000 } } as StreamUpdate);
    assert.deepEqual(typing.typingSince([ROOM], 0), [{ roomId: ROOM, userIds: ['@b:x'] }]);
    assert.ok(typing.currentPosition() >= remoteAt, 'adopts the larger position');
    // An expiry for an older `until` (the user renewed since) changes nothing.
    notifier.notify({ stream: 'typing', position: remoteAt + 1, typing: { roomId: ROOM, userId: '@b:x', until: null, expired: clock.now + 1 } } as StreamUpdate);
    assert.deepEqual(typing.typingSince([ROOM], 0), [{ roomId: ROOM, userIds: ['@b:x'] }]);
    notifier.notify({ stream: 'typing', position: remoteAt + 2, typing: { roomId: ROOM, userId: '@b:x', until: null } } as StreamUpdate);
    assert.deepEqual(typing.typingSince([ROOM], 0), []);
    typing.close();
  });
});
