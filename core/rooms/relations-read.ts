// GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]] and /threads
// (client-server-api "Relationship types", "Threading"), visibility-checked like /messages.
import { MatrixError } from '../spec/errors.ts';
import type { Requester } from '../spec/endpoint.ts';
import { clientEvents, roomTimeline, visibleTo, type HistoryDeps } from './history-access.ts';
import { MAX_RELATION_RECURSION } from './history-store.ts';
import { parseStreamToken, parseTopoToken } from './api.ts';
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './history.ts';

export interface RelationsQuery {
  readonly relType?: string;
  readonly eventType?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly dir?: 'b' | 'f';
  readonly recurse?: boolean;
}

/** Relation and thread pages are keyed by stream position: `r<n>`. */
export const formatPageToken = (stream: number): string => `r${stream}`;

export function parsePageToken(token: string, name: string): number {
  const m = /^r(\d+)$/.exec(token);
  if (!m) throw new MatrixError('M_INVALID_PARAM', `Unknown \`${name}\` token`);
  return Number(m[1]);
}

/**
 * Spec (relations.yaml `from`): a next_batch/prev_batch of this endpoint, a /messages token or a
 * /sync next_batch. All become an exclusive stream position in the paging direction.
 */
export function parseRelationsFrom(token: string, name: string, dir: 'b' | 'f'): number {
  const topo = parseTopoToken(token);
  if (topo) return topo.stream;
  const stream = /^s\d/.test(token) ? parseStreamToken(token) : null;
  // A stream token names the point after position n: back from it includes n.
  if (stream !== null) return dir === 'b' ? stream + 1 : stream;
  return parsePageToken(token, name);
}

export async function relations(d: HistoryDeps, r: Requester, roomId: string, eventId: string, q: RelationsQuery): Promise<Record<string, unknown>> {
  const timeline = await roomTimeline(d, roomId, r.userId);
  const parent = await d.reads.getEvent(eventId);
  if (!parent || parent.roomId !== roomId || !timeline.visible(parent, r.userId)) throw new MatrixError('M_NOT_FOUND', 'Event not found');
  const dir = q.dir ?? 'b';
  const limit = Math.min(q.limit ?? DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT);
  const from = q.from !== undefined ? parseRelationsFrom(q.from, 'from', dir) : undefined;
  const to = q.to !== undefined ? parseRelationsFrom(q.to, 'to', dir === 'b' ? 'f' : 'b') : undefined;
  const base = {
    ...(q.relType !== undefined ? { relType: q.relType } : {}),
    ...(q.eventType !== undefined ? { eventType: q.eventType } : {}),
    dir,
    ...(from !== undefined ? { from } : {}),
    limit: limit + 1,
  };
  let events = q.recurse
    ? await d.history.relationsRecursive(eventId, { ...base, depth: MAX_RELATION_RECURSION })
    : (await d.reads.relations(eventId, base)).events;
  const more = events.length > limit;
  events = events.slice(0, limit);
  if (to !== undefined) events = events.filter((e) => (dir === 'b' ? e.streamOrdering > to : e.streamOrdering < to));
  const last = events.at(-1);
  const out: Record<string, unknown> = { chunk: await clientEvents(d, r, visibleTo(timeline, r.userId, events), timeline) };
  if (more && last && events.length === limit) out.next_batch = formatPageToken(last.streamOrdering);
  if (q.from !== undefined) out.prev_batch = q.from;
  // v1.10: the depth the server recursed to, when asked to recurse.
  if (q.recurse) out.recursion_depth = MAX_RELATION_RECURSION;
  return out;
}

export async function threads(
  d: HistoryDeps,
  r: Requester,
  roomId: string,
  q: { include?: 'all' | 'participated'; from?: string; limit?: number },
): Promise<Record<string, unknown>> {
  const timeline = await roomTimeline(d, roomId, r.userId);
  const limit = Math.min(q.limit ?? DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT);
  const roots = await d.history.threadRoots(roomId, {
    userId: r.userId,
    participated: q.include === 'participated',
    before: q.from !== undefined ? parsePageToken(q.from, 'from') : null,
    limit: limit + 1,
  });
  const page = roots.slice(0, limit);
  const events = visibleTo(timeline, r.userId, await d.reads.getEvents(page.map((x) => x.root)));
  const out: Record<string, unknown> = { chunk: await clientEvents(d, r, events, timeline) };
  if (roots.length > limit) out.next_batch = formatPageToken(page.at(-1)!.latest);
  return out;
}
