// State resolution v2 (room versions 2–11) and its v12 revision ("v2.1").
// Spec: rooms/fragments/v2-state-res.md; rooms/v12.md "State resolution" (iterative auth checks
// of the power events start from an empty state; the conflicted state subgraph joins the full
// conflicted set). Deterministic, iterative (explicit stacks and queues), and cooperative: it
// yields to the event loop every few milliseconds so big rooms never block it.

import type { EventView, StateKey } from './pdu.ts';
import { stateKey } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { authEventPairs, CREATE, JOIN_RULES, MEMBER, POWER_LEVELS } from './auth-events.ts';
import { authorize, type AuthOptions } from './auth-rules.ts';
import { readPowerLevels, userLevel } from './power-levels.ts';
import { asObject } from './auth-rules-common.ts';
import { EventCache, HEAVY_STEP, lexicographicTopoSort, Yielder, type StateResStore } from './state-res-graph.ts';
import { mainlineSort } from './state-res-mainline.ts';

export type { StateResStore } from './state-res-graph.ts';
export type StateMap = ReadonlyMap<StateKey, string>;

export interface StateResOptions {
  /** Verifier for third-party invites met during the iterative auth checks. */
  readonly authOptions?: AuthOptions;
  /** Longest synchronous stretch between yields, ms. */
  readonly sliceMs?: number;
}

/** Unconflicted state map and conflicted state set (spec "Definitions"). */
export async function separate(
  stateSets: readonly StateMap[],
  y: Yielder = new Yielder(),
): Promise<{ unconflicted: Map<StateKey, string>; conflicted: Map<StateKey, Set<string>> }> {
  const unconflicted = new Map<StateKey, string>();
  const conflicted = new Map<StateKey, Set<string>>();
  const [first, ...rest] = stateSets;
  if (!first) return { unconflicted, conflicted };
  const conflict = (k: StateKey): void => {
    if (conflicted.has(k)) return;
    const values = new Set<string>();
    for (const s of stateSets) {
      const v = s.get(k);
      if (v !== undefined) values.add(v);
    }
    conflicted.set(k, values);
  };
  for (const [k, v] of first) {
    if (y.step()) await y.pause();
    let same = true;
    for (let i = 0; i < rest.length && same; i++) same = (rest[i] as StateMap).get(k) === v;
    if (same) unconflicted.set(k, v);
    else conflict(k);
  }
  // Keys some other set has but the first lacks are conflicted by definition.
  for (const s of rest) {
    for (const k of s.keys()) {
      if (y.step()) await y.pause();
      if (!first.has(k)) conflict(k);
    }
  }
  return { unconflicted, conflicted };
}

/** A power event: power levels, join rules, or a kick/ban of someone else (spec "Power events"). */
export function isPowerEvent(ev: EventView): boolean {
  if (ev.state_key === undefined) return false;
  if (ev.type === POWER_LEVELS || ev.type === JOIN_RULES) return ev.state_key === '';
  if (ev.type !== MEMBER) return false;
  const m = asObject(ev.content)?.membership;
  return (m === 'leave' || m === 'ban') && ev.sender !== ev.state_key;
}

/** The create event: among the auth events, or (v12) named by the room id. */
function createFor(ev: EventView, cache: EventCache, version: RoomVersion): EventView | undefined {
  if (version.roomIdFromCreateEvent) return cache.get(`$${ev.room_id.slice(1)}`);
  for (const a of ev.auth_events) {
    const e = cache.get(a);
    if (e?.type === CREATE && e.state_key === '') return e;
  }
  return undefined;
}

/** The sender's power level according to the event's own auth events (for the power ordering). */
function senderPower(ev: EventView, cache: EventCache, version: RoomVersion): number {
  let pl: EventView | undefined;
  for (const a of ev.auth_events) {
    const e = cache.get(a);
    if (e?.type === POWER_LEVELS && e.state_key === '') pl = e;
  }
  return userLevel(readPowerLevels(pl, version), ev.sender, createFor(ev, cache, version), version);
}

/**
 * Auth difference ∪C_i − ∩C_i (spec "Auth difference"), where C_i, the full auth chain of set
 * i, is closure(U) ∪ closure(own_i): U the unconflicted events every set shares, own_i the set's
 * events for conflicted keys. closure(U) is in every C_i, so the difference is
 * (∪closure(own_i) − ∩closure(own_i)) − closure(U): only the small chains of the conflicted
 * events are walked. Candidates that are conflicted events join the full conflicted set anyway;
 * the rest must be shown not to be in closure(U), a walk over the unconflicted chain that is
 * skipped when there is no such candidate, never enters events every own chain reaches (their
 * ancestors are no candidates), and stops once every candidate is found.
 */
