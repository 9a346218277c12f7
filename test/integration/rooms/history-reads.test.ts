// History visibility enforced on the read paths (/messages, /event, /context, /relations,
// /threads) over a real rooms store, for each setting and membership timeline; reports stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { roomsFixture, requester, SERVER, type RoomsFixture } from '../../support/rooms-store.ts';
import { createHistoryDeps, type HistoryDeps } from '../../../core/rooms/history-access.ts';
import { getEvent, messages } from '../../../core/rooms/history.ts';
import { relations } from '../../../core/rooms/relations-read.ts';
import { reportEvent, reportRoom } from '../../../core/rooms/directory.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import type { HistoryVisibility } from '../../../core/rooms/visibility.ts';

const alice = requester('alice');
const bob = requester('bob');
const eve = requester('eve');

async function errcodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MatrixError, String(e));
    return e.errcode;
  }
  return 'none';
}

describe('history visibility on the read paths', () => {
  let f: RoomsFixture;
  let d: HistoryDeps;
  before(async () => {
    f = await roomsFixture();
    d = createHistoryDeps(f.rooms);
  });
  after(async () => f?.close());

  const say = async (roomId: string, who: typeof alice, body: string) => (await f.rooms.service.send(who, { roomId, type: 'm.room.message', content: { body }, txnId: body })).event_id;
  const bodiesSeen = async (roomId: string, who: typeof alice) =>
    ((await messages(d, who, roomId, { dir: 'f', limit: 100 })).chunk as { type: string; content: { body?: string } }[])
      .filter((e) => e.type === 'm.room.message')
      .map((e) => e.content.body);

  // Bob: a message before his invite, one while invited, one while joined, one after he left.
  const EXPECTED: Record<HistoryVisibility, string[]> = {
    world_readable: ['before', 'invited', 'joined', 'after'],
    shared: ['before', 'invited', 'joined'],
    invited: ['invited', 'joined'],
    joined: ['joined'],
  };
  for (const [visibility, expected] of Object.entries(EXPECTED) as [HistoryVisibility, string[]][]) {
    test(`${visibility}: bob sees ${expected.join(', ')}`, async () => {
      const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'private_chat', initialState: [{ type: 'm.room.history_visibility', content: { history_visibility: visibility } }] });
      const ids: Record<string, string> = {};
      ids.before = await say(room_id, alice, `before-${visibility}`);
      await f.rooms.service.invite(alice, { roomId: room_id, target: bob.userId });
      ids.invited = await say(room_id, alice, `invited-${visibility}`);
      await f.rooms.service.join(bob, room_id);
      ids.joined = await say(room_id, alice, `joined-${visibility}`);
      await f.rooms.service.leave(bob, { roomId: room_id });
      ids.after = await say(room_id, alice, `after-${visibility}`);

      assert.deepEqual(await bodiesSeen(room_id, bob), expected.map((x) => `${x}-${visibility}`));
      for (const [when, id] of Object.entries(ids)) {
        const code = await errcodeOf(getEvent(d, bob, room_id, id));
        assert.equal(code, expected.includes(when) ? 'none' : 'M_NOT_FOUND', `${visibility}: /event ${when}`);
      }
      // Eve never belonged: only world_readable lets her read.
      if (visibility === 'world_readable') assert.deepEqual(await bodiesSeen(room_id, eve), ['before', 'invited', 'joined', 'after'].map((x) => `${x}-${visibility}`));
      else assert.equal(await errcodeOf(messages(d, eve, room_id, { dir: 'b' })), 'M_FORBIDDEN');
      assert.equal(await bodiesSeen(room_id, alice).then((x) => x.length), 4);
    });
  }

  test('relations hide what the reader may not see', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'public_chat', initialState: [{ type: 'm.room.history_visibility', content: { history_visibility: 'joined' } }] });
    const root = await say(room_id, alice, 'root');
    await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'early', 'm.relates_to': { rel_type: 'm.thread', event_id: root } } });
    await f.rooms.service.join(bob, room_id);
    await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'late', 'm.relates_to': { rel_type: 'm.thread', event_id: root } } });
    assert.equal(await errcodeOf(relations(d, bob, room_id, root, {})), 'M_NOT_FOUND', 'the root predates bob');
    const all = await relations(d, alice, room_id, root, {});
    assert.equal((all.chunk as unknown[]).length, 2);
  });

  test('bundled thread replies and edits the reader may not see are left out', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'public_chat', initialState: [{ type: 'm.room.history_visibility', content: { history_visibility: 'joined' } }] });
    await f.rooms.service.join(bob, room_id);
    const root = await say(room_id, alice, 'bundled root');
    await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'seen reply', 'm.relates_to': { rel_type: 'm.thread', event_id: root } } });
    const ev = (await getEvent(d, bob, room_id, root)) as { unsigned: Record<string, Record<string, Record<string, { content: { body: string } }>>> };
    assert.equal(ev.unsigned['m.relations']!['m.thread']!.latest_event!.content.body, 'seen reply');
    await f.rooms.service.leave(bob, { roomId: room_id });
    await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: 'unseen reply', 'm.relates_to': { rel_type: 'm.thread', event_id: root } } });
    await f.rooms.service.send(alice, { roomId: room_id, type: 'm.room.message', content: { body: '* edit', 'm.new_content': { body: 'edit' }, 'm.relates_to': { rel_type: 'm.replace', event_id: root } } });
    const after = (await getEvent(d, bob, room_id, root)) as { unsigned: Record<string, unknown> };
    assert.equal(after.unsigned['m.relations'], undefined);
    const forAlice = (await getEvent(d, alice, room_id, root)) as { unsigned: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(forAlice.unsigned['m.relations']!).sort(), ['m.replace', 'm.thread']);
  });

  test('reports are stored; an event the reporter cannot see is 404', async () => {
    const { room_id } = await f.rooms.service.createRoom(alice, { preset: 'private_chat' });
    const id = await say(room_id, alice, 'report me');
    assert.equal(await errcodeOf(reportEvent(d, eve, room_id, id, { reason: 'x' })), 'M_NOT_FOUND');
    await reportEvent(d, alice, room_id, id, { reason: 'self-report', score: -50 });
    await reportRoom(d, eve, room_id, 'the whole room');
    assert.equal(await errcodeOf(reportRoom(d, eve, `!nope:${SERVER}`, 'x')), 'M_NOT_FOUND');
    const stored = (await d.history.reports(10)).filter((r) => r.roomId === room_id);
    assert.deepEqual(
      stored.map((r) => [r.eventId, r.reporter, r.reason, r.score]),
      [[null, eve.userId, 'the whole room', null], [id, alice.userId, 'self-report', -50]],
    );
  });
});
