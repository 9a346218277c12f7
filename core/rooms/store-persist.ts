// The SQL of the write path: one batch of room writes in one statement, so one transaction (see
// persister.ts for the ordering contract) and one round trip whatever the batch's size: the rows
// go in as arrays through unnest().
import type { PreparedStatement, Queryable } from '../storage/db.ts';
import type { PersistResult, RoomWrite, StateEntry } from './types.ts';

/** Advisory lock class of room input locks (the second key is hashtext(room_id)); rooms_claim (migration 002) uses it as 21071. */
export const ROOM_LOCK_CLASS = 0x524f; // "RO"

/** A send's transaction id already names an event (sent through another process, or before a restart). */
export class TxnTakenError extends Error {
  readonly eventId: string;
  constructor(eventId: string) {
    super(`transaction id already used for ${eventId}`);
    this.name = 'TxnTakenError';
    this.eventId = eventId;
  }
}

export class StaleRoomError extends Error {
  constructor(roomId: string) {
    super(`room ${roomId} changed under this write (another process wrote to it)`);
    this.name = 'StaleRoomError';
  }
}

interface RelationRow {
  relatesTo: string;
  relType: string;
  key: string | null;
}

/**
 * Named prepared statements halve the cost of the batch statement (measured on PGlite: 1.3 ms →
 * 0.7 ms). The name is derived from which parts the statement has, so there are only a few.
 */
function prepared(name: string, text: string): PreparedStatement {
  return { name: `${name}_${generation}`, text };
}

