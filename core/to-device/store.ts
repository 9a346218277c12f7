// All SQL of the to-device feature. Stream ids: see migrations/001-to-device.sql.
import type { Db, Queryable } from '../storage/db.ts';
import type { StoredToDevice } from './api.ts';

/** pg_advisory_xact_lock key of the to-device stream ("TODV"). */
const STREAM_LOCK = 0x544f_4456;

export interface NewToDevice {
  userId: string;
  deviceId: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
}

interface Raw {
  stream_id: string;
  user_id: string;
  device_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
}

const COLUMNS = 'stream_id, user_id, device_id, sender, type, content';
const toRow = (r: Raw): StoredToDevice => ({
  streamId: Number(r.stream_id),
  userId: r.user_id,
  deviceId: r.device_id,
  sender: r.sender,
  type: r.type,
  content: r.content,
});

export class ToDeviceStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Records the transaction and stores the messages in one transaction. Returns the last stream
   * id written, or null when (sender, scope, txnId) was seen before (nothing written).
   */
  async insert(sender: string, scope: string, txnId: string, messages: readonly NewToDevice[], now: number): Promise<number | null> {
    return this.#db.tx(async (q) => {
      const seen = await q.query(
        'INSERT INTO to_device_txns (sender, scope, txn_id, created_ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [sender, scope, txnId, now],
      );
      if (seen.rowCount === 0) return null;
      if (messages.length === 0) return null;
      await q.query('SELECT pg_advisory_xact_lock($1)', [STREAM_LOCK]);
      const first = (await position(q)) + 1;
      const last = first + messages.length - 1;
      await q.query(
        `INSERT INTO to_device_messages (${COLUMNS})
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`,
        [
          messages.map((_, i) => first + i),
          messages.map((m) => m.userId),
          messages.map((m) => m.deviceId),
          messages.map((m) => m.sender),
          messages.map((m) => m.type),
          messages.map((m) => JSON.stringify(m.content)),
        ],
      );
      await q.query('UPDATE to_device_stream SET position = $1', [last]);
      return last;
    });
  }

  async currentPosition(): Promise<number> {
    return position(this.#db);
  }

  async deleteUpTo(userId: string, deviceId: string, upTo: number): Promise<void> {
    await this.#db.query('DELETE FROM to_device_messages WHERE user_id = $1 AND device_id = $2 AND stream_id <= $3', [userId, deviceId, upTo]);
  }

  async forDevice(userId: string, deviceId: string, since: number, upto: number, limit: number): Promise<StoredToDevice[]> {
    const r = await this.#db.query<Raw>(
      `SELECT ${COLUMNS} FROM to_device_messages WHERE user_id = $1 AND device_id = $2 AND stream_id > $3 AND stream_id <= $4
       ORDER BY stream_id LIMIT $5`,
      [userId, deviceId, since, upto, limit],
    );
    return r.rows.map(toRow);
  }

  async forUsers(userIds: readonly string[], since: number, upto: number, limit: number): Promise<StoredToDevice[]> {
    if (userIds.length === 0) return [];
    const r = await this.#db.query<Raw>(
      `SELECT ${COLUMNS} FROM to_device_messages WHERE user_id = ANY($1) AND stream_id > $2 AND stream_id <= $3
       ORDER BY stream_id LIMIT $4`,
      [userIds, since, upto, limit],
    );
    return r.rows.map(toRow);
  }

  /** Forgets transaction ids older than `before` (retries come within minutes, not days). */
  async purgeTxns(before: number): Promise<void> {
    await this.#db.query('DELETE FROM to_device_txns WHERE created_ts < $1', [before]);
  }
}

async function position(q: Queryable): Promise<number> {
  const r = await q.query<{ position: string }>('SELECT position FROM to_device_stream');
  return Number(r.rows[0]?.position ?? 0);
}
