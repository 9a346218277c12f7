// Typing, receipts and read markers driven by matrix-js-sdk over real HTTP, on a hub whose room
// membership port is a TestRooms (the rooms feature is wired in by core/main.ts separately).
// What reaches other users is checked in the services' own tests (and by /sync's); here: the
// HTTP surface, its errors, and m.fully_read landing in room account data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Method, MatrixEvent, ReceiptType, type MatrixClient } from 'matrix-js-sdk';
import { loadConfig } from '../../core/config/load.ts';
import { startHub, type Hub } from '../../core/main.ts';
import { testEnv, type TestEnv } from '../support/hub.ts';
import { SpecLog } from '../support/openapi.ts';
import { registerUser, rejectsWith, type TestUser } from '../support/matrix-clients.ts';
import { TestRooms } from '../support/room-membership.ts';

describe('typing, receipts and read markers through matrix-js-sdk', () => {
  const ROOM = '!chat:test.local';
  const rooms = new TestRooms();
  const log = new SpecLog();
  let te: TestEnv;
  let hub: Hub;
  let a: TestUser;
  let b: TestUser;
  let alice: MatrixClient;
  let aliceRaw: MatrixClient;
  let bobRaw: MatrixClient;
  const event = (eventId: string, content: Record<string, unknown> = {}) =>
    new MatrixEvent({ event_id: eventId, room_id: ROOM, type: 'm.room.message', sender: '@bob:test.local', content: { body: 'hi', ...content } });

  before(async () => {
    te = await testEnv();
    hub = await startHub(loadConfig({ env: te.env, path: te.env.SWITCHYARD_CONFIG }), undefined, { roomMembership: rooms });
    a = await registerUser(hub.url, 'alice', log);
    b = await registerUser(hub.url, 'bob', log);
    [alice, aliceRaw, bobRaw] = [a.checked, a.raw, b.raw];
    rooms.join(a.userId, ROOM).join(b.userId, ROOM);
    for (let i = 1; i <= 5; i++) rooms.addEvent(ROOM, `$e${i}`, i);
  });
  after(async () => {
    await hub?.close();
    await te?.cleanup();
  });

  test('typing on and off', async () => {
    await alice.sendTyping(ROOM, true, 20_000);
    await alice.sendTyping(ROOM, false, 0);
    const path = (user: string) => `/rooms/${encodeURIComponent(ROOM)}/typing/${encodeURIComponent(user)}`;
    await rejectsWith(bobRaw.http.authedRequest(Method.Put, path(a.userId), undefined, { typing: true }), 403, 'M_FORBIDDEN');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Put, path(a.userId), undefined, { typing: 'yes' }), 400, 'M_BAD_JSON');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Put, path(a.userId), undefined, {}), 400, 'M_MISSING_PARAM');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Put, path(a.userId), undefined, { typing: true, timeout: -5 }), 400, 'M_BAD_JSON');
    await rejectsWith(aliceRaw.sendTyping('!elsewhere:test.local', true, 1000), 403, 'M_FORBIDDEN');
  });

  test('receipts: m.read, m.read.private, threaded', async () => {
    await alice.sendReceipt(event('$e1'), ReceiptType.Read, {}, true);
    await alice.sendReceipt(event('$e2'), ReceiptType.ReadPrivate, {}, true);
    await alice.sendReceipt(event('$e3'), ReceiptType.Read, { thread_id: 'main' });
    await alice.sendReceipt(event('$e4'), ReceiptType.Read, { thread_id: '$e1' });
    const path = (type: string, id: string) => `/rooms/${encodeURIComponent(ROOM)}/receipt/${type}/${encodeURIComponent(id)}`;
    await rejectsWith(aliceRaw.http.authedRequest(Method.Post, path('m.read', '$missing'), undefined, {}), 404, 'M_NOT_FOUND');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Post, path('m.bogus', '$e1'), undefined, {}), 400, 'M_INVALID_PARAM');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Post, path('m.read', '$e1'), undefined, { thread_id: '' }), 400, 'M_INVALID_PARAM');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Post, path('m.read', '$e1'), undefined, { thread_id: 3 }), 400, 'M_INVALID_PARAM');
    rooms.leave(b.userId, ROOM);
    await rejectsWith(bobRaw.http.authedRequest(Method.Post, path('m.read', '$e1'), undefined, {}), 403, 'M_FORBIDDEN');
    rooms.join(b.userId, ROOM);
  });

  test('read markers set m.fully_read in room account data, also through /receipt', async () => {
    const fullyRead = `/user/${encodeURIComponent(a.userId)}/rooms/${encodeURIComponent(ROOM)}/account_data/m.fully_read`;
    await alice.setRoomReadMarkersHttpRequest(ROOM, '$e3', '$e3', '$e4');
    assert.deepEqual(await alice.http.authedRequest(Method.Get, fullyRead), { event_id: '$e3' });
    await alice.sendReceipt(event('$e5'), ReceiptType.FullyRead, {}, true);
    assert.deepEqual(await alice.http.authedRequest(Method.Get, fullyRead), { event_id: '$e5' });
    await alice.setRoomReadMarkersHttpRequest(ROOM, '$e1');
    assert.deepEqual(await alice.http.authedRequest(Method.Get, fullyRead), { event_id: '$e5' }, 'never backwards');
    const markers = `/rooms/${encodeURIComponent(ROOM)}/read_markers`;
    await rejectsWith(aliceRaw.http.authedRequest(Method.Post, markers, undefined, { 'm.fully_read': 42 }), 400, 'M_BAD_JSON');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Post, markers, undefined, { 'm.fully_read': '$nope' }), 404, 'M_NOT_FOUND');
  });

  test('every spec-checked response matched the spec, and every operation was exercised', () => {
    log.assertClean();
    log.assertExercised(
      [
        'PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}',
        'POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}',
        'POST /_matrix/client/v3/rooms/{roomId}/read_markers',
      ],
      { successOnly: true },
    );
  });
});
