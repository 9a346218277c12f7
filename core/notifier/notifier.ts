// The notifier wakes stream consumers (long-polling /sync, appservice delivery, federation
// senders) after a write commits — never before (DESIGN §3 step 4). It carries no data: every
// consumer reads its stream from its own stored position, so a missed or duplicated wake-up costs
// latency, never correctness.
//
// Ordering: updates are delivered to local listeners synchronously, in notify() order. Across
// processes (RedisNotifier) they arrive in Redis pub/sub order, possibly after local ones.

export type StreamName = 'events' | 'receipts' | 'account_data' | 'presence' | 'typing' | 'to_device' | 'device_lists';

export interface StreamUpdate {
  readonly stream: StreamName;
  /** The newest position now readable on that stream. */
  readonly position: number;
  /**
   * events stream only: the update covers exactly the positions (from, position] (one committed
   * batch), so a listener that collects updates can tell whether it has seen all of a range.
   */
  readonly from?: number;
  /** Rooms the update concerns (events, receipts, typing, room account data). */
  readonly rooms?: readonly string[];
  /** Users the update concerns directly (account data, to-device, presence, invites). */
  readonly users?: readonly string[];
}

export type StreamListener = (update: StreamUpdate) => void;

export interface Notifier {
  /** Announce committed writes. */
  notify(update: StreamUpdate): void;
  /** Calls listener for every update from now on; returns the unsubscribe function. */
  subscribe(listener: StreamListener): () => void;
  /**
   * Resolves with the first update `interested` accepts, or null after timeoutMs or on abort.
   * Callers check their stream positions *before* waiting; the wait only saves polling.
   */
  wait(interested: (u: StreamUpdate) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<StreamUpdate | null>;
  close(): Promise<void>;
}

export class LocalNotifier implements Notifier {
  readonly #listeners = new Set<StreamListener>();

  notify(update: StreamUpdate): void {
    for (const l of [...this.#listeners]) {
      try {
        l(update);
      } catch {
        // A listener's bug must not stop the others being woken.
      }
    }
  }

  subscribe(listener: StreamListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  wait(interested: (u: StreamUpdate) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<StreamUpdate | null> {
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (u: StreamUpdate | null) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        resolve(u);
      };
      const onAbort = () => done(null);
      const unsubscribe = this.subscribe((u) => {
        if (interested(u)) done(u);
      });
      const timer = setTimeout(() => done(null), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
