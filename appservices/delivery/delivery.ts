// Appservice transaction delivery (application-service-api "Pushing events"; DESIGN §3 step 4;
// issue 5 "Delivery").
//
// The contract
// - Cursor: each appservice has a durable cursor over the event stream (appservice_cursors).
//   The builder reads events after it, picks those the appservice is interested in
//   (interest.ts), and stores the transaction (txnId, exact JSON body) in the SAME database
//   transaction that moves the cursor past them (store.commitBatch, which also refuses a batch
//   whose cursor moved meanwhile, so two builders never queue an event twice). An event is
//   therefore always either before the cursor and in a stored transaction, or after the cursor:
//   killing the hub at any moment loses nothing.
// - Ephemeral (ephemeral.ts): receipts, presence and to-device have durable cursors of their own
//   (receipts, presence, to_device rows) moved in the same commit as the events cursor; typing
//   has an in-memory cursor. Each transaction carries <= 100 of each kind.
// - Transactions: <= 100 events; txnIds increase per appservice and are never reused; the body
//   is fixed when stored and re-sent byte for byte on every attempt. A 2xx deletes it.
// - Building: the builder wakes on the notifier's 'events' stream (and a slow sweep, in case a
//   wake-up was missed) and builds up to BUILD_BATCH transactions per database transaction.
// - Backlog: at most MAX_QUEUED transactions are queued per appservice. While an appservice is
//   down, paused or unregistered the cursor stays behind, so after an outage the backlog is
//   built into full 100-event transactions rather than a trickle of small ones.
// - Order: one transaction in flight per appservice, in txnId order. Sending is a JobQueue job
//   (BullMQ with REDIS_URL, the embedded PostgreSQL queue otherwise) with orderKey = appservice
//   id and jobId `<asId>-<txnId>`, so any hub process may send but never two at once for one
//   appservice. A job is a sender loop (sender.ts): it sends every queued transaction, oldest
//   first, and keeps going while this process's builder announces more, so steady traffic runs
//   in one job; a job is enqueued only when no loop runs in this process.
// - Retries: a failed attempt (refused connection, non-2xx, timeout after
//   appservices.request_timeout_ms) is retried by the running job itself after a capped
//   exponential backoff with jitter (retry_base_ms .. retry_max_ms), or at once after a
//   successful ping or an operator's "force retry" (the retry_now flag, polled by whichever
//   process holds the job). The state becomes "down" only after DOWN_AFTER_FAILURES failures in
//   a row, so one slow answer does not mark an appservice down.
// - Current registration: every attempt reads the url and hs_token from the registry, so a
//   changed url or token applies to queued transactions. A paused appservice accumulates (the
//   builder stops, the sender waits); a removed one keeps its cursor and queue until it comes
//   back or an operator drops the queue. url: null appservices are never pushed to and their
//   cursor moves on (they never asked for a history).
// - Hub restart: start() re-enqueues a job for every appservice with queued transactions (job
//   ids dedupe), and the builder resumes from the cursors.
import type { Logger } from '../../core/observability/log.ts';
import type { AppserviceDeliveryControl } from '../../core/ports/appservice-admin.ts';
import type { JobQueue } from '../../core/queue/queue.ts';
import type { Notifier } from '../../core/notifier/notifier.ts';
import type { AppserviceRegistry } from '../registry/registry.ts';
import type { Registration } from '../registry/registration.ts';
import { buildBatch, type Cursors } from './builder.ts';
import { InterestRouter, type RoomsForAppservices } from './interest.ts';
import { EphemeralReader, type EphemeralSources } from './ephemeral.ts';
import { DeliveryStore } from './store.ts';
import { DOWN_AFTER_FAILURES, Sender, type SenderConfig } from './sender.ts';
import type { DeliveryMetrics } from './metrics.ts';
import type { Db } from '../../core/storage/db.ts';

