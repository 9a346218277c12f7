// The current position of every stream /sync reads, without a query per sync (issue #4).
//
// Contract: positions are raised by the notifier's updates (each names a committed position) and
// re-read from the database at most POSITION_REFRESH_MS apart, so a missed update (another
// process's Redis message lost) only delays readers by that long, as a missed wake-up already
// could. A `since` token ahead of what this process knows (issued by another hub process) forces
// a re-read, so a response never covers a range ending before its start. Values only grow.
import type { StreamUpdate } from '../notifier/notifier.ts';
import type { SyncDeps } from './context.ts';
import type { SyncPosition } from './token.ts';

export const POSITION_REFRESH_MS = 1000;

type Stored = Omit<SyncPosition, 'typing' | 'deviceLists'>;
const STREAM_KEYS: Partial<Record<StreamUpdate['stream'], keyof Stored>> = {
  events: 'events',
  receipts: 'receipts',
  account_data: 'accountData',
  presence: 'presence',
  to_device: 'toDevice',
};

export class PositionCache {
  readonly #deps: SyncDeps;
  #known: Stored | null = null;
  #readAt = -Infinity;
  #reading: Promise<void> | null = null;

  readonly #onEventsRead: (position: number) => void;

  /** onEventsRead: told each events position read from the database (EventStreamTracker.seed). */
  constructor(deps: SyncDeps, onEventsRead: (position: number) => void = () => {}) {
    this.#deps = deps;
    this.#onEventsRead = onEventsRead;
  }

  readonly onUpdate = (u: StreamUpdate): void => {
    const key = STREAM_KEYS[u.stream];
    if (key && this.#known && u.position > this.#known[key]) this.#known[key] = u.position;
  };

  async current(since: SyncPosition | null): Promise<SyncPosition> {
    const stale = performance.now() - this.#readAt > POSITION_REFRESH_MS;
    const behind = (k: Stored) => since !== null && (Object.keys(k) as (keyof Stored)[]).some((s) => since[s] > k[s]);
    if (!this.#known || stale || behind(this.#known)) await this.#refresh();
    // A read already under way may have started before `since` was issued: read once more.
    if (behind(this.#known!)) await this.#refresh();
    const k = this.#known!;
    return { ...k, typing: this.#deps.typing.currentPosition(), deviceLists: 0 };
  }

  #refresh(): Promise<void> {
    // Readers arriving during a read share it (one set of queries per refresh, not per sync).
    return (this.#reading ??= this.#read().finally(() => (this.#reading = null)));
  }

  async #read(): Promise<void> {
    const d = this.#deps;
    const startedAt = performance.now();
    const [events, receipts, accountData, presence, toDevice] = await Promise.all([
      d.rooms.currentPosition(),
      d.receipts.currentPosition(),
      d.accountData.currentPosition(),
      d.presence.currentPosition(),
      d.toDevice.currentPosition(),
    ]);
    const read: Stored = { events, receipts, accountData, presence, toDevice };
    this.#onEventsRead(events);
    // Updates that arrived during the read may be newer than what it saw.
    const k = this.#known;
    this.#known = k ? (Object.fromEntries((Object.keys(read) as (keyof Stored)[]).map((s) => [s, Math.max(read[s], k[s])])) as unknown as Stored) : read;
    this.#readAt = startedAt;
  }
}
