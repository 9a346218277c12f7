// Table-driven tests of the authorisation rules. Case names give the rule number in v12
// numbering, then the v6–v11 number where it differs (v1–v5 share v12's numbers from rule 5 on,
// with rule 4 being m.room.aliases). Each case runs on every room version it applies to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, type AuthOptions } from '../../../core/events/auth-rules.ts';
import type { EventView, JsonObject } from '../../../core/events/pdu.ts';
import { ROOM_VERSIONS, type RoomVersion } from '../../../core/events/room-versions.ts';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  RoomFixture,
  fakeEvent,
  join,
  member,
  stateEv,
  type EventSpec,
} from '../../support/events.ts';

const ALL = [...ROOM_VERSIONS.values()];
type Pred = (v: RoomVersion) => boolean;
const every: Pred = () => true;
const n = (v: RoomVersion): number => Number(v.id);
const from = (k: number): Pred => (v) => n(v) >= k;
const upTo = (k: number): Pred => (v) => n(v) <= k;

interface Case {
  readonly rule: string;
  readonly name: string;
  readonly versions?: Pred;
  readonly allowed: boolean;
  /** Returns the room to check against and the event to check. */
  readonly run: (v: RoomVersion) => { room: RoomFixture; event: EventView; options?: AuthOptions };
}

const std = (v: RoomVersion, joinRule = 'public', power: JsonObject = {}): RoomFixture =>
  RoomFixture.standard(v, joinRule, power);
const on = (room: RoomFixture, spec: EventSpec, options?: AuthOptions) => ({ room, event: room.build(spec), options });
const createOf = (v: RoomVersion, over: Partial<EventSpec> = {}, content: JsonObject = {}) => {
  const room = new RoomFixture(v);
  const c = { ...room.create.content, ...content };
  return { room, event: fakeEvent({ ...room.create, ...over, content: c }, over.room_id ?? room.create.room_id) };
};
const withState = (room: RoomFixture, ...specs: EventSpec[]): RoomFixture => {
  for (const s of specs) room.add(s);
  return room;
};
const tpiInvite = (token: string, mxid = CAROL): JsonObject => ({
  third_party_invite: { display_name: 'c', signed: { mxid, token, signatures: { 'id.example': { 'ed25519:0': 'sig' } } } },
});
const tpiEvent = (sender = ALICE, token = 'tok'): EventSpec =>
  stateEv('m.room.third_party_invite', sender, { display_name: 'c', public_key: 'pk', public_keys: [{ public_key: 'pk2' }] }, token);
const verifyWith = (key: string): AuthOptions => ({ verifyThirdPartyInvite: (_s, keys) => keys.includes(key) });

