// State resolution v1, for room version 1 only. Spec: rooms/v1.md "State resolution".
// Known to reset state in some forks (the spec's own warning); kept for v1 rooms.

import { createHash } from 'node:crypto';
import type { EventView, StateKey } from './pdu.ts';
import { stateKey } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { JOIN_RULES, MEMBER, POWER_LEVELS } from './auth-events.ts';
import { authorize, type AuthOptions } from './auth-rules.ts';
import { EventCache, HEAVY_STEP, Yielder, type StateResStore } from './state-res-graph.ts';
import type { StateMap } from './state-res-v2.ts';

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

/** Conflicts in v1: keys whose states name different event ids (a key some states lack is not one). */
function separateV1(stateSets: readonly StateMap[]): { resolved: Map<StateKey, string>; conflicts: Map<StateKey, string[]> } {
  const values = new Map<StateKey, Set<string>>();
  for (const s of stateSets) {
    for (const [k, v] of s) {
      const set = values.get(k);
      if (set) set.add(v);
      else values.set(k, new Set([v]));
    }
  }
  const resolved = new Map<StateKey, string>();
  const conflicts = new Map<StateKey, string[]>();
  for (const [k, ids] of values) {
    if (ids.size === 1) resolved.set(k, [...ids][0]!);
    else conflicts.set(k, [...ids]);
  }
  return { resolved, conflicts };
}

export async function resolveStateV1(
  stateSets: readonly StateMap[],
  version: RoomVersion,
  store: StateResStore,
  options: { authOptions?: AuthOptions; sliceMs?: number } = {},
): Promise<Map<StateKey, string>> {
  const y = new Yielder(options.sliceMs);
  const { resolved: r, conflicts } = separateV1(stateSets);
  if (conflicts.size === 0) return r;
  const cache = new EventCache(store);
  await cache.load([...r.values(), ...[...conflicts.values()].flat()]);
  const lookup = (type: string, key: string): EventView | undefined => {
    const id = r.get(stateKey(type, key));
    return id === undefined ? undefined : cache.get(id);
  };
  const allowed = (ev: EventView): boolean => authorize(ev, lookup, version, options.authOptions).allowed;
  const events = (ids: readonly string[]): EventView[] =>
    ids.map((id) => cache.get(id)).filter((e): e is EventView => e !== undefined);

  // Auth-affecting keys: ascending depth, then descending sha1(event_id); the first is taken,
  // each later one while it is allowed in R.
  const authKeys = [...conflicts.keys()].filter((k) => {
    const type = k.slice(0, k.indexOf('\u0000'));
    return type === POWER_LEVELS || type === JOIN_RULES || type === MEMBER;
  });
  const rank = (k: StateKey): number => (k.startsWith(`${POWER_LEVELS}\u0000`) ? 0 : k.startsWith(`${JOIN_RULES}\u0000`) ? 1 : 2);
  authKeys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const k of authKeys) {
    const list = events(conflicts.get(k)!).map((ev) => ({ ev, h: sha1(ev.event_id) }));
    list.sort((a, b) => a.ev.depth - b.ev.depth || (a.h < b.h ? 1 : a.h > b.h ? -1 : 0));
    for (let i = 0; i < list.length; i++) {
      if (y.step(HEAVY_STEP)) await y.pause();
      const ev = list[i]!.ev;
      if (i > 0 && !allowed(ev)) break;
      r.set(k, ev.event_id);
    }
  }
  // Everything else: highest depth, then lowest sha1(event_id), that is allowed in R.
  const done = new Set(authKeys);
  for (const [k, ids] of conflicts) {
    if (done.has(k)) continue;
    if (y.step(HEAVY_STEP)) await y.pause();
    const list = events(ids).map((ev) => ({ ev, h: sha1(ev.event_id) }));
    list.sort((a, b) => b.ev.depth - a.ev.depth || (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    const winner = list.find(({ ev }) => allowed(ev));
    if (winner) r.set(k, winner.ev.event_id);
  }
  return r;
}
