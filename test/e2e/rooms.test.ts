// Rooms through two matrix-js-sdk clients over real HTTP: create, invite, join, send, state,
// kick/ban enforced, power levels enforced, non-members refused, redaction, aliases, upgrade.
// Every response is validated against the spec's OpenAPI schemas by specFetch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatrixClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { csCall, registerAccount, rejectsWith, sdkClient, TEST_PASSWORD, type Account } from '../support/rooms-clients.ts';

describe('rooms through matrix-js-sdk', () => {
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let bob: Account;
  let eve: Account;
  let a: MatrixClient;
  let b: MatrixClient;
  let e: MatrixClient;

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    alice = await registerAccount(hub.url, 'alice');
    bob = await registerAccount(hub.url, 'bob');
    eve = await registerAccount(hub.url, 'eve');
    a = sdkClient(hub.url, alice);
    b = sdkClient(hub.url, bob);
    e = sdkClient(hub.url, eve);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('create, invite, join, send, read state and members', async () => {
    const { room_id } = await a.createRoom({ name: 'Verona', topic: 'A pair of star-crossed lovers', preset: 'private_chat' as never });
    assert.match(room_id, /^![A-Za-z0-9_-]{43}$/, 'v12 room id derived from the create event');
    assert.deepEqual((await a.getStateEvent(room_id, 'm.room.name', '')) as unknown, { name: 'Verona' });
    await rejectsWith(b.joinRoom(room_id), 403, 'M_FORBIDDEN');
    await a.invite(room_id, bob.userId);
    await b.joinRoom(room_id);
    const sent = await b.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'But soft, what light' });
    assert.match(sent.event_id, /^\$/);
    const joined = await a.getJoinedRoomMembers(room_id);
    assert.deepEqual(Object.keys(joined.joined).sort(), [alice.userId, bob.userId]);
    assert.equal(joined.joined[bob.userId]!.display_name, 'bob');
    const members = await b.members(room_id);
    assert.equal(members.chunk.length, 2);
    const onlyJoined = await b.members(room_id, undefined, 'invite');
    assert.equal(onlyJoined.chunk.length, 2, 'not_membership=invite keeps the joined');
    assert.deepEqual((await a.getJoinedRooms()).joined_rooms, [room_id]);
    const state = await b.roomState(room_id);
    assert.ok(state.some((ev) => ev.type === 'm.room.create'));
    assert.ok(state.some((ev) => ev.type === 'm.room.topic' && ev.content.topic === 'A pair of star-crossed lovers'));
  });

  test('non-members can neither send nor read state', async () => {
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never });
    await rejectsWith(e.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'let me in' }), 403, 'M_FORBIDDEN');
    await rejectsWith(e.getStateEvent(room_id, 'm.room.create', ''), 403, 'M_FORBIDDEN');
    await rejectsWith(e.roomState(room_id), 403, 'M_FORBIDDEN');
    await rejectsWith(e.getJoinedRoomMembers(room_id), 403, 'M_FORBIDDEN');
    // Public room: eve may join, then send.
    await e.joinRoom(room_id);
    await e.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'in' });
    // After leaving, eve reads the state as it was when she left, and cannot send.
    await e.leave(room_id);
    await a.sendStateEvent(room_id, 'm.room.topic' as never, { topic: 'after eve left' } as never, '');
    const topicForEve = (await e.roomState(room_id)).find((ev) => ev.type === 'm.room.topic');
    assert.equal(topicForEve, undefined, 'the topic was set after eve left');
    await rejectsWith(e.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'ghost' }), 403, 'M_FORBIDDEN');
    await e.forget(room_id, false);
    assert.deepEqual((await e.getJoinedRooms()).joined_rooms, []);
  });

  test('power levels are enforced', async () => {
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never });
    await b.joinRoom(room_id);
    await rejectsWith(b.sendStateEvent(room_id, 'm.room.name' as never, { name: 'mine now' } as never, ''), 403, 'M_FORBIDDEN');
    await rejectsWith(b.kick(room_id, alice.userId), 403, 'M_FORBIDDEN');
    const pl = (await a.getStateEvent(room_id, 'm.room.power_levels', '')) as Record<string, unknown>;
    assert.equal((pl.users as Record<string, number>)[alice.userId], undefined, 'v12 creators are not in users');
    await a.sendStateEvent(room_id, 'm.room.power_levels' as never, { ...pl, users: { [bob.userId]: 50 } } as never, '');
    await b.sendStateEvent(room_id, 'm.room.name' as never, { name: 'moderated' } as never, '');
    assert.deepEqual((await a.getStateEvent(room_id, 'm.room.name', '')) as unknown, { name: 'moderated' });
  });

  test('kick and ban are enforced; unban lets the user back', async () => {
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never });
    await e.joinRoom(room_id);
    await a.kick(room_id, eve.userId, 'be nice');
    await rejectsWith(e.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'kicked' }), 403, 'M_FORBIDDEN');
    await e.joinRoom(room_id);
    await a.ban(room_id, eve.userId, 'really');
    await rejectsWith(e.joinRoom(room_id), 403, 'M_FORBIDDEN');
    const banned = await a.members(room_id, 'ban');
    assert.deepEqual(banned.chunk.map((m) => m.state_key), [eve.userId]);
    await a.unban(room_id, eve.userId);
    await e.joinRoom(room_id);
  });

  test('redaction: own events, and others only with the redact level', async () => {
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never });
    await b.joinRoom(room_id);
    await e.joinRoom(room_id);
    const msg = await e.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'secret' });
    await rejectsWith(b.redactEvent(room_id, msg.event_id), 403, 'M_FORBIDDEN');
    const own = await b.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'oops' });
    await b.redactEvent(room_id, own.event_id, undefined, { reason: 'typo' });
    const r = await a.redactEvent(room_id, msg.event_id);
    assert.match(r.event_id, /^\$/);
  });

  test('aliases: create, resolve, join by alias, list, canonical alias validation, delete', async () => {
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never, room_alias_name: 'montague' });
    assert.deepEqual(await a.getRoomIdForAlias('#montague:test.local'), { room_id, servers: ['test.local'] });
    await a.createAlias('#capulet:test.local', room_id);
    await rejectsWith(b.createAlias('#capulet:test.local', room_id), 409, 'M_UNKNOWN');
    assert.deepEqual((await a.getLocalAliases(room_id)).aliases, ['#capulet:test.local', '#montague:test.local']);
    await b.joinRoom('#capulet:test.local');
    await rejectsWith(a.sendStateEvent(room_id, 'm.room.canonical_alias' as never, { alias: '#nowhere:test.local' } as never, ''), 400, 'M_BAD_ALIAS');
    await a.sendStateEvent(room_id, 'm.room.canonical_alias' as never, { alias: '#capulet:test.local' } as never, '');
    await rejectsWith(b.deleteAlias('#capulet:test.local'), 403, 'M_FORBIDDEN');
    await a.deleteAlias('#capulet:test.local');
    await rejectsWith(a.getRoomIdForAlias('#capulet:test.local'), 404, 'M_NOT_FOUND');
    await rejectsWith(a.createRoom({ room_alias_name: 'montague' }), 400, 'M_ROOM_IN_USE');
  });

  test('createRoom: invites, trusted_private_chat, room versions, initial_state, overrides', async () => {
    const { room_id } = await a.createRoom({
      preset: 'trusted_private_chat' as never,
      invite: [bob.userId],
      is_direct: true,
      room_version: '10',
      initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'joined' } }],
      power_level_content_override: { state_default: 60 },
    });
    assert.match(room_id, /^![^:]+:test\.local$/);
    const pl = (await a.getStateEvent(room_id, 'm.room.power_levels', '')) as Record<string, unknown>;
    assert.equal(pl.state_default, 60);
    assert.equal((pl.users as Record<string, number>)[bob.userId], 100, 'trusted_private_chat invitees get the creator level');
    assert.deepEqual((await a.getStateEvent(room_id, 'm.room.history_visibility', '')) as unknown, { history_visibility: 'joined' });
    const invite = (await a.getStateEvent(room_id, 'm.room.member', bob.userId)) as Record<string, unknown>;
    assert.equal(invite.membership, 'invite');
    assert.equal(invite.is_direct, true);
    await rejectsWith(a.createRoom({ room_version: '99' }), 400, 'M_UNSUPPORTED_ROOM_VERSION');
  });

  test('upgrade: tombstone in the old room, predecessor and copied state in the new one', async () => {
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never, name: 'old', room_version: '11' });
    await b.joinRoom(room_id);
    await rejectsWith(b.upgradeRoom(room_id, '12'), 403, 'M_FORBIDDEN');
    const { replacement_room } = await a.upgradeRoom(room_id, '12');
    const tomb = (await a.getStateEvent(room_id, 'm.room.tombstone', '')) as Record<string, unknown>;
    assert.equal(tomb.replacement_room, replacement_room);
    const create = (await a.getStateEvent(replacement_room, 'm.room.create', '')) as Record<string, unknown>;
    assert.equal((create.predecessor as Record<string, unknown>).room_id, room_id);
    assert.equal(create.room_version, '12');
    assert.deepEqual((await a.getStateEvent(replacement_room, 'm.room.name', '')) as unknown, { name: 'old' });
    await rejectsWith(b.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'still here?' }), 403, 'M_FORBIDDEN');
    await b.joinRoom(replacement_room);
  });

  test('knock on a knock room, then get invited in', async () => {
    const { room_id } = await a.createRoom({ initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }] });
    await e.knockRoom(room_id, { reason: 'please' });
    const knocking = await a.members(room_id, 'knock');
    assert.deepEqual(knocking.chunk.map((m) => m.state_key), [eve.userId]);
    await a.invite(room_id, eve.userId);
    await e.joinRoom(room_id);
  });

  test('a displayname change updates the membership event in every joined room', async () => {
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never });
    await b.joinRoom(room_id);
    await b.setDisplayName('Romeo Montague');
    const member = (await a.getStateEvent(room_id, 'm.room.member', bob.userId)) as Record<string, unknown>;
    assert.equal(member.displayname, 'Romeo Montague');
    assert.equal(member.membership, 'join');
    const joined = await a.getJoinedRoomMembers(room_id);
    assert.equal(joined.joined[bob.userId]!.display_name, 'Romeo Montague');
  });

  test('the write path exports its metrics', async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const count = /switchyard_rooms_persist_batch_events_count (\d+)/.exec(text);
    assert.ok(count && Number(count[1]) > 0, 'batches were observed');
    assert.match(text, /switchyard_rooms_persist_writes_total \d+/);
  });

  test('a deactivated account leaves its rooms', async () => {
    const carol = await registerAccount(hub.url, 'carol');
    const c = sdkClient(hub.url, carol);
    const { room_id } = await a.createRoom({ preset: 'public_chat' as never });
    await c.joinRoom(room_id);
    const { room_id: invitedTo } = await a.createRoom({ invite: [carol.userId] });
    const deactivate = (body: Record<string, unknown>) =>
      csCall(hub.url, carol.accessToken, 'POST', '/account/deactivate', body);
    const challenge = await deactivate({});
    assert.equal(challenge.status, 401);
    const done = await deactivate({
      auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: carol.userId }, password: TEST_PASSWORD, session: challenge.json.session },
    });
    assert.equal(done.status, 200, JSON.stringify(done.json));
    assert.deepEqual(Object.keys((await a.getJoinedRoomMembers(room_id)).joined), [alice.userId]);
    const invite = (await a.getStateEvent(invitedTo, 'm.room.member', carol.userId)) as Record<string, unknown>;
    assert.equal(invite.membership, 'leave', 'the invite was rejected');
  });
});
