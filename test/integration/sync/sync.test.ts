// Incremental /sync correctness over HTTP, every response validated against the spec: limited
// timelines with prev_batch and state deltas, full_state, lazy-loaded members, the leave and
// invite sections, account data, long-poll wake-ups and timeouts, and bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { registerAccount, type Account } from '../../support/rooms-clients.ts';
import { specFetch, SpecLog } from '../../support/openapi.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('/sync over HTTP', () => {
  const log = new SpecLog();
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let bob: Account;
  let carol: Account;
  let fetchChecked: typeof fetch;

  const call = async (who: Account, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetchChecked(`${hub.url}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${who.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const ok = async (who: Account, method: string, path: string, body?: unknown): Promise<Json> => {
    const r = await call(who, method, path, body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };
  const sync = (who: Account, q: Record<string, string | number | boolean | object> = {}) =>
    ok(who, 'GET', `/sync?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]) as [string, string][])}`);
  const send = async (who: Account, roomId: string, body: string) =>
    (await ok(who, 'PUT', `/rooms/${roomId}/send/m.room.message/${Math.random()}`, { msgtype: 'm.text', body })).event_id as string;
  const newRoom = async (opts: Json = {}) => (await ok(alice, 'POST', '/createRoom', { preset: 'public_chat', ...opts })).room_id as string;
  const bodies = (room: Json | undefined) => (room?.timeline.events as Json[]).filter((e) => e.type === 'm.room.message').map((e) => e.content.body);

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    fetchChecked = specFetch(hub.url, 'client-server', { log });
    alice = await registerAccount(hub.url, 'alice');
    bob = await registerAccount(hub.url, 'bob');
    carol = await registerAccount(hub.url, 'carol');
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    log.assertClean();
  });

  test('limited timeline: prev_batch, and the state delta of the gap', async () => {
    const roomId = await newRoom();
    await ok(bob, 'POST', `/join/${roomId}`, {});
    const s1 = await sync(bob);
    assert.ok(s1.rooms.join[roomId]);
    await ok(alice, 'PUT', `/rooms/${roomId}/state/m.room.topic/`, { topic: 'set in the gap' });
    for (let i = 0; i < 8; i++) await send(alice, roomId, `m${i}`);
    const filter = { room: { timeline: { limit: 3 } } };
    const s2 = await sync(bob, { since: s1.next_batch, filter });
    const room = s2.rooms.join[roomId];
    assert.equal(room.timeline.limited, true);
    assert.deepEqual(bodies(room), ['m5', 'm6', 'm7']);
    assert.match(room.timeline.prev_batch, /^t\d+_\d+$/);
    assert.deepEqual(room.state.events.map((e: Json) => [e.type, e.content.topic]), [['m.room.topic', 'set in the gap']]);
    // Not limited: every change is in the timeline, the state section is empty.
    await ok(alice, 'PUT', `/rooms/${roomId}/state/m.room.topic/`, { topic: 'in the timeline' });
    const s3 = await sync(bob, { since: s2.next_batch, filter });
    assert.equal(s3.rooms.join[roomId].timeline.limited, false);
    assert.deepEqual(s3.rooms.join[roomId].state.events, []);
    assert.equal(s3.rooms.join[roomId].timeline.events[0].content.topic, 'in the timeline');
    assert.equal(s3.rooms.join[roomId].timeline.events[0].unsigned.prev_content.topic, 'set in the gap');
    // full_state: the whole state again, at once, even with a timeout.
    const s4 = await sync(bob, { since: s3.next_batch, full_state: true, timeout: 10_000 });
    const types = new Set(s4.rooms.join[roomId].state.events.map((e: Json) => e.type));
    for (const t of ['m.room.create', 'm.room.power_levels', 'm.room.join_rules', 'm.room.member']) assert.ok(types.has(t), t);
  });

  test('transaction_id only to the sending device; own messages in order', async () => {
    const roomId = await newRoom();
    const s1 = await sync(alice);
    await ok(alice, 'PUT', `/rooms/${roomId}/send/m.room.message/txn-42`, { msgtype: 'm.text', body: 'mine' });
    const s2 = await sync(alice, { since: s1.next_batch });
    const ev = s2.rooms.join[roomId].timeline.events.at(-1);
    assert.equal(ev.unsigned.transaction_id, 'txn-42');
  });

  test('lazy-loaded members: timeline senders only, not sent twice unless redundant ones are asked for', async () => {
    const roomId = await newRoom();
    await ok(bob, 'POST', `/join/${roomId}`, {});
    await ok(carol, 'POST', `/join/${roomId}`, {});
    await send(carol, roomId, 'from carol');
    const lazy = { room: { timeline: { limit: 1 }, state: { lazy_load_members: true } } };
    const s1 = await sync(bob, { filter: lazy });
    const room = s1.rooms.join[roomId];
    const members = room.state.events.filter((e: Json) => e.type === 'm.room.member').map((e: Json) => e.state_key).sort();
    assert.deepEqual(members, [bob.userId, carol.userId].sort(), 'carol (sender) and bob (self), not alice');
    assert.equal(room.summary['m.joined_member_count'], 3);
    await send(carol, roomId, 'again');
    const s2 = await sync(bob, { since: s1.next_batch, filter: lazy });
    assert.deepEqual(s2.rooms.join[roomId].state.events, [], 'carol\'s member event was already sent');
    await send(carol, roomId, 'and again');
    const redundant = { room: { timeline: { limit: 1 }, state: { lazy_load_members: true, include_redundant_members: true } } };
    const s3 = await sync(bob, { since: s2.next_batch, filter: redundant });
    assert.deepEqual(s3.rooms.join[roomId].state.events.map((e: Json) => e.state_key), [carol.userId]);
    // A stored filter works the same as an inline one.
    const { filter_id } = await ok(bob, 'POST', `/user/${encodeURIComponent(bob.userId)}/filter`, lazy);
    const s4 = await sync(bob, { filter: filter_id });
    assert.equal(s4.rooms.join[roomId].timeline.events.length, 1);
  });

  test('invites carry stripped state; leaving and kicks land in the leave section', async () => {
    const roomId = await newRoom({ preset: 'private_chat', name: 'Secret garden' });
    const s1 = await sync(carol);
    await ok(alice, 'POST', `/rooms/${roomId}/invite`, { user_id: carol.userId });
    const s2 = await sync(carol, { since: s1.next_batch, timeout: 5000 });
    const invite = s2.rooms.invite[roomId];
    const stripped = new Map(invite.invite_state.events.map((e: Json) => [e.type, e]));
    assert.equal((stripped.get('m.room.name') as Json).content.name, 'Secret garden');
    assert.equal((stripped.get('m.room.member') as Json).content.membership, 'invite');
    assert.equal(s2.rooms.join[roomId], undefined);
    await ok(carol, 'POST', `/join/${roomId}`, {});
    const s3 = await sync(carol, { since: s2.next_batch });
    assert.ok(s3.rooms.join[roomId], 'joined');
    assert.ok(s3.rooms.join[roomId].state.events.length + s3.rooms.join[roomId].timeline.events.length > 0);
    await send(alice, roomId, 'before the kick');
    await ok(alice, 'POST', `/rooms/${roomId}/kick`, { user_id: carol.userId, reason: 'bye' });
    await send(alice, roomId, 'after the kick');
    const s4 = await sync(carol, { since: s3.next_batch });
    const left = s4.rooms.leave[roomId];
    assert.ok(left, 'the kick is in the leave section');
    assert.deepEqual(bodies(left), ['before the kick']);
    const kick = left.timeline.events.at(-1);
    assert.equal(kick.content.membership, 'leave');
    assert.equal(kick.sender, alice.userId);
    assert.equal(s4.rooms.join[roomId], undefined);
    // Later syncs say nothing more of the room; an initial sync shows it only with include_leave.
    const s5 = await sync(carol, { since: s4.next_batch });
    assert.equal(s5.rooms.leave[roomId], undefined);
    assert.equal((await sync(carol)).rooms.leave[roomId], undefined);
    const withLeave = await sync(carol, { filter: { room: { include_leave: true } } });
    assert.ok(!JSON.stringify(withLeave.rooms.leave[roomId]).includes('after the kick'));
    assert.ok(withLeave.rooms.leave[roomId]);
  });

  test('account data, tags and read markers are room and global account data', async () => {
    const roomId = await newRoom();
    const s1 = await sync(alice);
    await ok(alice, 'PUT', `/user/${encodeURIComponent(alice.userId)}/account_data/org.example.pref`, { x: 1 });
    await ok(alice, 'PUT', `/user/${encodeURIComponent(alice.userId)}/rooms/${roomId}/tags/m.favourite`, { order: 0.5 });
    const eventId = await send(alice, roomId, 'marker');
    await ok(alice, 'POST', `/rooms/${roomId}/read_markers`, { 'm.fully_read': eventId });
    const s2 = await sync(alice, { since: s1.next_batch });
    assert.deepEqual(s2.account_data.events, [{ type: 'org.example.pref', content: { x: 1 } }]);
    const roomData = new Map(s2.rooms.join[roomId].account_data.events.map((e: Json) => [e.type, e.content]));
    assert.deepEqual(roomData.get('m.tag'), { tags: { 'm.favourite': { order: 0.5 } } });
    assert.deepEqual(roomData.get('m.fully_read'), { event_id: eventId });
  });

  test('long-poll: woken by a message, or empty after the timeout', async () => {
    const roomId = await newRoom();
    await ok(bob, 'POST', `/join/${roomId}`, {});
    const s1 = await sync(bob);
    const started = Date.now();
    const polling = sync(bob, { since: s1.next_batch, timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    await send(alice, roomId, 'wake up');
    const s2 = await polling;
    assert.deepEqual(bodies(s2.rooms.join[roomId]), ['wake up']);
    assert.ok(Date.now() - started < 15_000);
    const s3 = await sync(bob, { since: s2.next_batch, timeout: 300 });
    assert.deepEqual(s3.rooms.join, {});
    assert.equal(typeof s3.next_batch, 'string');
  });

  test('bad input', async () => {
    const bad = async (q: string, errcode: string) => {
      const r = await call(bob, 'GET', `/sync?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.errcode, errcode, q);
    };
    await bad('since=garbage', 'M_INVALID_PARAM');
    await bad('since=s1_2_x', 'M_INVALID_PARAM');
    await bad('timeout=-5', 'M_INVALID_PARAM');
    await bad('timeout=soon', 'M_INVALID_PARAM');
    await bad('filter=%7Bnot%20json', 'M_NOT_JSON');
    await bad('filter=12345', 'M_INVALID_PARAM');
    await bad(`filter=${encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 0 } } }))}`, 'M_INVALID_PARAM');
    await bad('set_presence=busy', 'M_INVALID_PARAM');
    const anon = await fetch(`${hub.url}/_matrix/client/v3/sync`);
    assert.equal(anon.status, 401);
  });
});
