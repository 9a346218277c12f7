// Picks the job-queue backend from the config: BullMQ when redisUrl is set, otherwise the
// PostgreSQL table queue on the hub's own database (embedded PGlite or PostgreSQL).
import type { Config } from '../config/schema.ts';
import type { Db } from '../storage/db.ts';
import { createEmbeddedQueue } from './embedded-queue.ts';
import type { JobQueue, QueueTuning } from './queue.ts';

export type QueueKind = 'bullmq' | 'embedded';

export interface OpenQueueOptions {
  tuning?: Partial<QueueTuning>;
  /** Redis key prefix for BullMQ (default 'switchyard'). */
  redisPrefix?: string;
  onError?: (err: unknown, context: string) => void;
}

export async function openQueue(config: Pick<Config, 'redisUrl'>, db: Db, opts: OpenQueueOptions = {}): Promise<{ queue: JobQueue; kind: QueueKind }> {
  if (config.redisUrl !== null) {
    const queue = await (await import('./bullmq-queue.ts')).createBullmqQueue({
      redisUrl: config.redisUrl,
      ...(opts.redisPrefix === undefined ? {} : { prefix: opts.redisPrefix }),
      ...(opts.tuning === undefined ? {} : { tuning: opts.tuning }),
      ...(opts.onError === undefined ? {} : { onError: opts.onError }),
    });
    return { queue, kind: 'bullmq' };
  }
  const queue = await createEmbeddedQueue({
    db,
    ...(opts.tuning === undefined ? {} : { tuning: opts.tuning }),
    ...(opts.onError === undefined ? {} : { onError: opts.onError }),
  });
  return { queue, kind: 'embedded' };
}
