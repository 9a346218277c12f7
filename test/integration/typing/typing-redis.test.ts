// Typing shared between two hub processes through the Redis notifier (skipped without REDIS_URL):
// a change made on one process shows in the other's typing lists and positions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Notifier } from '../../../core/notifier/notifier.ts';
import { createRedisNotifier } from '../../../core/notifier/redis-notifier.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import type { UserId } from '../../../core/spec/ids.ts';
import { TypingService } from '../../../core/typing/service.ts';
import { TestRooms } from '../../support/room-membership.ts';

const REDIS_URL = process.env.REDIS_URL;
const ROOM = '!room:test.x';
const as = (userId: string): Requester => ({ userId: userId as UserId, deviceId: 'D', tokenId: null, appserviceId: null, isGuest: false });

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached within 2 s');
}

describe('typing across processes over Redis', { skip: !REDIS_URL && 'REDIS_URL not set' }, () => {
  let n1: Notifier;
  let n2: Notifier;
  let t1: TypingService;
  let t2: TypingService;
  const rooms = new TestRooms().join('@a:x', ROOM).join('@b:x', ROOM);

  before(async () => {
    // A channel of our own, so parallel test files do not hear each other.
    const channelPrefix = `swtest-${randomBytes(6).toString('hex')}:`;
    n1 = await createRedisNotifier(REDIS_URL!, { channelPrefix });
    n2 = await createRedisNotifier(REDIS_URL!, { channelPrefix });
    t1 = new TypingService({ membership: rooms, notifier: n1 });
    t2 = new TypingService({ membership: rooms, notifier: n2 });
  });
  after(async () => {
    t1?.close();
    t2?.close();
    await n1?.close();
    await n2?.close();
  });

  test('a change on one process reaches the other with a position at least as large', async () => {
    const since = t2.currentPosition();
    await t1.setTyping(as('@a:x'), ROOM, '@a:x', true, 30_000);
    await eventually(() => t2.typingSince([ROOM], since).length === 1);
    assert.deepEqual(t2.typingSince([ROOM], since), [{ roomId: ROOM, userIds: ['@a:x'] }]);
    assert.ok(t2.currentPosition() >= t1.currentPosition());
    await t2.setTyping(as('@b:x'), ROOM, '@b:x', true, 30_000);
    await eventually(() => t1.typingSince([ROOM], 0)[0]?.userIds.length === 2);
    await t1.setTyping(as('@a:x'), ROOM, '@a:x', false, undefined);
    await eventually(() => t2.typingSince([ROOM], 0)[0]?.userIds.length === 1);
    assert.deepEqual(t2.typingSince([ROOM], 0), [{ roomId: ROOM, userIds: ['@b:x'] }]);
  });
});
