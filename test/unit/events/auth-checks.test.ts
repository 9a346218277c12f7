import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authorizeByAuthEvents,
  authorizeReceivedPdu,
  checkAuthEventsList,
  stateLookup,
} from '../../../core/events/auth-checks.ts';
import { authEventPairs, selectAuthEvents } from '../../../core/events/auth-events.ts';
import type { EventView } from '../../../core/events/pdu.ts';
import { ROOM_VERSIONS, roomVersion } from '../../../core/events/room-versions.ts';
import { ALICE, BOB, CAROL, RoomFixture, join, member, stateEv } from '../../support/events.ts';

const authOf = (room: RoomFixture, ev: EventView): EventView[] => ev.auth_events.map((id) => room.events.get(id)!);

void test('auth events selection (server-server-api "Auth events selection")', () => {
  const v11 = roomVersion('11')!;
  const v12 = roomVersion('12')!;
  const msg = { type: 'm.room.message', sender: BOB, content: {} };
  assert.deepEqual(authEventPairs(msg, v11), [['m.room.create', ''], ['m.room.power_levels', ''], ['m.room.member', BOB]]);
  assert.deepEqual(authEventPairs(msg, v12), [['m.room.power_levels', ''], ['m.room.member', BOB]], 'v12 never selects the create event');
  assert.deepEqual(authEventPairs({ type: 'm.room.create', sender: ALICE, state_key: '', content: {} }, v11), []);
  const invite = { type: 'm.room.member', sender: ALICE, state_key: CAROL, content: { membership: 'invite', third_party_invite: { signed: { token: 't' } } } };
  assert.deepEqual(authEventPairs(invite, v12), [
    ['m.room.power_levels', ''],
    ['m.room.member', ALICE],
    ['m.room.member', CAROL],
    ['m.room.join_rules', ''],
    ['m.room.third_party_invite', 't'],
  ]);
  const restricted = { type: 'm.room.member', sender: CAROL, state_key: CAROL, content: { membership: 'join', join_authorised_via_users_server: BOB } };
  assert.ok(authEventPairs(restricted, v12).some(([t, k]) => t === 'm.room.member' && k === BOB));
  assert.ok(!authEventPairs(restricted, roomVersion('7')!).some(([, k]) => k === BOB), 'restricted joins only from v8');
  const leave = { type: 'm.room.member', sender: BOB, state_key: BOB, content: { membership: 'leave' } };
  assert.ok(!authEventPairs(leave, v12).some(([t]) => t === 'm.room.join_rules'));
  assert.deepEqual(selectAuthEvents(msg, (t) => (t === 'm.room.power_levels' ? '$pl' : undefined), v12), ['$pl']);
});

void test('auth_events list: duplicates, unselectable kinds, rejected, missing create, other room (v12 3.1–3.5, v1 2.1–2.5)', () => {
  for (const v of ROOM_VERSIONS.values()) {
    const room = RoomFixture.standard(v);
    const ev = room.build(join('@carol:c.example'));
    const auth = authOf(room, ev);
    assert.equal(checkAuthEventsList(ev, auth, v).allowed, true, `v${v.id} good list`);
    assert.equal(checkAuthEventsList(ev, [...auth, auth[0]!], v).allowed, false, `v${v.id} duplicate`);
    const topic = room.add(stateEv('m.room.topic', ALICE, { topic: 't' }));
    assert.equal(checkAuthEventsList(ev, [...auth, topic], v).allowed, false, `v${v.id} unselectable`);
    assert.equal(checkAuthEventsList(ev, auth, v, (id) => id === auth[0]!.event_id).allowed, false, `v${v.id} rejected`);
    assert.equal(checkAuthEventsList(ev, [...auth.slice(0, -1), { ...auth.at(-1)!, room_id: '!other:x' }], v).allowed, false, `v${v.id} other room`);
    if (v.roomIdFromCreateEvent) {
      assert.equal(checkAuthEventsList(ev, [...auth, room.create], v).allowed, false, 'v12: create must not be selected');
    } else {
      assert.equal(checkAuthEventsList(ev, auth.filter((a) => a.type !== 'm.room.create'), v).allowed, false, `v${v.id} no create`);
    }
  }
});

void test('PDU receipt: rejected by auth events, rejected by state before, soft failed by current state, accepted', () => {
  for (const v of ROOM_VERSIONS.values()) {
    const room = RoomFixture.standard(v);
    const before = new Map(room.state);
    const msg = room.build({ type: 'm.room.message', sender: BOB, content: { body: 'x' } });
    const input = { authEvents: authOf(room, msg), stateBefore: stateLookup(before), currentState: room.lookup, create: room.create };
    assert.deepEqual(authorizeReceivedPdu(msg, input, v), { outcome: 'accepted' });
    room.add(member(ALICE, BOB, 'ban'));
    const soft = authorizeReceivedPdu(msg, { ...input, currentState: room.lookup }, v);
    assert.equal(soft.outcome, 'soft_failed', `v${v.id}`);
    const rejected = authorizeReceivedPdu(msg, { ...input, stateBefore: room.lookup }, v);
    assert.equal(rejected.outcome, 'rejected');
    const forged = { ...msg, sender: CAROL };
    assert.equal(authorizeByAuthEvents(forged, authOf(room, msg), v, { create: room.create }).allowed, false);
  }
});
