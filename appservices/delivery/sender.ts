// Sends the queued transactions of one appservice, oldest first, retrying each until a 2xx
// (the "Retries" and "Current registration" rules of delivery.ts). Runs inside a JobQueue job
// whose orderKey is the appservice id, so it is the only sender of that appservice. The job is a
// long-running loop: it keeps sending while the builder of this process announces new
// transactions (notify), and lingers a little once the queue is empty so that steady traffic
// needs no new job per transaction.
import type { Logger } from '../../core/observability/log.ts';
import { backoffDelay } from '../../core/queue/queue.ts';
import type { AppserviceRegistry } from '../registry/registry.ts';
import { appserviceUrl, callAppservice, describeOutcome } from './http.ts';
import type { DeliveryMetrics } from './metrics.ts';
import type { DeliveryStore, QueuedTxn } from './store.ts';

/** Consecutive failures after which an appservice counts as down (one timeout is not enough). */
export const DOWN_AFTER_FAILURES = 3;
/** How often a waiting sender looks at the shared retry_now flag and the registration. */
const POLL_MS = 500;
/** Transactions read per query. */
const READ_AHEAD = 32;
/** How long an idle sender loop waits for new transactions before its job ends. */
const LINGER_MS = 2_000;

export interface SenderConfig {
  requestTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface SenderDeps {
  store: DeliveryStore;
  registry: AppserviceRegistry;
  log: Logger;
  config: SenderConfig;
  now: () => number;
  onAcked: (asId: string) => void;
  metrics?: DeliveryMetrics;
}

export type DeliveryState = 'up' | 'down' | 'paused';

export class Sender {
  readonly #deps: SenderDeps;
  readonly #wakers = new Map<string, Set<() => void>>();
  readonly #failures = new Map<string, number>();
  /** Appservices whose sender loop runs in this process, and whether new transactions were announced. */
  readonly #running = new Map<string, { dirty: boolean }>();
  readonly #staleFailures = new Set<string>();
  /** Per appservice: the chain of acknowledgement deletes running behind the sends. */
  readonly #acking = new Map<string, Promise<void>>();
  #closed = false;

  constructor(deps: SenderDeps) {
    this.#deps = deps;
  }

  state(asId: string): DeliveryState {
    if (this.#deps.registry.isPaused(asId)) return 'paused';
    return (this.#failures.get(asId) ?? 0) >= DOWN_AFTER_FAILURES ? 'down' : 'up';
  }

  /** Ends a wait of this appservice's sender in this process (ping, force retry, registry change). */
  wake(asId: string): void {
    for (const w of this.#wakers.get(asId) ?? []) w();
  }

  close(): void {
    this.#closed = true;
    for (const set of this.#wakers.values()) for (const w of set) w();
  }

  /**
   * Tells this process's sender loop of the appservice about new transactions. false when no
   * loop runs here (the caller enqueues a job instead).
   */
  notify(asId: string): boolean {
    const r = this.#running.get(asId);
    if (!r) return false;
    r.dirty = true;
    this.wake(asId);
    return true;
  }

  /** The job handler: sends queued transactions in order until none is left for a while. */
  async run(asId: string): Promise<void> {
    if (this.#running.has(asId)) return; // a stale duplicate job while the loop runs (same process)
    const state = { dirty: false };
    this.#running.set(asId, state);
    // A failure streak may be recorded by an earlier process: the first 2xx clears it.
    this.#staleFailures.add(asId);
    try {
      let last = 0;
      for (;;) {
        state.dirty = false;
        const txns = await this.#deps.store.pending(asId, last, READ_AHEAD);
        for (const txn of txns) {
          await this.#sendUntilAcked(txn);
          last = txn.txnId;
        }
        if (txns.length > 0 || state.dirty) continue;
        if (this.#closed) return;
        await this.#wait(asId, LINGER_MS);
        // Checked and (in finally) removed synchronously, so a later notify() enqueues a new job.
        if (!state.dirty) return;
      }
    } finally {
      this.#running.delete(asId);
      await this.#acking.get(asId);
    }
  }

  async #sendUntilAcked(txn: QueuedTxn): Promise<void> {
    const { store, registry, config, log, metrics } = this.#deps;
    let failures = 0;
    for (;;) {
      if (this.#closed) throw new Error('closing: handing the transaction over');
      const reg = registry.get(txn.asId);
      if (!reg || reg.url === null || registry.isPaused(txn.asId)) {
        // Removed, url removed, or paused: hold the queue until that changes.
        await this.#wait(txn.asId, POLL_MS * 4);
        continue;
      }
      const url = appserviceUrl(reg.url, `transactions/${encodeURIComponent(String(txn.txnId))}`);
      const outcome = await callAppservice(url, 'PUT', reg.hsToken, txn.body, config.requestTimeoutMs);
      if (outcome.kind === 'ok') {
        metrics?.sent(txn, this.#deps.now());
        this.#failures.set(txn.asId, 0);
        const clear = this.#staleFailures.delete(txn.asId);
        // The delete is pipelined with the next send: a crash before it only re-sends an
        // acknowledged txnId, which appservices must accept as a duplicate (spec).
        const prev = this.#acking.get(txn.asId) ?? Promise.resolve();
        this.#acking.set(
          txn.asId,
          prev
            .then(async () => {
              await store.ack(txn.asId, txn.txnId);
              if (clear) await store.clearFailures(txn.asId);
              this.#deps.onAcked(txn.asId);
            })
            .catch((err: unknown) => log.error('appservice delivery: ack failed', { appservice_id: txn.asId, txn_id: txn.txnId, err })),
        );
        return;
      }
      failures++;
      this.#staleFailures.add(txn.asId);
      this.#failures.set(txn.asId, (this.#failures.get(txn.asId) ?? 0) + 1);
      metrics?.failed(txn.asId);
      const delay = backoffDelay(failures, { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs });
      const error = describeOutcome(outcome);
      await store.recordFailure(txn.asId, error, this.#deps.now(), this.#deps.now() + delay);
      log.warn('appservice transaction failed', { appservice_id: txn.asId, txn_id: txn.txnId, error, retry_in_ms: delay });
      await this.#waitForRetry(txn.asId, delay);
      // An operator may have dropped the queue meanwhile.
      if (!(await store.isQueued(txn.asId, txn.txnId))) return;
    }
  }

  /** Waits out the backoff, ending early on a wake-up or the shared retry_now flag. */
  async #waitForRetry(asId: string, delayMs: number): Promise<void> {
    const until = this.#deps.now() + delayMs;
    while (!this.#closed && this.#deps.now() < until) {
      if (await this.#wait(asId, Math.min(POLL_MS, until - this.#deps.now()))) return;
      const row = await this.#deps.store.deliveryRow(asId);
      if (row?.retryNow) {
        await this.#deps.store.requestRetry(asId, false);
        return;
      }
    }
  }

  /** true when woken, false on timeout. */
  #wait(asId: string, ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      let set = this.#wakers.get(asId);
      if (!set) this.#wakers.set(asId, (set = new Set()));
      const done = (woken: boolean) => {
        clearTimeout(timer);
        set.delete(waker);
        resolve(woken);
      };
      const waker = () => done(true);
      const timer = setTimeout(() => done(false), Math.max(0, ms));
      set.add(waker);
    });
  }
}
