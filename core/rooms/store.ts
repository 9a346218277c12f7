// The read SQL of the rooms feature (the batch writes are in store-persist.ts): events, state
// groups, current state, memberships, relations, aliases. Returns committed data only.
import type { Db, Queryable } from '../storage/db.ts';
import type { EventView, JsonObject, Pdu, StateKey } from '../events/pdu.ts';
import { stateKey } from '../events/pdu.ts';
import { normaliseEvent } from '../events/normalise.ts';
import { redactEvent } from '../events/redaction.ts';
import { roomVersion } from '../events/room-versions.ts';
import type { Membership, MembershipChange, RoomMembershipRow, StoredEvent, TopoPosition } from './api.ts';
import type { RoomHead } from './types.ts';

interface EventRow {
  stream_ordering: number;
  event_id: string;
  room_id: string;
  type: string;
  state_key: string | null;
  sender: string;
  depth: number;
  origin_server_ts: number;
  json: string;
  replaces_state: string | null;
  redacted_by: string | null;
  room_version: string;
  txn_scope: string | null;
  txn_id: string | null;
}

const EVENT_COLS = `e.stream_ordering, e.event_id, e.room_id, e.type, e.state_key, e.sender, e.depth, e.origin_server_ts,
  e.json, e.replaces_state, e.redacted_by, r.room_version, e.txn_scope, e.txn_id`;
const EVENT_FROM = `events e JOIN rooms r ON r.room_id = e.room_id`;

function toStored(row: EventRow): StoredEvent {
  const version = roomVersion(row.room_version)!;
  const original = JSON.parse(row.json) as Pdu;
  const pdu = row.redacted_by ? (redactEvent(original, version) as Pdu) : original;
  const content = (pdu.content ?? {}) as JsonObject;
  const redacts = row.type !== 'm.room.redaction' ? null : version.redactsInContent ? original.content.redacts : original.redacts;
  return {
    eventId: row.event_id,
    roomId: row.room_id,
    type: row.type,
    stateKey: row.state_key,
    sender: row.sender,
    depth: row.depth,
    streamOrdering: row.stream_ordering,
    originServerTs: row.origin_server_ts,
    roomVersion: row.room_version,
    pdu,
    content,
    redacts: typeof redacts === 'string' ? redacts : null,
    redactedBy: row.redacted_by,
    replacesState: row.replaces_state,
    txn: row.txn_scope !== null && row.txn_id !== null ? { scope: row.txn_scope, txnId: row.txn_id } : null,
  };
}

/** Spec: "Room Membership" — stored memberships are one of the five. */
const asMembership = (m: string): Membership => m as Membership;

export class RoomsStore {
  readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async roomInfo(roomId: string): Promise<{ version: string; creator: string; isPublic: boolean } | null> {
    const r = await this.db.query<{ room_version: string; creator: string; is_public: boolean }>(
      'SELECT room_version, creator, is_public FROM rooms WHERE room_id = $1',
      [roomId],
    );
    const row = r.rows[0];
    return row ? { version: row.room_version, creator: row.creator, isPublic: row.is_public } : null;
  }

  /** Everything the builder needs of a room, from committed state; null for unknown rooms. */
  async loadHead(roomId: string, q: Queryable = this.db): Promise<RoomHead | null> {
    const r = await q.query<{ kind: string; a: string | null; b: string | null; n: number | null }>(
      `SELECT 'v' AS kind, room_version AS a, NULL AS b, NULL::bigint AS n FROM rooms WHERE room_id = $1
       UNION ALL SELECT 's', c.event_id, e.json, NULL FROM current_state c JOIN events e ON e.event_id = c.event_id WHERE c.room_id = $1
       UNION ALL SELECT 'x', event_id, NULL, NULL FROM forward_extremities WHERE room_id = $1
       UNION ALL (SELECT 'd', NULL, NULL, depth FROM events WHERE room_id = $1 ORDER BY depth DESC LIMIT 1)
       UNION ALL (SELECT 'g', NULL, g.chain_length::text, e.state_group_after FROM events e
                   LEFT JOIN state_groups g ON g.id = e.state_group_after WHERE e.room_id = $1 ORDER BY e.stream_ordering DESC LIMIT 1)`,
      [roomId],
    );
    const v = r.rows.find((x) => x.kind === 'v');
    const version = v ? roomVersion(v.a) : null;
    if (!version) return null;
    const state = new Map<StateKey, EventView>();
    const extremities: string[] = [];
    let depth = 0;
    let stateGroup: number | null = null;
    let chainLength = 0;
    for (const row of r.rows) {
      if (row.kind === 's') {
        const view = normaliseEvent(JSON.parse(row.b!), version, row.a!);
        state.set(stateKey(view.type, view.state_key!), view);
      } else if (row.kind === 'x') extremities.push(row.a!);
      else if (row.kind === 'd') depth = row.n!;
      else if (row.kind === 'g') {
        stateGroup = row.n;
        chainLength = row.b === null ? 0 : Number(row.b);
      }
    }
    return { roomId, version, state, extremities, depth, stateGroup, chainLength };
  }