// When a named statement's first run fails, `pg` does not record it as prepared although the
// server kept it, and the next use fails with "prepared statement already exists". Any failed
// batch therefore moves to fresh names (failures are rare; old names cost a few bytes).
let generation = 0;
export function renamePreparedStatements(): void {
  generation++;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Spec: client-server-api "Forming relationships between events" (m.relates_to). */
export function relationOf(content: unknown): RelationRow | null {
  const rel = isObject(content) ? content['m.relates_to'] : undefined;
  if (!isObject(rel) || typeof rel.rel_type !== 'string' || typeof rel.event_id !== 'string') return null;
  return { relatesTo: rel.event_id, relType: rel.rel_type, key: typeof rel.key === 'string' ? rel.key : null };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** Takes the rooms' input locks until the transaction ends (re-entrant within it). */
export async function lockRooms(q: Queryable, roomIds: readonly string[]): Promise<void> {
  // Sorted by lock key so two processes locking overlapping rooms cannot deadlock.
  await q.query(
    `SELECT pg_advisory_xact_lock(${ROOM_LOCK_CLASS}, k) FROM (SELECT DISTINCT hashtext(r) AS k FROM unnest($1::text[]) r ORDER BY 1) s`,
    [roomIds],
  );
}

/**
 * The multi-writer form: one autocommit statement (one round trip, its commit included) whose
 * first step, rooms_claim() (migration 002), takes the rooms' locks, checks their extremities and
 * allocates the positions; the inserts then use them. Inside db.tx (persistExclusive) the same
 * statement joins that transaction. Throws StaleBatch, having written nothing, when a room
 * changed under its write.
 */
export async function persistBatch(q: Queryable, writes: readonly RoomWrite[]): Promise<PersistResult[]> {
  // The database checks each room against its first write in the batch; a later write of the same
  // room must build on the one before it.
  const stale = new Set<number>();
  const last = new Map<string, string>();
  const fxRoom: string[] = [];
  const fxEvent: string[] = [];
  writes.forEach((w, i) => {
    const before = last.get(w.roomId);
    if (before === undefined) {
      for (const e of w.expectedExtremities) { fxRoom.push(w.roomId); fxEvent.push(e); }
    } else if (!sameSet([before], w.expectedExtremities)) stale.add(i);
    last.set(w.roomId, w.events[w.events.length - 1]!.eventId);
  });
  if (stale.size > 0) throw new StaleBatch(stale);
  const txn = { user: [] as string[], scope: [] as string[], id: [] as string[], write: [] as number[] };
  writes.forEach((w, i) => {
    for (const e of w.events) if (e.txn) { txn.user.push(e.txn.userId); txn.scope.push(e.txn.scope); txn.id.push(e.txn.txnId); txn.write.push(i); }
  });
  return insertAll(q, writes, { rooms: [...last.keys()], fxRoom, fxEvent, txn }, (rooms, taken) => {
    const takenBy = new Map(taken.map(([at, eventId]) => [txn.write[at - 1]!, eventId]));
    throw new StaleBatch(new Set(writes.flatMap((w, i) => (rooms.has(w.roomId) && !takenBy.has(i) ? [i] : []))), takenBy);
  });
}

/**
 * The single-writer form, for the embedded database (its data-dir lock admits one process, so
 * no other writer exists): no room locks or extremity checks, and the stream position comes
 * from the caller's counter and is stored by the insert itself. The batch is one statement,
 * atomic on its own: one round trip, no BEGIN/COMMIT.
 */
export async function persistBatchSingleWriter(q: Queryable, writes: readonly RoomWrite[], base: number): Promise<PersistResult[]> {
  return insertAll(q, writes, base);
}

export async function readStreamPosition(q: Queryable): Promise<number> {
  return (await q.query<{ position: number }>('SELECT position FROM rooms_stream WHERE id = 1')).rows[0]!.position;
}

/** Nothing of the batch was written; the persister retries the writes that are neither stale nor taken. */
export class StaleBatch extends Error {
  readonly stale: ReadonlySet<number>;
  /** Writes whose transaction id is already used: write index → the event it names. */
  readonly taken: ReadonlyMap<number, string>;
  constructor(stale: ReadonlySet<number>, taken: ReadonlyMap<number, string> = new Map()) {
    super('stale room writes');
    this.stale = stale;
    this.taken = taken;
  }
}

/** What rooms_claim checks: the batch's rooms and, as pairs, the extremities their writes expect. */
interface Claim {
  readonly rooms: readonly string[];
  readonly fxRoom: readonly string[];
  readonly fxEvent: readonly string[];
  readonly txn: { readonly user: readonly string[]; readonly scope: readonly string[]; readonly id: readonly string[] };
}

/**
 * The batch as one statement. With a known base (single writer) positions are absolute and the
 * statement stores the counter; with a claim, the statement allocates them (rooms_claim), so
 * here the batch's k-th position is written -k and rooms_abs() resolves it in SQL.
 */
async function insertAll(q: Queryable, writes: readonly RoomWrite[], known: number | Claim, onStale?: (rooms: Set<string>, taken: [index: number, eventId: string][]) => never): Promise<PersistResult[]> {
  const claim = typeof known === 'number' ? null : known;
  const base = claim ? 0 : (known as number);
  const encode = (p: number): number => (claim ? -p : p);
  const ev = { pos: [] as number[], id: [] as string[], room: [] as string[], type: [] as string[], key: [] as (string | null)[],
    sender: [] as string[], depth: [] as number[], ts: [] as number[], json: [] as string[], replaces: [] as (string | null)[],
    before: [] as (number | null)[], after: [] as (number | null)[], redactedBy: [] as (string | null)[],
    txnScope: [] as (string | null)[], txnId: [] as (string | null)[] };
  const fx = { room: [] as string[], id: [] as string[] };
  const groups = { id: [] as number[], room: [] as string[], prev: [] as (number | null)[], chain: [] as number[] };
  const entries = { group: [] as number[], type: [] as string[], key: [] as string[], id: [] as (string | null)[] };
  const cur = new Map<string, { room: string; type: string; key: string; id: string; pos: number; membership: string | null }>();
  const mem = { pos: [] as number[], id: [] as string[], room: [] as string[], user: [] as string[], sender: [] as string[], membership: [] as string[] };
  const txn = { user: [] as string[], scope: [] as string[], txn: [] as string[], id: [] as string[], ts: [] as number[] };
  const rel = { id: [] as string[], to: [] as string[], type: [] as string[], key: [] as (string | null)[], room: [] as string[],
    evType: [] as string[], sender: [] as string[], pos: [] as number[] };
  const red = { id: [] as string[], redacts: [] as string[], room: [] as string[] };
  const rooms = { id: [] as string[], version: [] as string[], creator: [] as string[], pub: [] as boolean[], ts: [] as number[] };
  const aliases = { alias: [] as string[], room: [] as string[], creator: [] as string[], ts: [] as number[] };
  const results: PersistResult[] = [];
  const now = Date.now();
  let pos = base;

  for (const w of writes) {
    let group = w.baseGroup;
    let chain = w.baseChainLength;
    const positions: number[] = [];
    if (w.newRoom) {
      rooms.id.push(w.roomId); rooms.version.push(w.newRoom.version); rooms.creator.push(w.newRoom.creator);
      rooms.pub.push(w.newRoom.isPublic); rooms.ts.push(now);
    }
    for (const a of w.aliases ?? []) {
      aliases.alias.push(a); aliases.room.push(w.roomId); aliases.creator.push(w.newRoom?.creator ?? ''); aliases.ts.push(now);
    }
    for (const e of w.events) {
      pos++;
      positions.push(pos);
      const position = encode(pos);
      const v = e.view;
      const before = group;
      if (e.stateDelta) {
        const prev = e.stateDelta.snapshot ? null : group;
        chain = prev === null ? 0 : chain + 1;
        groups.id.push(position); groups.room.push(w.roomId); groups.prev.push(prev); groups.chain.push(chain);
        for (const [t, k, id] of e.stateDelta.entries as readonly StateEntry[]) {
          entries.group.push(position); entries.type.push(t); entries.key.push(k); entries.id.push(id);
        }
        group = position;
        const membership = v.type === 'm.room.member' && typeof v.content.membership === 'string' ? v.content.membership : null;
        cur.set(`${w.roomId}\u0000${v.type}\u0000${v.state_key}`, { room: w.roomId, type: v.type, key: v.state_key!, id: e.eventId, pos: position, membership });
        if (membership !== null) {
          mem.pos.push(position); mem.id.push(e.eventId); mem.room.push(w.roomId); mem.user.push(v.state_key!);
          mem.sender.push(v.sender); mem.membership.push(membership);
        }
      }
      ev.pos.push(position); ev.id.push(e.eventId); ev.room.push(w.roomId); ev.type.push(v.type); ev.key.push(v.state_key ?? null);
      ev.sender.push(v.sender); ev.depth.push(v.depth); ev.ts.push(v.origin_server_ts); ev.json.push(e.json);
      ev.replaces.push(e.replaces); ev.before.push(before); ev.after.push(group); ev.redactedBy.push(null);
      ev.txnScope.push(e.txn?.scope ?? null); ev.txnId.push(e.txn?.txnId ?? null);
      if (e.txn) { txn.user.push(e.txn.userId); txn.scope.push(e.txn.scope); txn.txn.push(e.txn.txnId); txn.id.push(e.eventId); txn.ts.push(now); }
      const r = relationOf(v.content);
      if (r) {
        rel.id.push(e.eventId); rel.to.push(r.relatesTo); rel.type.push(r.relType); rel.key.push(r.key); rel.room.push(w.roomId);
        rel.evType.push(v.type); rel.sender.push(v.sender); rel.pos.push(position);
      }
      if (v.type === 'm.room.redaction' && typeof v.redacts === 'string') {
        red.id.push(e.eventId); red.redacts.push(v.redacts); red.room.push(w.roomId);
      }
    }
    fx.room.push(w.roomId); fx.id.push(w.events[w.events.length - 1]!.eventId);
    results.push({ positions, stateGroup: group, chainLength: chain });
  }
  // Redactions of events in this batch are set on the inserted rows (a statement cannot update
  // rows its own CTEs insert); earlier targets are updated by the statement. The original JSON
  // stays; readers apply the room version's redaction algorithm.
  const inBatch = new Map(ev.id.map((id, i) => [id, i]));
  const later = { id: [] as string[], target: [] as string[], room: [] as string[] };
  red.id.forEach((id, i) => {
    const at = inBatch.get(red.redacts[i]!);
    if (at !== undefined && ev.room[at] === red.room[i]) ev.redactedBy[at] ??= id;
    else if (at === undefined) {
      later.id.push(id); later.target.push(red.redacts[i]!); later.room.push(red.room[i]!);
    }
  });
  // Only the last write of a room in the batch leaves its extremity.
  const lastFx = new Map<string, string>();
  fx.room.forEach((r, i) => lastFx.set(r, fx.id[i]!));
  const c = [...cur.values()];
  const created = new Set(rooms.id);
  const oldFx = [...lastFx].filter(([r]) => !created.has(r));

  // Only the parts with rows are sent: planning a statement is a large share of its cost, and
  // a plain message needs four of the thirteen parts.
  const parts: [sql: string, columns: unknown[][]][] = [
    [`INSERT INTO events (stream_ordering, event_id, room_id, type, state_key, sender, depth, origin_server_ts, json,
        replaces_state, state_group_before, state_group_after, redacted_by, txn_scope, txn_id) SELECT * FROM unnest(%pos, %text, %text, %text,
        %text, %text, %bigint, %bigint, %text, %text, %pos, %pos, %text, %text, %text) WHERE %gate`,
      [ev.pos, ev.id, ev.room, ev.type, ev.key, ev.sender, ev.depth, ev.ts, ev.json, ev.replaces, ev.before, ev.after, ev.redactedBy, ev.txnScope, ev.txnId]],
    // A room created by this batch gets its extremity with its row (a statement's parts do not
    // see each other's rows); the others are updated in place (migration 005).
    [`UPDATE rooms r SET extremities = ARRAY[u.e] FROM unnest(%text, %text) AS u(room, e) WHERE r.room_id = u.room AND %gate`,
      [oldFx.map(([r]) => r), oldFx.map(([, e]) => e)]],
    ['INSERT INTO state_groups (id, room_id, prev_group, chain_length) SELECT * FROM unnest(%pos, %text, %pos, %int) WHERE %gate',
      [groups.id, groups.room, groups.prev, groups.chain]],
    ['INSERT INTO state_group_entries (group_id, type, state_key, event_id) SELECT * FROM unnest(%pos, %text, %text, %text) WHERE %gate',
      [entries.group, entries.type, entries.key, entries.id]],
    [`INSERT INTO current_state (room_id, type, state_key, event_id, stream_ordering, membership)
        SELECT * FROM unnest(%text, %text, %text, %text, %pos, %text) WHERE %gate
        ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = EXCLUDED.event_id,
          stream_ordering = EXCLUDED.stream_ordering, membership = EXCLUDED.membership`,
      [c.map((x) => x.room), c.map((x) => x.type), c.map((x) => x.key), c.map((x) => x.id), c.map((x) => x.pos), c.map((x) => x.membership)]],
    [`INSERT INTO room_memberships (stream_ordering, event_id, room_id, user_id, sender, membership)
        SELECT * FROM unnest(%pos, %text, %text, %text, %text, %text) WHERE %gate`,
      [mem.pos, mem.id, mem.room, mem.user, mem.sender, mem.membership]],
    [`INSERT INTO event_txn_ids (user_id, scope, txn_id, event_id, created_ts)
        SELECT * FROM unnest(%text, %text, %text, %text, %bigint) WHERE %gate ON CONFLICT DO NOTHING`,
      [txn.user, txn.scope, txn.txn, txn.id, txn.ts]],
    [`INSERT INTO event_relations (event_id, relates_to, rel_type, aggregation_key, room_id, type, sender, stream_ordering)
        SELECT * FROM unnest(%text, %text, %text, %text, %text, %text, %text, %pos) WHERE %gate`,
      [rel.id, rel.to, rel.type, rel.key, rel.room, rel.evType, rel.sender, rel.pos]],
    ['INSERT INTO redactions (event_id, redacts, room_id) SELECT * FROM unnest(%text, %text, %text) WHERE %gate ON CONFLICT DO NOTHING',
      [red.id, red.redacts, red.room]],
    [`INSERT INTO rooms (room_id, room_version, creator, is_public, created_ts, extremities)
        SELECT r, v, c, p, t, ARRAY[x] FROM unnest(%text, %text, %text, %bool, %bigint, %text) AS u(r, v, c, p, t, x) WHERE %gate`,
      [rooms.id, rooms.version, rooms.creator, rooms.pub, rooms.ts, rooms.id.map((r) => lastFx.get(r)!)]],
    ['INSERT INTO room_aliases (alias, room_id, creator, created_ts) SELECT * FROM unnest(%text, %text, %text, %bigint) WHERE %gate',
      [aliases.alias, aliases.room, aliases.creator, aliases.ts]],
    [`UPDATE events e SET redacted_by = r.id FROM unnest(%text, %text, %text) AS r(id, target, room)
        WHERE e.event_id = r.target AND e.room_id = r.room AND e.redacted_by IS NULL AND %gate`,
      [later.id, later.target, later.room]],
  ];
  const params: unknown[] = [];
  const ctes: string[] = [];
  let shape = claim ? 1 : 0;
  if (claim) {
    params.push(claim.rooms, claim.fxRoom, claim.fxEvent, pos, claim.txn.user, claim.txn.scope, claim.txn.id);
    ctes.push('c AS (SELECT * FROM rooms_claim($1::text[], $2::text[], $3::text[], $4::bigint, $5::text[], $6::text[], $7::text[]))');
  } else {
    params.push(pos);
    ctes.push('p AS (UPDATE rooms_stream SET position = $1 WHERE id = 1)');
  }
  // With a claim every part waits for it (%gate is then a one-time filter on its result), so no
  // row is touched before the rooms are locked and checked, and none at all when a room is
  // stale (base NULL); positions resolve against its base.
  const gate = claim ? '(SELECT base FROM c) IS NOT NULL' : 'TRUE';
  parts.forEach(([sql, columns], bit) => {
    if (columns[0]!.length === 0) return;
    shape |= 2 << bit;
    let i = 0;
    ctes.push(`w${ctes.length} AS (${sql.replace(/%(\w+)/g, (_m, type: string) => {
      if (type === 'gate') return gate;
      params.push(columns[i++]);
      if (type !== 'pos') return `$${params.length}::${type}[]`;
      return claim ? `rooms_abs($${params.length}::bigint[], (SELECT base FROM c))` : `$${params.length}::bigint[]`;
    })})`);
  });
  const out = await q.query<{ base: number | null; stale: string[] | null; taken: number[] | null; taken_event: string[] | null }>(
    prepared(`rooms_batch_${shape}`, `WITH ${ctes.join(',\n')} SELECT ${claim ? 'base, stale, taken, taken_event FROM c' : '0 AS base'}`), params);
  if (!claim) return results;
  const { base: claimed, stale, taken, taken_event: takenEvent } = out.rows[0]!;
  if (claimed === null) return onStale!(new Set(stale), (taken ?? []).map((at, k) => [at, takenEvent![k]!]));
  return results.map((r) => ({
    positions: r.positions.map((p) => claimed + p),
    stateGroup: r.stateGroup !== null && r.stateGroup < 0 ? claimed - r.stateGroup : r.stateGroup,
    chainLength: r.chainLength,
  }));
  return results;
}
