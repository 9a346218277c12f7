// The embedded job queue: a PostgreSQL table (migrations/001-jobs.sql), so it runs on PGlite
// and on a PostgreSQL shared by several hub processes. The contract (ordering, retries,
// durability) is at the top of queue.ts; how this backend keeps it:
// - Claiming is one UPDATE over `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent workers in
//   any number of processes never take the same job. A claimed job gets a lease and a random
//   token; the lease is renewed while the handler runs, and only the token's holder may finish
//   the job. A job whose lease expired (its process died) is claimable again.
// - Per-key order: a job is claimable only if no earlier job (lower seq) of its key is waiting
//   or active. Within one snapshot that makes only the head of each key claimable, and a
//   second claimer skips the head's locked row; so one job per key runs at a time, in seq
//   (enqueue) order.
// - Dedup: UNIQUE (queue, job_id) with ON CONFLICT DO NOTHING; finished rows are kept for
//   retainFinishedMs and then purged.
// - Wake-up: add() wakes this process's worker for that queue at once; jobs added by other
//   processes, delays and retries are found by polling (at most pollMs late).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from '../storage/db.ts';
import { runMigrations } from '../storage/migrate.ts';
import {
  DEFAULT_BACKOFF, DEFAULT_TUNING, MAX_STALLS, backoffDelay, checkJobOptions,
  type Job, type JobHandler, type JobOptions, type JobQueue, type JsonValue, type ProcessOptions, type QueueTuning,
} from './queue.ts';

export interface EmbeddedQueueOptions {
  db: Db;
  tuning?: Partial<QueueTuning>;
  /** Longest a worker sleeps before looking for jobs it was not woken for (default 1 s). */
  pollMs?: number;
  onError?: (err: unknown, context: string) => void;
}

const PURGE_EVERY_MS = 60_000;
const MIN_SLEEP_MS = 10;

interface ClaimedRow {
  seq: number;
  job_id: string;
  name: string;
  data: JsonValue;
  order_key: string | null;
  attempts_made: number;
  max_attempts: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
}

interface Claimed extends ClaimedRow {
  /** Proves this worker still holds the lease when it finishes the job. */
  token: string;
}

export async function createEmbeddedQueue(opts: EmbeddedQueueOptions): Promise<JobQueue> {
  await runMigrations(opts.db, [{ feature: 'queue', dir: join(import.meta.dirname, 'migrations') }]);
  return new EmbeddedQueue(opts);
}

class EmbeddedQueue implements JobQueue {
  readonly #db: Db;
  readonly #tuning: QueueTuning;
  readonly #pollMs: number;
  readonly #onError: (err: unknown, context: string) => void;
  readonly #workers = new Map<string, Worker>();
  readonly #purgeTimer: NodeJS.Timeout;
  #closed = false;

