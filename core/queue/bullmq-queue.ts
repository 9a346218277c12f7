// The job queue on BullMQ (Redis), for clusters of hub processes. The contract is at the top of
// queue.ts; how this backend keeps it:
// - Dedup: the jobId is BullMQ's job id; BullMQ ignores an add() whose id exists, and finished
//   jobs are kept for retainFinishedMs (removeOnComplete/removeOnFail by age).
// - Delay, retries: BullMQ's `delay` and `attempts`; the backoff is our capped exponential with
//   jitter, as a custom backoff strategy reading the job's own settings.
// - Leases: BullMQ's job lock (lockDuration = leaseMs, renewed while the handler runs) and its
//   stalled-job check, which puts a job whose lock expired back in the wait list without counting
//   an attempt, and fails it after MAX_STALLS stalls (maxStalledCount).
// - Per-key order. BullMQ OSS has no groups, so each key has a Redis list of its job ids in
//   enqueue order (RPUSH at add time, once per id). A worker that picks up a job whose id is
//   not at the head of its key's list parks it: moves it back to delayed (ORDER_RECHECK_MS)
//   and marks it parked. When the head job finishes (completed, or failed for the last time),
//   its worker removes it from the list and promotes the new head if it is parked. Races are
//   closed by the parked job re-reading the head after parking (it promotes itself if it became
//   the head meanwhile); a promotion lost to a crash is made up by the recheck delay; a head
//   left in the list by a crash (its job finished or gone) is dropped by the next job that
//   checks. Compared with a Redis lock per key this keeps enqueue order (a lock only gives
//   mutual exclusion) and parked jobs cost nothing while they wait. A job run again after a
//   crash that had already left the list runs without waiting (at-least-once wins over order
//   in that one case).
import { randomUUID } from 'node:crypto';
import { Queue, Worker, DelayedError, Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DEFAULT_BACKOFF, DEFAULT_TUNING, MAX_STALLS, backoffDelay, checkJobOptions,
  type BackoffOptions, type JobHandler, type JobOptions, type JobQueue, type JsonValue, type ProcessOptions, type QueueTuning,
} from './queue.ts';

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Redis key prefix (default 'switchyard'); tests use a random one each. */
  prefix?: string;
  tuning?: Partial<QueueTuning>;
  onError?: (err: unknown, context: string) => void;
}

/** How long a parked ordered job waits before re-checking on its own (lost promotions). */
const ORDER_RECHECK_MS = 30_000;
/** A key's head id whose job does not exist yet may still be mid-add() for this long. */
const ADD_GRACE_MS = 10_000;
const BACKOFF_TYPE = 'switchyard';

interface Envelope {
  d: JsonValue;
  o: string | null;
  b: BackoffOptions;
}

export async function createBullmqQueue(opts: BullmqQueueOptions): Promise<JobQueue> {
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait across reconnects.
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect();
  return new BullmqQueue(redis, opts);
}

class BullmqQueue implements JobQueue {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #tuning: QueueTuning;
  readonly #onError: (err: unknown, context: string) => void;
  readonly #queues = new Map<string, Queue>();
  readonly #workers = new Map<string, { worker: Worker; running: Map<Promise<void>, { abandoned: boolean }> }>();
  #closed = false;

