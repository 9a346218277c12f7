// One contract (core/queue/queue.ts) run against every backend: the embedded PostgreSQL-table
// queue always (on PGlite, or on PostgreSQL when DATABASE_URL is set), BullMQ when REDIS_URL
// is set.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { JobQueue, Job, QueueTuning, JsonValue } from '../../../core/queue/queue.ts';
import { createEmbeddedQueue } from '../../../core/queue/embedded-queue.ts';
import { createBullmqQueue } from '../../../core/queue/bullmq-queue.ts';
import { testDatabase, testRedis, type TestDatabase, type TestRedis } from '../../support/database.ts';

interface Harness {
  open(tuning?: Partial<QueueTuning>): Promise<JobQueue>;
  /** A process restart for the backend's store (embedded: PGlite is shut down and reopened). */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

interface Backend {
  name: string;
  skip: string | false;
  setup(): Promise<Harness>;
}

const FAST: Partial<QueueTuning> = { leaseMs: 2_000, closeGraceMs: 2_000 };

const backends: Backend[] = [
  {
    name: 'embedded (PostgreSQL table)',
    skip: false,
    async setup() {
      const t: TestDatabase = await testDatabase();
      return {
        open: (tuning) => createEmbeddedQueue({ db: t.db, tuning: { ...FAST, ...tuning }, pollMs: 50 }),
        restart: async () => { await t.restart(); },
        cleanup: () => t.cleanup(),
      };
    },
  },
  {
    name: 'BullMQ (Redis)',
    skip: process.env.REDIS_URL ? false : 'REDIS_URL not set: BullMQ backend not tested',
    async setup() {
      const r: TestRedis = testRedis()!;
      return {
        open: (tuning) => createBullmqQueue({ redisUrl: r.url, prefix: r.prefix, tuning: { ...FAST, ...tuning } }),
        restart: async () => {},
        cleanup: () => r.cleanup(),
      };
    },
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function qname(): string {
  return `q${randomBytes(4).toString('hex')}`;
}

for (const backend of backends) {
  describe(`job queue contract: ${backend.name}`, { skip: backend.skip }, () => {
    let h: Harness;
    const open: JobQueue[] = [];
    const openQueue = async (tuning?: Partial<QueueTuning>) => {
      const q = await h.open(tuning);
      open.push(q);
      return q;
    };
    before(async () => {
      h = await backend.setup();
    });
    after(async () => {
      for (const q of open) await q.close();
      await h.cleanup();
    });

    test('runs a job with its name, data and attempt number', async () => {
      const q = await openQueue();
      const name = qname();
      const seen: Job[] = [];
      q.process(name, async (job) => { seen.push(job); });
      const id = await q.add(name, 'greet', { hello: ['world', 1, null] });
      await waitFor('the job', () => seen.length === 1);
      assert.deepEqual(seen[0], { id, queue: name, name: 'greet', data: { hello: ['world', 1, null] }, attempt: 1, orderKey: null });
      await q.close();
    });

    test('a jobId enqueued twice runs once, also when re-added after it finished', async () => {
      const q = await openQueue();
      const name = qname();
      const runs: string[] = [];
      assert.equal(await q.add(name, 'deliver', { n: 1 }, { jobId: 'as1-txn7' }), 'as1-txn7');
      assert.equal(await q.add(name, 'deliver', { n: 2 }, { jobId: 'as1-txn7' }), 'as1-txn7');
      q.process(name, async (job) => { runs.push(`${job.id}:${(job.data as { n: number }).n}`); });
      await q.add(name, 'deliver', { n: 3 }, { jobId: 'as1-txn8' });
      await waitFor('both jobs', () => runs.length === 2);
      await q.add(name, 'deliver', { n: 4 }, { jobId: 'as1-txn7' });
      await q.add(name, 'deliver', { n: 5 }, { jobId: 'as1-txn9' });
      await waitFor('the third job', () => runs.length === 3);
      await sleep(200);
      assert.deepEqual(runs.sort(), ['as1-txn7:1', 'as1-txn8:3', 'as1-txn9:5']);
      await q.close();
    });

    test('a delayed job does not start before its delay', async () => {
      const q = await openQueue();
      const name = qname();
      const order: string[] = [];
      let delayedStart = 0;
      q.process(name, async (job) => {
        order.push(job.name);
        if (job.name === 'later') delayedStart = Date.now();
      }, { concurrency: 2 });
      const addedAt = Date.now();
      await q.add(name, 'later', null, { delayMs: 500 });
      await q.add(name, 'now', null);
      await waitFor('both jobs', () => order.length === 2);
      assert.deepEqual(order, ['now', 'later']);
      // Small slack for clock granularity between Node and the store's clock.
      assert.ok(delayedStart - addedAt >= 480, `started ${delayedStart - addedAt} ms after add`);
      await q.close();
    });

    test('a failing job is retried with backoff until it succeeds or runs out of attempts', async () => {
      const q = await openQueue();
      const name = qname();
      const tries: { id: string; attempt: number; at: number }[] = [];
      q.process(name, async (job) => {
        tries.push({ id: job.id, attempt: job.attempt, at: Date.now() });
        if (job.id === 'flaky' && job.attempt < 3) throw new Error(`flaky attempt ${job.attempt}`);
        if (job.id === 'broken') throw new Error('always broken');
      }, { concurrency: 2 });
      await q.add(name, 'work', null, { jobId: 'flaky', attempts: 5, backoff: { baseMs: 200, maxMs: 300 } });
      await q.add(name, 'work', null, { jobId: 'broken', attempts: 2, backoff: { baseMs: 100, maxMs: 100 } });
      await waitFor('three flaky attempts', () => tries.filter((t) => t.id === 'flaky').length === 3);
      await waitFor('two broken attempts', () => tries.filter((t) => t.id === 'broken').length === 2);
      await sleep(500);
      const flaky = tries.filter((t) => t.id === 'flaky');
      const broken = tries.filter((t) => t.id === 'broken');
      assert.deepEqual(flaky.map((t) => t.attempt), [1, 2, 3]);
      assert.deepEqual(broken.map((t) => t.attempt), [1, 2], 'no third attempt after attempts: 2');
      // Jitter keeps each wait within [d/2, d]: d = 200 then 300 (capped from 400).
      assert.ok(flaky[1]!.at - flaky[0]!.at >= 90, 'first retry waited its backoff');
      assert.ok(flaky[2]!.at - flaky[1]!.at >= 140, 'second retry waited its backoff');
      await q.close();
    });

    test('jobs sharing an orderKey run one at a time in enqueue order; other keys run alongside', async () => {
      const q = await openQueue();
      const name = qname();
      const keys = ['server-a', 'server-b', 'server-c'];
      const perKey = 8;
      const started: Record<string, number[]> = {};
      const runningPerKey: Record<string, number> = {};
      let running = 0;
      let maxRunning = 0;
      let violations = 0;
      let done = 0;
      q.process(name, async (job) => {
        const key = job.orderKey!;
        runningPerKey[key] = (runningPerKey[key] ?? 0) + 1;
        if (runningPerKey[key] > 1) violations++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        (started[key] ??= []).push((job.data as { i: number }).i);
        await sleep(5 + Math.floor(Math.random() * 20));
        running--;
        runningPerKey[key]--;
        done++;
      }, { concurrency: 4 });
      for (let i = 0; i < perKey; i++) {
        for (const key of keys) await q.add(name, 'pdu', { i }, { orderKey: key });
      }
      await waitFor('every job', () => done === keys.length * perKey);
      assert.equal(violations, 0, 'never two jobs of one key at once');
      for (const key of keys) assert.deepEqual(started[key], [...Array(perKey).keys()], `order of ${key}`);
      assert.ok(maxRunning > 1, 'different keys ran concurrently');
      await q.close();
    });

    test('a job retrying holds back the later jobs of its key (head of line)', async () => {
      const q = await openQueue();
      const name = qname();
      const log: string[] = [];
      q.process(name, async (job) => {
        log.push(`${job.name}#${job.attempt}`);
        if (job.name === 'first' && job.attempt === 1) throw new Error('try again');
      }, { concurrency: 3 });
      await q.add(name, 'first', null, { orderKey: 'dest', attempts: 3, backoff: { baseMs: 150, maxMs: 150 } });
      await q.add(name, 'second', null, { orderKey: 'dest' });
      await q.add(name, 'third', null, { orderKey: 'dest' });
      await waitFor('all three', () => log.length === 4);
      assert.deepEqual(log, ['first#1', 'first#2', 'second#1', 'third#1']);
      await q.close();
    });

    test('jobs enqueued before a restart run after it', async () => {
      const name = qname();
      const before = await openQueue();
      await before.add(name, 'pending', { n: 1 });
      await before.add(name, 'pending-delayed', { n: 2 }, { delayMs: 300 });
      await before.add(name, 'pending-ordered', { n: 3 }, { orderKey: 'k' });
      await before.close();
      await h.restart();
      const after = await openQueue();
      const seen: string[] = [];
      after.process(name, async (job) => { seen.push(job.name); }, { concurrency: 3 });
      await waitFor('the pending jobs', () => seen.length === 3);
      assert.deepEqual(seen.sort(), ['pending', 'pending-delayed', 'pending-ordered']);
      await after.close();
    });

    test('a job in flight when its process stopped is run again after the restart', async () => {
      const name = qname();
      const tuning = { leaseMs: 800, closeGraceMs: 50 };
      const first = await openQueue(tuning);
      let release!: () => void;
      const stuck = new Promise<void>((r) => { release = r; });
      const starts: Job[] = [];
      first.process(name, async (job) => {
        starts.push(job);
        await stuck; // the "process" dies before this handler finishes
      });
      await first.add(name, 'deliver', { txn: 1 }, { jobId: 'as9-txn1', orderKey: 'as9' });
      await first.add(name, 'deliver', { txn: 2 }, { jobId: 'as9-txn2', orderKey: 'as9' });
      await waitFor('the first start', () => starts.length === 1);
      await first.close();
      await h.restart();
      const second = await openQueue(tuning);
      const completed: string[] = [];
      second.process(name, async (job) => { completed.push(`${job.id}#${job.attempt}`); });
      await waitFor('both jobs after the restart', () => completed.length === 2);
      // The lost run is not the job's failure: it is retried as attempt 1, and order holds.
      assert.deepEqual(completed, ['as9-txn1#1', 'as9-txn2#1']);
      release();
      await second.close();
    });
  });
}

test('job options are checked the same way for every backend', async () => {
  const { checkJobOptions } = await import('../../../core/queue/queue.ts');
  assert.throws(() => checkJobOptions({ attempts: 0 }), RangeError);
  assert.throws(() => checkJobOptions({ delayMs: -1 }), RangeError);
  assert.throws(() => checkJobOptions({ jobId: 'a:b' }), RangeError);
  assert.throws(() => checkJobOptions({ backoff: { baseMs: 10, maxMs: 5 } }), RangeError);
  assert.doesNotThrow(() => checkJobOptions({ jobId: 'as1-txn1', attempts: 3, delayMs: 0, backoff: { baseMs: 1, maxMs: 1 } }));
  const data: JsonValue = { ok: true };
  assert.ok(data);
});
