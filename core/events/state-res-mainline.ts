// Mainline ordering for state resolution v2. Spec: rooms/fragments/v2-state-res.md
// "Mainline ordering": events sort by the position of the closest mainline power-levels event
// in their chain of power-levels auth events (later mainline first), then ts, then event id.

import type { EventView } from './pdu.ts';
import { POWER_LEVELS } from './auth-events.ts';
import { HEAVY_STEP, type EventCache, type Yielder } from './state-res-graph.ts';

function powerAuthEvent(ev: EventView | undefined, cache: EventCache): string | undefined {
  if (!ev) return undefined;
  for (const a of ev.auth_events) {
    const e = cache.get(a);
    if (e?.type === POWER_LEVELS && e.state_key === '') return a;
  }
  return undefined;
}

/** Loads the power-levels chain above `start` (iteratively: chains can be very long). */
async function loadPowerChain(start: string | undefined, cache: EventCache, stopAt: (id: string) => boolean): Promise<string[]> {
  const chain: string[] = [];
  const seen = new Set<string>();
  let id = start;
  while (id !== undefined && !seen.has(id) && !stopAt(id)) {
    seen.add(id);
    chain.push(id);
    await cache.load([id]);
    const ev = cache.get(id);
    if (!ev) break;
    await cache.load(ev.auth_events);
    id = powerAuthEvent(ev, cache);
  }
  if (id !== undefined && stopAt(id)) chain.push(id);
  return chain;
}

export async function mainlineSort(
  ids: readonly string[],
  resolvedPower: string | undefined,
  cache: EventCache,
  y: Yielder,
): Promise<string[]> {
  // The mainline: P0 = the resolved power levels, then each one's power-levels auth event.
  const mainline = new Map<string, number>();
  const chain = await loadPowerChain(resolvedPower, cache, () => false);
  chain.forEach((id, i) => mainline.set(id, i));
  const position = new Map<string, number>(); // memo for power-levels events off the mainline
  const positionOf = async (ev: EventView): Promise<number> => {
    await cache.load(ev.auth_events);
    const first = powerAuthEvent(ev, cache);
    if (first === undefined) return Number.POSITIVE_INFINITY;
    const walk = await loadPowerChain(first, cache, (id) => mainline.has(id) || position.has(id));
    const last = walk[walk.length - 1]!;
    const pos = mainline.get(last) ?? position.get(last) ?? Number.POSITIVE_INFINITY;
    for (const id of walk) if (!mainline.has(id)) position.set(id, pos);
    return pos;
  };
  const keyed: { id: string; pos: number; ts: number }[] = [];
  for (const id of ids) {
    if (y.step(HEAVY_STEP)) await y.pause();
    const ev = cache.get(id);
    if (!ev) continue;
    keyed.push({ id, pos: await positionOf(ev), ts: ev.origin_server_ts });
  }
    // Greater mainline position first (based on an earlier power level), then ts, then id.
  keyed.sort((a, b) => {
    if (a.pos !== b.pos) return a.pos > b.pos ? -1 : 1;
    if (a.ts !== b.ts) return a.ts - b.ts;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return keyed.map((k) => k.id);
}
