// unread_notifications and unread_thread_notifications (client-server-api "Receiving
// notifications" and "Threaded read receipts"): events from others after the user's read
// receipt that the user's push rules (core/push; the server defaults without PushRulesForCounts)
// make notify or highlight.
//
// - The receipt that counts is the later of m.read and m.read.private; with threaded counts a
//   main-timeline event is read up to max(unthreaded, `main`) and a thread event up to
//   max(unthreaded, that thread's receipt). Without threaded counts only unthreaded and `main`
//   receipts count and every event is one room total.
// - Without any receipt counting starts at the user's join.
// - Counting is done on read, over at most COUNT_SCAN_LIMIT events per room: rooms further
//   behind saturate there. (Push actions stored at send time come with the push feature.)
import { evaluatePush, type PushContext } from '../push/default-rules.ts';
import type { Ruleset } from '../push/rules.ts';
import type { ReceiptsForSync } from '../receipts/api.ts';
import type { RoomsForReads, RoomsForSync, StoredEvent } from '../rooms/api.ts';

export const COUNT_SCAN_LIMIT = 500;
const MAIN = 'main';

export interface Counts {
  notification_count: number;
  highlight_count: number;
}

export interface RoomCounts {
  unread_notifications: Counts;
  unread_thread_notifications?: Record<string, Counts>;
}

/** The user's own receipt positions in one room. */
export interface ReadUpTo {
  unthreaded: number;
  threads: Map<string, number>;
}

/**
 * The user's own receipts per room as of a receipts position, reused while the receipts stream
 * has not moved (a receipt from anyone moves it, so a stale answer is impossible: the key is the
 * exact position the answer was read at). Bounded; in memory only.
 */
export class OwnReceiptsCache {
  static readonly MAX_USERS = 50_000;
  readonly #users = new Map<string, { upto: number; rooms: Set<string>; reads: Map<string, ReadUpTo> }>();

  async get(receipts: ReceiptsForSync, reads: RoomsForReads, userId: string, roomIds: readonly string[], upto: number): Promise<Map<string, ReadUpTo>> {
    let entry = this.#users.get(userId);
    if (!entry || entry.upto !== upto) entry = { upto, rooms: new Set(), reads: new Map() };
    const missing = roomIds.filter((r) => !entry.rooms.has(r));
    if (missing.length > 0) {
      const loaded = await ownReceipts(receipts, reads, userId, missing, upto);
      for (const r of missing) entry.rooms.add(r);
      for (const [r, v] of loaded) entry.reads.set(r, v);
    }
    this.#users.delete(userId);
    this.#users.set(userId, entry);
    if (this.#users.size > OwnReceiptsCache.MAX_USERS) this.#users.delete(this.#users.keys().next().value!);
    return entry.reads;
  }
}

/** Loads the user's receipts (stream positions of the receipted events) in these rooms. */
export async function ownReceipts(
  receipts: ReceiptsForSync, reads: RoomsForReads, userId: string, roomIds: readonly string[], upto: number,
): Promise<Map<string, ReadUpTo>> {
  const out = new Map<string, ReadUpTo>();
  if (roomIds.length === 0) return out;
  const all = await receipts.receiptsSince(userId, roomIds, 0, upto);
  const mine: { roomId: string; eventId: string; thread: string }[] = [];
  for (const r of all) {
    for (const [eventId, byType] of Object.entries(r.event.content)) {
      for (const users of Object.values(byType)) {
        const own = users[userId];
        if (own) mine.push({ roomId: r.roomId, eventId, thread: own.thread_id ?? '' });
      }
    }
  }
  if (mine.length === 0) return out;
  const positions = new Map((await reads.getEvents([...new Set(mine.map((m) => m.eventId))])).map((e) => [e.eventId, e.streamOrdering]));
  for (const m of mine) {
    const pos = positions.get(m.eventId);
    if (pos === undefined) continue;
    let room = out.get(m.roomId);
    if (!room) out.set(m.roomId, (room = { unthreaded: 0, threads: new Map() }));
    if (m.thread === '') room.unthreaded = Math.max(room.unthreaded, pos);
    else room.threads.set(m.thread, Math.max(room.threads.get(m.thread) ?? 0, pos));
  }
  return out;
}

export interface CountInput {
  rooms: RoomsForSync;
  userId: string;
  roomId: string;
  read: ReadUpTo | undefined;
  /** Where counting starts without a receipt (the user's join). */
  joinedAt: number;
  upto: number;
  threaded: boolean;
  /** How to read a room's events (RoomsForSync.roomEvents or a cache in front of it). */
  readEvents?: RoomsForSync['roomEvents'];
  /** Events of (from, upto] already loaded (the timeline), newest first, when they cover the range. */
  loaded?: { from: number; events: readonly StoredEvent[] };
  /** The user's effective push rules; `version` changes with them (it keys cached counts). */
  rules?: { ruleset: Ruleset; version: string };
}

const threadOf = (e: StoredEvent): string | null => {
  const rel = e.content['m.relates_to'] as { rel_type?: unknown; event_id?: unknown } | undefined;
  return rel?.rel_type === 'm.thread' && typeof rel.event_id === 'string' ? rel.event_id : null;
};

/**
 * Counts already computed, per user and room: a later sync with the same receipts only scans the
 * events after the cached position. In memory and bounded; a miss recomputes from the database.
 */
export class CountsCache {
  static readonly MAX_ENTRIES = 100_000;
  /** How long a room's push context (members, names, power levels) is reused. */
  static readonly CONTEXT_TTL_MS = 10_000;
  readonly counts = new Map<string, { upto: number; readKey: string; result: RoomCounts }>();
  static readonly MAX_ROOMS = 20_000;
  /** Per room: its current state when read, and the newest stream position in it. */
  readonly contexts = new Map<string, { at: number; upto: number; state: StoredEvent[] }>();