const cases: Case[] = [
  // ---- rule 1: m.room.create
  { rule: '1.5', name: 'a well-formed create event', allowed: true, run: (v) => createOf(v) },
  { rule: '1.1', name: 'create with prev_events', allowed: false, run: (v) => createOf(v, { prev_events: ['$x:a.example'] }) },
  {
    rule: '1.2',
    name: 'create whose room_id domain differs from the sender',
    versions: upTo(11),
    allowed: false,
    run: (v) => createOf(v, { room_id: '!room:elsewhere.example' }),
  },
  { rule: '1.2', name: 'v12 create with a room_id', versions: from(12), allowed: false, run: (v) => createOf(v, { room_id: '!other:a.example' }) },
  { rule: '1.3', name: 'create with an unknown room_version', allowed: false, run: (v) => createOf(v, {}, { room_version: '99' }) },
  { rule: '1.3', name: 'create with a non-string room_version', allowed: false, run: (v) => createOf(v, {}, { room_version: 12 }) },
  {
    rule: '1.4 (v1–v10)',
    name: 'create without creator',
    versions: upTo(10),
    allowed: false,
    run: (v) => {
      const r = createOf(v);
      const { creator: _c, ...content } = r.event.content;
      return { room: r.room, event: { ...r.event, content } };
    },
  },
  {
    rule: '1.4 (v11)',
    name: 'create without creator is fine from v11',
    versions: from(11),
    allowed: true,
    run: (v) => createOf(v),
  },
  {
    rule: '1.4 (v12)',
    name: 'additional_creators not a list of user ids',
    versions: from(12),
    allowed: false,
    run: (v) => createOf(v, {}, { additional_creators: ['not-a-user'] }),
  },
  {
    rule: '1.4 (v12)',
    name: 'additional_creators a list of user ids',
    versions: from(12),
    allowed: true,
    run: (v) => createOf(v, {}, { additional_creators: [BOB] }),
  },
  // ---- rule 2 (v12) / no create in state
  {
    rule: '2 (v12)',
    name: 'room_id not derived from the create event',
    versions: from(12),
    allowed: false,
    run: (v) => {
      const room = std(v);
      return { room, event: fakeEvent({ ...room.build(stateEv('m.room.topic', ALICE, {})), room_id: '!wrong' }) };
    },
  },
  {
    rule: '3 / v1 2.4',
    name: 'no create event in the state',
    allowed: false,
    run: (v) => {
      const room = std(v);
      room.state.delete('m.room.create\u0000');
      return on(room, stateEv('m.room.topic', ALICE, {}));
    },
  },
  // ---- rule 4 (v1–v5: 3): m.federate
  {
    rule: '4 / v1 3',
    name: 'm.federate false and sender on another server',
    allowed: false,
    run: (v) => {
      const room = new RoomFixture(v, ALICE, { 'm.federate': false });
      withState(room, join(ALICE), stateEv('m.room.join_rules', ALICE, { join_rule: 'public' }));
      return on(room, join(BOB));
    },
  },
  {
    rule: '4 / v1 3',
    name: 'm.federate false and sender on the creator server',
    allowed: true,
    run: (v) => {
      const room = new RoomFixture(v, ALICE, { 'm.federate': false });
      withState(room, join(ALICE), stateEv('m.room.join_rules', ALICE, { join_rule: 'public' }));
      return on(room, join('@zed:a.example'));
    },
  },
  // ---- v1–v5 rule 4: m.room.aliases
  {
    rule: 'v1 4.3',
    name: 'aliases for the sender domain, even from a non-member',
    versions: upTo(5),
    allowed: true,
    run: (v) => on(std(v), stateEv('m.room.aliases', CAROL, { aliases: ['#a:c.example'] }, 'c.example')),
  },
  {
    rule: 'v1 4.2',
    name: 'aliases for another domain',
    versions: upTo(5),
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.aliases', CAROL, { aliases: [] }, 'a.example')),
  },
  {
    rule: 'v1 4.1',
    name: 'aliases without a state_key',
    versions: upTo(5),
    allowed: false,
    run: (v) => on(std(v), { type: 'm.room.aliases', sender: CAROL, content: {} }),
  },
  {
    rule: '6 / v6 5',
    name: 'from v6 aliases follow the ordinary rules (non-member denied)',
    versions: from(6),
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.aliases', CAROL, { aliases: [] }, 'c.example')),
  },
  // ---- rule 5 (v6–v11: 4): m.room.member
  { rule: '5.1 / 4.1', name: 'member without state_key', allowed: false, run: (v) => on(std(v), { type: 'm.room.member', sender: CAROL, content: { membership: 'join' } }) },
  { rule: '5.1 / 4.1', name: 'member without membership', allowed: false, run: (v) => on(std(v), stateEv('m.room.member', CAROL, {}, CAROL)) },
  { rule: '5.1 / 4.1', name: 'member with a non-string membership', allowed: false, run: (v) => on(std(v), stateEv('m.room.member', CAROL, { membership: 5 }, CAROL)) },
  {
    rule: '5.2.1 / 4.2.1',
    name: 'join_authorised_via_users_server not signed by that server',
    versions: from(8),
    allowed: false,
    run: (v) => on(std(v), join(CAROL, { join_authorised_via_users_server: BOB }), { isSignedBy: () => false }),
  },
  {
    rule: '5.2.1 / 4.2.1',
    name: 'join_authorised_via_users_server signed by that server (public room)',
    versions: from(8),
    allowed: true,
    run: (v) => on(std(v), join(CAROL, { join_authorised_via_users_server: BOB }), { isSignedBy: (_e, s) => s === 'b.example' }),
  },
  {
    rule: '5.3.1 / 4.3.1',
    name: "the creator's first join after the create event",
    allowed: true,
    run: (v) => on(new RoomFixture(v), join(ALICE)),
  },
  {
    rule: '5.3.1 / 4.3.1',
    name: 'someone else joining straight after create (no join rule)',
    allowed: false,
    run: (v) => on(new RoomFixture(v), join(BOB)),
  },
  { rule: '5.3.2 / 4.3.2', name: 'join on behalf of someone else', allowed: false, run: (v) => on(std(v), member(BOB, CAROL, 'join')) },
  {
    rule: '5.3.3 / 4.3.3',
    name: 'banned user joining a public room',
    allowed: false,
    run: (v) => on(withState(std(v), member(ALICE, CAROL, 'ban')), join(CAROL)),
  },
  { rule: '5.3.4 / 4.3.4', name: 'invite room, invited user joins', allowed: true, run: (v) => on(withState(std(v, 'invite'), member(ALICE, CAROL, 'invite')), join(CAROL)) },
  { rule: '5.3.4 / 4.3.4', name: 'invite room, uninvited user joins', allowed: false, run: (v) => on(std(v, 'invite'), join(CAROL)) },
  { rule: '5.3.4 / 4.3.4', name: 'invite room, joined user re-joins', allowed: true, run: (v) => on(std(v, 'invite'), join(BOB)) },
  {
    rule: '5.3.4 / 4.3.4',
    name: 'knock room, invited user joins (v7+)',
    versions: from(7),
    allowed: true,
    run: (v) => on(withState(std(v, 'knock'), member(ALICE, CAROL, 'invite')), join(CAROL)),
  },
  {
    rule: 'v1 5.2.6',
    name: 'knock join rule is unknown before v7',
    versions: upTo(6),
    allowed: false,
    run: (v) => on(withState(std(v, 'knock'), member(ALICE, CAROL, 'invite')), join(CAROL)),
  },
  {
    rule: '5.3.5.1 / 4.3.5.1',
    name: 'restricted room, invited user joins',
    versions: from(8),
    allowed: true,
    run: (v) => on(withState(std(v, 'restricted'), member(ALICE, CAROL, 'invite')), join(CAROL)),
  },
  {
    rule: '5.3.5.3 / 4.3.5.3',
    name: 'restricted room, join authorised by a joined user who may invite',
    versions: from(8),
    allowed: true,
    run: (v) => on(std(v, 'restricted'), join(CAROL, { join_authorised_via_users_server: BOB })),
  },
  {
    rule: '5.3.5.2 / 4.3.5.2',
    name: 'restricted room, authorising user is not joined',
    versions: from(8),
    allowed: false,
    run: (v) => on(std(v, 'restricted'), join(CAROL, { join_authorised_via_users_server: DAVE })),
  },
  {
    rule: '5.3.5.2 / 4.3.5.2',
    name: 'restricted room, authorising user below the invite level',
    versions: from(8),
    allowed: false,
    run: (v) => on(std(v, 'restricted', { invite: 50 }), join(CAROL, { join_authorised_via_users_server: BOB })),
  },
  {
    rule: '5.3.5.2 / 4.3.5.2',
    name: 'restricted room, no authorising user',
    versions: from(8),
    allowed: false,
    run: (v) => on(std(v, 'restricted'), join(CAROL)),
  },
  {
    rule: 'v1 5.2.6',
    name: 'restricted join rule is unknown before v8',
    versions: upTo(7),
    allowed: false,
    run: (v) => on(std(v, 'restricted'), join(CAROL, { join_authorised_via_users_server: BOB })),
  },
  {
    rule: '5.3.5.3 (v10+)',
    name: 'knock_restricted room, authorised join',
    versions: from(10),
    allowed: true,
    run: (v) => on(std(v, 'knock_restricted'), join(CAROL, { join_authorised_via_users_server: BOB })),
  },
  {
    rule: '5.3.7 / 4.3.7',
    name: 'knock_restricted is unknown before v10',
    versions: upTo(9),
    allowed: false,
    run: (v) => on(std(v, 'knock_restricted'), join(CAROL, { join_authorised_via_users_server: BOB })),
  },
  { rule: '5.3.6 / 4.3.6', name: 'public room join', allowed: true, run: (v) => on(std(v), join(CAROL)) },
  { rule: '5.3.7 / 4.3.7', name: 'private join rule', allowed: false, run: (v) => on(std(v, 'private'), join(CAROL)) },
  {
    rule: '5.3.7 / 4.3.7',
    name: 'no join rule at all',
    allowed: false,
    run: (v) => {
      const room = std(v);
      room.state.delete('m.room.join_rules\u0000');
      return on(room, join(CAROL));
    },
  },
  // invite with third_party_invite
  {
    rule: '5.4.1.7 / 4.4.1.7',
    name: '3pid invite with a signature matching public_keys',
    allowed: true,
    run: (v) => on(withState(std(v), tpiEvent()), member(ALICE, CAROL, 'invite', tpiInvite('tok')), verifyWith('pk2')),
  },
  {
    rule: '5.4.1.8 / 4.4.1.8',
    name: '3pid invite with no matching signature',
    allowed: false,
    run: (v) => on(withState(std(v), tpiEvent()), member(ALICE, CAROL, 'invite', tpiInvite('tok')), verifyWith('other')),
  },
  {
    rule: '5.4.1.1 / 4.4.1.1',
    name: '3pid invite of a banned user',
    allowed: false,
    run: (v) =>
      on(withState(std(v), tpiEvent(), member(ALICE, CAROL, 'ban')), member(ALICE, CAROL, 'invite', tpiInvite('tok')), verifyWith('pk')),
  },
  {
    rule: '5.4.1.2 / 4.4.1.2',
    name: '3pid invite without signed',
    allowed: false,
    run: (v) => on(withState(std(v), tpiEvent()), member(ALICE, CAROL, 'invite', { third_party_invite: { display_name: 'c' } }), verifyWith('pk')),
  },
  {
    rule: '5.4.1.3 / 4.4.1.3',
    name: '3pid invite signed without token',
    allowed: false,
    run: (v) =>
      on(withState(std(v), tpiEvent()), member(ALICE, CAROL, 'invite', { third_party_invite: { signed: { mxid: CAROL } } }), verifyWith('pk')),
  },
  {
    rule: '5.4.1.4 / 4.4.1.4',
    name: '3pid invite whose mxid is not the state_key',
    allowed: false,
    run: (v) => on(withState(std(v), tpiEvent()), member(ALICE, CAROL, 'invite', tpiInvite('tok', DAVE)), verifyWith('pk')),
  },
  {
    rule: '5.4.1.5 / 4.4.1.5',
    name: '3pid invite with no m.room.third_party_invite for the token',
    allowed: false,
    run: (v) => on(withState(std(v), tpiEvent()), member(ALICE, CAROL, 'invite', tpiInvite('other')), verifyWith('pk')),
  },
  {
    rule: '5.4.1.6 / 4.4.1.6',
    name: '3pid invite sent by someone other than the third_party_invite sender',
    allowed: false,
    run: (v) => on(withState(std(v), tpiEvent()), member(BOB, CAROL, 'invite', tpiInvite('tok')), verifyWith('pk')),
  },
  {
    rule: '5.4.1.8 / 4.4.1.8',
    name: '3pid invite without a verifier',
    allowed: false,
    run: (v) => on(withState(std(v), tpiEvent()), member(ALICE, CAROL, 'invite', tpiInvite('tok'))),
  },
  // plain invites
  { rule: '5.4.4 / 4.4.4', name: 'invite by a joined member at the invite level', allowed: true, run: (v) => on(std(v), member(BOB, CAROL, 'invite')) },
  { rule: '5.4.2 / 4.4.2', name: 'invite by a non-member', allowed: false, run: (v) => on(std(v), member(DAVE, CAROL, 'invite')) },
  { rule: '5.4.3 / 4.4.3', name: 'invite of a joined user', allowed: false, run: (v) => on(std(v), member(ALICE, BOB, 'invite')) },
  { rule: '5.4.3 / 4.4.3', name: 'invite of a banned user', allowed: false, run: (v) => on(withState(std(v), member(ALICE, CAROL, 'ban')), member(ALICE, CAROL, 'invite')) },
  { rule: '5.4.5 / 4.4.5', name: 'invite below the invite level', allowed: false, run: (v) => on(std(v, 'public', { invite: 50 }), member(BOB, CAROL, 'invite')) },
  // leave
  { rule: '5.5.1 / 4.5.1', name: 'joined user leaves', allowed: true, run: (v) => on(std(v), member(BOB, BOB, 'leave')) },
  { rule: '5.5.1 / 4.5.1', name: 'invited user rejects', allowed: true, run: (v) => on(withState(std(v), member(ALICE, CAROL, 'invite')), member(CAROL, CAROL, 'leave')) },
  { rule: '5.5.1 / 4.5.1', name: 'stranger leaves', allowed: false, run: (v) => on(std(v), member(CAROL, CAROL, 'leave')) },
  { rule: '5.5.1 / 4.5.1', name: 'banned user un-bans themself', allowed: false, run: (v) => on(withState(std(v), member(ALICE, CAROL, 'ban')), member(CAROL, CAROL, 'leave')) },
  {
    rule: '5.5.1 / 4.5.1',
    name: 'knocking user withdraws the knock (v7+)',
    versions: from(7),
    allowed: true,
    run: (v) => on(withState(std(v, 'knock'), member(CAROL, CAROL, 'knock')), member(CAROL, CAROL, 'leave')),
  },
  { rule: '5.5.2 / 4.5.2', name: 'kick by a non-member', allowed: false, run: (v) => on(withState(std(v), member(DAVE, DAVE, 'leave')), member(DAVE, BOB, 'leave')) },
  {
    rule: '5.5.3 / 4.5.3',
    name: 'unban below the ban level',
    allowed: false,
    run: (v) => on(withState(std(v, 'public', { kick: 0, ban: 80 }), member(ALICE, CAROL, 'ban')), member(BOB, CAROL, 'leave')),
  },
  { rule: '5.5.4 / 4.5.4', name: 'kick by a moderator', allowed: true, run: (v) => on(std(v), member(ALICE, BOB, 'leave')) },
  { rule: '5.5.4 / 4.5.4', name: 'unban at the ban and kick levels', allowed: true, run: (v) => on(withState(std(v), member(ALICE, CAROL, 'ban')), member(ALICE, CAROL, 'leave')) },
  { rule: '5.5.5 / 4.5.5', name: 'kick of a higher user', allowed: false, run: (v) => on(std(v, 'public', { kick: 0 }), member(BOB, ALICE, 'leave')) },
  { rule: '5.5.5 / 4.5.5', name: 'kick below the kick level', allowed: false, run: (v) => on(withState(std(v), join(CAROL)), member(BOB, CAROL, 'leave')) },
  // ban
  { rule: '5.6.2 / 4.6.2', name: 'ban by a moderator', allowed: true, run: (v) => on(std(v), member(ALICE, BOB, 'ban')) },
  { rule: '5.6.1 / 4.6.1', name: 'ban by a non-member', allowed: false, run: (v) => on(std(v), member(CAROL, BOB, 'ban')) },
  { rule: '5.6.3 / 4.6.3', name: 'ban below the ban level', allowed: false, run: (v) => on(withState(std(v), join(CAROL)), member(BOB, CAROL, 'ban')) },
  { rule: '5.6.3 / 4.6.3', name: 'ban of an equal user', allowed: false, run: (v) => on(withState(std(v, 'public', { ban: 0 }), join(CAROL)), member(BOB, CAROL, 'ban')) },
  // knock
  { rule: '5.7.3 / 4.7.3', name: 'knock on a knock room', versions: from(7), allowed: true, run: (v) => on(std(v, 'knock'), member(CAROL, CAROL, 'knock')) },
  {
    rule: '5.7.3 (v10+)',
    name: 'knock on a knock_restricted room',
    versions: from(10),
    allowed: true,
    run: (v) => on(std(v, 'knock_restricted'), member(CAROL, CAROL, 'knock')),
  },
  {
    rule: '5.7.1 / 4.7.1',
    name: 'knock on a knock_restricted room before v10',
    versions: (v) => n(v) >= 7 && n(v) < 10,
    allowed: false,
    run: (v) => on(std(v, 'knock_restricted'), member(CAROL, CAROL, 'knock')),
  },
  { rule: '5.7.1 / 4.7.1', name: 'knock on a public room', versions: from(7), allowed: false, run: (v) => on(std(v), member(CAROL, CAROL, 'knock')) },
  { rule: '5.7.2 / 4.7.2', name: 'knock for someone else', versions: from(7), allowed: false, run: (v) => on(std(v, 'knock'), member(BOB, CAROL, 'knock')) },
  { rule: '5.7.4 / 4.7.4', name: 'knock by an invited user', versions: from(7), allowed: false, run: (v) => on(withState(std(v, 'knock'), member(ALICE, CAROL, 'invite')), member(CAROL, CAROL, 'knock')) },
  { rule: '5.7.4 / 4.7.4', name: 'knock by a banned user', versions: from(7), allowed: false, run: (v) => on(withState(std(v, 'knock'), member(ALICE, CAROL, 'ban')), member(CAROL, CAROL, 'knock')) },
  { rule: 'v1 5.6', name: 'knock is an unknown membership before v7', versions: upTo(6), allowed: false, run: (v) => on(std(v, 'knock'), member(CAROL, CAROL, 'knock')) },
  { rule: '5.8 / 4.8', name: 'unknown membership', allowed: false, run: (v) => on(std(v), member(BOB, BOB, 'dance')) },
  // ---- rule 6 (v6–v11: 5): sender must be joined
  { rule: '6 / 5', name: 'message from a non-member', allowed: false, run: (v) => on(std(v), { type: 'm.room.message', sender: CAROL, content: { body: 'x' } }) },
  { rule: '11 / 10', name: 'message from a member', allowed: true, run: (v) => on(std(v), { type: 'm.room.message', sender: BOB, content: { body: 'x' } }) },
  // ---- rule 7: m.room.third_party_invite
  { rule: '7 / 6', name: 'third_party_invite at the invite level', allowed: true, run: (v) => on(std(v), tpiEvent(BOB)) },
  { rule: '7 / 6', name: 'third_party_invite below the invite level', allowed: false, run: (v) => on(std(v, 'public', { invite: 10 }), tpiEvent(BOB)) },
  // ---- rule 8: required power level
  { rule: '8 / 7', name: 'state event below state_default', allowed: false, run: (v) => on(std(v), stateEv('m.room.topic', BOB, { topic: 't' })) },
  { rule: '8 / 7', name: 'state event at state_default', allowed: true, run: (v) => on(std(v), stateEv('m.room.topic', ALICE, { topic: 't' })) },
  {
    rule: '8 / 7',
    name: 'message below an events entry',
    allowed: false,
    run: (v) => on(std(v, 'public', { events: { 'm.room.message': 10 } }), { type: 'm.room.message', sender: BOB, content: {} }),
  },
  {
    rule: '8 / 7',
    name: 'no power levels: creator may send state',
    allowed: true,
    run: (v) => on(withState(new RoomFixture(v), join(ALICE)), stateEv('m.room.name', ALICE, { name: 'n' })),
  },
  {
    rule: '8 / 7',
    name: 'no power levels: other users may not send state',
    allowed: false,
    run: (v) =>
      on(
        withState(new RoomFixture(v), join(ALICE), stateEv('m.room.join_rules', ALICE, { join_rule: 'public' }), join(BOB)),
        stateEv('m.room.name', BOB, { name: 'n' }),
      ),
  },
  // ---- rule 9: @-state keys
  { rule: '9 / 8', name: "state_key of another user", allowed: false, run: (v) => on(std(v), stateEv('org.example.x', ALICE, {}, BOB)) },
  { rule: '9 / 8', name: "state_key of the sender", allowed: true, run: (v) => on(std(v), stateEv('org.example.x', ALICE, {}, ALICE)) },
  // ---- rule 10 (v6–v11: 9): m.room.power_levels
  {
    rule: '10.1 / 9.1 (v10+)',
    name: 'string scalar level',
    versions: from(10),
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { users: std(v).lookup('m.room.power_levels', '')!.content.users!, ban: '50' })),
  },
  {
    rule: 'v1 10 (stringy)',
    name: 'string scalar level is accepted before v10',
    versions: upTo(9),
    allowed: true,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { users: { [ALICE]: '100' }, ban: ' +050 ' })),
  },
  {
    rule: 'v1 10 (floaty)',
    name: 'float levels are truncated before v6',
    versions: upTo(5),
    allowed: true,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { users: { [ALICE]: 100.7 }, kick: 50.9 })),
  },
  {
    rule: '10.1 / 9.1',
    name: 'non-numeric scalar level (any version)',
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { ban: 'lots' })),
  },
  {
    rule: '10.2 / 9.2 (v10+)',
    name: 'events value not an integer',
    versions: from(10),
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { events: { 'm.room.name': '50' } })),
  },
  {
    rule: '10.2 / 9.2 (v10+)',
    name: 'notifications not an object',
    versions: from(10),
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { notifications: 5 })),
  },
  {
    rule: '10.3 / 9.3',
    name: 'users key not a user id',
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { users: { bob: 10 } })),
  },
  {
    rule: '10.3 / 9.3',
    name: 'users value not an integer',
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { users: { [BOB]: 'ten' } })),
  },
  {
    rule: '10.4 (v12)',
    name: 'users lists the room creator',
    versions: from(12),
    allowed: false,
    run: (v) => on(std(v), stateEv('m.room.power_levels', ALICE, { users: { [ALICE]: 100 } })),
  },
  {
    rule: '10.4 (v12)',
    name: 'users lists an additional creator',
    versions: from(12),
    allowed: false,
    run: (v) => {
      const room = withState(new RoomFixture(v, ALICE, { additional_creators: [BOB] }), join(ALICE));
      return on(room, stateEv('m.room.power_levels', ALICE, { users: { [BOB]: 50 } }));
    },
  },
  {
    rule: '10.5 / 9.4',
    name: 'first power levels event',
    allowed: true,
    run: (v) => on(withState(new RoomFixture(v), join(ALICE)), stateEv('m.room.power_levels', ALICE, { users: v.privilegedCreators ? {} : { [ALICE]: 100 } })),
  },
  {
    rule: '10.6.2 / 9.5.2',
    name: 'raising a scalar above the sender',
    allowed: false,
    run: (v) => on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60 }, state_default: 0, ban: 70 })),
  },
  {
    rule: '10.6.1 / 9.5.1',
    name: 'changing a scalar currently above the sender',
    allowed: false,
    run: (v) =>
      on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0, kick: 75 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60 }, state_default: 0, kick: 10 })),
  },
  {
    rule: '10.7.1 / 9.6.1',
    name: 'removing an events entry above the sender',
    allowed: false,
    run: (v) =>
      on(
        std(v, 'public', { users: { [BOB]: 60 }, state_default: 0, events: { 'm.room.name': 80 } }),
        stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60 }, state_default: 0 }),
      ),
  },
  {
    rule: '10.8.1 / 9.7.1',
    name: 'adding an events entry above the sender',
    allowed: false,
    run: (v) =>
      on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60 }, state_default: 0, events: { x: 61 } })),
  },
  {
    rule: '10.8.1 / 9.7.1 (v6+)',
    name: 'adding a notifications entry above the sender',
    versions: from(6),
    allowed: false,
    run: (v) =>
      on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60 }, state_default: 0, notifications: { room: 99 } })),
  },
  {
    rule: 'v1 10 (no notifications)',
    name: 'notifications are not checked before v6',
    versions: upTo(5),
    allowed: true,
    run: (v) =>
      on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60 }, state_default: 0, notifications: { room: 99 } })),
  },
  {
    rule: '10.9.1 / 9.8.1',
    name: 'demoting a user at the sender level',
    allowed: false,
    run: (v) =>
      on(
        std(v, 'public', { users: { [BOB]: 60, [CAROL]: 60 }, state_default: 0 }),
        stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60, [CAROL]: 0 }, state_default: 0 }),
      ),
  },
  {
    rule: '10.9 / 9.8',
    name: 'lowering your own level',
    allowed: true,
    run: (v) => on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 10 }, state_default: 0 })),
  },
  {
    rule: '10.10.1 / 9.9.1',
    name: 'promoting a user above the sender',
    allowed: false,
    run: (v) =>
      on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60, [CAROL]: 61 }, state_default: 0 })),
  },
  {
    rule: '10.11 / 9.10',
    name: 'promoting a user to the sender level',
    allowed: true,
    run: (v) =>
      on(std(v, 'public', { users: { [BOB]: 60 }, state_default: 0 }), stateEv('m.room.power_levels', BOB, { users: { [BOB]: 60, [CAROL]: 60 }, state_default: 0 })),
  },
  {
    rule: '10 (v12 creators)',
    name: 'an additional creator has infinite power',
    versions: from(12),
    allowed: true,
    run: (v) => {
      const room = withState(new RoomFixture(v, ALICE, { additional_creators: [BOB] }), join(ALICE), stateEv('m.room.power_levels', ALICE, { users: {}, ban: 1e9 }));
      room.add(stateEv('m.room.join_rules', ALICE, { join_rule: 'public' }));
      room.add(join(BOB));
      return on(room, stateEv('m.room.power_levels', BOB, { users: { [CAROL]: 2 ** 53 - 1 }, ban: 2 ** 53 - 1 }));
    },
  },
  // ---- v1/v2 rule 11: redactions
  {
    rule: 'v1 11.2',
    name: 'redaction of an event from the same server',
    versions: upTo(2),
    allowed: true,
    run: (v) => on(std(v), { type: 'm.room.redaction', sender: BOB, content: {}, redacts: '$x:b.example' }),
  },
  {
    rule: 'v1 11.3',
    name: 'redaction of an event from another server below the redact level',
    versions: upTo(2),
    allowed: false,
    run: (v) => on(std(v), { type: 'm.room.redaction', sender: BOB, content: {}, redacts: '$x:a.example' }),
  },
  {
    rule: 'v1 11.1',
    name: 'redaction at the redact level',
    versions: upTo(2),
    allowed: true,
    run: (v) => on(std(v), { type: 'm.room.redaction', sender: ALICE, content: {}, redacts: '$x:b.example' }),
  },
  {
    rule: 'v3 11',
    name: 'redaction of another server event is deferred from v3',
    versions: from(3),
    allowed: true,
    run: (v) => on(std(v), { type: 'm.room.redaction', sender: BOB, content: {}, redacts: '$x:a.example' }),
  },
];