export async function authDifference(
  stateSets: readonly StateMap[],
  unconflicted: ReadonlyMap<StateKey, string>,
  conflicted: ReadonlyMap<StateKey, ReadonlySet<string>>,
  conflictedIds: ReadonlySet<string>,
  cache: EventCache,
  store: StateResStore,
  y: Yielder,
): Promise<Set<string>> {
  if (store.authChainDifference) {
    const diff = new Set<string>(await store.authChainDifference(stateSets.map((s) => [...s.values()])));
    await cache.load(diff, y);
    return diff;
  }
  const perSet: Set<string>[] = [];
  for (const s of stateSets) {
    // own_i: the set's events for the conflicted keys (its other keys hold the unconflicted ones).
    const own: string[] = [];
    for (const k of conflicted.keys()) {
      const v = s.get(k);
      if (v !== undefined) own.push(v);
    }
    perSet.push(await cache.closure(own, y));
  }
  const inAll = (id: string): boolean => {
    for (const set of perSet) if (!set.has(id)) return false;
    return true;
  };
  const diff = new Set<string>();
  const unsure = new Set<string>();
  for (const set of perSet) {
    for (const id of set) {
      if (y.step()) await y.pause();
      if (diff.has(id) || unsure.has(id) || inAll(id)) continue;
      if (conflictedIds.has(id)) diff.add(id);
      else unsure.add(id);
    }
  }
  const shared = await cache.reachable(unconflicted.values(), unsure, y, inAll);
  for (const id of unsure) if (!shared.has(id)) diff.add(id);
  return diff;
}

/** v12: events on auth-event paths between two conflicted events, endpoints included. */
export async function conflictedSubgraph(conflicted: ReadonlySet<string>, cache: EventCache, y: Yielder): Promise<Set<string>> {
  const reachable = await cache.closure(conflicted, y);
  // Post-order DFS (explicit stack) so every auth event is decided before the events citing it.
  const leadsToConflict = new Set<string>();
  const done = new Set<string>();
  for (const root of conflicted) {
    if (done.has(root) || !reachable.has(root)) continue;
    const stack: [string, number][] = [[root, 0]];
    done.add(root);
    while (stack.length > 0) {
      if (y.step()) await y.pause();
      const top = stack[stack.length - 1]!;
      const auth = cache.get(top[0])?.auth_events ?? [];
      if (top[1] < auth.length) {
        const next = auth[top[1]++]!;
        if (reachable.has(next) && !done.has(next)) {
          done.add(next);
          stack.push([next, 0]);
        }
        continue;
      }
      stack.pop();
      if (conflicted.has(top[0]) || auth.some((a) => leadsToConflict.has(a))) leadsToConflict.add(top[0]);
    }
  }
  return leadsToConflict;
}

/**
 * Spec "Iterative auth checks": apply each event that the rules allow against the state so far,
 * falling back to the event's own (non-rejected) auth events for keys the state lacks.
 */
export async function iterativeAuthChecks(
  ids: readonly string[],
  base: ReadonlyMap<StateKey, string>,
  cache: EventCache,
  version: RoomVersion,
  y: Yielder,
  authOptions: AuthOptions = {},
): Promise<Map<StateKey, string>> {
  const state = new Map(base);
  await cache.load(ids.flatMap((id) => cache.get(id)?.auth_events ?? []), y);
  for (const id of ids) {
    if (y.step(HEAVY_STEP)) await y.pause();
    const ev = cache.get(id);
    if (!ev || ev.state_key === undefined) continue;
    const lookup = (type: string, key: string): EventView | undefined => {
      const current = state.get(stateKey(type, key));
      const fromState = current === undefined ? undefined : cache.get(current);
      if (fromState) return fromState;
      // Fall back to the event's own non-rejected auth event for the key (the last one listed,
      // should there be two), scanned in place: at most ten, and no map built per event.
      const auth = ev.auth_events;
      for (let i = auth.length - 1; i >= 0; i--) {
        const a = auth[i] as string;
        const ae = cache.get(a);
        if (ae !== undefined && ae.type === type && ae.state_key === key && !cache.isRejected(a)) return ae;
      }
      return type === CREATE && key === '' && version.roomIdFromCreateEvent ? createFor(ev, cache, version) : undefined;
    };
    if (authorize(ev, lookup, version, authOptions).allowed) state.set(stateKey(ev.type, ev.state_key), id);
  }
  return state;
}