/** Transactions queued per appservice before the builder waits (see "Backlog"). */
export const MAX_QUEUED = 50;
const WAKING_STREAMS = new Set<string>(['typing', 'receipts', 'presence', 'to_device']);
/** Transactions built and stored per database transaction. */
const BUILD_BATCH = 10;
export const DELIVERY_QUEUE = 'appservice-delivery';
const JOB_ATTEMPTS = 1_000_000;
const HANDOVER_BACKOFF = { baseMs: 200, maxMs: 1_000 };
/** Builders also run on this period, in case a wake-up was missed (another process, a crash). */
const SWEEP_MS = 2_000;

export interface DeliveryDeps {
  db: Db;
  registry: AppserviceRegistry;
  rooms: RoomsForAppservices;
  notifier: Notifier;
  queue: JobQueue;
  log: Logger;
  config: SenderConfig;
  metrics?: DeliveryMetrics;
  /** Typing, receipts, presence and to-device for appservices that ask for them. */
  ephemeral?: EphemeralSources;
  now?: () => number;
}

export class AppserviceDelivery {
  readonly store: DeliveryStore;
  readonly sender: Sender;
  readonly #deps: DeliveryDeps;
  readonly #router: InterestRouter;
  readonly #ephemeral: EphemeralReader | null;
  readonly #now: () => number;
  /** Per appservice: the running build loop, and whether another pass was asked for meanwhile. */
  readonly #building = new Map<string, { again: boolean }>();
  /** Cursors as this process last stored them (a commit that finds them moved re-reads). */
  readonly #cursors = new Map<string, Cursors>();
  /** Appservices whose builder stopped because MAX_QUEUED transactions were queued. */
  readonly #full = new Set<string>();
  #unsubscribe: (() => void)[] = [];
  #sweep: NodeJS.Timeout | null = null;
  #closed = false;
  #queueName = DELIVERY_QUEUE;

