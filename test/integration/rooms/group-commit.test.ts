// Group commit on both persist paths (multi-writer with room locks, and the single-writer path
// the embedded database uses): a write that fails inside a batch fails alone, the others
// commit, and the stream stays gap-free.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requester, roomsFixture } from '../../support/rooms-store.ts';

for (const singleWriter of [false, true]) {
  describe(`group commit (${singleWriter ? 'single writer' : 'multi-writer'})`, () => {
    test('one failing write in a batch fails alone; positions stay gap-free', async () => {
      const f = await roomsFixture({ singleWriter });
      try {
        const alice = requester('alice');
        const rooms: string[] = [];
        for (let i = 0; i < 5; i++) rooms.push((await f.rooms.service.createRoom(alice, {})).room_id);
        // Two creations race for one alias: both pass the early check, the database refuses one.
        const racing = await Promise.allSettled([
          f.rooms.service.createRoom(alice, { roomAliasName: 'contested' }),
          ...rooms.map((roomId, i) => f.rooms.service.send(alice, { roomId, type: 'm.room.message', content: { body: `x${i}` } })),
          f.rooms.service.createRoom(alice, { roomAliasName: 'contested' }),
        ]);
        const failed = racing.filter((r) => r.status === 'rejected');
        assert.equal(failed.length, 1, `exactly one of the two alias claims fails: ${failed.map((x) => String((x as PromiseRejectedResult).reason)).join('; ')}`);
        assert.equal(((failed[0] as PromiseRejectedResult).reason as { errcode?: string }).errcode, 'M_ROOM_IN_USE');
        const rows = await f.t.db.query<{ stream_ordering: number }>('SELECT stream_ordering FROM events ORDER BY stream_ordering');
        rows.rows.forEach((r, i) => assert.equal(r.stream_ordering, i + 1));
        assert.equal(await f.rooms.reads.currentPosition(), rows.rowCount);
        // And writing continues normally afterwards.
        await f.rooms.service.send(alice, { roomId: rooms[0]!, type: 'm.room.message', content: { body: 'after' } });
        assert.equal(await f.rooms.reads.currentPosition(), rows.rowCount + 1);
      } finally {
        await f.close();
      }
    });
  });
}
