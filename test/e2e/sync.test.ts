// /sync through two matrix-js-sdk clients running their real sync loop (startClient) against a
// hub over HTTP, every response validated against the spec: invite, join, 200 messages seen in
// order on both sides, typing and read receipts, unread counts, kick, and a non-member who
// sees nothing of the room.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventType, MsgType, NotificationCountType, type MatrixClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { csCall, registerAccount, type Account } from '../support/rooms-clients.ts';
import { SpecLog } from '../support/openapi.ts';
import { eventually, startSyncing, syncingClient } from '../support/sync-clients.ts';

const MESSAGES = 200;

describe('sync through two matrix-js-sdk clients', () => {
  const log = new SpecLog();
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let bob: Account;
  let eve: Account;
  let a: MatrixClient;
  let b: MatrixClient;
  let roomId: string;

  const bodies = (c: MatrixClient) =>
    (c.getRoom(roomId)?.getLiveTimeline().getEvents() ?? []).filter((e) => e.getType() === 'm.room.message').map((e) => e.getContent().body as string);

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    alice = await registerAccount(hub.url, 'alice');
    bob = await registerAccount(hub.url, 'bob');
    eve = await registerAccount(hub.url, 'eve');
    a = syncingClient(hub.url, alice, log);
    b = syncingClient(hub.url, bob, log);
    // One client lazy-loads members, the other does not: both paths of the state section.
    await startSyncing(a, { initialSyncLimit: 300 });
    await startSyncing(b, { initialSyncLimit: 300, lazyLoadMembers: true });
  });
  after(async () => {
    a?.stopClient();
    b?.stopClient();
    await hub?.stop();
    await te?.cleanup();
    log.assertClean();
  });

  test('invite and join are seen by both', async () => {
    ({ room_id: roomId } = await a.createRoom({ name: 'Verona', preset: 'private_chat' as never }));
    await a.invite(roomId, bob.userId);
    await eventually('bob sees the invite', () => b.getRoom(roomId)?.getMyMembership() === 'invite');
    assert.equal(b.getRoom(roomId)?.name, 'Verona', 'stripped state carries the name');
    await b.joinRoom(roomId);
    await eventually('alice sees bob join', () => a.getRoom(roomId)?.getMember(bob.userId)?.membership === 'join');
  });

  test(`${MESSAGES} messages arrive in order on both sides`, async () => {
    const expected: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const body = `message ${i}`;
      expected.push(body);
      await (i % 2 === 0 ? a : b).sendMessage(roomId, { msgtype: MsgType.Text, body });
    }
    for (const [name, c] of [['alice', a], ['bob', b]] as const) {
      await eventually(`${name} has all messages`, () => bodies(c).length >= MESSAGES);
      assert.deepEqual(bodies(c), expected, `${name}'s timeline`);
      const ids = c.getRoom(roomId)!.getLiveTimeline().getEvents().map((e) => e.getId());
      assert.equal(new Set(ids).size, ids.length, `no duplicates in ${name}'s timeline`);
    }
  });

  test('typing notifications reach the other client', async () => {
    await a.sendTyping(roomId, true, 20_000);
    await eventually('bob sees alice typing', () => b.getRoom(roomId)?.getMember(alice.userId)?.typing === true);
    await a.sendTyping(roomId, false, 0);
    await eventually('bob sees alice stop', () => b.getRoom(roomId)?.getMember(alice.userId)?.typing === false);
  });

  test('read receipts reach the other client; unread counts follow them', async () => {
    const last = b.getRoom(roomId)!.getLiveTimeline().getEvents().at(-1)!;
    await b.sendReadReceipt(last);
    await eventually('alice sees bob\'s receipt', () => a.getRoom(roomId)?.getEventReadUpTo(bob.userId) === last.getId());
    await a.sendMessage(roomId, { msgtype: MsgType.Text, body: 'are you there?' });
    await a.sendMessage(roomId, { msgtype: MsgType.Text, body: `hey ${bob.userId.slice(1, bob.userId.indexOf(':'))}` });
    await eventually('bob has two unread, one highlight', () => {
      const room = b.getRoom(roomId);
      return room?.getUnreadNotificationCount(NotificationCountType.Total) === 2 && room.getUnreadNotificationCount(NotificationCountType.Highlight) === 1;
    });
    const newest = b.getRoom(roomId)!.getLiveTimeline().getEvents().at(-1)!;
    await b.sendReadReceipt(newest);
    await eventually('bob\'s counts drop to zero', () => b.getRoom(roomId)?.getUnreadNotificationCount(NotificationCountType.Total) === 0);
  });

  test('a non-member sees nothing of the room', async () => {
    const initial = await csCall(hub.url, eve.accessToken, 'GET', '/sync');
    assert.equal(initial.status, 200);
    assert.ok(!JSON.stringify(initial.json).includes(roomId), 'the room is absent from eve\'s sync');
    const next = await csCall(hub.url, eve.accessToken, 'GET', `/sync?since=${initial.json.next_batch as string}&timeout=300`);
    assert.ok(!JSON.stringify(next.json).includes(roomId));
  });

  test('a kick is seen by the kicked client and the kicker', async () => {
    await a.kick(roomId, bob.userId, 'closing time');
    await eventually('bob sees he was kicked', () => b.getRoom(roomId)?.getMyMembership() === 'leave');
    await eventually('alice sees bob leave', () => a.getRoom(roomId)?.getMember(bob.userId)?.membership === 'leave');
    const kick = b.getRoom(roomId)!.getLiveTimeline().getEvents().find((e) => e.getType() === EventType.RoomMember && e.getStateKey() === bob.userId && e.getContent().membership === 'leave');
    assert.equal(kick?.getSender(), alice.userId);
    assert.equal(kick?.getContent().reason, 'closing time');
    // After the kick, new messages do not reach bob.
    await a.sendMessage(roomId, { msgtype: MsgType.Text, body: 'after the kick' });
    await eventually('alice has her message', () => bodies(a).includes('after the kick'));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!bodies(b).includes('after the kick'));
  });
});