  async eventIdForTxn(userId: string, scope: string, txnId: string): Promise<string | null> {
    const r = await this.db.query<{ event_id: string }>(
      'SELECT event_id FROM event_txn_ids WHERE user_id = $1 AND scope = $2 AND txn_id = $3',
      [userId, scope, txnId],
    );
    return r.rows[0]?.event_id ?? null;
  }

  async recentTxns(userId: string, scope: string, sinceTs: number, limit: number): Promise<{ txnId: string; eventId: string; ts: number }[]> {
    const r = await this.db.query<{ txn_id: string; event_id: string; created_ts: number }>(
      `SELECT txn_id, event_id, created_ts FROM event_txn_ids WHERE user_id = $1 AND scope = $2 AND created_ts >= $3
        ORDER BY created_ts LIMIT $4`,
      [userId, scope, sinceTs, limit],
    );
    return r.rows.map((x) => ({ txnId: x.txn_id, eventId: x.event_id, ts: x.created_ts }));
  }

  async currentPosition(): Promise<number> {
    const r = await this.db.query<{ position: number }>('SELECT position FROM rooms_stream WHERE id = 1');
    return r.rows[0]!.position;
  }

  async getEvents(eventIds: readonly string[]): Promise<StoredEvent[]> {
    if (eventIds.length === 0) return [];
    const r = await this.db.query<EventRow>(`SELECT ${EVENT_COLS} FROM ${EVENT_FROM} WHERE e.event_id = ANY($1::text[])`, [eventIds]);
    const byId = new Map(r.rows.map((row) => [row.event_id, toStored(row)]));
    return eventIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async currentStateEvents(roomId: string, type?: string, key?: string): Promise<StoredEvent[]> {
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLS} FROM current_state c JOIN ${EVENT_FROM} ON e.event_id = c.event_id
        WHERE c.room_id = $1 AND ($2::text IS NULL OR c.type = $2) AND ($3::text IS NULL OR c.state_key = $3)
        ORDER BY e.stream_ordering`,
      [roomId, type ?? null, key ?? null],
    );
    return r.rows.map(toStored);
  }

  /** The state of a group: its chain of deltas walked back to the last snapshot. */
  async stateGroupEvents(group: number | null): Promise<StoredEvent[]> {
    if (group === null) return [];
    const r = await this.db.query<EventRow>(
      `WITH RECURSIVE chain(id, prev, n) AS (
         SELECT id, prev_group, 0 FROM state_groups WHERE id = $1
         UNION ALL SELECT g.id, g.prev_group, c.n + 1 FROM state_groups g JOIN chain c ON g.id = c.prev),
       latest AS (
         SELECT DISTINCT ON (s.type, s.state_key) s.event_id FROM state_group_entries s JOIN chain c ON c.id = s.group_id
          ORDER BY s.type, s.state_key, c.n)
       SELECT ${EVENT_COLS} FROM latest l JOIN ${EVENT_FROM} ON e.event_id = l.event_id ORDER BY e.stream_ordering`,
      [group],
    );
    return r.rows.map(toStored);
  }

  async stateGroupAt(eventId: string, when: 'before' | 'after'): Promise<{ group: number | null } | null> {
    const r = await this.db.query<{ g: number | null }>(
      `SELECT ${when === 'before' ? 'state_group_before' : 'state_group_after'} AS g FROM events WHERE event_id = $1`,
      [eventId],
    );
    return r.rows[0] ? { group: r.rows[0].g } : null;
  }

  async stateGroupAtPosition(roomId: string, position: number): Promise<number | null> {
    const r = await this.db.query<{ g: number | null }>(
      'SELECT state_group_after AS g FROM events WHERE room_id = $1 AND stream_ordering <= $2 ORDER BY stream_ordering DESC LIMIT 1',
      [roomId, position],
    );
    return r.rows[0]?.g ?? null;
  }

  async currentMembership(roomId: string, userId: string): Promise<{ membership: Membership; eventId: string; streamOrdering: number } | null> {
    const r = await this.db.query<{ membership: string; event_id: string; stream_ordering: number }>(
      `SELECT membership, event_id, stream_ordering FROM current_state WHERE room_id = $1 AND type = 'm.room.member' AND state_key = $2`,
      [roomId, userId],
    );
    const row = r.rows[0];
    return row ? { membership: asMembership(row.membership), eventId: row.event_id, streamOrdering: row.stream_ordering } : null;
  }

  async roomsForUser(userId: string, memberships?: readonly Membership[]): Promise<RoomMembershipRow[]> {
    // The forgotten check goes by room_memberships' primary key: a member event's current_state
    // row and its room_memberships row carry the same stream_ordering (room_memberships has no
    // event_id index).
    const r = await this.db.query<{ room_id: string; membership: string; event_id: string; stream_ordering: number }>(
      `SELECT c.room_id, c.membership, c.event_id, c.stream_ordering FROM current_state c
        WHERE c.type = 'm.room.member' AND c.state_key = $1 AND ($2::text[] IS NULL OR c.membership = ANY($2::text[]))
          AND NOT EXISTS (SELECT 1 FROM room_memberships m WHERE m.stream_ordering = c.stream_ordering AND m.forgotten)
        ORDER BY c.stream_ordering`,
      [userId, memberships ?? null],
    );
    return r.rows.map((x) => ({ roomId: x.room_id, membership: asMembership(x.membership), eventId: x.event_id, streamOrdering: x.stream_ordering }));
  }

  async membershipChanges(userId: string, from: number, to: number): Promise<MembershipChange[]> {
    const r = await this.db.query<{ room_id: string; membership: string; event_id: string; stream_ordering: number; sender: string }>(
      `SELECT room_id, membership, event_id, stream_ordering, sender FROM room_memberships
        WHERE user_id = $1 AND stream_ordering > $2 AND stream_ordering <= $3 ORDER BY stream_ordering`,
      [userId, from, to],
    );
    return r.rows.map((x) => ({ userId, roomId: x.room_id, membership: asMembership(x.membership), eventId: x.event_id, streamOrdering: x.stream_ordering, sender: x.sender }));
  }

  async membershipAt(roomId: string, userId: string, position: number): Promise<Membership | null> {
    const r = await this.db.query<{ membership: string }>(
      `SELECT membership FROM room_memberships WHERE room_id = $1 AND user_id = $2 AND stream_ordering <= $3
        ORDER BY stream_ordering DESC LIMIT 1`,
      [roomId, userId, position],
    );
    return r.rows[0] ? asMembership(r.rows[0].membership) : null;
  }

  async forget(roomId: string, userId: string): Promise<void> {
    await this.db.query('UPDATE room_memberships SET forgotten = TRUE WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
  }

  /** Users joined to any of these rooms (presence visibility for /sync). */
  async joinedUsersIn(roomIds: readonly string[]): Promise<string[]> {
    if (roomIds.length === 0) return [];
    const r = await this.db.query<{ state_key: string }>(
      `SELECT DISTINCT state_key FROM current_state WHERE room_id = ANY($1::text[]) AND type = 'm.room.member' AND membership = 'join'`,
      [roomIds],
    );
    return r.rows.map((x) => x.state_key);
  }

  async roomsWithEvents(roomIds: readonly string[], from: number, to: number): Promise<string[]> {
    const r = await this.db.query<{ room_id: string }>(
      `SELECT DISTINCT room_id FROM events WHERE room_id = ANY($1::text[]) AND stream_ordering > $2 AND stream_ordering <= $3`,
      [roomIds, from, to],
    );
    return r.rows.map((x) => x.room_id);
  }

  async roomEvents(roomId: string, from: number, to: number, limit: number): Promise<{ events: StoredEvent[]; limited: boolean }> {
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLS} FROM ${EVENT_FROM} WHERE e.room_id = $1 AND e.stream_ordering > $2 AND e.stream_ordering <= $3
        ORDER BY e.stream_ordering DESC LIMIT $4`,
      [roomId, from, to, limit + 1],
    );
    return { events: r.rows.slice(0, limit).map(toStored), limited: r.rows.length > limit };
  }

  /** roomEvents for many rooms in one query (initial /sync): per room, newest first. */
  async roomEventsMany(roomIds: readonly string[], from: number, to: number, limit: number): Promise<Map<string, { events: StoredEvent[]; limited: boolean }>> {
    const out = new Map<string, { events: StoredEvent[]; limited: boolean }>();
    if (roomIds.length === 0) return out;
    const r = await this.db.query<EventRow>(
      `SELECT x.* FROM unnest($1::text[]) AS q(room_id) CROSS JOIN LATERAL (
         SELECT ${EVENT_COLS} FROM ${EVENT_FROM} WHERE e.room_id = q.room_id AND e.stream_ordering > $2 AND e.stream_ordering <= $3
          ORDER BY e.stream_ordering DESC LIMIT $4) x`,
      [roomIds, from, to, limit + 1],
    );
    for (const id of roomIds) out.set(id, { events: [], limited: false });
    for (const row of r.rows) {
      const room = out.get(row.room_id)!;
      if (room.events.length < limit) room.events.push(toStored(row));
      else room.limited = true;
    }
    for (const room of out.values()) room.events.sort((a, b) => b.streamOrdering - a.streamOrdering);
    return out;
  }

  /** stateGroupAt(…, 'before') for many events: event id → group (null: no state). */
  async stateGroupsBefore(eventIds: readonly string[]): Promise<Map<string, number | null>> {
    if (eventIds.length === 0) return new Map();
    const r = await this.db.query<{ event_id: string; g: number | null }>(
      'SELECT event_id, state_group_before AS g FROM events WHERE event_id = ANY($1::text[])',
      [eventIds],
    );
    return new Map(r.rows.map((x) => [x.event_id, x.g]));
  }

  /** stateGroupEvents for many groups in one query: group → its state, by stream order. */
  async stateGroupsEvents(groups: readonly number[]): Promise<Map<number, StoredEvent[]>> {
    const out = new Map<number, StoredEvent[]>(groups.map((g) => [g, []]));
    if (groups.length === 0) return out;
    const r = await this.db.query<EventRow & { root: number }>(
      `WITH RECURSIVE chain(root, id, prev, n) AS (
         SELECT id, id, prev_group, 0 FROM state_groups WHERE id = ANY($1::bigint[])
         UNION ALL SELECT c.root, g.id, g.prev_group, c.n + 1 FROM state_groups g JOIN chain c ON g.id = c.prev),
       latest AS (
         SELECT DISTINCT ON (c.root, s.type, s.state_key) c.root, s.event_id FROM state_group_entries s JOIN chain c ON c.id = s.group_id
          ORDER BY c.root, s.type, s.state_key, c.n)
       SELECT l.root, ${EVENT_COLS} FROM latest l JOIN ${EVENT_FROM} ON e.event_id = l.event_id ORDER BY e.stream_ordering`,
      [groups],
    );
    for (const row of r.rows) out.get(Number(row.root))?.push(toStored(row));
    return out;
  }

  /** currentStateEvents for many rooms in one query: room → state, by stream order. */
  async currentStateMany(roomIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const out = new Map<string, StoredEvent[]>(roomIds.map((id) => [id, []]));
    if (roomIds.length === 0) return out;
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLS} FROM current_state c JOIN ${EVENT_FROM} ON e.event_id = c.event_id
        WHERE c.room_id = ANY($1::text[]) ORDER BY e.stream_ordering`,
      [roomIds],
    );
    for (const row of r.rows) out.get(row.room_id)?.push(toStored(row));
    return out;
  }

  /** Events of every room with from < stream_ordering <= to, oldest first, at most `limit` (appservice delivery). */
  async streamEvents(from: number, to: number, limit: number): Promise<StoredEvent[]> {
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLS} FROM ${EVENT_FROM} WHERE e.stream_ordering > $1 AND e.stream_ordering <= $2
        ORDER BY e.stream_ordering LIMIT $3`,
      [from, to, limit],
    );
    return r.rows.map(toStored);
  }

  async paginate(roomId: string, from: TopoPosition | null, dir: 'b' | 'f', limit: number): Promise<StoredEvent[]> {
    const back = dir === 'b';
    const cmp = back ? '<' : '>';
    const order = back ? 'DESC' : 'ASC';
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLS} FROM ${EVENT_FROM} WHERE e.room_id = $1
          AND ($2::bigint IS NULL OR (e.depth, e.stream_ordering) ${cmp} ($2::bigint, $3::bigint))
        ORDER BY e.depth ${order}, e.stream_ordering ${order} LIMIT $4`,
      [roomId, from?.depth ?? null, from?.stream ?? 0, limit],
    );
    return r.rows.map(toStored);
  }

  async topoAtStream(roomId: string, stream: number): Promise<TopoPosition | null> {
    const r = await this.db.query<{ depth: number; stream_ordering: number }>(
      `SELECT depth, stream_ordering FROM events WHERE room_id = $1 AND stream_ordering <= $2
        ORDER BY stream_ordering DESC LIMIT 1`,
      [roomId, stream],
    );
    const row = r.rows[0];
    return row ? { depth: row.depth, stream: row.stream_ordering } : null;
  }

  async relations(eventId: string, q: { relType?: string; eventType?: string; dir: 'b' | 'f'; from?: number; limit: number }): Promise<StoredEvent[]> {
    const back = q.dir === 'b';
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLS} FROM event_relations x JOIN ${EVENT_FROM} ON e.event_id = x.event_id
        WHERE x.relates_to = $1 AND ($2::text IS NULL OR x.rel_type = $2) AND ($3::text IS NULL OR x.type = $3)
          AND ($4::bigint IS NULL OR x.stream_ordering ${back ? '<' : '>'} $4)
        ORDER BY x.stream_ordering ${back ? 'DESC' : 'ASC'} LIMIT $5`,
      [eventId, q.relType ?? null, q.eventType ?? null, q.from ?? null, q.limit],
    );
    return r.rows.map(toStored);
  }

  async annotationCounts(eventId: string): Promise<{ type: string; key: string; count: number }[]> {
    const r = await this.db.query<{ type: string; key: string; count: number }>(
      `SELECT x.type, x.aggregation_key AS key, count(*)::int AS count FROM event_relations x
         JOIN events e ON e.event_id = x.event_id AND e.redacted_by IS NULL
        WHERE x.relates_to = $1 AND x.rel_type = 'm.annotation' AND x.aggregation_key IS NOT NULL
        GROUP BY x.type, x.aggregation_key ORDER BY count DESC, key`,
      [eventId],
    );
    return r.rows;
  }

  async latestEdit(eventId: string, sender: string): Promise<StoredEvent | null> {
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLS} FROM event_relations x JOIN ${EVENT_FROM} ON e.event_id = x.event_id
        WHERE x.relates_to = $1 AND x.rel_type = 'm.replace' AND x.sender = $2 AND e.redacted_by IS NULL
        ORDER BY e.origin_server_ts DESC, e.stream_ordering DESC LIMIT 1`,
      [eventId, sender],
    );
    return r.rows[0] ? toStored(r.rows[0]) : null;
  }

  // ---- aliases and the directory flag

  async aliasRoom(alias: string): Promise<{ roomId: string; creator: string } | null> {
    const r = await this.db.query<{ room_id: string; creator: string }>('SELECT room_id, creator FROM room_aliases WHERE alias = $1', [alias]);
    return r.rows[0] ? { roomId: r.rows[0].room_id, creator: r.rows[0].creator } : null;
  }

  /** false when the alias is taken. */
  async insertAlias(alias: string, roomId: string, creator: string): Promise<boolean> {
    const r = await this.db.query(
      'INSERT INTO room_aliases (alias, room_id, creator, created_ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [alias, roomId, creator, Date.now()],
    );
    return r.rowCount === 1;
  }

  async deleteAlias(alias: string): Promise<void> {
    await this.db.query('DELETE FROM room_aliases WHERE alias = $1', [alias]);
  }

  async aliasesOf(roomId: string): Promise<string[]> {
    const r = await this.db.query<{ alias: string }>('SELECT alias FROM room_aliases WHERE room_id = $1 ORDER BY alias', [roomId]);
    return r.rows.map((x) => x.alias);
  }

  async setPublic(q: Queryable, roomId: string, isPublic: boolean): Promise<void> {
    await q.query('UPDATE rooms SET is_public = $2 WHERE room_id = $1', [roomId, isPublic]);
  }
}
