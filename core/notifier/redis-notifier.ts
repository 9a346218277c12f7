// Fans notifications out to every hub process sharing the database, over Redis pub/sub, when
// REDIS_URL is set. Local listeners are woken at once; the message to Redis carries the origin
// process id so a process does not wake its own listeners twice.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LocalNotifier, type Notifier, type StreamListener, type StreamUpdate } from './notifier.ts';

const CHANNEL = 'switchyard:notify';

export async function createRedisNotifier(redisUrl: string, opts: { channelPrefix?: string } = {}): Promise<Notifier> {
  const channel = `${opts.channelPrefix ?? ''}${CHANNEL}`;
  const origin = randomBytes(8).toString('hex');
  const local = new LocalNotifier();
  const pub = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  const sub = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  // Connection errors are retried by ioredis; meanwhile cross-process wake-ups are late, which
  // costs latency only (consumers re-read their streams on their own timers).
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  await sub.subscribe(channel);
  sub.on('message', (_ch: string, message: string) => {
    try {
      const { o, u } = JSON.parse(message) as { o: string; u: StreamUpdate };
      if (o !== origin) local.notify(u);
    } catch {
      /* not ours */
    }
  });
  return {
    notify(update: StreamUpdate) {
      local.notify(update);
      pub.publish(channel, JSON.stringify({ o: origin, u: update })).catch(() => {});
    },
    subscribe: (l: StreamListener) => local.subscribe(l),
    wait: (interested, timeoutMs, signal) => local.wait(interested, timeoutMs, signal),
    async close() {
      await local.close();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
