// Group commit: room writes from any number of rooms are queued and committed in batches, one
// PostgreSQL transaction per batch, so throughput is bounded by batch size, not commit latency.
// A batch is one autocommit statement (store-persist.ts): one round trip plus its commit.
//
// Ordering and durability contract:
// - A write's promise resolves only after its transaction has committed (acknowledged = durable);
//   the notifier is told after that commit, never before.
// - Writes of one room reach the persister in the order their room's input serialiser built
//   them; a batch keeps queue order, so a room's events commit in build order.
// - Stream positions are allocated inside the batch's statement by a row-locked counter
//   (rooms_stream, in rooms_claim), so batches from several processes commit their positions in order and
//   without gaps: a reader that sees position N has seen every position below N.
// - Each room in a batch is locked with pg_advisory_xact_lock (held across processes) and its
//   forward extremities are compared with what the builder saw, before any row is written. A mismatch (another process
//   wrote to the room) rejects that write with StaleRoomError; the caller rebuilds and retries.
//   A write whose transaction id is already in the database is rejected with TxnTakenError
//   (multi-writer: the send path does not look txn ids up itself, see txn-cache.ts).
// - If a batch fails, each of its writes is retried alone, so one bad write fails only itself.
// - singleWriter (the embedded database, whose data-dir lock admits one process): batches run one
//   at a time in this process, so positions come from an in-memory counter (read once, rolled
//   back with a failed batch) and no room locks or checks are needed.
import type { Db, Queryable } from '../storage/db.ts';
import type { Logger } from '../observability/log.ts';
import type { PersistResult, RoomWrite } from './types.ts';
import type { PersistMetrics } from './metrics.ts';
import {
  lockRooms, persistBatch, persistBatchSingleWriter, readStreamPosition, renamePreparedStatements, StaleBatch, StaleRoomError, TxnTakenError,
} from './store-persist.ts';

export { StaleRoomError, TxnTakenError };

/** Upper bound on events per transaction: keeps one batch's statement sizes reasonable. */
export const MAX_BATCH_EVENTS = 1000;

interface Pending {
  write: RoomWrite;
  resolve: (r: PersistResult) => void;
  reject: (e: unknown) => void;
}

export interface PersisterStats {
  batches: number;
  writes: number;
}

export class Persister {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #onCommitted: (writes: readonly RoomWrite[], results: readonly PersistResult[]) => void;
  #queue: Pending[] = [];
  #running = false;
  #closed = false;
  readonly stats: PersisterStats = { batches: 0, writes: 0 };

  readonly #singleWriter: boolean;
  readonly #metrics: PersistMetrics | null;
  #position: number | null = null;

  constructor(deps: {
    db: Db;
    log: Logger;
    onCommitted: (writes: readonly RoomWrite[], results: readonly PersistResult[]) => void;
    singleWriter?: boolean;
    metrics?: PersistMetrics;
  }) {
    this.#metrics = deps.metrics ?? null;
    this.#db = deps.db;
    this.#singleWriter = deps.singleWriter ?? false;
    this.#log = deps.log;
    this.#onCommitted = deps.onCommitted;
  }

  persist(write: RoomWrite): Promise<PersistResult> {
    if (this.#closed) return Promise.reject(new Error('persister is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        await this.#commit(batch);
      }
    } finally {
      this.#running = false;
    }
  }

  #take(): Pending[] {
    let n = 0;
    let events = 0;
    while (n < this.#queue.length && (n === 0 || events + this.#queue[n]!.write.events.length <= MAX_BATCH_EVENTS)) {
      events += this.#queue[n]!.write.events.length;
      n++;
    }
    return this.#queue.splice(0, n);
  }

  async #commit(batch: Pending[]): Promise<void> {
    let results: readonly PersistResult[];
    const started = performance.now();
    try {
      const writes = batch.map((p) => p.write);
      results = this.#singleWriter
        ? await (async () => {
            const base = this.#position ?? (await readStreamPosition(this.#db));
            const r = await persistBatchSingleWriter(this.#db, writes, base);
            this.#position = base + writes.reduce((n, w) => n + w.events.length, 0);
            return r;
          })()
        : await persistBatch(this.#db, writes);
    } catch (e) {
      // A failed batch took no positions: re-read the counter next time.
      this.#position = null;
      if (!(e instanceof StaleBatch)) renamePreparedStatements();
      if (e instanceof StaleBatch) {
        // Stale writes are refused (their rooms rebuild), as are writes whose txn id is taken
        // (the send answers with the existing event); the rest go again without them (the
        // refused statement took no positions).
        const fresh = batch.filter((p, i) => {
          const taken = e.taken.get(i);
          if (taken !== undefined) {
            p.reject(new TxnTakenError(taken));
            return false;
          }
          if (!e.stale.has(i)) return true;
          this.#metrics?.stale();
          p.reject(new StaleRoomError(p.write.roomId));
          return false;
        });
        if (fresh.length > 0) await this.#commit(fresh);
      } else if (batch.length === 1) {
        batch[0]!.reject(e);
      } else {
        for (const p of batch) await this.#commit([p]);
      }
      return;
    }
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.#metrics?.batch(batch.reduce((n, p) => n + p.write.events.length, 0), batch.length, (performance.now() - started) / 1000);
    try {
      this.#onCommitted(batch.map((p) => p.write), results);
    } catch (e) {
      this.#log.error('post-commit hook failed', { err: e });
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  /**
   * The slow path for a room that keeps changing under its writes (several processes writing to
   * it): one transaction takes the room's lock first, then `build` reads the head through `q`
   * and returns the write, which commits in that same transaction, so it cannot be stale.
   */
  async persistExclusive<T>(roomId: string, build: (q: Queryable) => Promise<{ write: RoomWrite | null; value: T }>): Promise<{ value: T; result: PersistResult | null; write: RoomWrite | null }> {
    const out = await this.#db
      .tx(async (q) => {
        await lockRooms(q, [roomId]);
        const { write, value } = await build(q);
        if (!write) return { value, result: null, write };
        const results = await persistBatch(q, [write]);
        return { value, result: results[0]!, write };
      })
      .catch((e: unknown) => {
        renamePreparedStatements();
        if (e instanceof StaleBatch && e.taken.size > 0) throw new TxnTakenError(e.taken.values().next().value!);
        throw e;
      });
    if (out.write && out.result) {
      this.stats.batches++;
      this.stats.writes++;
      try {
        this.#onCommitted([out.write], [out.result]);
      } catch (e) {
        this.#log.error('post-commit hook failed', { err: e });
      }
    }
    return out;
  }

  /** Waits for queued writes, then refuses new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running || this.#queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
