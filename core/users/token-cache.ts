// Access-token lookups are on every authenticated request; on the embedded database one costs
// ~2 ms, more than the rest of sending a message. Positive lookups are kept briefly in memory.
//
// Correctness: every store method that deletes tokens, devices or refresh tokens (or deactivates
// a user) forgets the affected user's entries — or all entries where the user is not known — in
// this process at once. Other hub processes sharing the database see such a change within
// TOKEN_CACHE_TTL_MS, the bound a token can outlive its logout there. Expiry (valid_until_ts) is
// checked on every use, cached or not.
import type { AccessTokenRow } from './store.ts';

export const TOKEN_CACHE_TTL_MS = 10_000;
export const TOKEN_CACHE_MAX = 20_000;

interface Entry {
  row: AccessTokenRow;
  cachedAt: number;
}

export class TokenCache {
  readonly #byHash = new Map<string, Entry>();
  readonly #now: () => number;
  /** Bumped by every invalidation, so a lookup racing one is not cached. */
  #generation = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get generation(): number {
    return this.#generation;
  }

  get(hash: string): AccessTokenRow | null {
    const e = this.#byHash.get(hash);
    if (!e) return null;
    if (this.#now() - e.cachedAt >= TOKEN_CACHE_TTL_MS) {
      this.#byHash.delete(hash);
      return null;
    }
    return e.row;
  }

  /** Caches a row read while the generation was `generation` (dropped if anything was invalidated since). */
  set(hash: string, row: AccessTokenRow, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#byHash.size >= TOKEN_CACHE_MAX) {
      const oldest = this.#byHash.keys().next().value;
      if (oldest !== undefined) this.#byHash.delete(oldest);
    }
    this.#byHash.set(hash, { row, cachedAt: this.#now() });
  }

  /** The row changed in a way the cache must reflect (used flag, last seen). */
  update(hash: string, patch: Partial<AccessTokenRow>): void {
    const e = this.#byHash.get(hash);
    if (e) e.row = { ...e.row, ...patch };
  }

  forgetUser(userId: string): void {
    this.#generation++;
    for (const [h, e] of this.#byHash) if (e.row.userId === userId) this.#byHash.delete(h);
  }

  forgetAll(): void {
    this.#generation++;
    this.#byHash.clear();
  }
}
