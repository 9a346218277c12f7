// Outgoing flood control: a token bucket in front of an ordered line queue.
//
// Contract:
// - Order: lines leave in the order they were queued, one queue per connection.
// - Nothing is dropped: when out of tokens, lines wait; when the connection is down, the queue
//   is paused and keeps its lines; they are sent after the next registration.
// - Rate: at most `burst` lines at once, then `linesPerSecond` sustained (tokens refill
//   continuously). A line counts once whatever its length.
// - `drain()` resolves when the queue is empty (used before QUIT on shutdown).

export interface FloodOptions {
  burst: number;
  linesPerSecond: number;
}

// Conservative defaults in the spirit of common ircd limits (e.g. ircd-hybrid/solanum allow
// about one line every two seconds after a burst of ~5 before "Excess Flood").
export const DEFAULT_FLOOD: FloodOptions = { burst: 5, linesPerSecond: 1 };

interface Pending { line: string; sent: () => void }

export class FloodQueue {
  #tokens: number;
  #last = Date.now();
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #paused = true;
  #drainWaiters: (() => void)[] = [];
  readonly #opts: FloodOptions;
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void, opts: FloodOptions = DEFAULT_FLOOD) {
    if (!(opts.burst >= 1) || !(opts.linesPerSecond > 0)) throw new RangeError('flood control needs burst ≥ 1 and linesPerSecond > 0');
    this.#opts = opts;
    this.#write = write;
    this.#tokens = opts.burst;
  }

  get length(): number {
    return this.#queue.length;
  }

  /** Queues a line; resolves when it has been written to the connection. */
  push(line: string): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push({ line, sent: resolve });
      this.#pump();
    });
  }

  pause(): void {
    this.#paused = true;
    this.#clearTimer();
  }

  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  drain(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Stops the timer; queued lines stay queued (nothing resolves them). */
  close(): void {
    this.pause();
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.#opts.burst, this.#tokens + ((now - this.#last) / 1000) * this.#opts.linesPerSecond);
    this.#last = now;
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #pump(): void {
    if (this.#paused || this.#timer) return;
    this.#refill();
    while (this.#queue.length > 0 && this.#tokens >= 1 && !this.#paused) {
      const next = this.#queue.shift()!;
      this.#tokens -= 1;
      this.#write(next.line);
      next.sent();
    }
    if (this.#queue.length === 0) {
      for (const w of this.#drainWaiters.splice(0)) w();
      return;
    }
    if (this.#paused) return;
    const waitMs = Math.ceil(((1 - this.#tokens) / this.#opts.linesPerSecond) * 1000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, Math.max(1, waitMs));
  }
}