  constructor(deps: DeliveryDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.store = new DeliveryStore(deps.db);
    this.#router = new InterestRouter(deps.rooms, this.#now);
    this.#ephemeral = deps.ephemeral ? new EphemeralReader(deps.ephemeral, this.#now) : null;
    this.sender = new Sender({
      store: this.store,
      registry: deps.registry,
      log: deps.log,
      config: deps.config,
      now: this.#now,
      // Only a builder that stopped at MAX_QUEUED needs the ack to go on.
      onAcked: (asId) => {
        if (this.#full.delete(asId)) this.kick(asId);
      },
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    });
  }

  async start(): Promise<void> {
    // Hubs with separate databases may share one Redis (tests do): txnIds, and so job ids, are
    // per database, so each database gets its own queue.
    const r = await this.#deps.db.query<{ d: string }>('SELECT current_database() AS d');
    this.#queueName = `${DELIVERY_QUEUE}-${r.rows[0]!.d.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    this.#deps.queue.process<{ asId: string; txnId: number }>(this.#queueName, (job) => this.sender.run(job.data.asId), { concurrency: 16 });
    this.#unsubscribe.push(
      this.#deps.notifier.subscribe((u) => {
        if (u.stream === 'events') this.kickAll();
        else if (this.#ephemeral && WAKING_STREAMS.has(u.stream)) this.#kickEphemeral();
      }),
    );
    this.#unsubscribe.push(
      this.#deps.registry.subscribe((change) => {
        this.sender.wake(change.appservice.id);
        this.kick(change.appservice.id);
      }),
    );
    for (const b of await this.store.backlogs()) await this.#enqueue(b.asId, b.newest);
    this.kickAll();
    this.#sweep = setInterval(() => this.kickAll(), SWEEP_MS);
    this.#sweep.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweep) clearInterval(this.#sweep);
    for (const u of this.#unsubscribe) u();
    this.sender.close();
    // Let running build passes finish their database work before the pool closes.
    while (this.#building.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** Lag and queue depth for metrics and the admin API. */
  async lag(asId: string): Promise<{ events: number; seconds: number; queued: number }> {
    const end = await this.#deps.rooms.currentPosition();
    const backlog = (await this.store.backlogs()).find((b) => b.asId === asId);
    const ephEnds = this.#ephemeral ? await this.#ephemeral.ends() : { receipts: 0, presence: 0, to_device: 0 };
    const cursor = (await this.store.cursors(asId, { events: end, ...ephEnds })).events;
    return {
      events: Math.max(0, end - cursor),
      seconds: backlog ? Math.max(0, this.#now() - backlog.oldestTs) / 1000 : 0,
      queued: backlog?.count ?? 0,
    };
  }

  /** The admin API's view (core/ports/appservice-admin.ts). */
  control(): AppserviceDeliveryControl {
    return {
      status: async (id) => {
        const [lag, row] = await Promise.all([this.lag(id), this.store.deliveryRow(id)]);
        return {
          id,
          // Another process may be the one sending: the stored streak counts too.
          state: this.sender.state(id) === 'up' && (row?.failures ?? 0) >= DOWN_AFTER_FAILURES ? 'down' : this.sender.state(id),
          failures: row?.failures ?? 0,
          last_error: row?.lastError ?? null,
          last_error_ts: row?.lastErrorTs ?? null,
          next_retry_ts: row && row.failures > 0 ? row.nextRetryTs : null,
          lag_events: lag.events,
          lag_seconds: lag.seconds,
          queued_transactions: lag.queued,
        };
      },
      retryNow: (id) => this.forceRetry(id),
      dropQueue: async (id) => {
        const dropped = await this.store.dropQueue(id);
        // The builder may have stopped at MAX_QUEUED: let it go on.
        this.#full.delete(id);
        this.kick(id);
        return { dropped };
      },
    };
  }

  /** Asks the sender to retry now, on whichever process holds the appservice's job. */
  async forceRetry(asId: string): Promise<void> {
    await this.store.requestRetry(asId, true);
    this.sender.wake(asId);
    this.kick(asId);
  }

  #kickEphemeral(): void {
    for (const reg of this.#deps.registry.active()) if (reg.receiveEphemeral || reg.receiveToDevice) this.kick(reg.id);
  }

  kickAll(): void {
    for (const reg of this.#deps.registry.active()) this.kick(reg.id);
  }

  /** Runs the builder for one appservice (coalesced: one loop per appservice per process). */
  kick(asId: string): void {
    if (this.#closed) return;
    const running = this.#building.get(asId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.#building.set(asId, state);
    void this.#buildLoop(asId, state)
      .catch((err: unknown) => this.#deps.log.error('appservice delivery: building failed', { appservice_id: asId, err }))
      .finally(() => this.#building.delete(asId));
  }

  async #buildLoop(asId: string, state: { again: boolean }): Promise<void> {
    for (;;) {
      state.again = false;
      const reg = this.#deps.registry.get(asId);
      if (!reg || this.#closed || this.#deps.registry.isPaused(asId)) return;
      const progressed = await this.#buildUntilFull(reg);
      if (!progressed && !state.again) return;
    }
  }

  async #buildUntilFull(reg: Registration): Promise<boolean> {
    let progressed = false;
    let queued = await this.store.pendingCount(reg.id);
    while (!this.#closed && queued < MAX_QUEUED) {
      const deps = { store: this.store, rooms: this.#deps.rooms, router: this.#router, now: this.#now, ...(this.#ephemeral ? { ephemeral: this.#ephemeral } : {}) };
      const built = await buildBatch(deps, reg, Math.min(BUILD_BATCH, MAX_QUEUED - queued), this.#cursors.get(reg.id) ?? null);
      if (!built) {
        this.#cursors.delete(reg.id);
        continue;
      }
      this.#cursors.set(reg.id, built.cursors);
      const newest = built.txnIds[built.txnIds.length - 1];
      if (newest !== undefined) {
        progressed = true;
        queued += built.txnIds.length;
        if (!this.sender.notify(reg.id)) await this.#enqueue(reg.id, newest);
      }
      if (built.caughtUp) return progressed;
    }
    if (queued >= MAX_QUEUED) this.#full.add(reg.id);
    return progressed;
  }

  async #enqueue(asId: string, txnId: number): Promise<void> {
    // The job retries inside its handler (see "Retries"); it throws only when this process is
    // closing, and the queue then hands it to the next process after a short delay.
    await this.#deps.queue.add(this.#queueName, 'send', { asId, txnId }, { jobId: `${asId}-${txnId}`, orderKey: asId, attempts: JOB_ATTEMPTS, backoff: HANDOVER_BACKOFF });
  }
}
