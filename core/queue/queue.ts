// The one job-queue interface (DESIGN §3, §4.7). PostgreSQL is the truth; a queue wakes workers
// and schedules retries. Two backends pass one contract test (test/integration/queue):
// core/queue/embedded-queue.ts (a PostgreSQL table, also on PGlite) and core/queue/bullmq-queue.ts
// (BullMQ on Redis). core/queue/open.ts picks one from the config.
//
// The contract
// - Delivery is at least once. A handler may run again after a crash, a lost lease or a
//   close() that gave up waiting for it, so handlers are idempotent (deliveries carry
//   deterministic transaction ids; writes are keyed).
// - Dedup: add() with a jobId that is already waiting, active, delayed, or finished less than
//   `retainFinishedMs` ago (default 24 h) does nothing and returns that id. Deterministic ids
//   (`<asId>-<txnId>`) therefore make "enqueued twice" run once.
// - Delay: a job with delayMs does not start before that time has passed.
// - Retries: a handler that throws is retried until `attempts` attempts (default 1 = no retry)
//   have been made, after a capped exponential backoff with full jitter: attempt n (n >= 1
//   failed attempts) waits a random time in [d/2, d] with d = min(maxMs, baseMs * 2^(n-1)).
//   After the last attempt the job is failed and kept (for inspection) for the retention.
// - Order: jobs with the same orderKey in the same queue run one at a time, in the order add()
//   was called (enqueue order); a job waiting for its delay or a retry holds back the later
//   jobs of its key (head-of-line, like a per-destination federation queue); a failed job
//   releases them. Jobs with different keys, or no key, run concurrently up to `concurrency`
//   per process(). Ordering between adds that race each other is whichever commits first.
// - Durability: a job whose add() resolved survives a process restart; one that was running
//   when its process died is run again once its lease (`leaseMs`, default 30 s) expires. That
//   re-run is not counted as an attempt (a crash is not the job's failure), but a job lost
//   this way more than MAX_STALLS times is failed, so a job that kills its process cannot loop
//   forever. close() stops taking jobs and waits up to `closeGraceMs` for running handlers; a
//   handler still running then is abandoned to the lease rule.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface BackoffOptions {
  /** Delay before the first retry (upper bound; jittered down to half). */
  baseMs: number;
  /** Cap on the delay however many attempts failed. */
  maxMs: number;
}

export interface JobOptions {
  /** Dedup key: a second add() with the same id (while retained) does nothing. */
  jobId?: string;
  /** Do not start before this many milliseconds from now. */
  delayMs?: number;
  /** Total attempts, first included (default 1). */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Jobs sharing a key run one at a time, in enqueue order. */
  orderKey?: string;
}

export interface Job<T extends JsonValue = JsonValue> {
  id: string;
  queue: string;
  name: string;
  data: T;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
  orderKey: string | null;
}

export type JobHandler<T extends JsonValue = JsonValue> = (job: Job<T>) => Promise<void>;

export interface ProcessOptions {
  /** Handlers of this queue running at once in this process (default 1). */
  concurrency?: number;
}

export interface JobQueue {
  /** Enqueues a job; resolves once it is durable. Returns its id (the given jobId or a new one). */
  add<T extends JsonValue>(queue: string, name: string, data: T, opts?: JobOptions): Promise<string>;
  /** Starts running the jobs of `queue` with `handler`. One process() per queue per JobQueue. */
  process<T extends JsonValue>(queue: string, handler: JobHandler<T>, opts?: ProcessOptions): void;
  /** Stops taking jobs, waits up to closeGraceMs for running handlers, releases connections. */
  close(): Promise<void>;
}

export interface QueueTuning {
  /** How long a claimed job is owned before another worker may retry it (renewed while running). */
  leaseMs: number;
  /** How long close() waits for running handlers. */
  closeGraceMs: number;
  /** How long finished (completed or failed) jobs are kept, and so deduplicate re-adds. */
  retainFinishedMs: number;
}

export const DEFAULT_TUNING: QueueTuning = {
  leaseMs: 30_000,
  closeGraceMs: 10_000,
  retainFinishedMs: 24 * 60 * 60_000,
};

/** Runs lost to crashes (expired leases) after which a job is failed. */
export const MAX_STALLS = 5;

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** The delay before the next attempt after `failedAttempts` failures (>= 1); see the contract. */
export function backoffDelay(failedAttempts: number, backoff: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failedAttempts - 1, 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Checks options at the edge so both backends reject the same mistakes. */
export function checkJobOptions(opts: JobOptions): void {
  if (opts.attempts !== undefined && (!Number.isInteger(opts.attempts) || opts.attempts < 1)) {
    throw new RangeError(`attempts must be an integer >= 1, got ${opts.attempts}`);
  }
  if (opts.delayMs !== undefined && !(opts.delayMs >= 0)) throw new RangeError(`delayMs must be >= 0, got ${opts.delayMs}`);
  if (opts.backoff && !(opts.backoff.baseMs >= 0 && opts.backoff.maxMs >= opts.backoff.baseMs)) {
    throw new RangeError('backoff needs 0 <= baseMs <= maxMs');
  }
  if (opts.jobId !== undefined && (opts.jobId === '' || opts.jobId.includes(':'))) {
    // BullMQ uses ':' in its keys; refusing it on both backends keeps ids portable.
    throw new RangeError(`jobId must be non-empty and contain no ':', got ${JSON.stringify(opts.jobId)}`);
  }
}
