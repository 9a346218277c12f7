// The gate every history read path goes through (client-server-api "History visibility"): a
// room the user may look into at all, then a per-event decision (visibility.ts). Unknown rooms
// and rooms the user never belonged to get 403, as /state does (a 404 would confirm existence).
import { MatrixError } from '../spec/errors.ts';
import type { Requester } from '../spec/endpoint.ts';
import type { StoredEvent } from './api.ts';
import { toClientEvent } from './client-event.ts';
import { txnScope } from './context.ts';
import { HistoryStore } from './history-store.ts';
import type { RoomReads } from './reads.ts';
import type { RoomsStore } from './store.ts';
import type { VisibilityTimeline } from './visibility.ts';

export interface HistoryDeps {
  readonly reads: RoomReads;
  readonly store: RoomsStore;
  readonly history: HistoryStore;
  readonly now: () => number;
}

export async function roomTimeline(d: HistoryDeps, roomId: string, userId: string): Promise<VisibilityTimeline> {
  const forbidden = new MatrixError('M_FORBIDDEN', "You aren't a member of the room and weren't previously a member of the room");
  if (!(await d.store.roomInfo(roomId))) throw forbidden;
  const timeline = await d.history.visibilityTimeline(roomId, userId);
  if (!timeline.everMember() && timeline.currentVisibility() !== 'world_readable') throw forbidden;
  return timeline;
}

export const visibleTo = (timeline: VisibilityTimeline, userId: string, events: readonly StoredEvent[]): StoredEvent[] =>
  events.filter((e) => timeline.visible(e, userId));

/**
 * Client events with what unsigned carries on read paths: prev_content, redacted_because and the
 * server-side aggregations of unsigned.m.relations (spec "Aggregations of child events"): the
 * newest m.replace (the full edit event, v1.7) and the m.thread summary. Annotations are not
 * aggregated by servers since v1.7.
 */
export async function clientEvents(
  d: HistoryDeps,
  r: Requester,
  events: readonly StoredEvent[],
  /** When given, bundled events the user may not see are left out. */
  timeline?: VisibilityTimeline,
): Promise<Record<string, unknown>[]> {
  if (events.length === 0) return [];
  const live = events.filter((e) => !e.redactedBy);
  const [prev, redactions, edits, threads] = await Promise.all([
    d.reads.prevContents(events),
    d.reads.getEvents(events.filter((e) => e.redactedBy).map((e) => e.redactedBy!)),
    d.history.latestEdits(live),
    d.history.threadSummaries(live, r.userId),
  ]);
  const latest = await d.reads.getEvents([...threads.values()].map((t) => t.latestEventId));
  const latestEdits = await d.history.latestEdits(latest);
  const byId = new Map(latest.map((e) => [e.eventId, e]));
  const redactionById = new Map(redactions.map((e) => [e.eventId, e]));
  const now = d.now();
  const opts = { scope: txnScope(r), userId: r.userId, now };
  const seen = (e: StoredEvent | undefined): e is StoredEvent => e !== undefined && (!timeline || timeline.visible(e, r.userId));
  const plain = (e: StoredEvent, edit?: StoredEvent): Record<string, unknown> => {
    const because = e.redactedBy ? redactionById.get(e.redactedBy) : undefined;
    const out = toClientEvent(e, {
      ...opts,
      ...(prev.has(e.eventId) ? { prevContent: prev.get(e.eventId)! } : {}),
      ...(because ? { redactedBecause: toClientEvent(because, opts) } : {}),
    });
    if (seen(edit)) bundle(out, 'm.replace', toClientEvent(edit, opts));
    return out;
  };
  return events.map((e) => {
    const out = plain(e, edits.get(e.eventId));
    const t = threads.get(e.eventId);
    const last = t ? byId.get(t.latestEventId) : undefined;
    if (t && seen(last)) bundle(out, 'm.thread', { latest_event: plain(last, latestEdits.get(last.eventId)), count: t.count, current_user_participated: t.participated });
    return out;
  });
}

function bundle(event: Record<string, unknown>, relType: string, value: unknown): void {
  const unsigned = event.unsigned as Record<string, unknown>;
  const relations = (unsigned['m.relations'] ??= {}) as Record<string, unknown>;
  relations[relType] = value;
}

/** Builds the history read paths' dependencies over the rooms feature's store and read API. */
export function createHistoryDeps(rooms: { reads: RoomReads; store: RoomsStore }, now: () => number = Date.now): HistoryDeps {
  return { reads: rooms.reads, store: rooms.store, history: new HistoryStore(rooms.store), now };
}
