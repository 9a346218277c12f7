// Token buckets keyed by caller. A bucket refills at `perSecond` up to `burst`; each hit takes
// one token. Buckets idle long enough to be full again are dropped, so memory stays bounded by
// the number of recently active callers.

export interface BucketSpec {
  perSecond: number;
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class RateLimiter {
  readonly #spec: BucketSpec;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #lastSweep = 0;

  constructor(spec: BucketSpec, now: () => number = Date.now) {
    this.#spec = spec;
    this.#now = now;
  }

  hit(key: string): RateDecision {
    const now = this.#now();
    this.#sweep(now);
    const { perSecond, burst } = this.#spec;
    const b = this.#buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - b.tokens) / perSecond) * 1000) };
  }

  #sweep(now: number): void {
    const fullAfterMs = (this.#spec.burst / this.#spec.perSecond) * 1000;
    if (now - this.#lastSweep < fullAfterMs) return;
    this.#lastSweep = now;
    for (const [k, b] of this.#buckets) if (now - b.at >= fullAfterMs) this.#buckets.delete(k);
  }
}
