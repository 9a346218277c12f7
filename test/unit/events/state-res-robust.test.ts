// State resolution on awkward inputs: very deep auth chains (no recursion), missing events,
// auth cycles, and v12's conflicted state subgraph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventView, JsonObject, StateKey } from '../../../core/events/pdu.ts';
import { stateKey } from '../../../core/events/pdu.ts';
import { roomVersion } from '../../../core/events/room-versions.ts';
import { resolveState } from '../../../core/events/state-res.ts';
import { conflictedSubgraph } from '../../../core/events/state-res-v2.ts';
import { EventCache, Yielder } from '../../../core/events/state-res-graph.ts';
import { ALICE, RoomFixture, fakeEvent, stateEv } from '../../support/events.ts';
import { MapStore } from '../../support/state-graph.ts';

const ids = (room: RoomFixture): Map<StateKey, string> => new Map([...room.state].map(([k, e]) => [k, e.event_id]));

void test('a 30,000-deep power-levels chain resolves without overflowing the stack', async () => {
  for (const id of ['11', '12']) {
    const v = roomVersion(id)!;
    const room = RoomFixture.standard(v);
    const users: JsonObject = v.privilegedCreators ? {} : { [ALICE]: 100 };
    for (let i = 0; i < 30_000; i++) room.add(stateEv('m.room.power_levels', ALICE, { users, events_default: i % 2 }));
    const base = ids(room);
    const topic = room.build(stateEv('m.room.topic', ALICE, { topic: 'a' }));
    const pl = room.build(stateEv('m.room.power_levels', ALICE, { users, state_default: 40 }));
    const events = new Map(room.events);
    events.set(topic.event_id, topic);
    events.set(pl.event_id, pl);
    const a = new Map(base).set(stateKey('m.room.topic', ''), topic.event_id);
    const b = new Map(base).set(stateKey('m.room.power_levels', ''), pl.event_id);
    const out = await resolveState([a, b], v, new MapStore(events));
    assert.equal(out.get(stateKey('m.room.power_levels', '')), pl.event_id, `v${id}`);
    assert.equal(out.get(stateKey('m.room.topic', '')), topic.event_id, `v${id}`);
  }
});

void test('events the store lacks are left out; unconflicted state is kept', async () => {
  for (const id of ['1', '11', '12']) {
    const v = roomVersion(id)!;
    const room = RoomFixture.standard(v);
    const base = ids(room);
    const a = new Map(base).set(stateKey('m.room.topic', ''), '$missing1:x');
    const b = new Map(base).set(stateKey('m.room.topic', ''), '$missing2:x');
    const out = await resolveState([a, b], v, new MapStore(new Map(room.events)));
    assert.equal(out.has(stateKey('m.room.topic', '')), false, `v${id}`);
    for (const [k, val] of base) assert.equal(out.get(k), val);
  }
});

void test('an auth cycle (malformed input) terminates', async () => {
  const v = roomVersion('11')!;
  const room = RoomFixture.standard(v);
  const base = ids(room);
  const p1: EventView = fakeEvent({ ...stateEv('m.room.power_levels', ALICE, { users: { [ALICE]: 100 } }), event_id: '$c1:a.example', auth_events: ['$c2:a.example'] }, room.roomId);
  const p2: EventView = fakeEvent({ ...stateEv('m.room.power_levels', ALICE, { users: { [ALICE]: 100 } }), event_id: '$c2:a.example', auth_events: ['$c1:a.example'] }, room.roomId);
  const events = new Map(room.events).set(p1.event_id, p1).set(p2.event_id, p2);
  const a = new Map(base).set(stateKey('m.room.power_levels', ''), p1.event_id);
  const b = new Map(base).set(stateKey('m.room.power_levels', ''), p2.event_id);
  const out = await resolveState([a, b], v, new MapStore(events));
  assert.ok(out.has(stateKey('m.room.create', '')));
});

void test('v12 conflicted state subgraph: events on auth paths between conflicted events, endpoints included', async () => {
  const mk = (id: string, auth: string[]): EventView =>
    fakeEvent({ type: 'm.room.member', sender: ALICE, state_key: id, content: {}, event_id: id, auth_events: auth });
  const events = new Map([mk('$c1', ['$x']), mk('$x', ['$c2', '$z']), mk('$c2', ['$w']), mk('$z', []), mk('$w', [])].map((e) => [e.event_id, e]));
  const sub = await conflictedSubgraph(new Set(['$c1', '$c2']), new EventCache(new MapStore(events)), new Yielder());
  assert.deepEqual([...sub].sort(), ['$c1', '$c2', '$x']);
});
