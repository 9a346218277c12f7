// The SQL of the history read paths that store.ts does not have: visibility timelines, thread
// lists and summaries, recursive relations, the public room list, reports.
import type { Db } from '../storage/db.ts';
import type { Membership, StoredEvent } from './api.ts';
import type { RoomsStore } from './store.ts';
import { parseHistoryVisibility, VisibilityTimeline, type Change, type HistoryVisibility } from './visibility.ts';

export interface ThreadSummaryRow {
  readonly root: string;
  readonly count: number;
  readonly latestEventId: string;
  readonly participated: boolean;
}

export interface PublicRoomRow {
  readonly roomId: string;
  readonly joined: number;
  readonly state: ReadonlyMap<string, Record<string, unknown>>;
}

/** Spec: relations "recurse" — servers choose the depth; Synapse uses 3. */
export const MAX_RELATION_RECURSION = 3;

export class HistoryStore {
  readonly #db: Db;
  readonly #rooms: RoomsStore;
  constructor(rooms: RoomsStore) {
    this.#db = rooms.db;
    this.#rooms = rooms;
  }

  /** The user's memberships and the room's history_visibility changes, in stream order. */
  async visibilityTimeline(roomId: string, userId: string): Promise<VisibilityTimeline> {
    const r = await this.#db.query<{ kind: string; stream_ordering: number; value: string }>(
      `SELECT 'm' AS kind, stream_ordering, membership AS value FROM room_memberships WHERE room_id = $1 AND user_id = $2
       UNION ALL SELECT 'h', stream_ordering, json FROM events WHERE room_id = $1 AND type = 'm.room.history_visibility' AND state_key = ''
       ORDER BY stream_ordering`,
      [roomId, userId],
    );
    const memberships: Change<Membership>[] = [];
    const visibilities: Change<HistoryVisibility>[] = [];
    for (const row of r.rows) {
      // history_visibility survives redaction in every room version, so the original is right.
      if (row.kind === 'm') memberships.push({ stream: Number(row.stream_ordering), value: row.value as Membership });
      else visibilities.push({ stream: Number(row.stream_ordering), value: parseHistoryVisibility((JSON.parse(row.value) as { content?: { history_visibility?: unknown } }).content?.history_visibility) });
    }
    return new VisibilityTimeline(memberships, visibilities);
  }

  /** Thread summaries of these roots: reply count, newest reply, whether the user took part. */
  async threadSummaries(roots: readonly StoredEvent[], userId: string): Promise<Map<string, ThreadSummaryRow>> {
    if (roots.length === 0) return new Map();
    const r = await this.#db.query<{ root: string; count: number; latest: string; participated: boolean }>(
      `SELECT x.relates_to AS root, count(*)::int AS count,
              (array_agg(x.event_id ORDER BY x.stream_ordering DESC))[1] AS latest,
              bool_or(x.sender = $2) AS participated
         FROM event_relations x WHERE x.relates_to = ANY($1::text[]) AND x.rel_type = 'm.thread' GROUP BY x.relates_to`,
      [roots.map((e) => e.eventId), userId],
    );
    const senders = new Map(roots.map((e) => [e.eventId, e.sender]));
    return new Map(
      r.rows.map((x) => [x.root, { root: x.root, count: x.count, latestEventId: x.latest, participated: x.participated || senders.get(x.root) === userId }]),
    );
  }

  /**
   * The newest valid m.replace of each event (spec "Event replacements", validity: same sender,
   * same type, neither a state event), unredacted.
   */
  async latestEdits(events: readonly StoredEvent[]): Promise<Map<string, StoredEvent>> {
    const originals = events.filter((e) => e.stateKey === null);
    if (originals.length === 0) return new Map();
    const r = await this.#db.query<{ relates_to: string; event_id: string }>(
      `SELECT DISTINCT ON (x.relates_to) x.relates_to, x.event_id FROM event_relations x
         JOIN events e ON e.event_id = x.event_id AND e.redacted_by IS NULL
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS o(id, sender, type) ON o.id = x.relates_to AND o.sender = x.sender AND o.type = x.type
        WHERE x.rel_type = 'm.replace' AND e.state_key IS NULL
        ORDER BY x.relates_to, e.origin_server_ts DESC, e.stream_ordering DESC`,
      [originals.map((e) => e.eventId), originals.map((e) => e.sender), originals.map((e) => e.type)],
    );
    const edits = new Map((await this.#rooms.getEvents(r.rows.map((x) => x.event_id))).map((e) => [e.eventId, e]));
    const out = new Map<string, StoredEvent>();
    for (const x of r.rows) {
      const edit = edits.get(x.event_id);
      if (edit) out.set(x.relates_to, edit);
    }
    return out;
  }

  /** Thread roots of a room, newest activity first, strictly before `before` (a stream position). */
  async threadRoots(roomId: string, q: { userId: string; participated: boolean; before: number | null; limit: number }): Promise<{ root: string; latest: number }[]> {
    const r = await this.#db.query<{ root: string; latest: number }>(
      `SELECT t.root, t.latest FROM (
         SELECT x.relates_to AS root, max(x.stream_ordering) AS latest, bool_or(x.sender = $2) AS mine
           FROM event_relations x WHERE x.room_id = $1 AND x.rel_type = 'm.thread' GROUP BY x.relates_to) t
         JOIN events e ON e.event_id = t.root
        WHERE ($3::bigint IS NULL OR t.latest < $3) AND (NOT $4::boolean OR t.mine OR e.sender = $2)
        ORDER BY t.latest DESC LIMIT $5`,
      [roomId, q.userId, q.before, q.participated, q.limit],
    );
    return r.rows.map((x) => ({ root: x.root, latest: Number(x.latest) }));
  }

  /**
   * Relations of an event followed down to `depth` levels (relations of relations, of any type,
   * as Synapse walks them), paged by stream position like store.relations; the rel_type and event
   * type filters apply to the events returned.
   */
  async relationsRecursive(
    eventId: string,
    q: { relType?: string; eventType?: string; dir: 'b' | 'f'; from?: number; limit: number; depth: number },
  ): Promise<StoredEvent[]> {
    const back = q.dir === 'b';
    const r = await this.#db.query<{ event_id: string }>(
      `WITH RECURSIVE rel(event_id, rel_type, type, stream_ordering, lvl) AS (
         SELECT x.event_id, x.rel_type, x.type, x.stream_ordering, 1 FROM event_relations x WHERE x.relates_to = $1
         UNION ALL
         SELECT x.event_id, x.rel_type, x.type, x.stream_ordering, rel.lvl + 1 FROM event_relations x JOIN rel ON x.relates_to = rel.event_id
          WHERE rel.lvl < $6)
       SELECT DISTINCT event_id, stream_ordering FROM rel
        WHERE ($2::text IS NULL OR rel_type = $2) AND ($3::text IS NULL OR type = $3)
          AND ($4::bigint IS NULL OR stream_ordering ${back ? '<' : '>'} $4)
        ORDER BY stream_ordering ${back ? 'DESC' : 'ASC'} LIMIT $5`,
      [eventId, q.relType ?? null, q.eventType ?? null, q.from ?? null, q.limit, q.depth],
    );
    return this.#rooms.getEvents(r.rows.map((x) => x.event_id));
  }

  /**
   * Published rooms (when `published`) and the rooms named in `extra` (appservice network lists),
   * with their joined count and the state a directory entry shows.
   */
  async publicRooms(published = true, extra: readonly string[] = []): Promise<PublicRoomRow[]> {
    const r = await this.#db.query<{ room_id: string; joined: number; type: string | null; json: string | null }>(
      `SELECT r.room_id,
              (SELECT count(*)::int FROM current_state m WHERE m.room_id = r.room_id AND m.type = 'm.room.member' AND m.membership = 'join') AS joined,
              c.type, e.json
         FROM rooms r
         LEFT JOIN current_state c ON c.room_id = r.room_id AND c.state_key = '' AND c.type = ANY($1::text[])
         LEFT JOIN events e ON e.event_id = c.event_id
        WHERE (r.is_public AND $2) OR r.room_id = ANY($3::text[])`,
      [DIRECTORY_STATE_TYPES, published, extra],
    );
    const rooms = new Map<string, { joined: number; state: Map<string, Record<string, unknown>> }>();
    for (const row of r.rows) {
      let room = rooms.get(row.room_id);
      if (!room) rooms.set(row.room_id, (room = { joined: row.joined, state: new Map() }));
      if (row.type && row.json) room.state.set(row.type, (JSON.parse(row.json) as { content: Record<string, unknown> }).content ?? {});
    }
    return [...rooms].map(([roomId, x]) => ({ roomId, joined: x.joined, state: x.state }));
  }

  async addReport(report: { roomId: string; eventId: string | null; reporter: string; reason: string | null; score: number | null; ts: number }): Promise<void> {
    await this.#db.query('INSERT INTO reports (room_id, event_id, reporter, reason, score, created_ts) VALUES ($1, $2, $3, $4, $5, $6)', [
      report.roomId, report.eventId, report.reporter, report.reason, report.score, report.ts,
    ]);
  }

  /** Reports, newest first (for the admin API); `beforeId` continues a previous page. */
  async reports(limit: number, beforeId: number | null = null): Promise<{ id: number; roomId: string; eventId: string | null; reporter: string; reason: string | null; score: number | null; ts: number }[]> {
    const r = await this.#db.query<{ id: number; room_id: string; event_id: string | null; reporter: string; reason: string | null; score: number | null; created_ts: number }>(
      'SELECT id, room_id, event_id, reporter, reason, score, created_ts FROM reports WHERE ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $1',
      [limit, beforeId],
    );
    return r.rows.map((x) => ({ id: Number(x.id), roomId: x.room_id, eventId: x.event_id, reporter: x.reporter, reason: x.reason, score: x.score, ts: Number(x.created_ts) }));
  }

  async reportCount(): Promise<number> {
    const r = await this.#db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports');
    return r.rows[0]?.n ?? 0;
  }

  /** The event nearest a timestamp in a direction (timestamp_to_event). */
  async eventAtTimestamp(roomId: string, ts: number, dir: 'f' | 'b'): Promise<{ eventId: string; ts: number } | null> {
    const r = await this.#db.query<{ event_id: string; origin_server_ts: number }>(
      `SELECT event_id, origin_server_ts FROM events WHERE room_id = $1 AND origin_server_ts ${dir === 'f' ? '>=' : '<='} $2
        ORDER BY origin_server_ts ${dir === 'f' ? 'ASC' : 'DESC'}, stream_ordering ${dir === 'f' ? 'ASC' : 'DESC'} LIMIT 1`,
      [roomId, ts],
    );
    const row = r.rows[0];
    return row ? { eventId: row.event_id, ts: Number(row.origin_server_ts) } : null;
  }
}

/** The state a public room directory entry is built from (client-server-api "Room directory"). */
export const DIRECTORY_STATE_TYPES: readonly string[] = [
  'm.room.name', 'm.room.topic', 'm.room.canonical_alias', 'm.room.avatar', 'm.room.join_rules',
  'm.room.history_visibility', 'm.room.guest_access', 'm.room.create',
];
