// All SQL of the account data feature. Stream ids: see migrations/001-account-data.sql.
import type { Db, Queryable } from '../storage/db.ts';

/** pg_advisory_xact_lock key of the account_data stream ("ACDT"). */
const STREAM_LOCK = 0x4143_4454;

export interface AccountDataRow {
  roomId: string;
  type: string;
  content: Record<string, unknown>;
  streamId: number;
}

interface Raw {
  room_id: string;
  type: string;
  content: Record<string, unknown>;
  stream_id: string;
}

const toRow = (r: Raw): AccountDataRow => ({ roomId: r.room_id, type: r.type, content: r.content, streamId: Number(r.stream_id) });

export class AccountDataStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async get(userId: string, roomId: string, type: string): Promise<Record<string, unknown> | null> {
    const r = await this.#db.query<{ content: Record<string, unknown> }>(
      'SELECT content FROM account_data WHERE user_id = $1 AND room_id = $2 AND type = $3',
      [userId, roomId, type],
    );
    return r.rows[0]?.content ?? null;
  }

  /**
   * Writes one entry with the next stream id. `update` sees the current content (null when none)
   * inside the transaction and returns the new content, or null to leave the row untouched.
   */
  async update(
    userId: string,
    roomId: string,
    type: string,
    update: (current: Record<string, unknown> | null) => Record<string, unknown> | null,
  ): Promise<number | null> {
    return this.#db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [STREAM_LOCK]);
      const cur = await q.query<{ content: Record<string, unknown> }>(
        'SELECT content FROM account_data WHERE user_id = $1 AND room_id = $2 AND type = $3',
        [userId, roomId, type],
      );
      const next = update(cur.rows[0]?.content ?? null);
      if (next === null) return null;
      const streamId = (await maxStreamId(q)) + 1;
      await q.query(
        `INSERT INTO account_data (user_id, room_id, type, content, stream_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = EXCLUDED.content, stream_id = EXCLUDED.stream_id`,
        [userId, roomId, type, JSON.stringify(next), streamId],
      );
      return streamId;
    });
  }

  async currentPosition(): Promise<number> {
    return maxStreamId(this.#db);
  }

  /** Entries of the user written after `since` and at or before `upto`. */
  async changes(userId: string, since: number, upto: number): Promise<AccountDataRow[]> {
    const r = await this.#db.query<Raw>(
      `SELECT room_id, type, content, stream_id FROM account_data
       WHERE user_id = $1 AND stream_id > $2 AND stream_id <= $3 ORDER BY stream_id`,
      [userId, since, upto],
    );
    return r.rows.map(toRow);
  }
}

async function maxStreamId(q: Queryable): Promise<number> {
  const r = await q.query<{ m: string | null }>('SELECT MAX(stream_id) AS m FROM account_data');
  return Number(r.rows[0]?.m ?? 0);
}