  constructor(redis: Redis, opts: BullmqQueueOptions) {
    this.#redis = redis;
    this.#prefix = opts.prefix ?? 'switchyard';
    this.#tuning = { ...DEFAULT_TUNING, ...opts.tuning };
    this.#onError = opts.onError ?? ((err, context) => console.error(`bullmq queue: ${context}:`, err));
  }

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.#redis, prefix: this.#prefix });
      q.on('error', (e) => this.#onError(e, `queue ${name}`));
      this.#queues.set(name, q);
    }
    return q;
  }

  #key(kind: string, queue: string, id: string): string {
    return `${this.#prefix}:sw-${kind}:${queue}:${id}`;
  }

  async add<T extends JsonValue>(queue: string, name: string, data: T, opts: JobOptions = {}): Promise<string> {
    if (this.#closed) throw new Error('queue is closed');
    checkJobOptions(opts);
    const jobId = opts.jobId ?? randomUUID();
    const orderKey = opts.orderKey ?? null;
    if (orderKey !== null) {
      // Join the key's list once per id, however often the id is added while retained.
      const fresh = await this.#redis.set(this.#key('member', queue, jobId), String(Date.now()), 'PX', this.#tuning.retainFinishedMs, 'NX');
      if (fresh === 'OK') await this.#redis.rpush(this.#key('order', queue, orderKey), jobId);
    }
    const envelope: Envelope = { d: data, o: orderKey, b: opts.backoff ?? DEFAULT_BACKOFF };
    const keepFor = { age: Math.ceil(this.#tuning.retainFinishedMs / 1000) };
    await this.#queue(queue).add(name, envelope, {
      jobId,
      delay: opts.delayMs ?? 0,
      attempts: opts.attempts ?? 1,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: keepFor,
      removeOnFail: keepFor,
    });
    return jobId;
  }

  process<T extends JsonValue>(queue: string, handler: JobHandler<T>, opts: ProcessOptions = {}): void {
    if (this.#closed) throw new Error('queue is closed');
    if (this.#workers.has(queue)) throw new Error(`queue ${queue} already has a processor`);
    const running = new Map<Promise<void>, { abandoned: boolean }>();
    const worker = new Worker(queue, async (job, token) => {
      const env = job.data as Envelope;
      const state = { abandoned: false };
      if (env.o !== null && (await this.#gate(queue, env.o, job, token)) === 'parked') throw new DelayedError();
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const run = (async () => {
        try {
          await handler({ id: job.id!, queue, name: job.name, data: env.d as T, attempt: job.attemptsMade + 1, orderKey: env.o });
        } catch (e) {
          if (last && env.o !== null && !state.abandoned) await this.#release(queue, env.o, job.id!);
          throw e;
        }
        if (env.o !== null && !state.abandoned) await this.#release(queue, env.o, job.id!);
      })();
      const tracked = run.then(() => {}, () => {}).finally(() => running.delete(tracked));
      running.set(tracked, state);
      await run;
    }, {
      connection: this.#redis,
      prefix: this.#prefix,
      concurrency: Math.max(1, opts.concurrency ?? 1),
      lockDuration: this.#tuning.leaseMs,
      stalledInterval: this.#tuning.leaseMs,
      maxStalledCount: MAX_STALLS,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { data: unknown }) =>
          backoffDelay(attemptsMade, (job?.data as Envelope | undefined)?.b ?? DEFAULT_BACKOFF),
      },
    });
    worker.on('error', (e) => {
      if (!this.#closed) this.#onError(e, `worker ${queue}`);
    });
    this.#workers.set(queue, { worker, running });
  }

  /** Whether `job` may run now under its key's order, or was parked behind an earlier job. */
  async #gate(queue: string, key: string, job: BullJob, token: string | undefined): Promise<'run' | 'parked'> {
    const list = this.#key('order', queue, key);
    for (;;) {
      const head = await this.#redis.lindex(list, 0);
      if (head === null || head === job.id) return 'run';
      if ((await this.#redis.lpos(list, job.id!)) === null) return 'run'; // re-run after it left the list
      if (await this.#headIsStale(queue, head)) {
        await this.#redis.lrem(list, 1, head);
        continue;
      }
      await this.#redis.set(this.#key('parked', queue, job.id!), '1', 'PX', ORDER_RECHECK_MS * 2);
      await job.moveToDelayed(Date.now() + ORDER_RECHECK_MS, token);
      // The head may have finished between the check and the parking, and missed us.
      if ((await this.#redis.lindex(list, 0)) === job.id) await this.#promoteParked(queue, job.id!);
      return 'parked';
    }
  }

  async #headIsStale(queue: string, head: string): Promise<boolean> {
    const headJob = await BullJob.fromId(this.#queue(queue), head);
    if (headJob) {
      const state = await headJob.getState();
      return state === 'completed' || state === 'failed' || state === 'unknown';
    }
    const addedAt = Number(await this.#redis.get(this.#key('member', queue, head)));
    return !(addedAt > 0 && Date.now() - addedAt < ADD_GRACE_MS);
  }

  /** The head job of `key` is done: drop it and start the next one if it is parked. */
  async #release(queue: string, key: string, jobId: string): Promise<void> {
    const list = this.#key('order', queue, key);
    await this.#redis.lrem(list, 1, jobId);
    const next = await this.#redis.lindex(list, 0);
    if (next !== null) await this.#promoteParked(queue, next);
  }

  async #promoteParked(queue: string, jobId: string): Promise<void> {
    if ((await this.#redis.del(this.#key('parked', queue, jobId))) === 0) return;
    const job = await BullJob.fromId(this.#queue(queue), jobId);
    // Not delayed any more: it is already waiting or running, nothing to do.
    await job?.promote().catch(() => {});
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const workers = [...this.#workers.values()];
    // Stop taking jobs, give running handlers the grace period, then let go of the rest: their
    // locks expire and the stalled check hands them to another worker (or to us after restart).
    await Promise.all(workers.map(({ worker }) => worker.pause(true)));
    const running = workers.flatMap(({ running }) => [...running.keys()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running), new Promise<void>((r) => { timer = setTimeout(r, this.#tuning.closeGraceMs); })]);
    clearTimeout(timer);
    for (const { running } of workers) for (const state of running.values()) state.abandoned = true;
    await Promise.all(workers.map(({ worker, running }) => worker.close(running.size > 0)));
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.#redis.disconnect();
  }
}
