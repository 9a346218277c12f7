// The interest router (appservices/delivery/interest.ts): room facts loaded once per stream page
// for all its rooms, kept current by newer membership and canonical-alias events, never moved
// back by older ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterestRouter, type RoomsForAppservices } from '../../../../appservices/delivery/interest.ts';
import { Namespaces } from '../../../../appservices/namespaces.ts';
import type { Registration } from '../../../../appservices/registry/registration.ts';
import type { StoredEvent } from '../../../../core/rooms/api.ts';

const reg = {
  id: 'irc',
  senderUserId: '@ircbot:hs',
  namespaces: Namespaces.compile({ users: [{ regex: '@_irc_.*', exclusive: true }], aliases: [{ regex: '#_irc_.*', exclusive: true }], rooms: [] }),
} as unknown as Registration;

let stream = 0;
const ev = (roomId: string, type: string, sender: string, content: Record<string, unknown> = {}, stateKey: string | null = null) =>
  ({ eventId: `$${++stream}`, roomId, type, stateKey, sender, streamOrdering: stream, content }) as unknown as StoredEvent;

function fakeRooms(facts: Record<string, { members: string[]; aliases: string[] }>) {
  const calls: string[][] = [];
  const rooms: RoomsForAppservices = {
    currentPosition: async () => stream,
    streamEvents: async () => [],
    roomFacts: async (ids) => {
      calls.push([...ids]);
      return new Map(ids.map((id) => [id, facts[id] ?? { members: [], aliases: [] }]));
    },
  };
  return { rooms, calls };
}

test('one facts read per page for all its rooms; members and aliases in the namespaces', async () => {
  const { rooms, calls } = fakeRooms({ '!a:hs': { members: ['@_irc_bob:hs'], aliases: [] }, '!b:hs': { members: ['@carol:hs'], aliases: ['#_irc_x:hs'] } });
  const router = new InterestRouter(rooms, () => 1_000);
  const page = [ev('!a:hs', 'm.room.message', '@alice:hs'), ev('!b:hs', 'm.room.message', '@alice:hs'), ev('!c:hs', 'm.room.message', '@alice:hs'), ev('!c:hs', 'm.room.message', '@_irc_z:hs')];
  await router.prepare(page, stream);
  assert.deepEqual(calls, [['!a:hs', '!b:hs', '!c:hs']]);
  assert.deepEqual(page.map((e) => router.isInterested(reg, e)), [true, true, false, true]);
  await router.prepare(page, stream);
  assert.equal(calls.length, 1, 'cached rooms are not read again');
});

test('newer membership events update the facts in place; older ones are already reflected', async () => {
  const { rooms, calls } = fakeRooms({ '!r:hs': { members: ['@alice:hs'], aliases: [] } });
  const router = new InterestRouter(rooms, () => 1_000);
  const old = ev('!r:hs', 'm.room.member', '@_irc_bob:hs', { membership: 'join' }, '@_irc_bob:hs');
  const msg = ev('!r:hs', 'm.room.message', '@alice:hs');
  await router.prepare([msg], stream);
  // An older join (before the load position), seen by a builder that is behind: no change.
  router.observe(old);
  assert.equal(router.isInterested(reg, msg), false);
  const join = ev('!r:hs', 'm.room.member', '@_irc_bob:hs', { membership: 'join' }, '@_irc_bob:hs');
  const after = ev('!r:hs', 'm.room.message', '@alice:hs');
  router.observe(join);
  assert.equal(router.isInterested(reg, after), true);
  const leave = ev('!r:hs', 'm.room.member', '@_irc_bob:hs', { membership: 'leave' }, '@_irc_bob:hs');
  const later = ev('!r:hs', 'm.room.message', '@alice:hs');
  router.observe(leave);
  assert.equal(router.isInterested(reg, later), false);
  router.observe(ev('!r:hs', 'm.room.canonical_alias', '@alice:hs', { alias: '#_irc_chan:hs' }, ''));
  assert.equal(router.isInterested(reg, ev('!r:hs', 'm.room.message', '@alice:hs')), true);
  assert.equal(calls.length, 1);
});

test('a join within a freshly loaded page counts even if current state already dropped it (widening only)', async () => {
  const { rooms } = fakeRooms({ '!w:hs': { members: ['@alice:hs'], aliases: [] } });
  const router = new InterestRouter(rooms, () => 1_000);
  const join = ev('!w:hs', 'm.room.member', '@_irc_bob:hs', { membership: 'join' }, '@_irc_bob:hs');
  const msg = ev('!w:hs', 'm.room.message', '@alice:hs');
  await router.prepare([join, msg], stream);
  router.observe(join);
  assert.equal(router.isInterested(reg, msg), true);
});

test('entries are reloaded after the TTL', async () => {
  let now = 0;
  const { rooms, calls } = fakeRooms({});
  const router = new InterestRouter(rooms, () => now);
  const msg = ev('!t:hs', 'm.room.message', '@alice:hs');
  await router.prepare([msg], stream);
  now = 60_000;
  await router.prepare([msg], stream);
  assert.equal(calls.length, 2);
});