/** Resolves a set of room states (each a map from StateKey to event id) for a v2–v12 room. */
export async function resolveStateV2(
  stateSets: readonly StateMap[],
  version: RoomVersion,
  store: StateResStore,
  options: StateResOptions = {},
): Promise<Map<StateKey, string>> {
  const y = new Yielder(options.sliceMs);
  const { unconflicted, conflicted } = await separate(stateSets, y);
  if (conflicted.size === 0) return unconflicted;
  const cache = new EventCache(store);
  const conflictedIds = new Set<string>();
  for (const ids of conflicted.values()) for (const id of ids) conflictedIds.add(id);

  const full = await authDifference(stateSets, unconflicted, conflicted, conflictedIds, cache, store, y);
  for (const id of conflictedIds) full.add(id);
  if (version.stateRes === 'v2.1') {
    for (const id of await conflictedSubgraph(conflictedIds, cache, y)) full.add(id);
    const anyEvent = cache.get([...conflictedIds][0]!);
    if (anyEvent) await cache.load([`$${anyEvent.room_id.slice(1)}`]);
  }
  await cache.load(full, y);
  for (const id of full) if (!cache.get(id)) full.delete(id);

  // Step 1: power events plus their auth ancestors inside the full conflicted set.
  const edges = new Map<string, string[]>();
  const stack: string[] = [];
  for (const id of full) if (isPowerEvent(cache.get(id)!)) stack.push(id);
  for (const id of stack) edges.set(id, []);
  while (stack.length > 0) {
    if (y.step()) await y.pause();
    const id = stack.pop()!;
    const deps = edges.get(id)!;
    for (const a of cache.get(id)?.auth_events ?? []) {
      if (!full.has(a)) continue;
      deps.push(a);
      if (!edges.has(a)) {
        edges.set(a, []);
        stack.push(a);
      }
    }
  }
  await cache.load([...edges.keys()].flatMap((id) => cache.get(id)!.auth_events), y);
  const power = new Map<string, number>();
  for (const id of edges.keys()) {
    // Reads each event's power levels content: costly enough to weigh like an auth check.
    if (y.step(HEAVY_STEP)) await y.pause();
    power.set(id, senderPower(cache.get(id)!, cache, version));
  }
  const powerLess = (a: string, b: string): boolean => {
    const pa = power.get(a)!;
    const pb = power.get(b)!;
    if (pa !== pb) return pa > pb;
    const ta = cache.get(a)!.origin_server_ts;
    const tb = cache.get(b)!.origin_server_ts;
    if (ta !== tb) return ta < tb;
    return a < b;
  };
  const sortedPower = await lexicographicTopoSort([...edges.keys()].sort(), edges, powerLess, y);

  // Step 2: v2 starts from the unconflicted state, v12 from an empty one. The auth checks read
  // only the auth-event keys of the events they check, and the mainline only the power levels,
  // so v2's base is cut down to those keys; step 5 lays the rest of the unconflicted state back.
  const base = new Map<StateKey, string>();
  if (version.stateRes !== 'v2.1') {
    const wanted = new Set<StateKey>([stateKey(POWER_LEVELS, ''), stateKey(CREATE, '')]);
    for (const id of full) {
      // v2 only, and one of its longest loops when many events conflict: yield here too.
      if (y.step(HEAVY_STEP / 4)) await y.pause();
      for (const [t, k] of authEventPairs(cache.get(id)!, version)) wanted.add(stateKey(t, k));
    }
    for (const k of wanted) {
      const v = unconflicted.get(k);
      if (v !== undefined) base.set(k, v);
    }
    await cache.load(base.values(), y);
  }
  let partial = await iterativeAuthChecks(sortedPower, base, cache, version, y, options.authOptions);

  // Step 3–4: the rest, in mainline order of the resolved power levels, on top of that.
  const inPower = new Set(sortedPower);
  const leftover = [...full].filter((id) => !inPower.has(id)).sort();
  const ordered = await mainlineSort(leftover, partial.get(stateKey(POWER_LEVELS, '')), cache, y);
  partial = await iterativeAuthChecks(ordered, partial, cache, version, y, options.authOptions);

  // Step 5: unconflicted state always wins. It is most of the state, so start from a copy of it
  // and add the resolved keys it lacks (rather than overwriting the partial state key by key).
  const resolved = new Map(unconflicted);
  for (const [k, v] of partial) {
    if (y.step()) await y.pause();
    if (!unconflicted.has(k)) resolved.set(k, v);
  }
  return resolved;
}
