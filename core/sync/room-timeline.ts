// One room's timeline and state for /sync (client-server-api "Syncing"):
// - timeline: the newest events of the range, at most the filter's limit, `limited` when older
//   ones were left out; prev_batch is a topological token (`t<depth>_<stream>`, rooms/api.ts) for
//   /messages back-pagination from just before the first timeline event.
// - state, full (initial sync, a room newly joined, full_state): the state before the timeline.
// - state, incremental: only the difference between the state at `since` and the state before
//   the timeline (nothing when the timeline is not limited: every change is in it).
// - lazy_load_members: member events only of the timeline's senders (lazy-members.ts).
import { effectiveLimit, filterEvents, memberLoading, projectEventFields } from '../filters/apply.ts';
import type { RoomEventFilter } from '../filters/filter.ts';
import { formatTopoToken, type StoredEvent } from '../rooms/api.ts';
import { toClientEvent } from '../rooms/client-event.ts';
import { DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT, type SyncContext } from './context.ts';
import { neededMembers } from './lazy-members.ts';

export interface RoomRange {
  roomId: string;
  /** Exclusive lower end of the timeline range (0: from the room's start). */
  from: number;
  /** Inclusive upper end (a leave event's position for a left room). */
  to: number;
  /** Send the whole state rather than a delta from `since`. */
  full: boolean;
  /** For deltas: the events position whose state the client has. */
  sincePosition: number;
}

export interface BuiltRoom {
  timeline: { events: Record<string, unknown>[]; limited: boolean; prev_batch: string };
  state: { events: Record<string, unknown>[] };
  /** Raw timeline, newest first, for counts. */
  raw: StoredEvent[];
  rawLimited: boolean;
  /** The state at the end of the timeline when it was computed in full (for the summary). */
  stateAfter: StoredEvent[] | null;
}

const key = (e: StoredEvent) => `${e.type}\u0000${e.stateKey}`;

export async function buildRoom(ctx: SyncContext, r: RoomRange): Promise<BuiltRoom> {
  const { rooms, reads } = ctx.deps;
  const roomFilter = ctx.filter.room;
  const limit = effectiveLimit(roomFilter?.timeline, DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT);
  const { events: newestFirst, limited } = await ctx.caches.events.roomEvents(rooms, r.roomId, { from: r.from, to: r.to, limit });
  const timeline = [...newestFirst].reverse();
  const first = timeline[0];
  const loading = memberLoading(roomFilter);

  let stateBefore: StoredEvent[] | null = null;
  const loadStateBefore = async () =>
    (stateBefore ??= first
      ? (ctx.prefetched?.stateBefore.get(first.eventId) ?? (await rooms.stateAtEvent(first.eventId, 'before')) ?? [])
      : await rooms.stateAtPosition(r.roomId, r.to));

  let state: StoredEvent[] = [];
  if (r.full) {
    state = await loadStateBefore();
  } else if (limited) {
    const [before, atSince] = await Promise.all([loadStateBefore(), rooms.stateAtPosition(r.roomId, r.sincePosition)]);
    const had = new Map(atSince.map((e) => [key(e), e.eventId]));
    state = before.filter((e) => had.get(key(e)) !== e.eventId);
  }
  if (loading.lazyLoadMembers) {
    const others = state.filter((e) => e.type !== 'm.room.member');
    // sync.yaml: a limited sync MUST return the member events of the gap, redundant or not.
    const gap = r.full ? [] : state.filter((e) => e.type === 'm.room.member');
    const needsMembers = timeline.some((e) => e.type !== 'm.room.member' || e.stateKey !== e.sender) || r.full;
    let members = needsMembers ? neededMembers(await loadStateBefore(), timeline, ctx.userId, r.full) : [];
    if (!loading.includeRedundantMembers && ctx.deviceId !== null) members = ctx.lazyCache.unsent(`${ctx.userId}|${ctx.scope}`, r.roomId, members);
    const inGap = new Set(gap.map((e) => e.eventId));
    state = [...others, ...gap, ...members.filter((e) => !inGap.has(e.eventId))];
    if (ctx.deviceId !== null) ctx.lazyCache.remember(`${ctx.userId}|${ctx.scope}`, r.roomId, timeline);
  }

  const prev = first
    ? { depth: first.depth, stream: first.streamOrdering }
    : await reads.topoAtStream(r.roomId, r.to).then((t) => (t ? { depth: t.depth, stream: t.stream + 1 } : { depth: 0, stream: 0 }));
  const stateAfter = r.full && stateBefore ? applyTimeline(stateBefore, timeline) : null;
  return {
    timeline: { events: await clientEvents(ctx, timeline, roomFilter?.timeline, r.roomId), limited, prev_batch: formatTopoToken(prev) },
    state: { events: await clientEvents(ctx, state, roomFilter?.state, r.roomId) },
    raw: newestFirst,
    rawLimited: limited,
    stateAfter,
  };
}

function applyTimeline(state: readonly StoredEvent[], timeline: readonly StoredEvent[]): StoredEvent[] {
  const m = new Map(state.map((e) => [key(e), e]));
  for (const e of timeline) if (e.stateKey !== null) m.set(key(e), e);
  return [...m.values()];
}

/** Stored events in the ClientEventWithoutRoomID form, filtered and projected as asked. */
async function clientEvents(ctx: SyncContext, events: readonly StoredEvent[], filter: RoomEventFilter | undefined, roomId: string) {
  const kept = filterEvents(filter, events.map((e) => ({ e, type: e.type, sender: e.sender, content: e.content })), roomId).map((x) => x.e);
  if (kept.length === 0) return [];
  const { reads } = ctx.deps;
  const replacing = kept.filter((e) => e.replacesState !== null);
  const looked = ctx.prefetched?.prevLooked;
  const prev =
    replacing.length === 0 ? new Map() : looked && replacing.every((e) => looked.has(e.eventId)) ? ctx.prefetched!.prevContents : await reads.prevContents(replacing);
  const redactionIds = kept.flatMap((e) => (e.redactedBy ? [e.redactedBy] : []));
  const redactions = redactionIds.length > 0 ? new Map((await reads.getEvents(redactionIds)).map((x) => [x.eventId, x])) : new Map<string, StoredEvent>();
  return kept.map((e) => {
    const because = e.redactedBy ? redactions.get(e.redactedBy) : undefined;
    const ev = toClientEvent(e, {
      scope: ctx.scope,
      userId: ctx.userId,
      now: ctx.now,
      withoutRoomId: true,
      ...(prev.has(e.eventId) ? { prevContent: prev.get(e.eventId) } : {}),
      ...(because ? { redactedBecause: toClientEvent(because, { now: ctx.now }) } : {}),
    });
    return projectEventFields(ev, ctx.filter.event_fields) as Record<string, unknown>;
  });
}

/** m.heroes and member counts (sync.yaml RoomSummary), from the state at the timeline's end. */
export function roomSummary(state: readonly StoredEvent[], userId: string): Record<string, unknown> {
  let joined = 0;
  let invited = 0;
  const heroes: string[] = [];
  for (const e of [...state].sort((a, b) => a.streamOrdering - b.streamOrdering)) {
    if (e.type !== 'm.room.member') continue;
    if (e.content.membership === 'join') joined++;
    else if (e.content.membership === 'invite') invited++;
    else continue;
    if (e.stateKey !== userId && heroes.length < 5) heroes.push(e.stateKey!);
  }
  return { 'm.heroes': heroes, 'm.joined_member_count': joined, 'm.invited_member_count': invited };
}
