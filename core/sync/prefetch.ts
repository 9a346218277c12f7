// Initial sync of many rooms without a query per room (issue #4, c1): the timelines, the state
// before each timeline, the rooms' current state (for unread counts) and the prev_content of
// every state event are read for all rooms at once (`= ANY($1)`), then each room is built from
// memory as before. On PGlite, where every query costs a round trip through one connection,
// this turns ~5 queries per room into ~6 in all. Read-only and per response: nothing here
// outlives the computation except what it hands to RoomEventsCache and CountsCache, which are
// filled from committed reads like any other.
import { effectiveLimit } from '../filters/apply.ts';
import type { JsonObject } from '../events/pdu.ts';
import type { StoredEvent } from '../rooms/api.ts';
import { DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT, type SyncContext } from './context.ts';

/** Below this many rooms the per-room path is as quick (and it is the long-poll hot path). */
export const PREFETCH_MIN_ROOMS = 4;

export interface Prefetched {
  /** State before an event, by event id. */
  readonly stateBefore: Map<string, StoredEvent[]>;
  /** unsigned.prev_content by event id, for every prefetched event that replaced state. */
  readonly prevContents: Map<string, JsonObject>;
  /** Event ids whose prev_content lookup is done (absent from prevContents: none). */
  readonly prevLooked: Set<string>;
}

export async function prefetchRooms(ctx: SyncContext, rooms: readonly { roomId: string; from: number }[]): Promise<Prefetched | null> {
  if (rooms.length < PREFETCH_MIN_ROOMS) return null;
  const { rooms: store, reads } = ctx.deps;
  const limit = effectiveLimit(ctx.filter.room?.timeline, DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT);
  const to = ctx.upto.events;
  const byFrom = new Map<number, string[]>();
  for (const r of rooms) byFrom.set(r.from, [...(byFrom.get(r.from) ?? []), r.roomId]);
  const ids = rooms.map((r) => r.roomId);
  // CountsCache keeps wall-clock ages (counts.ts), whatever clock the sync runs on.
  const now = Date.now();
  const missing = ctx.countsCache.missingContexts(ids, now);
  const [timelines, current] = await Promise.all([
    Promise.all([...byFrom].map(([from, roomIds]) => store.roomEventsMany(roomIds, { from, to, limit }).then((m) => ({ from, m })))),
    missing.length > 0 ? store.currentStateMany(missing) : new Map<string, StoredEvent[]>(),
  ]);
  const firsts: string[] = [];
  const events: StoredEvent[] = [];
  for (const { from, m } of timelines) {
    for (const [roomId, r] of m) {
      ctx.caches.events.put(roomId, r, { from, to });
      const first = r.events[r.events.length - 1];
      if (first) firsts.push(first.eventId);
      events.push(...r.events);
    }
  }
  for (const [roomId, state] of current) ctx.countsCache.putContext(roomId, state, now);
  const stateBefore = await store.statesBeforeEvents(firsts);
  for (const s of stateBefore.values()) events.push(...s);
  const replacing = events.filter((e) => e.replacesState !== null);
  const prevContents = replacing.length > 0 ? await reads.prevContents(replacing) : new Map<string, JsonObject>();
  return { stateBefore, prevContents, prevLooked: new Set(replacing.map((e) => e.eventId)) };
}
