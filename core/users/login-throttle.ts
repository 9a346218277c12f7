// Per-account throttling of failed password attempts (login and the UIA password stage), so a
// password can't be guessed by spreading attempts over many IPs; per-IP limits live in core/http.
// State is in memory, per process: a cluster of N processes allows at most N times the burst,
// which still bounds guessing; a restart forgets failures. A token bucket per account: each
// failure takes a token, tokens come back at a steady rate, and a success clears the account.
import { MatrixError } from '../spec/errors.ts';

/** Failed attempts allowed in a row before the account is throttled. */
export const LOGIN_FAILURE_BURST = 5;
/** One more attempt is allowed every this many milliseconds. */
export const LOGIN_FAILURE_REFILL_MS = 60_000;
/** Forget accounts whose bucket is full again, so the map stays small. */
const MAX_TRACKED_ACCOUNTS = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class LoginThrottle {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  readonly #burst: number;
  readonly #refillMs: number;

  constructor(now: () => number, burst = LOGIN_FAILURE_BURST, refillMs = LOGIN_FAILURE_REFILL_MS) {
    this.#now = now;
    this.#burst = burst;
    this.#refillMs = refillMs;
  }

  #current(account: string): Bucket {
    const t = this.#now();
    const b = this.#buckets.get(account);
    if (!b) return { tokens: this.#burst, at: t };
    const refilled = Math.min(this.#burst, b.tokens + (t - b.at) / this.#refillMs);
    return { tokens: refilled, at: t };
  }

  /** Throws M_LIMIT_EXCEEDED (with retry_after_ms) when the account has no attempts left. */
  check(account: string): void {
    const b = this.#current(account);
    if (b.tokens >= 1) return;
    const retryAfterMs = Math.ceil((1 - b.tokens) * this.#refillMs);
    throw new MatrixError('M_LIMIT_EXCEEDED', 'Too many failed login attempts for this account', {
      extra: { retry_after_ms: retryAfterMs },
      headers: { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) },
    });
  }

  failed(account: string): void {
    const b = this.#current(account);
    if (this.#buckets.size >= MAX_TRACKED_ACCOUNTS) this.#prune();
    this.#buckets.set(account, { tokens: Math.max(0, b.tokens - 1), at: b.at });
  }

  succeeded(account: string): void {
    this.#buckets.delete(account);
  }

  #prune(): void {
    for (const key of [...this.#buckets.keys()]) if (this.#current(key).tokens >= this.#burst) this.#buckets.delete(key);
  }
}
