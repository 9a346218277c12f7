// The rooms write path against a real database: every event verifies with the kernel, state is
// stored as deltas and readable at any event, stream positions are gap-free under concurrent
// sends across rooms (with group commit), txn ids are idempotent per device, and two writers on
// one room (two hub processes) never fork it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRoomVerifies, requester, roomsFixture, type RoomsFixture } from '../../support/rooms-store.ts';
import { SNAPSHOT_INTERVAL } from '../../../core/rooms/room-input.ts';
import type { StreamUpdate } from '../../../core/notifier/notifier.ts';

describe('rooms write path', () => {
  let f: RoomsFixture;
  const alice = requester('alice');
  const bob = requester('bob');
  before(async () => {
    f = await roomsFixture();
  });
  after(async () => {
    await f?.close();
  });

  test('every persisted event verifies with the kernel (v12, v11, v10, v1)', async () => {
    for (const roomVersion of ['12', '11', '10', '1']) {
      const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'public_chat', name: 'n', topic: 't', invite: [bob.userId], roomVersion });
      await f.rooms.service.join(bob, room_id);
      const m = await f.rooms.service.send(bob, { roomId: room_id, type: 'm.room.message', content: { body: 'hi', msgtype: 'm.text' }, txnId: `v${roomVersion}` });
      await f.rooms.service.redact(bob, { roomId: room_id, eventId: m.event_id, txnId: `r${roomVersion}` });
      await f.rooms.service.kick(alice, { roomId: room_id, target: bob.userId, reason: 'bye' });
      const n = await assertRoomVerifies(f, room_id);
      assert.ok(n >= 11, `room v${roomVersion} has ${n} events`);
    }
  });

  test('state is stored as deltas with periodic snapshots, and is readable at any event', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'private_chat' });
    const topics: string[] = [];
    for (let i = 0; i < SNAPSHOT_INTERVAL + 20; i++) {
      topics.push((await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.topic', stateKey: '', content: { topic: `topic ${i}` } })).event_id);
    }
    const groups = await f.t.db.query<{ n: number; snapshots: number; entries: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE prev_group IS NULL)::int AS snapshots,
              (SELECT count(*)::int FROM state_group_entries s JOIN state_groups g ON g.id = s.group_id WHERE g.room_id = $1) AS entries
         FROM state_groups WHERE room_id = $1`,
      [room_id],
    );
    const { n, snapshots, entries } = groups.rows[0]!;
    const stateEvents = 6 + topics.length; // create, member, power, join rules, history, guest access
    assert.equal(n, stateEvents, 'one group per state event');
    assert.equal(snapshots, 2, 'the first group and one more snapshot after SNAPSHOT_INTERVAL deltas');
    assert.ok(entries < stateEvents * 3, `deltas, not copies: ${entries} entries`);
    // State at an early event still shows that event's topic, and the state before it the previous one.
    const at = await f.rooms.reads.stateAtEvent(topics[5]!, 'after');
    assert.equal(at!.find((e) => e.type === 'm.room.topic')!.content.topic, 'topic 5');
    const beforeIt = await f.rooms.reads.stateAtEvent(topics[5]!, 'before');
    assert.equal(beforeIt!.find((e) => e.type === 'm.room.topic')!.content.topic, 'topic 4');
    assert.equal(beforeIt!.length, 7);
    const current = await f.rooms.reads.currentState(room_id);
    assert.equal(current.find((e) => e.type === 'm.room.topic')!.content.topic, `topic ${topics.length - 1}`);
    const prev = await f.rooms.reads.prevContents(await f.rooms.reads.getEvents([topics[5]!]));
    assert.deepEqual(prev.get(topics[5]!), { topic: 'topic 4' });
    const latest = await f.rooms.reads.stateAtEvent(topics[topics.length - 1]!, 'after');
    assert.deepEqual(latest!.map((e) => e.eventId).sort(), current.map((e) => e.eventId).sort());
  });

  test('stream positions are gap-free and ordered under concurrent sends across rooms; group commit batches them', async () => {
    const roomIds: string[] = [];
    for (let i = 0; i < 20; i++) roomIds.push((await f.rooms.service.createRoom(alice, {})).room_id);
    const start = await f.rooms.reads.currentPosition();
    const batchesBefore = f.rooms.persister.stats.batches;
    const updates: StreamUpdate[] = [];
    const unsubscribe = f.notifier.subscribe((u) => updates.push(u));
    const sends = [];
    for (let i = 0; i < 200; i++) {
      sends.push(f.rooms.service.send(alice, { roomId: roomIds[i % 20]!, type: 'm.room.message', content: { body: `m${i}` }, txnId: `c${i}` }));
    }
    await Promise.all(sends);
    unsubscribe();
    const end = await f.rooms.reads.currentPosition();
    assert.equal(end - start, 200);
    const rows = await f.t.db.query<{ stream_ordering: number }>('SELECT stream_ordering FROM events ORDER BY stream_ordering');
    rows.rows.forEach((r, i) => assert.equal(r.stream_ordering, i + 1, 'gap-free from 1'));
    const batches = f.rooms.persister.stats.batches - batchesBefore;
    assert.ok(batches < 200, `200 writes in ${batches} transactions`);
    assert.ok(updates.length > 0 && updates.every((u) => u.stream === 'events'));
    assert.equal(Math.max(...updates.map((u) => u.position)), end, 'the notifier was told the last position');
    // Each room's timeline is one chain: stream order and depth agree, every message is there.
    for (const roomId of roomIds) {
      const { events } = await f.rooms.reads.roomEvents(roomId, { from: start, to: end, limit: 100 });
      assert.equal(events.length, 10);
      const chronological = events.reverse();
      chronological.slice(1).forEach((e, i) => {
        assert.equal(e.depth, chronological[i]!.depth + 1);
        assert.deepEqual((e.pdu.prev_events as string[]), [chronological[i]!.eventId]);
      });
    }
  });

  test('txn ids: idempotent per device, a replay from another device is a new event', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, {});
    const send = (r = alice) => f.rooms.service.send(r, { roomId: room_id, type: 'm.room.message', content: { body: 'once' }, txnId: 'txn-1' });
    const [x, y] = await Promise.all([send(), send()]);
    assert.equal(x.event_id, y.event_id, 'concurrent retries');
    assert.equal((await send()).event_id, x.event_id, 'later retry');
    const other = await send(requester('alice', 'OTHER'));
    assert.notEqual(other.event_id, x.event_id);
    const ev = await f.rooms.reads.getEvent(x.event_id);
    assert.deepEqual(ev!.txn, { scope: 'd:DEV', txnId: 'txn-1' });
  });

  test('two writers on one room (two processes) never fork it and keep the stream gap-free', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'public_chat' });
    const other = f.second();
    await other.service.join(bob, room_id);
    const sends = [];
    for (let i = 0; i < 30; i++) {
      sends.push(f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: `a${i}` } }));
      sends.push(other.service.send(bob, { roomId: room_id, type: 'm.room.message', content: { body: `b${i}` } }));
    }
    await Promise.all(sends);
    const ext = await f.t.db.query('SELECT event_id FROM forward_extremities WHERE room_id = $1', [room_id]);
    assert.equal(ext.rowCount, 1, 'one forward extremity: no fork');
    const edges = await f.t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events e, jsonb_array_elements_text(e.json::jsonb -> 'prev_events') p WHERE e.room_id = $1
        GROUP BY p HAVING count(*) > 1`,
      [room_id],
    );
    assert.equal(edges.rowCount, 0, 'no event has two children');
    await assertRoomVerifies(f, room_id);
  });

  test('membership read API: rooms by membership, changes between positions, membership at a position', async () => {
    const carol = requester('carol');
    const p0 = await f.rooms.reads.currentPosition();
    const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'public_chat', invite: [carol.userId] });
    const p1 = await f.rooms.reads.currentPosition();
    await f.rooms.service.join(carol, room_id);
    await f.rooms.service.leave(carol, { roomId: room_id });
    const changes = await f.rooms.reads.membershipChanges(carol.userId, p0, await f.rooms.reads.currentPosition());
    assert.deepEqual(changes.map((c) => c.membership), ['invite', 'join', 'leave']);
    assert.equal(await f.rooms.reads.membershipAt(room_id, carol.userId, p1), 'invite');
    const stripped = await f.rooms.reads.strippedState(room_id, carol.userId);
    assert.deepEqual(stripped.map((e) => e.type).sort(), ['m.room.create', 'm.room.join_rules', 'm.room.member']);
    assert.deepEqual((await f.rooms.reads.roomsForUser(carol.userId, ['leave'])).map((r) => r.roomId), [room_id]);
    await f.rooms.service.forget(carol, room_id);
    assert.deepEqual(await f.rooms.reads.roomsForUser(carol.userId), []);
    // /members `at` a sync-style token: the membership list as it was then.
    const then = await f.rooms.service.members(alice, room_id, { at: `s${p1}_0_0` });
    assert.deepEqual(then.map((m) => [m.state_key, (m.content as { membership: string }).membership]).sort(), [
      [alice.userId, 'join'],
      [carol.userId, 'invite'],
    ]);
    const now = await f.rooms.service.members(alice, room_id, { notMembership: 'leave' });
    assert.deepEqual(now.map((m) => m.state_key), [alice.userId]);
    // A user who was never in the room may not list its members.
    await assert.rejects(f.rooms.service.members(requester('dave'), room_id, {}), { errcode: 'M_FORBIDDEN' });
  });

  test('history reads: topological pagination both ways, events around, relations and annotations', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, {});
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: `${i}` } })).event_id);
    const react = (key: string, txnId: string) =>
      f.rooms.service.send(alice, { roomId: room_id, type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: ids[0]!, key } }, txnId });
    await react('👍', 'r1');
    await react('👍', 'r2');
    await react('🎉', 'r3');
    const page1 = await f.rooms.reads.paginate(room_id, null, 'b', 5);
    assert.equal(page1.events[0]!.type, 'm.reaction');
    const page2 = await f.rooms.reads.paginate(room_id, page1.next, 'b', 5);
    assert.deepEqual(page2.events.map((e) => e.content.body), ['7', '6', '5', '4', '3']);
    const fwd = await f.rooms.reads.paginate(room_id, page2.next, 'f', 3);
    assert.deepEqual(fwd.events.map((e) => e.content.body), ['4', '5', '6']);
    const around = await f.rooms.reads.eventsAround(room_id, ids[4]!, 2, 2);
    assert.deepEqual(around!.before.map((e) => e.content.body), ['3', '2']);
    assert.deepEqual(around!.after.map((e) => e.content.body), ['5', '6']);
    const rel = await f.rooms.reads.relations(ids[0]!, { relType: 'm.annotation', limit: 2 });
    assert.equal(rel.events.length, 2);
    assert.notEqual(rel.next, null);
    assert.deepEqual(await f.rooms.reads.annotationCounts(ids[0]!), [
      { type: 'm.reaction', key: '👍', count: 2 },
      { type: 'm.reaction', key: '🎉', count: 1 },
    ]);
    // A redacted event is read redacted, the original JSON is kept.
    await f.rooms.service.redact(alice, { roomId: room_id, eventId: ids[1]!, txnId: 'red' });
    const red = await f.rooms.reads.getEvent(ids[1]!);
    assert.deepEqual(red!.content, {});
    assert.ok(red!.redactedBy);
    const raw = await f.t.db.query<{ json: string }>('SELECT json FROM events WHERE event_id = $1', [ids[1]]);
    assert.equal((JSON.parse(raw.rows[0]!.json) as { content: { body: string } }).content.body, '1');
  });
});
