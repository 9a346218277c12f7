// All SQL of the receipts feature. Stream ids: see migrations/001-receipts.sql.
import type { Db, Queryable } from '../storage/db.ts';

/** pg_advisory_xact_lock key of the receipts stream ("RCPT"). */
const STREAM_LOCK = 0x5243_5054;

export interface ReceiptRow {
  roomId: string;
  userId: string;
  receiptType: string;
  /** '' for an unthreaded receipt. */
  threadId: string;
  eventId: string;
  eventPosition: number;
  ts: number;
}

interface Raw {
  room_id: string;
  user_id: string;
  receipt_type: string;
  thread_id: string;
  event_id: string;
  event_position: string;
  ts: string;
}

const COLUMNS = 'room_id, user_id, receipt_type, thread_id, event_id, event_position, ts';
const toRow = (r: Raw): ReceiptRow => ({
  roomId: r.room_id,
  userId: r.user_id,
  receiptType: r.receipt_type,
  threadId: r.thread_id,
  eventId: r.event_id,
  eventPosition: Number(r.event_position),
  ts: Number(r.ts),
});

export class ReceiptsStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Moves the receipt forward: written with the next stream id unless the stored one is at the
   * same or a later event. Returns the stream id, or null when the receipt was older.
   */
  async advance(r: ReceiptRow): Promise<number | null> {
    return this.#db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [STREAM_LOCK]);
      const cur = await q.query<{ event_position: string }>(
        'SELECT event_position FROM receipts WHERE room_id = $1 AND user_id = $2 AND receipt_type = $3 AND thread_id = $4',
        [r.roomId, r.userId, r.receiptType, r.threadId],
      );
      if (cur.rows[0] && Number(cur.rows[0].event_position) >= r.eventPosition) return null;
      const streamId = (await maxStreamId(q)) + 1;
      await q.query(
        `INSERT INTO receipts (${COLUMNS}, stream_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (room_id, user_id, receipt_type, thread_id) DO UPDATE SET event_id = EXCLUDED.event_id,
           event_position = EXCLUDED.event_position, ts = EXCLUDED.ts, stream_id = EXCLUDED.stream_id`,
        [r.roomId, r.userId, r.receiptType, r.threadId, r.eventId, r.eventPosition, r.ts, streamId],
      );
      return streamId;
    });
  }

  async currentPosition(): Promise<number> {
    return maxStreamId(this.#db);
  }

  /** Receipts in these rooms written after `since` up to `upto`, oldest first. */
  async changes(roomIds: readonly string[], since: number, upto: number): Promise<ReceiptRow[]> {
    if (roomIds.length === 0) return [];
    const r = await this.#db.query<Raw>(
      `SELECT ${COLUMNS} FROM receipts WHERE room_id = ANY($1) AND stream_id > $2 AND stream_id <= $3 ORDER BY stream_id`,
      [roomIds, since, upto],
    );
    return r.rows.map(toRow);
  }
}

async function maxStreamId(q: Queryable): Promise<number> {
  const r = await q.query<{ m: string | null }>('SELECT MAX(stream_id) AS m FROM receipts');
  return Number(r.rows[0]?.m ?? 0);
}
