// All SQL of appservice delivery (DESIGN §4.6): cursors, queued transactions, failure state.
// The ordering/durability contract is in delivery.ts; the rule this file keeps is that a cursor
// only moves in the same database transaction that stores the transaction built from the events
// it passed (commitBatch).
import type { Db, Queryable } from '../../core/storage/db.ts';

export type CursorStream = 'events' | 'receipts' | 'presence' | 'to_device';

export interface QueuedTxn {
  asId: string;
  txnId: number;
  body: string;
  events: number;
  ephemeral: number;
  toDevice: number;
  lastStream: number;
  createdTs: number;
}

export interface DeliveryRow {
  asId: string;
  failures: number;
  lastError: string | null;
  lastErrorTs: number | null;
  nextRetryTs: number | null;
  retryNow: boolean;
}

/** A transaction ready to store: its exact body and what it carries (metrics, admin API). */
export interface TxnDraft {
  body: string;
  events: number;
  ephemeral: number;
  toDevice: number;
  lastStream: number;
  createdTs: number;
}

export interface BatchCommit {
  asId: string;
  /** Cursor positions the batch was built from; the commit fails (returns null) if one moved. */
  from: Partial<Record<CursorStream, number>>;
  to: Partial<Record<CursorStream, number>>;
  /** The transactions built from the passed positions, in order (empty: only move the cursors). */
  txns: TxnDraft[];
}

