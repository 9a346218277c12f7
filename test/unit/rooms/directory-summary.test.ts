// Pure pieces of the read paths: directory summaries, page tokens, the /messages filter parameter
// and the query shapes' bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roomSummary } from '../../../core/rooms/directory.ts';
import { formatPageToken, parsePageToken, parseRelationsFrom } from '../../../core/rooms/relations-read.ts';
import { parseRoomEventFilter } from '../../../core/api/client/history.ts';
import { getRoomEvents } from '../../../core/spec/endpoints/events.ts';
import { getRelatingEvents } from '../../../core/spec/endpoints/relations.ts';
import { reportEvent } from '../../../core/spec/endpoints/reports.ts';
import { parseWith } from '../../../core/spec/shape.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

const errcodeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MatrixError);
    return e.errcode;
  }
  return 'none';
};

test('roomSummary: the fields of public_rooms_chunk from the room state', () => {
  const state = new Map<string, Record<string, unknown>>([
    ['m.room.name', { name: 'Verona' }],
    ['m.room.topic', { topic: '' }],
    ['m.room.canonical_alias', { alias: '#verona:test.local' }],
    ['m.room.history_visibility', { history_visibility: 'world_readable' }],
    ['m.room.guest_access', { guest_access: 'can_join' }],
    ['m.room.join_rules', { join_rule: 'knock' }],
    ['m.room.create', { type: 'm.space' }],
    ['m.room.avatar', { url: 'mxc://test.local/abc' }],
  ]);
  assert.deepEqual(roomSummary({ roomId: '!r:test.local', joined: 3, state }), {
    room_id: '!r:test.local',
    num_joined_members: 3,
    world_readable: true,
    guest_can_join: true,
    join_rule: 'knock',
    name: 'Verona',
    canonical_alias: '#verona:test.local',
    avatar_url: 'mxc://test.local/abc',
    room_type: 'm.space',
  });
  const bare = roomSummary({ roomId: '!s:test.local', joined: 0, state: new Map() });
  assert.deepEqual(bare, { room_id: '!s:test.local', num_joined_members: 0, world_readable: false, guest_can_join: false, join_rule: 'public' });
});

test('page tokens round-trip; anything else is M_INVALID_PARAM', () => {
  assert.equal(parsePageToken(formatPageToken(42), 'from'), 42);
  for (const bad of ['', 's42', 'r', 'r-1', 'r4x']) assert.equal(errcodeOf(() => parsePageToken(bad, 'from')), 'M_INVALID_PARAM', bad);
});

test('the /messages filter parameter is a RoomEventFilter in JSON', () => {
  assert.equal(parseRoomEventFilter(undefined), undefined);
  assert.deepEqual(parseRoomEventFilter('{"types":["m.room.message"],"lazy_load_members":true,"unknown":1}'), { types: ['m.room.message'], lazy_load_members: true });
  for (const bad of ['nope', '[]', '"x"', '{"limit":0}', '{"senders":["not-a-user"]}', '{"types":"m.room.message"}']) {
    assert.equal(errcodeOf(() => parseRoomEventFilter(bad)), 'M_INVALID_PARAM', bad);
  }
});

test('query shapes: dir required and one of b/f, limits non-negative, scores within -100..0', () => {
  assert.deepEqual(parseWith(getRoomEvents.query!, { dir: 'b', limit: '5' }, 'query'), { dir: 'b', limit: 5 });
  assert.equal(errcodeOf(() => parseWith(getRoomEvents.query!, {}, 'query')), 'M_MISSING_PARAM');
  assert.equal(errcodeOf(() => parseWith(getRoomEvents.query!, { dir: 'up' }, 'query')), 'M_INVALID_PARAM');
  assert.equal(errcodeOf(() => parseWith(getRoomEvents.query!, { dir: 'f', limit: '-1' }, 'query')), 'M_INVALID_PARAM');
  assert.deepEqual(parseWith(getRelatingEvents.query!, { recurse: 'true', dir: 'f' }, 'query'), { recurse: true, dir: 'f' });
  assert.equal(errcodeOf(() => parseWith(getRelatingEvents.query!, { recurse: 'yes' }, 'query')), 'M_INVALID_PARAM');
  assert.equal(errcodeOf(() => parseWith(reportEvent.body!, { score: 5 }, 'body')), 'M_BAD_JSON');
});

test('relations accept their own tokens, /messages tokens and /sync stream tokens', () => {
  assert.equal(parseRelationsFrom('r17', 'from', 'b'), 17);
  assert.equal(parseRelationsFrom('t4_17', 'from', 'b'), 17);
  assert.equal(parseRelationsFrom('s17', 'from', 'b'), 18, 'back from a stream point includes its position');
  assert.equal(parseRelationsFrom('s17', 'from', 'f'), 17);
  assert.equal(errcodeOf(() => parseRelationsFrom('x17', 'from', 'b')), 'M_INVALID_PARAM');
});
