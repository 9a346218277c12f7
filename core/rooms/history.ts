// GET /rooms/{roomId}/event/{eventId}, /context/{eventId} and /messages (client-server-api
// "Getting events for a room", "Pagination") and /timestamp_to_event (v1.6), with history
// visibility on every event returned.
import { MatrixError } from '../spec/errors.ts';
import type { Requester } from '../spec/endpoint.ts';
import type { RoomEventFilter } from '../filters/filter.ts';
import { filterEvents } from '../filters/apply.ts';
import { formatTopoToken, parseStreamToken, parseTopoToken, type StoredEvent, type TopoPosition } from './api.ts';
import { clientEvents, roomTimeline, visibleTo, type HistoryDeps } from './history-access.ts';

/** Spec: /messages and /context `limit` default to 10. */
export const DEFAULT_HISTORY_LIMIT = 10;
/** Not a spec number: the most events one page may ask for (Synapse caps at 1000 too). */
export const MAX_HISTORY_LIMIT = 1000;
/** Events scanned per round while filters or visibility drop some, and rounds at most. */
const SCAN_BATCH = 100;
const MAX_SCAN_ROUNDS = 50;

export interface MessagesQuery {
  readonly from?: string;
  readonly to?: string;
  readonly dir: 'b' | 'f';
  readonly limit?: number;
  readonly filter?: RoomEventFilter;
}

const notFound = () => new MatrixError('M_NOT_FOUND', 'Event not found');

/** GET /event/{eventId}: 404 both for unknown events and for events the user may not see. */
export async function getEvent(d: HistoryDeps, r: Requester, roomId: string, eventId: string): Promise<Record<string, unknown>> {
  const timeline = await roomTimeline(d, roomId, r.userId);
  const ev = await d.reads.getEvent(eventId);
  if (!ev || ev.roomId !== roomId || !timeline.visible(ev, r.userId)) throw notFound();
  return (await clientEvents(d, r, [ev], timeline))[0]!;
}

/**
 * A topological token (`t<depth>_<stream>`, what /messages and /sync's prev_batch hand out) or a
 * stream token (`s<n>...`, a /sync since/next_batch): a stream position becomes the point just
 * after the room's newest event at or below it.
 */
export async function parseHistoryToken(d: HistoryDeps, roomId: string, token: string, name: string): Promise<TopoPosition | 'start'> {
  const topo = parseTopoToken(token);
  if (topo) return topo;
  const stream = parseStreamToken(token);
  if (stream === null) throw new MatrixError('M_INVALID_PARAM', `Unknown \`${name}\` token`);
  const at = await d.reads.topoAtStream(roomId, stream);
  return at ? { depth: at.depth, stream: stream + 1 } : 'start';
}

/** The point after every event of the room so far (paginating back from it returns them all). */
async function roomEnd(d: HistoryDeps, roomId: string): Promise<TopoPosition> {
  const at = await d.reads.topoAtStream(roomId, await d.reads.currentPosition());
  return { depth: (at?.depth ?? 0) + 1, stream: 0 };
}

const before = (a: TopoPosition, b: TopoPosition) => a.depth < b.depth || (a.depth === b.depth && a.stream < b.stream);
const posOf = (e: StoredEvent): TopoPosition => ({ depth: e.depth, stream: e.streamOrdering });

export async function messages(d: HistoryDeps, r: Requester, roomId: string, q: MessagesQuery): Promise<Record<string, unknown>> {
  const timeline = await roomTimeline(d, roomId, r.userId);
  const limit = Math.min(q.limit ?? DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT);
  const parsedFrom = q.from !== undefined ? await parseHistoryToken(d, roomId, q.from, 'from') : null;
  const to = q.to !== undefined ? await parseHistoryToken(d, roomId, q.to, 'to') : null;
  // v1.3: without `from`, paginate from the end (dir=b) or the beginning (dir=f) of the room.
  let from: TopoPosition | null;
  let start: string;
  if (parsedFrom === null) {
    from = q.dir === 'b' ? await roomEnd(d, roomId) : null;
    start = from ? formatTopoToken(from) : 't0_0';
  } else {
    from = parsedFrom === 'start' ? null : parsedFrom;
    start = q.from!;
    // Before the room's first event there is nothing further back.
    if (parsedFrom === 'start' && q.dir === 'b') return { start, chunk: [] };
  }
  const chunk: StoredEvent[] = [];
  let cursor = from;
  let exhausted = false;
  for (let round = 0; round < MAX_SCAN_ROUNDS && chunk.length < limit && !exhausted && limit > 0; round++) {
    const want = Math.max(limit - chunk.length, Math.min(SCAN_BATCH, limit * 2));
    const page = await d.reads.paginate(roomId, cursor, q.dir, want);
    let events = page.events;
    if (to && to !== 'start') {
      const inRange = events.filter((e) => (q.dir === 'b' ? before(to, posOf(e)) : !before(to, posOf(e))));
      if (inRange.length < events.length) exhausted = true;
      events = inRange;
    } else if (to === 'start' && q.dir === 'b') {
      events = [];
      exhausted = true;
    }
    let consumed = 0;
    for (const e of events) {
      cursor = posOf(e);
      consumed++;
      if (timeline.visible(e, r.userId) && filterEvents(q.filter, [e], roomId).length === 1) chunk.push(e);
      if (chunk.length === limit) break;
    }
    // The room has no more events only when this page ran out and was read to its end.
    if (events.length === 0 || (page.next === null && consumed === events.length)) exhausted = true;
  }
  const out: Record<string, unknown> = { start, chunk: await clientEvents(d, r, chunk, timeline) };
  // `end` is left out when there are no more events to paginate (spec).
  if (!exhausted && cursor) out.end = formatTopoToken(cursor);
  const state = await lazyMembers(d, r, roomId, chunk, q.filter);
  if (state) out.state = state;
  return out;
}

