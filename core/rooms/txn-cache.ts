// Transaction ids in memory, so a send usually needs no lookup query. A txnId → event mapping
// never changes once committed, so a hit is always right. A miss is authoritative only with a
// single writer (the embedded database) and only for a device whose recent txn ids were loaded
// whole: then nobody else can have added one; otherwise, with a single writer, it asks the
// database. With several writers a miss returns null unasked: the persist statement itself
// checks the txn id under the room's lock (rooms_claim) and refuses a taken one with
// TxnTakenError, which the send path answers with the existing event.
import type { RoomsStore } from './store.ts';

/** How far back a device's txn ids are loaded: retries come within seconds, clients restart within hours. */
export const TXN_LOAD_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A device with more txn ids than this in the window is looked up in the database instead. */
const MAX_TXNS_PER_SCOPE = 2000;
const MAX_SCOPES = 10_000;

interface Scope {
  complete: boolean;
  readonly txns: Map<string, { readonly eventId: string; readonly ts: number }>;
}

export class TxnCache {
  readonly #store: RoomsStore;
  readonly #singleWriter: boolean;
  readonly #now: () => number;
  /** user \0 scope → (txnId → event and time); `complete` when it holds every txn of the window. */
  readonly #scopes = new Map<string, Scope>();

  /** Sends still being persisted, by user \0 scope \0 txnId: a retry waits for the first. */
  readonly inFlight = new Map<string, Promise<{ event_id: string }>>();

  constructor(store: RoomsStore, singleWriter: boolean, now: () => number = Date.now) {
    this.#store = store;
    this.#singleWriter = singleWriter;
    this.#now = now;
  }

  async lookup(userId: string, scope: string, txnId: string): Promise<string | null> {
    const key = `${userId}\u0000${scope}`;
    let entry = this.#scopes.get(key);
    const hit = entry?.txns.get(txnId);
    if (hit) return hit.eventId;
    if (entry?.complete) return null;
    if (!this.#singleWriter) return null;
    if (!entry) {
      const rows = await this.#store.recentTxns(userId, scope, this.#now() - TXN_LOAD_WINDOW_MS, MAX_TXNS_PER_SCOPE + 1);
      entry = { complete: rows.length <= MAX_TXNS_PER_SCOPE, txns: new Map(rows.map((r) => [r.txnId, { eventId: r.eventId, ts: r.ts }])) };
      this.#set(key, entry);
      const found = entry.txns.get(txnId);
      if (found || entry.complete) return found?.eventId ?? null;
    }
    return this.#store.eventIdForTxn(userId, scope, txnId);
  }

  /** Called after commit with every new mapping. */
  remember(userId: string, scope: string, txnId: string, eventId: string): void {
    const key = `${userId}\u0000${scope}`;
    const entry = this.#scopes.get(key);
    if (!entry) {
      // Without a single writer a partial map is fine (hits only); with one, an unloaded
      // device stays unloaded so that its first lookup loads it whole.
      if (!this.#singleWriter) this.#set(key, { complete: false, txns: new Map([[txnId, { eventId, ts: this.#now() }]]) });
      return;
    }
    entry.txns.set(txnId, { eventId, ts: this.#now() });
    if (entry.txns.size > MAX_TXNS_PER_SCOPE) {
      // Drop the oldest; if it was still inside the window, misses must ask the database again.
      const [oldestId, oldest] = entry.txns.entries().next().value!;
      entry.txns.delete(oldestId);
      if (oldest.ts >= this.#now() - TXN_LOAD_WINDOW_MS) entry.complete = false;
    }
  }

  #set(key: string, entry: Scope): void {
    this.#scopes.set(key, entry);
    if (this.#scopes.size > MAX_SCOPES) this.#scopes.delete(this.#scopes.keys().next().value!);
  }
}
