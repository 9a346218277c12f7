// The auth difference (spec rooms/fragments/v2-state-res.md "Auth difference") computed from the
// conflicted events' chains, checked against the definition on random auth DAGs, and the
// optional store-provided auth-chain index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EventView, JsonObject, StateKey } from '../../../core/events/pdu.ts';
import { stateKey } from '../../../core/events/pdu.ts';
import { roomVersion } from '../../../core/events/room-versions.ts';
import { resolveState } from '../../../core/events/state-res.ts';
import { authDifference, iterativeAuthChecks, separate } from '../../../core/events/state-res-v2.ts';
import { EventCache, Yielder } from '../../../core/events/state-res-graph.ts';
import { ALICE, BOB, RoomFixture, fakeEvent, join, stateEv } from '../../support/events.ts';
import { MapStore } from '../../support/state-graph.ts';

const id = (i: number): string => `$n${i}:x`;

/** Spec definition: C_i = every event reachable from set i's events (them included) the store holds. */
function specDifference(sets: readonly ReadonlyMap<StateKey, string>[], events: ReadonlyMap<string, EventView>): Set<string> {
  const chains = sets.map((s) => {
    const seen = new Set<string>();
    const stack = [...s.values()];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (seen.has(e) || !events.has(e)) continue;
      seen.add(e);
      stack.push(...events.get(e)!.auth_events);
    }
    return seen;
  });
  const diff = new Set<string>();
  for (const c of chains) for (const e of c) if (!chains.every((o) => o.has(e))) diff.add(e);
  return diff;
}

// A random DAG: node i cites some earlier nodes as auth events (ids past `present` are never
// stored, like events a server never fetched); each state set picks nodes for a few keys.
const scenario = fc
  .integer({ min: 2, max: 40 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      auth: fc.array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n }),
      present: fc.integer({ min: Math.max(1, n - 3), max: n }),
      sets: fc.array(fc.array(fc.option(fc.nat(n - 1), { nil: undefined }), { minLength: 6, maxLength: 6 }), { minLength: 2, maxLength: 3 }),
    }),
  );

void test('auth difference equals the definition, up to the conflicted events themselves (property)', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ n, auth, present, sets }) => {
      const events = new Map<string, EventView>();
      for (let i = 0; i < present; i++) {
        const ev = fakeEvent({ type: 't', sender: ALICE, event_id: id(i), auth_events: auth[i]!.filter((a) => a < i).map(id) });
        events.set(ev.event_id, ev);
      }
      const stateSets = sets.map((picks) => {
        const m = new Map<StateKey, string>();
        picks.forEach((p, k) => p !== undefined && p < n && m.set(stateKey('t', String(k)), id(p)));
        return m;
      });
      const { unconflicted, conflicted } = await separate(stateSets);
      const conflictedIds = new Set([...conflicted.values()].flatMap((s) => [...s]));
      const store = new MapStore(events);
      const got = await authDifference(stateSets, unconflicted, conflicted, conflictedIds, new EventCache(store), store, new Yielder());
      const want = specDifference(stateSets, events);
      for (const c of conflictedIds) {
        got.delete(c);
        want.delete(c);
      }
      assert.deepEqual([...got].sort(), [...want].sort());
    }),
    { numRuns: 300 },
  );
});

void test('a candidate reached only through the unconflicted chain is not in the difference', async () => {
  // old PL <- new PL (unconflicted); fork a's event cites old PL, fork b's does not: old PL is
  // in both full chains (through the new PL), so it is no part of the difference.
  const mk = (i: number, auth: number[]): EventView => fakeEvent({ type: 't', sender: ALICE, event_id: id(i), auth_events: auth.map(id) });
  const events = new Map([mk(0, []), mk(1, [0]), mk(2, [1]), mk(3, [0, 1]), mk(4, [])].map((e) => [e.event_id, e]));
  const pl = stateKey('pl', '');
  const topic = stateKey('topic', '');
  const a = new Map([[pl, id(2)], [topic, id(3)]]);
  const b = new Map([[pl, id(2)], [topic, id(4)]]);
  const { unconflicted, conflicted } = await separate([a, b]);
  const conflictedIds = new Set([...conflicted.values()].flatMap((s) => [...s]));
  const store = new MapStore(events);
  const diff = await authDifference([a, b], unconflicted, conflicted, conflictedIds, new EventCache(store), store, new Yielder());
  assert.deepEqual([...diff].sort(), [id(3), id(4)]);
  // Without the new PL event in the unconflicted state, the old one is a real difference.
  const a2 = new Map([[topic, id(3)]]);
  const b2 = new Map([[topic, id(4)]]);
  const sep = await separate([a2, b2]);
  const diff2 = await authDifference([a2, b2], sep.unconflicted, sep.conflicted, new Set([id(3), id(4)]), new EventCache(store), store, new Yielder());
  assert.deepEqual([...diff2].sort(), [id(0), id(1), id(3), id(4)]);
});