for (const c of cases) {
  const versions = ALL.filter(c.versions ?? every);
  void test(`rule ${c.rule}: ${c.name} → ${c.allowed ? 'allow' : 'deny'}`, () => {
    assert.ok(versions.length > 0);
    for (const v of versions) {
      const { room, event, options } = c.run(v);
      const r = authorize(event, room.lookup, v, options);
      assert.equal(r.allowed, c.allowed, `room v${v.id}: ${r.allowed ? 'allowed' : r.reason}`);
      if (!r.allowed) assert.ok(r.reason.length > 0);
    }
  });
}

void test('malformed events and state are denied, never thrown', () => {
  for (const v of ALL) {
    const room = RoomFixture.standard(v);
    const weird = [
      { ...room.build(join(CAROL)), content: null },
      { ...room.build(join(CAROL)), prev_events: null },
      { ...room.build(join(CAROL)), type: undefined },
      { ...room.build(stateEv('m.room.power_levels', ALICE, {})), content: { users: [1, 2] } },
      { ...room.build(stateEv('m.room.power_levels', ALICE, {})), content: { events: 'x' } },
    ] as unknown as EventView[];
    for (const ev of weird) assert.equal(authorize(ev, room.lookup, v).allowed, false);
    const badState = () => ({ content: 'nope' }) as unknown as EventView;
    assert.equal(authorize(room.build(join(CAROL)), badState, v).allowed, false);
    const throwing = () => {
      throw new Error('boom');
    };
    const r = authorize(room.build(join(CAROL)), throwing, v);
    assert.equal(r.allowed, false);
  }
});
