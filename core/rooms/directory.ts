// The room directory (client-server-api "Listing rooms": /publicRooms, /directory/list/room) and
// reporting (client-server-api "Reporting content": /report for events and, from v1.13, rooms).
import { MatrixError } from '../spec/errors.ts';
import type { Requester } from '../spec/endpoint.ts';
import { readPowerLevels, requiredLevel, userLevel } from '../events/power-levels.ts';
import type { RoomInput } from './room-input.ts';
import { roomTimeline, type HistoryDeps } from './history-access.ts';
import type { PublicRoomRow } from './history-store.ts';

/** Not a spec number: the page size when the client gives no `limit`. */
export const DEFAULT_DIRECTORY_LIMIT = 100;
/** Spec (report_content.yaml, before v1.13 removed it): score from -100 (most offensive) to 0. */
export const REPORT_SCORE_MIN = -100;
export const REPORT_SCORE_MAX = 0;

/** As Synapse: published rooms are listed when one can join or knock, or read them (world_readable). */
const LISTED_JOIN_RULES: readonly string[] = ['public', 'knock', 'knock_restricted'];

export interface PublicRoomsQuery {
  readonly limit?: number;
  readonly since?: string;
  readonly searchTerm?: string;
  /** room_types filter: null in the list stands for rooms without a type. */
  readonly roomTypes?: readonly (string | null)[];
  /** Which lists to show: the server's own directory and/or rooms of appservice networks. */
  readonly lists?: { readonly includeMainDirectory: boolean; readonly roomIds: readonly string[] };
}

/** A PublishedRoomsChunk entry (definitions/public_rooms_chunk.yaml). */
export function roomSummary(row: PublicRoomRow): Record<string, unknown> {
  const s = (type: string, key: string): unknown => row.state.get(type)?.[key];
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const out: Record<string, unknown> = {
    room_id: row.roomId,
    num_joined_members: row.joined,
    world_readable: s('m.room.history_visibility', 'history_visibility') === 'world_readable',
    guest_can_join: s('m.room.guest_access', 'guest_access') === 'can_join',
    join_rule: str(s('m.room.join_rules', 'join_rule')) ?? 'public',
  };
  const optional: [string, unknown][] = [
    ['name', str(s('m.room.name', 'name'))],
    ['topic', str(s('m.room.topic', 'topic'))],
    ['canonical_alias', str(s('m.room.canonical_alias', 'alias'))],
    ['avatar_url', str(s('m.room.avatar', 'url'))],
    ['room_type', str(s('m.room.create', 'type'))],
  ];
  for (const [k, v] of optional) if (v !== undefined) out[k] = v;
  return out;
}

const matchesTerm = (summary: Record<string, unknown>, term: string): boolean =>
  ['name', 'topic', 'canonical_alias'].some((k) => typeof summary[k] === 'string' && (summary[k] as string).toLowerCase().includes(term));

/** Pages are offsets into the sorted list: `p<offset>`. */
function parseSince(since: string | undefined): number {
  if (since === undefined) return 0;
  const m = /^p(\d+)$/.exec(since);
  if (!m) throw new MatrixError('M_INVALID_PARAM', 'Unknown `since` token');
  return Number(m[1]);
}

/**
 * Published rooms, biggest first (as Synapse orders them): the server's own directory, and the
 * rooms appservices list for their networks when the query asks for them (`lists`).
 */
export async function publicRooms(d: HistoryDeps, q: PublicRoomsQuery): Promise<Record<string, unknown>> {
  const offset = parseSince(q.since);
  const term = q.searchTerm?.trim().toLowerCase();
  const all = (await d.history.publicRooms(q.lists?.includeMainDirectory ?? true, q.lists?.roomIds ?? []))
    .map(roomSummary)
    .filter((x) => LISTED_JOIN_RULES.includes(x.join_rule as string) || x.world_readable === true)
    .filter((x) => !term || matchesTerm(x, term))
    .filter((x) => !q.roomTypes || q.roomTypes.includes((x.room_type as string | undefined) ?? null))
    .sort((a, b) => (b.num_joined_members as number) - (a.num_joined_members as number) || String(a.room_id).localeCompare(String(b.room_id)));
  const limit = q.limit ?? DEFAULT_DIRECTORY_LIMIT;
  const chunk = all.slice(offset, offset + limit);
  const out: Record<string, unknown> = { chunk, total_room_count_estimate: all.length };
  if (offset + limit < all.length) out.next_batch = `p${offset + limit}`;
  if (offset > 0) out.prev_batch = `p${Math.max(0, offset - limit)}`;
  return out;
}

export async function getDirectoryVisibility(d: HistoryDeps, roomId: string): Promise<{ visibility: 'public' | 'private' }> {
  const info = await d.store.roomInfo(roomId);
  if (!info) throw new MatrixError('M_NOT_FOUND', 'Unknown room');
  return { visibility: info.isPublic ? 'public' : 'private' };
}

/**
 * As Synapse: a joined member who may send m.room.canonical_alias (room admins, moderators by
 * default) may publish or unpublish the room.
 */
export async function setDirectoryVisibility(d: HistoryDeps, input: RoomInput, r: Requester, roomId: string, visibility: 'public' | 'private'): Promise<void> {
  const head = await input.head(roomId);
  if (!head) throw new MatrixError('M_NOT_FOUND', 'Unknown room');
  const joined = head.state.get(`m.room.member\u0000${r.userId}`)?.content.membership === 'join';
  const pl = readPowerLevels(head.state.get('m.room.power_levels\u0000'), head.version);
  const level = userLevel(pl, r.userId, head.state.get('m.room.create\u0000'), head.version);
  if (!joined || level < requiredLevel(pl, 'm.room.canonical_alias', true)) {
    throw new MatrixError('M_FORBIDDEN', 'You may not change the directory visibility of this room');
  }
  await d.store.setPublic(d.store.db, roomId, visibility === 'public');
}

/** POST /rooms/{roomId}/report/{eventId}: the reporter must be able to see the event. */
export async function reportEvent(d: HistoryDeps, r: Requester, roomId: string, eventId: string, body: { reason?: string; score?: number }): Promise<void> {
  const notFound = new MatrixError('M_NOT_FOUND', 'Event not found or not visible to you');
  const timeline = await roomTimeline(d, roomId, r.userId).catch((e: unknown) => {
    if (e instanceof MatrixError && e.errcode === 'M_FORBIDDEN') throw notFound;
    throw e;
  });
  const ev = await d.reads.getEvent(eventId);
  if (!ev || ev.roomId !== roomId || !timeline.visible(ev, r.userId)) throw notFound;
  await d.history.addReport({ roomId, eventId, reporter: r.userId, reason: body.reason ?? null, score: body.score ?? null, ts: d.now() });
}

/** POST /rooms/{roomId}/report (v1.13): any known room; 404 for unknown ones. */
export async function reportRoom(d: HistoryDeps, r: Requester, roomId: string, reason: string | undefined): Promise<void> {
  if (!(await d.store.roomInfo(roomId))) throw new MatrixError('M_NOT_FOUND', 'Unknown room');
  await d.history.addReport({ roomId, eventId: null, reporter: r.userId, reason: reason ?? null, score: null, ts: d.now() });
}