  constructor(opts: EmbeddedQueueOptions) {
    this.#db = opts.db;
    this.#tuning = { ...DEFAULT_TUNING, ...opts.tuning };
    this.#pollMs = opts.pollMs ?? 1_000;
    this.#onError = opts.onError ?? ((err, context) => console.error(`embedded queue: ${context}:`, err));
    this.#purgeTimer = setInterval(() => {
      this.#db.query("DELETE FROM queue_jobs WHERE finished_at < now() - make_interval(secs => $1::float8 / 1000)",
        [this.#tuning.retainFinishedMs]).catch((e: unknown) => this.#onError(e, 'purge'));
    }, PURGE_EVERY_MS);
    this.#purgeTimer.unref();
  }

  async add<T extends JsonValue>(queue: string, name: string, data: T, opts: JobOptions = {}): Promise<string> {
    if (this.#closed) throw new Error('queue is closed');
    checkJobOptions(opts);
    const jobId = opts.jobId ?? randomUUID();
    const backoff = opts.backoff ?? DEFAULT_BACKOFF;
    await this.#db.query(
      `INSERT INTO queue_jobs (queue, job_id, name, data, order_key, run_at, max_attempts, backoff_base_ms, backoff_max_ms)
       VALUES ($1, $2, $3, $4::jsonb, $5, now() + make_interval(secs => $6::float8 / 1000), $7, $8, $9)
       ON CONFLICT (queue, job_id) DO NOTHING`,
      [queue, jobId, name, JSON.stringify(data), opts.orderKey ?? null, opts.delayMs ?? 0, opts.attempts ?? 1, backoff.baseMs, backoff.maxMs],
    );
    this.#workers.get(queue)?.wake();
    return jobId;
  }

  process<T extends JsonValue>(queue: string, handler: JobHandler<T>, opts: ProcessOptions = {}): void {
    if (this.#closed) throw new Error('queue is closed');
    if (this.#workers.has(queue)) throw new Error(`queue ${queue} already has a processor`);
    const worker = new Worker(this.#db, queue, handler as JobHandler, Math.max(1, opts.concurrency ?? 1), this.#tuning, this.#pollMs, this.#onError);
    this.#workers.set(queue, worker);
    worker.start();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#purgeTimer);
    await Promise.all([...this.#workers.values()].map((w) => w.stop()));
  }
}

class Worker {
  readonly #db: Db;
  readonly #queue: string;
  readonly #handler: JobHandler;
  readonly #concurrency: number;
  readonly #tuning: QueueTuning;
  readonly #pollMs: number;
  readonly #onError: (err: unknown, context: string) => void;
  readonly #running = new Map<Promise<void>, { abandoned: boolean }>();
  #stopping = false;
  #woken = false;
  #sleeper: (() => void) | null = null;
  #loop: Promise<void> = Promise.resolve();

  constructor(db: Db, queue: string, handler: JobHandler, concurrency: number, tuning: QueueTuning, pollMs: number,
    onError: (err: unknown, context: string) => void) {
    this.#db = db;
    this.#queue = queue;
    this.#handler = handler;
    this.#concurrency = concurrency;
    this.#tuning = tuning;
    this.#pollMs = pollMs;
    this.#onError = onError;
  }

  start(): void {
    this.#loop = this.#run();
  }

  wake(): void {
    this.#woken = true;
    this.#sleeper?.();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    const running = [...this.#running.keys()];
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => { timer = setTimeout(r, this.#tuning.closeGraceMs); });
    await Promise.race([Promise.all(running), grace]);
    clearTimeout(timer);
    // Handlers still running are abandoned: no more lease renewals or result writes, so their
    // jobs are retried once the lease expires, exactly as if this process had died.
    for (const state of this.#running.values()) state.abandoned = true;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#woken = false;
      const free = this.#concurrency - this.#running.size;
      let claimed: Claimed[] = [];
      if (free > 0) {
        try {
          claimed = await this.#claim(free);
        } catch (e) {
          if (!this.#stopping) this.#onError(e, `claim from ${this.#queue}`);
        }
      }
      for (const row of claimed) this.#start(row);
      if (free > 0 && claimed.length === free) continue;
      let wait = this.#pollMs;
      if (free > 0 && !this.#woken) {
        try {
          wait = Math.min(wait, await this.#nextDueMs());
        } catch (e) {
          if (!this.#stopping) this.#onError(e, `poll ${this.#queue}`);
        }
      }
      await this.#sleep(Math.max(MIN_SLEEP_MS, wait));
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken || this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#sleeper = () => {
        this.#sleeper = null;
        done();
      };
    });
  }

  async #nextDueMs(): Promise<number> {
    const r = await this.#db.query<{ ms: number | null }>(
      `SELECT EXTRACT(EPOCH FROM (min(t) - now())) * 1000 AS ms FROM (
         SELECT min(run_at) AS t FROM queue_jobs WHERE queue = $1 AND status = 'waiting' AND run_at > now()
         UNION ALL
         SELECT min(lease_until) FROM queue_jobs WHERE queue = $1 AND status = 'active' AND lease_until > now()) due`,
      [this.#queue]);
    const ms = r.rows[0]?.ms;
    return ms === null || ms === undefined ? this.#pollMs : Math.ceil(Number(ms));
  }

  async #claim(limit: number): Promise<Claimed[]> {
    // Jobs lost to crashes too often are failed rather than run again.
    await this.#db.query(
      `UPDATE queue_jobs SET status = 'failed', finished_at = now(), lease_until = NULL, lease_token = NULL,
         last_error = 'lost to a crash or timeout ' || stalls || ' times'
       WHERE queue = $1 AND status = 'active' AND lease_until < now() AND stalls >= $2`,
      [this.#queue, MAX_STALLS]);
    const token = randomUUID();
    const r = await this.#db.query<ClaimedRow>(
      `UPDATE queue_jobs j SET
         status = 'active',
         attempts_made = CASE WHEN j.status = 'waiting' THEN j.attempts_made + 1 ELSE j.attempts_made END,
         stalls = CASE WHEN j.status = 'active' THEN j.stalls + 1 ELSE j.stalls END,
         lease_until = now() + make_interval(secs => $3::float8 / 1000),
         lease_token = $4
       FROM (
         SELECT c.seq FROM queue_jobs c
         WHERE c.queue = $1
           AND ((c.status = 'waiting' AND c.run_at <= now()) OR (c.status = 'active' AND c.lease_until < now()))
           AND (c.order_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM queue_jobs p
             WHERE p.queue = c.queue AND p.order_key = c.order_key AND p.seq < c.seq AND p.status IN ('waiting', 'active')))
         ORDER BY c.run_at, c.seq
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ) picked
       WHERE j.seq = picked.seq
       RETURNING j.seq, j.job_id, j.name, j.data, j.order_key, j.attempts_made, j.max_attempts, j.backoff_base_ms, j.backoff_max_ms`,
      [this.#queue, limit, this.#tuning.leaseMs, token]);
    return r.rows.sort((a, b) => a.seq - b.seq).map((row) => ({ ...row, token }));
  }

  #start(row: Claimed): void {
    const token = row.token;
    const state = { abandoned: false };
    const job: Job = { id: row.job_id, queue: this.#queue, name: row.name, data: row.data, attempt: row.attempts_made, orderKey: row.order_key };
    const renew = setInterval(() => {
      if (state.abandoned) return;
      this.#db.query(
        `UPDATE queue_jobs SET lease_until = now() + make_interval(secs => $3::float8 / 1000) WHERE seq = $1 AND lease_token = $2`,
        [row.seq, token, this.#tuning.leaseMs]).catch((e: unknown) => this.#onError(e, 'renew lease'));
    }, Math.max(MIN_SLEEP_MS, this.#tuning.leaseMs / 3));
    const run = (async () => {
      let error: unknown = null;
      try {
        await this.#handler(job);
      } catch (e) {
        error = e;
      }
      clearInterval(renew);
      if (state.abandoned) return;
      try {
        await this.#finish(row, token, error);
      } catch (e) {
        if (!state.abandoned) this.#onError(e, `finish job ${row.job_id}`);
      }
    })().finally(() => {
      this.#running.delete(run);
      this.wake();
    });
    this.#running.set(run, state);
  }

  async #finish(row: ClaimedRow, token: string, error: unknown): Promise<void> {
    if (error === null) {
      await this.#db.query(
        `UPDATE queue_jobs SET status = 'completed', finished_at = now(), lease_until = NULL, lease_token = NULL
         WHERE seq = $1 AND lease_token = $2`, [row.seq, token]);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (row.attempts_made < row.max_attempts) {
      const delay = backoffDelay(row.attempts_made, { baseMs: row.backoff_base_ms, maxMs: row.backoff_max_ms });
      await this.#db.query(
        `UPDATE queue_jobs SET status = 'waiting', run_at = now() + make_interval(secs => $3::float8 / 1000),
           lease_until = NULL, lease_token = NULL, last_error = $4
         WHERE seq = $1 AND lease_token = $2`, [row.seq, token, delay, message]);
    } else {
      await this.#db.query(
        `UPDATE queue_jobs SET status = 'failed', finished_at = now(), lease_until = NULL, lease_token = NULL, last_error = $3
         WHERE seq = $1 AND lease_token = $2`, [row.seq, token, message]);
    }
  }
}
