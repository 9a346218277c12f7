// Reconnect delays: capped exponential backoff with "full jitter" (a random delay between half
// the exponential value and the value itself), so many connections dropped by one netsplit do
// not all come back in the same second.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0 = no jitter, 1 = delay anywhere in [0, exp]; default 0.5. */
  jitter?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.5 };

/** Delay before reconnect attempt `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.5));
  return Math.round(exp * (1 - jitter * random()));
}