/** GET /context/{eventId}: `limit` events split around the event, filtered (not the event itself). */
export async function context(d: HistoryDeps, r: Requester, roomId: string, eventId: string, q: { limit?: number; filter?: RoomEventFilter }): Promise<Record<string, unknown>> {
  const timeline = await roomTimeline(d, roomId, r.userId);
  const ev = await d.reads.getEvent(eventId);
  if (!ev || ev.roomId !== roomId || !timeline.visible(ev, r.userId)) throw notFound();
  const limit = Math.min(q.limit ?? DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT);
  const nBefore = Math.floor(limit / 2);
  const nAfter = limit - nBefore;
  // Fetch extra to make up for what visibility and filters drop; not a guarantee of a full page.
  const around = (await d.reads.eventsAround(roomId, eventId, nBefore * 2, nAfter * 2))!;
  const keep = (events: StoredEvent[], n: number) => filterEvents(q.filter, visibleTo(timeline, r.userId, events), roomId).slice(0, n);
  const eventsBefore = keep(around.before, nBefore);
  const eventsAfter = keep(around.after, nAfter);
  const first = eventsBefore.at(-1) ?? ev;
  const last = eventsAfter.at(-1) ?? ev;
  const [b, e, a] = await Promise.all([clientEvents(d, r, eventsBefore, timeline), clientEvents(d, r, [ev], timeline), clientEvents(d, r, eventsAfter, timeline)]);
  // Spec: `state` is the room state at the last event returned (only senders' members when lazy).
  const lazy = await lazyMembers(d, r, roomId, [ev, ...eventsBefore, ...eventsAfter], q.filter);
  const state = lazy ?? (await clientEvents(d, r, (await d.reads.stateAtEvent(last.eventId, 'after')) ?? []));
  return {
    // Paginating back from `start` continues before events_before; forward from `end` after events_after.
    start: formatTopoToken(posOf(first)),
    end: formatTopoToken(posOf(last)),
    events_before: b,
    event: e[0],
    events_after: a,
    state,
  };
}

/**
 * Spec "Lazy-loading room members": with lazy_load_members, `state` carries the membership events
 * of the senders of the returned events (as of the newest of them); without it, /messages sends none.
 */
async function lazyMembers(d: HistoryDeps, r: Requester, roomId: string, events: readonly StoredEvent[], filter?: RoomEventFilter): Promise<Record<string, unknown>[] | null> {
  if (!filter?.lazy_load_members || events.length === 0) return null;
  const newest = events.reduce((a, b) => (a.streamOrdering >= b.streamOrdering ? a : b));
  const state = (await d.reads.stateAtEvent(newest.eventId, 'after')) ?? (await d.reads.currentState(roomId));
  const senders = new Set(events.map((e) => e.sender));
  return clientEvents(d, r, state.filter((e) => e.type === 'm.room.member' && e.stateKey !== null && senders.has(e.stateKey)));
}

/** GET /timestamp_to_event (v1.6): the closest visible event at or after/before `ts`. */
export async function timestampToEvent(d: HistoryDeps, r: Requester, roomId: string, ts: number, dir: 'f' | 'b'): Promise<{ event_id: string; origin_server_ts: number }> {
  const timeline = await roomTimeline(d, roomId, r.userId);
  const found = await d.history.eventAtTimestamp(roomId, ts, dir);
  const ev = found ? await d.reads.getEvent(found.eventId) : null;
  if (!found || !ev || !timeline.visible(ev, r.userId)) throw new MatrixError('M_NOT_FOUND', `No event found ${dir === 'f' ? 'after' : 'before'} ${ts}`);
  return { event_id: found.eventId, origin_server_ts: found.ts };
}
