// The multi-writer persist statement (store-persist.ts persistBatch, rooms_claim from migration
// 002): a write built on stale extremities is refused with nothing written and no position taken;
// two writers (two hub processes) sending concurrently to shared and separate rooms keep the
// stream gap-free and ordered, and a room never forks; a txn id first used through one writer
// is found by the other's persist statement, which answers with the original event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRoomVerifies, requester, roomsFixture, type RoomsFixture } from '../../support/rooms-store.ts';
import { persistBatch, StaleBatch } from '../../../core/rooms/store-persist.ts';
import type { RoomWrite } from '../../../core/rooms/types.ts';

describe('multi-writer persist statement', () => {
  let f: RoomsFixture;
  const alice = requester('alice');
  const bob = requester('bob');
  before(async () => {
    f = await roomsFixture({ singleWriter: false });
  });
  after(async () => {
    await f?.close();
  });

  const counts = async (): Promise<{ events: number; position: number; txns: number }> => {
    const r = await f.t.db.query<{ events: number; position: number; txns: number }>(
      `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT position FROM rooms_stream) AS position,
              (SELECT count(*)::int FROM event_txn_ids) AS txns`,
    );
    return r.rows[0]!;
  };

  test('a write on stale extremities is refused: nothing written, no position taken', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, {});
    const fx = (await f.t.db.query<{ event_id: string }>('SELECT event_id FROM forward_extremities WHERE room_id = $1', [room_id])).rows;
    assert.equal(fx.length, 1);
    const before = await counts();
    const write = (expected: string[], eventId: string): RoomWrite => ({
      roomId: room_id,
      expectedExtremities: expected,
      baseGroup: null,
      baseChainLength: 0,
      events: [{
        eventId,
        json: '{}',
        replaces: null,
        stateDelta: null,
        txn: { userId: alice.userId, scope: 'd:DEV', txnId: eventId },
        view: {
          event_id: eventId, room_id, type: 'm.room.message', sender: alice.userId, content: { body: 'x' }, depth: 99,
          origin_server_ts: 1, prev_events: expected, auth_events: [], unsigned: {},
        } as unknown as RoomWrite['events'][number]['view'],
      }],
    });
    const other = await f.rooms.service.createRoom(alice, {});
    const otherFx = (await f.t.db.query<{ event_id: string }>('SELECT event_id FROM forward_extremities WHERE room_id = $1', [other.room_id])).rows;
    const start = await counts();
    assert.ok(start.events > before.events);
    // Stale in the database: a fresh write to the second room alongside must not commit either.
    const fresh = { ...write(otherFx.map((r) => r.event_id), '$fresh'), roomId: other.room_id };
    await assert.rejects(persistBatch(f.t.db, [fresh, write(['$not-the-extremity'], '$stale')]), (e: unknown) => {
      assert.ok(e instanceof StaleBatch);
      assert.deepEqual([...e.stale], [1], 'only the stale room\'s write is reported');
      return true;
    });
    // Stale within the batch: a second write of a room that does not build on the first.
    await assert.rejects(persistBatch(f.t.db, [write([fx[0]!.event_id], '$one'), write([fx[0]!.event_id], '$two')]), (e: unknown) => {
      assert.ok(e instanceof StaleBatch);
      assert.deepEqual([...e.stale], [1]);
      return true;
    });
    assert.deepEqual(await counts(), start, 'no event, txn id or position was written');
    const after = (await f.t.db.query<{ event_id: string }>('SELECT event_id FROM forward_extremities WHERE room_id = $1', [room_id])).rows;
    assert.deepEqual(after, fx, 'the extremity is untouched');
    // And the rooms keep working after refusals.
    await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'after' } });
    assert.equal((await counts()).position, start.position + 1);
  });

  test('two writers, shared and separate rooms: positions gap-free and ordered, no fork, stale heads rebuilt', async () => {
    const other = f.second();
    const shared = (await f.rooms.service.createRoom(alice, { preset: 'public_chat' })).room_id;
    await other.service.join(bob, shared);
    const own = [
      (await f.rooms.service.createRoom(alice, {})).room_id,
      (await other.service.createRoom(bob, {})).room_id,
    ];
    // Both writers now hold a cached head of the shared room; each send by one makes the
    // other's stale, so most of these are refused by the database and rebuilt.
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 25; i++) {
      sends.push(f.rooms.service.send(alice, { roomId: shared, type: 'm.room.message', content: { body: `a${i}` }, txnId: `a${i}` }));
      sends.push(other.service.send(bob, { roomId: shared, type: 'm.room.message', content: { body: `b${i}` }, txnId: `b${i}` }));
      sends.push(f.rooms.service.send(alice, { roomId: own[0]!, type: 'm.room.message', content: { body: `c${i}` } }));
      sends.push(other.service.send(bob, { roomId: own[1]!, type: 'm.room.message', content: { body: `d${i}` } }));
    }
    await Promise.all(sends);
    const rows = await f.t.db.query<{ stream_ordering: number }>('SELECT stream_ordering FROM events ORDER BY stream_ordering');
    rows.rows.forEach((r, i) => assert.equal(r.stream_ordering, i + 1, 'gap-free'));
    assert.equal((await counts()).position, rows.rowCount);
    const body = await f.t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE room_id = $1 AND type = 'm.room.message'`, [shared]);
    assert.equal(body.rows[0]!.n, 50, 'every send to the shared room committed exactly once');
    for (const roomId of [shared, ...own]) {
      const ext = await f.t.db.query('SELECT event_id FROM forward_extremities WHERE room_id = $1', [roomId]);
      assert.equal(ext.rowCount, 1, 'one forward extremity: no fork');
      await assertRoomVerifies(f, roomId);
    }
    // Depth follows stream order within the shared room: each event built on the one before.
    const depths = await f.t.db.query<{ depth: number }>('SELECT depth FROM events WHERE room_id = $1 ORDER BY stream_ordering', [shared]);
    depths.rows.forEach((r, i) => assert.equal(r.depth, i + 1));
  });

  test('a txn id used through one writer is answered with its event by the other, nothing written', async () => {
    const other = f.second();
    const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'public_chat' });
    const first = await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'once' }, txnId: 'retry-me' });
    const start = await counts();
    // The same device retries through the other process, which has never seen the txn id.
    const again = await other.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'once' }, txnId: 'retry-me' });
    assert.equal(again.event_id, first.event_id);
    assert.deepEqual(await counts(), start, 'nothing written');
    // Both racing on a fresh txn id: one event, both answered with it.
    const [a, b] = await Promise.all([
      f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'race' }, txnId: 'race' }),
      other.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'race' }, txnId: 'race' }),
    ]);
    assert.equal(a.event_id, b.event_id);
    assert.equal((await counts()).events, start.events + 1);
    // The other writer keeps working in that room afterwards.
    await other.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'next' }, txnId: 'next' });
    assert.equal((await counts()).events, start.events + 2);
  });
});