  setCounts(key: string, v: { upto: number; readKey: string; result: RoomCounts }): void {
    this.counts.delete(key);
    this.counts.set(key, v);
    if (this.counts.size > CountsCache.MAX_ENTRIES) this.counts.delete(this.counts.keys().next().value!);
  }

  /** Rooms whose context would be read from the database now. */
  missingContexts(roomIds: readonly string[], now: number): string[] {
    return roomIds.filter((r) => {
      const hit = this.contexts.get(r);
      return !hit || now - hit.at >= CountsCache.CONTEXT_TTL_MS;
    });
  }

  /** A room's current state read elsewhere (a batched initial sync). */
  putContext(roomId: string, state: StoredEvent[], now: number): void {
    this.contexts.delete(roomId);
    this.contexts.set(roomId, { at: now, upto: state.reduce((m, e) => Math.max(m, e.streamOrdering), 0), state });
    if (this.contexts.size > CountsCache.MAX_ROOMS) this.contexts.delete(this.contexts.keys().next().value!);
  }

  /**
   * The push context of a user in a room. The room's state is shared by all its members and
   * reused for CONTEXT_TTL_MS unless the scanned events changed state.
   */
  async context(rooms: RoomsForSync, roomId: string, userId: string, scanned: readonly StoredEvent[], now: number) {
    const hit = this.contexts.get(roomId);
    let state: StoredEvent[];
    if (hit && now - hit.at < CountsCache.CONTEXT_TTL_MS && !scanned.some((e) => e.stateKey !== null && e.streamOrdering > hit.upto)) state = hit.state;
    else {
      state = await rooms.currentState(roomId);
      this.putContext(roomId, state, now);
    }
    return pushContext(state, userId);
  }
}

const copyCounts = (r: RoomCounts): RoomCounts => ({
  unread_notifications: { ...r.unread_notifications },
  ...(r.unread_thread_notifications
    ? { unread_thread_notifications: Object.fromEntries(Object.entries(r.unread_thread_notifications).map(([k, v]) => [k, { ...v }])) }
    : {}),
});

export async function roomCounts(input: CountInput, cache?: CountsCache): Promise<RoomCounts> {
  const { read, threaded } = input;
  const cacheKey = `${input.userId}|${input.roomId}|${threaded}`;
  const readKey = `${input.rules?.version ?? 'default'}|${input.joinedAt}|${read?.unthreaded ?? 0}|${[...(read?.threads ?? [])].sort().join(',')}`;
  const cached = cache?.counts.get(cacheKey);
  const readUpTo = (thread: string | null): number => {
    const base = read?.unthreaded ?? 0;
    const t = read?.threads.get(thread ?? MAIN) ?? 0;
    return Math.max(base, threaded || thread === null ? t : read?.threads.get(MAIN) ?? 0, input.joinedAt);
  };
  const fullFrom = Math.min(readUpTo(null), ...(threaded ? [...(read?.threads.values() ?? [])].map((p) => Math.max(p, read?.unthreaded ?? 0, input.joinedAt)) : []));
  const reuse = cached && cached.readKey === readKey && cached.upto <= input.upto && cached.upto >= fullFrom;
  const from = reuse ? cached.upto : fullFrom;
  let events: readonly StoredEvent[];
  if (input.loaded && input.loaded.from <= from) events = input.loaded.events.filter((e) => e.streamOrdering > from);
  else events = (await (input.readEvents ?? input.rooms.roomEvents.bind(input.rooms))(input.roomId, { from, to: input.upto, limit: COUNT_SCAN_LIMIT })).events;
  const candidates = events.filter((e) => e.sender !== input.userId && e.streamOrdering > readUpTo(threaded ? threadOf(e) : null));
  const base = reuse ? copyCounts(cached.result) : { unread_notifications: { notification_count: 0, highlight_count: 0 }, unread_thread_notifications: {} };
  const total: Counts = base.unread_notifications;
  const perThread: Record<string, Counts> = base.unread_thread_notifications ?? {};
  if (candidates.length > 0) {
    const ctx = cache ? await cache.context(input.rooms, input.roomId, input.userId, events, Date.now()) : pushContext(await input.rooms.currentState(input.roomId), input.userId);
    for (const e of candidates) {
      const senderLevel = ctx.levels.users[e.sender] ?? ctx.levels.usersDefault;
      const event = { type: e.type, sender: e.sender, stateKey: e.stateKey, content: e.content, roomId: input.roomId };
      const r = evaluatePush(event, { ...ctx.push, senderPowerLevel: senderLevel }, input.rules?.ruleset);
      if (!r.notify) continue;
      const thread = threaded ? threadOf(e) : null;
      const c = thread ? (perThread[thread] ??= { notification_count: 0, highlight_count: 0 }) : total;
      c.notification_count++;
      if (r.highlight) c.highlight_count++;
    }
  }
  const result = threaded ? { unread_notifications: total, unread_thread_notifications: perThread } : { unread_notifications: total };
  // A scan cut at COUNT_SCAN_LIMIT is not a base to add to.
  if (cache && events.length < COUNT_SCAN_LIMIT) cache.setCounts(cacheKey, { upto: input.upto, readKey, result: copyCounts(result) });
  return result;
}

function pushContext(state: readonly StoredEvent[], userId: string) {
  let memberCount = 0;
  let displayName: string | null = null;
  let pl: Record<string, unknown> = {};
  for (const e of state) {
    if (e.type === 'm.room.member' && e.content.membership === 'join') memberCount++;
    if (e.type === 'm.room.member' && e.stateKey === userId && typeof e.content.displayname === 'string') displayName = e.content.displayname;
    if (e.type === 'm.room.power_levels' && e.stateKey === '') pl = e.content;
  }
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : d);
  const users = Object.fromEntries(Object.entries((pl.users ?? {}) as Record<string, unknown>).map(([k, v]) => [k, num(v, 0)]));
  const notifications = (pl.notifications ?? {}) as Record<string, unknown>;
  const notificationLevels = Object.fromEntries(Object.entries(notifications).map(([k, v]) => [k, num(v, 50)]));
  const push: Omit<PushContext, 'senderPowerLevel'> = { userId, displayName, memberCount, roomNotificationLevel: num(notifications.room, 50), notificationLevels };
  return { push, levels: { users, usersDefault: num(pl.users_default, 0) } };
}
