// Which rooms had events, and which users had membership changes, in a range of the events
// stream — answered from the notifier's updates instead of SQL (issue #4, /sync latency).
//
// Contract:
// - Fed only by committed writes: every events update names the batch it covers, (from, position]
//   (notifier.ts), and the rooms and member state_keys it touched.
// - An answer is given only for a range that is fully covered by updates seen since this process
//   started (updates may arrive out of order across processes; covered intervals are merged). A
//   range touching a gap — a missed Redis message, positions before start-up, history evicted to
//   stay bounded — answers null and the caller reads the database. Never a wrong "nothing".
// - Ranges are batch-granular: a key touched anywhere in a batch counts as touched in any query
//   range overlapping that batch (committed positions are batch boundaries, so this is exact
//   for real tokens and conservative for odd ones).
import type { StreamUpdate } from '../notifier/notifier.ts';

/** Touch ranges kept per room or user; older ones are summarised by a floor. */
export const TRACKER_RANGES_PER_KEY = 32;
/** Keys (rooms + users) remembered; evicting one raises the tracker's floor. */
export const TRACKER_MAX_KEYS = 200_000;
/** Disjoint covered intervals kept (a gap that never fills leaves two). */
const MAX_INTERVALS = 64;

interface Touches {
  /** Positions at or below floor are not known per key. */
  floor: number;
  /** (from, to] ranges, unordered (arrival order). */
  ranges: [number, number][];
}

class RangeIndex {
  readonly #keys = new Map<string, Touches>();
  /** Highest position whose per-key detail was dropped with an evicted key. */
  floor = 0;

  touch(key: string, from: number, to: number): void {
    let t = this.#keys.get(key);
    if (t) this.#keys.delete(key);
    else t = { floor: 0, ranges: [] };
    this.#keys.set(key, t);
    t.ranges.push([from, to]);
    if (t.ranges.length > TRACKER_RANGES_PER_KEY) {
      let low = 0;
      for (let i = 1; i < t.ranges.length; i++) if (t.ranges[i]![1] < t.ranges[low]![1]) low = i;
      t.floor = Math.max(t.floor, t.ranges[low]![1]);
      t.ranges.splice(low, 1);
    }
    if (this.#keys.size > TRACKER_MAX_KEYS) {
      const [oldKey, old] = this.#keys.entries().next().value!;
      this.#keys.delete(oldKey);
      this.floor = Math.max(this.floor, old.floor, ...old.ranges.map((r) => r[1]));
    }
  }

  /** Touched in (from, to]? null when unknown. Assumes the range is covered. */
  touched(key: string, from: number, to: number): boolean | null {
    if (from < this.floor) return null;
    const t = this.#keys.get(key);
    if (!t) return false;
    if (t.ranges.some(([a, b]) => a < to && b > from)) return true;
    return from < t.floor ? null : false;
  }
}

export class EventStreamTracker {
  /** Disjoint covered intervals (lo, hi], sorted. */
  #covered: [number, number][] = [];
  readonly #rooms = new RangeIndex();
  readonly #users = new RangeIndex();

  /** The notifier listener. */
  readonly onUpdate = (u: StreamUpdate): void => {
    if (u.stream !== 'events' || u.from === undefined || !(u.from < u.position)) return;
    for (const r of u.rooms ?? []) this.#rooms.touch(r, u.from, u.position);
    for (const user of u.users ?? []) this.#users.touch(user, u.from, u.position);
    this.#cover(u.from, u.position);
  };

  /**
   * A position read from the database while subscribed: every later batch will be announced, so
   * the point is a boundary that the next update (from = position) extends. Never covers a range.
   */
  seed(position: number): void {
    this.#cover(position, position);
  }

  /** The end of the covered run that contains `from` (null when `from` is not covered). */
  coveredFrom(from: number): number | null {
    for (const [lo, hi] of this.#covered) if (lo <= from && from <= hi) return hi;
    return null;
  }

  #isCovered(from: number, to: number): boolean {
    if (to <= from) return true;
    const hi = this.coveredFrom(from);
    return hi !== null && hi >= to;
  }

  /** Rooms among roomIds with events in (from, to]; null when the tracker cannot tell. */
  roomsWithEvents(roomIds: readonly string[], from: number, to: number): string[] | null {
    if (to <= from) return [];
    if (!this.#isCovered(from, to)) return null;
    const out: string[] = [];
    for (const r of roomIds) {
      const t = this.#rooms.touched(r, from, to);
      if (t === null) return null;
      if (t) out.push(r);
    }
    return out;
  }

  /** Did the user's membership change in any room in (from, to]? null when unknown. */
  membershipChanged(userId: string, from: number, to: number): boolean | null {
    if (to <= from) return false;
    if (!this.#isCovered(from, to)) return null;
    return this.#users.touched(userId, from, to);
  }

  #cover(from: number, to: number): void {
    const merged: [number, number][] = [];
    let lo = from;
    let hi = to;
    for (const [a, b] of this.#covered) {
      if (b < lo || a > hi) merged.push([a, b]);
      else {
        lo = Math.min(lo, a);
        hi = Math.max(hi, b);
      }
    }
    merged.push([lo, hi]);
    merged.sort((x, y) => x[0] - y[0]);
    if (merged.length > MAX_INTERVALS) merged.shift();
    this.#covered = merged;
  }
}
