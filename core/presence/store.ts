// All SQL of the presence feature. Stream ids: see migrations/001-presence.sql.
import type { Db, Queryable } from '../storage/db.ts';
import type { PresenceState } from './api.ts';

/** pg_advisory_xact_lock key of the presence stream ("PRES"). */
const STREAM_LOCK = 0x5052_4553;

export interface PresenceRow {
  userId: string;
  state: PresenceState;
  statusMsg: string | null;
  lastActiveTs: number;
  lastSyncTs: number;
  currentlyActive: boolean;
  streamId: number;
}

interface Raw {
  user_id: string;
  state: PresenceState;
  status_msg: string | null;
  last_active_ts: string;
  last_sync_ts: string;
  currently_active: boolean;
  stream_id: string;
}

const COLUMNS = 'user_id, state, status_msg, last_active_ts, last_sync_ts, currently_active, stream_id';
const toRow = (r: Raw): PresenceRow => ({
  userId: r.user_id,
  state: r.state,
  statusMsg: r.status_msg,
  lastActiveTs: Number(r.last_active_ts),
  lastSyncTs: Number(r.last_sync_ts),
  currentlyActive: r.currently_active,
  streamId: Number(r.stream_id),
});

export type PresenceChange = Omit<PresenceRow, 'userId' | 'streamId'>;

export class PresenceStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async get(userId: string): Promise<PresenceRow | null> {
    const r = await this.#db.query<Raw>(`SELECT ${COLUMNS} FROM presence WHERE user_id = $1`, [userId]);
    return r.rows[0] ? toRow(r.rows[0]) : null;
  }

  /**
   * Reads the row under the stream lock and writes what `change` returns with the next stream id;
   * null leaves it as it is. Returns the new stream id, or null when nothing was written.
   */
  async update(userId: string, change: (cur: PresenceRow | null) => PresenceChange | null): Promise<number | null> {
    return this.#db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [STREAM_LOCK]);
      const cur = await q.query<Raw>(`SELECT ${COLUMNS} FROM presence WHERE user_id = $1`, [userId]);
      const next = change(cur.rows[0] ? toRow(cur.rows[0]) : null);
      if (!next) return null;
      const streamId = (await maxStreamId(q)) + 1;
      await q.query(
        `INSERT INTO presence (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, status_msg = EXCLUDED.status_msg,
           last_active_ts = EXCLUDED.last_active_ts, last_sync_ts = EXCLUDED.last_sync_ts,
           currently_active = EXCLUDED.currently_active, stream_id = EXCLUDED.stream_id`,
        [userId, next.state, next.statusMsg, next.lastActiveTs, next.lastSyncTs, next.currentlyActive, streamId],
      );
      return streamId;
    });
  }

  /** Changes that clients need not hear about: no new stream id. */
  async touch(userIds: readonly string[], fields: { lastSyncTs?: number; lastActiveTs?: number }): Promise<void> {
    if (userIds.length === 0) return;
    await this.#db.query(
      `UPDATE presence SET last_sync_ts = COALESCE($2, last_sync_ts), last_active_ts = COALESCE($3, last_active_ts)
       WHERE user_id = ANY($1)`,
      [userIds, fields.lastSyncTs ?? null, fields.lastActiveTs ?? null],
    );
  }

  /** Users whose state a timeout may change: online or unavailable ones (small: not offline). */
  async notOffline(): Promise<PresenceRow[]> {
    const r = await this.#db.query<Raw>(`SELECT ${COLUMNS} FROM presence WHERE state <> 'offline'`);
    return r.rows.map(toRow);
  }

  async currentPosition(): Promise<number> {
    return maxStreamId(this.#db);
  }

  async changes(userIds: readonly string[], since: number, upto: number): Promise<PresenceRow[]> {
    if (userIds.length === 0) return [];
    const r = await this.#db.query<Raw>(
      `SELECT ${COLUMNS} FROM presence WHERE user_id = ANY($1) AND stream_id > $2 AND stream_id <= $3 ORDER BY stream_id`,
      [userIds, since, upto],
    );
    return r.rows.map(toRow);
  }
}

async function maxStreamId(q: Queryable): Promise<number> {
  const r = await q.query<{ m: string | null }>('SELECT MAX(stream_id) AS m FROM presence');
  return Number(r.rows[0]?.m ?? 0);
}