class IndexedStore extends MapStore {
  calls = 0;
  authChainDifference(stateSets: readonly (readonly string[])[]): Set<string> {
    this.calls += 1;
    return specDifference(stateSets.map((ids) => new Map(ids.map((e, i) => [String(i) as StateKey, e]))), this.events);
  }
}

void test('a store-provided auth-chain difference is used and resolves to the same state', async () => {
  for (const vid of ['2', '11', '12']) {
    const v = roomVersion(vid)!;
    const room = RoomFixture.standard(v);
    for (let i = 0; i < 20; i++) room.add(join(`@u${i}:x.example`));
    const base = new Map([...room.state].map(([k, e]) => [k, e.event_id]));
    const users: JsonObject = v.privilegedCreators ? { [BOB]: 50 } : { [ALICE]: 100, [BOB]: 50 };
    const pl = room.build(stateEv('m.room.power_levels', ALICE, { users }));
    const topic = room.build(stateEv('m.room.topic', BOB, { topic: 'b' }));
    const events = new Map(room.events).set(pl.event_id, pl).set(topic.event_id, topic);
    const a = new Map(base).set(stateKey(pl.type, ''), pl.event_id);
    const b = new Map(base).set(stateKey(topic.type, ''), topic.event_id);
    const indexed = new IndexedStore(events);
    const withIndex = await resolveState([a, b], v, indexed);
    const without = await resolveState([a, b], v, new MapStore(events));
    assert.equal(indexed.calls, 1, `v${vid}`);
    assert.deepEqual([...withIndex].sort(), [...without].sort(), `v${vid}`);
    assert.equal(without.get(stateKey(pl.type, '')), pl.event_id);
  }
});

void test('iterative auth checks fall back to the event\'s own auth events, never to rejected ones', async () => {
  for (const vid of ['11', '12']) {
    const v = roomVersion(vid)!;
    const room = RoomFixture.standard(v);
    const bobJoin = [...room.events.values()].at(-1)!;
    assert.equal(bobJoin.sender, BOB);
    const joinRules = room.state.get(stateKey('m.room.join_rules', ''))!;
    assert.ok(bobJoin.auth_events.includes(joinRules.event_id));
    // The state lacks the join rules; Bob's join cites them, so the check can still allow it.
    const base = new Map<StateKey, string>();
    for (const [k, e] of room.state) if (e !== joinRules && e !== bobJoin) base.set(k, e.event_id);
    const key = stateKey('m.room.member', BOB);
    // The resolver loads the events it checks and the base state first; so does this test.
    const loaded = async (store: MapStore): Promise<EventCache> => {
      const cache = new EventCache(store);
      await cache.load([bobJoin.event_id, ...base.values()]);
      return cache;
    };
    const allowed = await iterativeAuthChecks([bobJoin.event_id], base, await loaded(new MapStore(room.events)), v, new Yielder());
    assert.equal(allowed.get(key), bobJoin.event_id, `v${vid}`);
    const rejecting = Object.assign(new MapStore(room.events), { isRejected: (id: string) => id === joinRules.event_id });
    const denied = await iterativeAuthChecks([bobJoin.event_id], base, await loaded(rejecting), v, new Yielder());
    assert.equal(denied.get(key), undefined, `v${vid}`);
  }
});
