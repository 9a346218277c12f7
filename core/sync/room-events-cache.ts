// Recent events per room for /sync timelines (issue #4): the users woken by one message all need
// the same few events, so they are read once and served from memory.
//
// Contract:
// - Each room keeps a window (validFrom, validTo] of which it holds every event; windows are
//   filled only from database reads of committed positions, so nothing uncommitted is ever
//   served. A read that the window cannot answer goes to the database; a read just past the
//   window's end fetches only the tail and extends it. Concurrent reads of one room share the
//   tail fetch.
// - A redaction changes an older stored event in place: when a fetched tail holds one, the events
//   before it are dropped from the window (an answer that ends before the redaction may still
//   show the event unredacted — what the client had seen anyway — and the redaction follows).
// - Bounded: CACHED_EVENTS_PER_ROOM per room, CACHED_ROOMS rooms (least recently used out).
//   After a restart the cache is empty and fills as rooms are read.
import type { RoomsForSync, StoredEvent } from '../rooms/api.ts';

export const CACHED_EVENTS_PER_ROOM = 100;
export const CACHED_ROOMS = 20_000;

interface Window {
  validFrom: number;
  validTo: number;
  /** When known: events exist in (belowFrom, validFrom], so a read from at or below it is limited. */
  belowFrom: number | null;
  /** Oldest first. */
  events: StoredEvent[];
  fetching: Promise<void> | null;
}

export class RoomEventsCache {
  readonly #rooms = new Map<string, Window>();
  hits = 0;
  misses = 0;

  /** RoomsForSync.roomEvents, from memory when possible. */
  async roomEvents(rooms: RoomsForSync, roomId: string, range: { from: number; to: number; limit: number }): Promise<{ events: StoredEvent[]; limited: boolean }> {
    const { from, to, limit } = range;
    for (let attempt = 0; attempt < 3; attempt++) {
      const w = this.#rooms.get(roomId);
      if (!w) break;
      if (from < w.validFrom && !(w.belowFrom !== null && from <= w.belowFrom && to <= w.validTo && w.events.filter((e) => e.streamOrdering <= to).length >= limit)) break;
      if (to <= w.validTo) {
        this.hits++;
        this.#rooms.delete(roomId);
        this.#rooms.set(roomId, w);
        const r = slice(w.events, from, to, limit);
        return from < w.validFrom ? { events: r.events, limited: true } : r;
      }
      // Extend the window's end (shared by everyone woken for this room).
      w.fetching ??= this.#extend(rooms, roomId, w, to).finally(() => (w.fetching = null));
      await w.fetching;
    }
    this.misses++;
    const r = await rooms.roomEvents(roomId, range);
    this.#fill(roomId, r, range);
    return r;
  }

  async #extend(rooms: RoomsForSync, roomId: string, w: Window, to: number): Promise<void> {
    const tail = await rooms.roomEvents(roomId, { from: w.validTo, to, limit: CACHED_EVENTS_PER_ROOM });
    if (this.#rooms.get(roomId) !== w || to <= w.validTo) return;
    const newest = [...tail.events].reverse();
    if (tail.limited) {
      w.events = newest;
      w.belowFrom = w.validTo;
      w.validFrom = newest[0]!.streamOrdering - 1;
    } else {
      const redaction = newest.find((e) => e.type === 'm.room.redaction');
      if (redaction) {
        w.belowFrom = null;
        w.validFrom = redaction.streamOrdering - 1;
        w.events = newest.filter((e) => e.streamOrdering > w.validFrom);
      } else w.events.push(...newest);
    }
    w.validTo = to;
    this.#trim(w);
  }

  /** A read made elsewhere (a batched initial sync) of (from, to], newest first. */
  put(roomId: string, r: { events: StoredEvent[]; limited: boolean }, range: { from: number; to: number }): void {
    this.#fill(roomId, r, range);
  }

  #fill(roomId: string, r: { events: StoredEvent[]; limited: boolean }, range: { from: number; to: number }): void {
    const current = this.#rooms.get(roomId);
    if (r.limited && r.events.length === 0) return;
    // Keep a window that reaches further; a fresh read only replaces an older one.
    if (current && current.validTo >= range.to) return;
    const events = [...r.events].reverse();
    const validFrom = r.limited ? events[0]!.streamOrdering - 1 : range.from;
    const w: Window = { validFrom, validTo: range.to, belowFrom: r.limited ? range.from : null, events, fetching: null };
    this.#trim(w);
    this.#rooms.delete(roomId);
    this.#rooms.set(roomId, w);
    if (this.#rooms.size > CACHED_ROOMS) this.#rooms.delete(this.#rooms.keys().next().value!);
  }

  #trim(w: Window): void {
    if (w.events.length <= CACHED_EVENTS_PER_ROOM) return;
    const drop = w.events.length - CACHED_EVENTS_PER_ROOM;
    w.belowFrom ??= w.validFrom;
    w.validFrom = w.events[drop - 1]!.streamOrdering;
    w.events = w.events.slice(drop);
  }
}

/** Events of (from, to], newest first, at most limit; limited when more lie in the range. */
function slice(oldestFirst: readonly StoredEvent[], from: number, to: number, limit: number): { events: StoredEvent[]; limited: boolean } {
  const inRange = oldestFirst.filter((e) => e.streamOrdering > from && e.streamOrdering <= to);
  const events = inRange.slice(Math.max(0, inRange.length - limit)).reverse();
  return { events, limited: inRange.length > limit };
}