export class DeliveryStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** The cursors, created at `start` (positions now) the first time an appservice is seen. */
  async cursors(asId: string, start: Record<CursorStream, number>): Promise<Record<CursorStream, number>> {
    const values = Object.entries(start);
    await this.#db.query(
      `INSERT INTO appservice_cursors (as_id, stream, position)
       SELECT $1, s, p FROM unnest($2::text[], $3::bigint[]) AS t(s, p) ON CONFLICT DO NOTHING`,
      [asId, values.map((v) => v[0]), values.map((v) => v[1])],
    );
    const r = await this.#db.query<{ stream: CursorStream; position: number }>('SELECT stream, position FROM appservice_cursors WHERE as_id = $1', [asId]);
    const out = { ...start };
    for (const row of r.rows) out[row.stream] = Number(row.position);
    return out;
  }

  /**
   * Stores the transactions and moves the cursors atomically, in one database round trip per
   * statement however many transactions; null when another builder got there first.
   */
  async commitBatch(b: BatchCommit): Promise<{ txnIds: number[] } | null> {
    return this.#db.tx(async (q) => {
      const cur = await q.query<{ stream: CursorStream; position: number }>(
        'SELECT stream, position FROM appservice_cursors WHERE as_id = $1 ORDER BY stream FOR UPDATE',
        [b.asId],
      );
      for (const row of cur.rows) {
        const expected = b.from[row.stream];
        if (expected !== undefined && Number(row.position) !== expected) return null;
      }
      const moves = Object.entries(b.to);
      if (moves.length > 0) {
        await q.query(
          `UPDATE appservice_cursors c SET position = t.p FROM unnest($2::text[], $3::bigint[]) AS t(s, p)
            WHERE c.as_id = $1 AND c.stream = t.s`,
          [b.asId, moves.map((m) => m[0]), moves.map((m) => m[1])],
        );
      }
      if (b.txns.length === 0) return { txnIds: [] };
      const first = await reserveTxnIds(q, b.asId, b.txns.length);
      const ids = b.txns.map((_, i) => first + i);
      const col = <K extends keyof TxnDraft>(k: K) => b.txns.map((t) => t[k]);
      await q.query(
        `INSERT INTO appservice_txns (as_id, txn_id, body, events, ephemeral, to_device, last_stream, created_ts)
         SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::int[], $5::int[], $6::int[], $7::bigint[], $8::bigint[])`,
        [b.asId, ids, col('body'), col('events'), col('ephemeral'), col('toDevice'), col('lastStream'), col('createdTs')],
      );
      return { txnIds: ids };
    });
  }

  async pendingCount(asId: string): Promise<number> {
    const r = await this.#db.query<{ n: number }>('SELECT count(*)::int AS n FROM appservice_txns WHERE as_id = $1', [asId]);
    return Number(r.rows[0]!.n);
  }

  /** The oldest unacknowledged transactions with id > after, in order. */
  async pending(asId: string, after: number, limit: number): Promise<QueuedTxn[]> {
    const r = await this.#db.query<{ as_id: string; txn_id: number; body: string; events: number; ephemeral: number; to_device: number; last_stream: number; created_ts: number }>(
      'SELECT * FROM appservice_txns WHERE as_id = $1 AND txn_id > $2 ORDER BY txn_id LIMIT $3',
      [asId, after, limit],
    );
    return r.rows.map((x) => ({
      asId: x.as_id,
      txnId: Number(x.txn_id),
      body: x.body,
      events: x.events,
      ephemeral: x.ephemeral,
      toDevice: x.to_device,
      lastStream: Number(x.last_stream),
      createdTs: Number(x.created_ts),
    }));
  }

  async isQueued(asId: string, txnId: number): Promise<boolean> {
    const r = await this.#db.query('SELECT 1 FROM appservice_txns WHERE as_id = $1 AND txn_id = $2', [asId, txnId]);
    return r.rows.length > 0;
  }

  /** Appservices with queued transactions and the newest queued id of each (restart recovery). */
  async backlogs(): Promise<{ asId: string; newest: number; count: number; oldestTs: number }[]> {
    const r = await this.#db.query<{ as_id: string; newest: number; n: number; oldest: number }>(
      'SELECT as_id, max(txn_id) AS newest, count(*)::int AS n, min(created_ts) AS oldest FROM appservice_txns GROUP BY as_id',
    );
    return r.rows.map((x) => ({ asId: x.as_id, newest: Number(x.newest), count: Number(x.n), oldestTs: Number(x.oldest) }));
  }

  async ack(asId: string, txnId: number): Promise<void> {
    await this.#db.query('DELETE FROM appservice_txns WHERE as_id = $1 AND txn_id = $2', [asId, txnId]);
  }

  /** Forgets the failure streak (after a 2xx that followed failures). */
  async clearFailures(asId: string): Promise<void> {
    await this.#db.query(
      'UPDATE appservice_delivery SET failures = 0, next_retry_ts = NULL WHERE as_id = $1 AND (failures <> 0 OR next_retry_ts IS NOT NULL)',
      [asId],
    );
  }

  async recordFailure(asId: string, error: string, now: number, nextRetryTs: number): Promise<void> {
    await this.#db.query(
      `INSERT INTO appservice_delivery (as_id, failures, last_error, last_error_ts, next_retry_ts) VALUES ($1, 1, $2, $3, $4)
       ON CONFLICT (as_id) DO UPDATE SET failures = appservice_delivery.failures + 1, last_error = $2, last_error_ts = $3, next_retry_ts = $4`,
      [asId, error, now, nextRetryTs],
    );
  }

  async deliveryRow(asId: string): Promise<DeliveryRow | null> {
    const r = await this.#db.query<{ as_id: string; failures: number; last_error: string | null; last_error_ts: number | null; next_retry_ts: number | null; retry_now: boolean }>(
      'SELECT * FROM appservice_delivery WHERE as_id = $1',
      [asId],
    );
    const x = r.rows[0];
    if (!x) return null;
    const num = (v: number | null) => (v === null ? null : Number(v));
    return { asId: x.as_id, failures: x.failures, lastError: x.last_error, lastErrorTs: num(x.last_error_ts), nextRetryTs: num(x.next_retry_ts), retryNow: x.retry_now };
  }

  /** Asks the sender of this appservice (on whichever process) to retry now. */
  async requestRetry(asId: string, on: boolean): Promise<void> {
    await this.#db.query(
      `INSERT INTO appservice_delivery (as_id, retry_now) VALUES ($1, $2) ON CONFLICT (as_id) DO UPDATE SET retry_now = $2`,
      [asId, on],
    );
  }

  /** Operator's "drop queue": forgets queued transactions (the cursors stay where they are). */
  async dropQueue(asId: string): Promise<number> {
    const r = await this.#db.query('DELETE FROM appservice_txns WHERE as_id = $1', [asId]);
    return r.rowCount ?? 0;
  }
}

/** Reserves n consecutive txnIds; returns the first. */
async function reserveTxnIds(q: Queryable, asId: string, n: number): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO appservice_delivery (as_id, next_txn_id) VALUES ($1, 1 + $2::int)
     ON CONFLICT (as_id) DO UPDATE SET next_txn_id = appservice_delivery.next_txn_id + $2::int
     RETURNING next_txn_id - $2::int AS id`,
    [asId, n],
  );
  return Number(r.rows[0]!.id);
}
