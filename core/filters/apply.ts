// Applying filters (client-server-api "Filtering"): pure functions the /sync and /messages code
// call on events they already loaded. No I/O here.
import type { EventFilter, Filter, RoomEventFilter, RoomFilter } from './filter.ts';

/** What the matchers read of an event (client format). */
export interface FilterableEvent {
  type: string;
  sender?: string;
  room_id?: string;
  content?: Record<string, unknown>;
}

const patterns = new Map<string, RegExp>();

/** event_filter.yaml: "A `*` can be used as a wildcard to match any sequence of characters." */
export function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  let re = patterns.get(pattern);
  if (!re) {
    const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    re = new RegExp(`^${body}$`, 's');
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.test(type);
}

/** not_* lists win over their inclusive lists; absent lists include everything. */
export function eventMatches(filter: EventFilter | undefined, event: FilterableEvent): boolean {
  if (!filter) return true;
  const sender = event.sender;
  if (sender !== undefined) {
    if (filter.not_senders?.includes(sender)) return false;
    if (filter.senders && !filter.senders.includes(sender)) return false;
  } else if (filter.senders) {
    return false;
  }
  if (filter.not_types?.some((p) => typeMatches(p, event.type))) return false;
  if (filter.types && !filter.types.some((p) => typeMatches(p, event.type))) return false;
  return true;
}

/** rooms/not_rooms of a RoomFilter or RoomEventFilter. */
export function roomAllowed(filter: { rooms?: string[]; not_rooms?: string[] } | undefined, roomId: string): boolean {
  if (!filter) return true;
  if (filter.not_rooms?.includes(roomId)) return false;
  return !filter.rooms || filter.rooms.includes(roomId);
}

/** A RoomEventFilter: event filter, the room lists and contains_url. */
export function roomEventMatches(filter: RoomEventFilter | undefined, event: FilterableEvent, roomId = event.room_id): boolean {
  if (!filter) return true;
  if (roomId !== undefined && !roomAllowed(filter, roomId)) return false;
  if (filter.contains_url !== undefined) {
    const hasUrl = typeof event.content?.url === 'string';
    if (hasUrl !== filter.contains_url) return false;
  }
  return eventMatches(filter, event);
}

/** Keeps the matching events, in order; the limit is the caller's (see effectiveLimit). */
export function filterEvents<E extends FilterableEvent>(filter: RoomEventFilter | undefined, events: readonly E[], roomId?: string): E[] {
  return events.filter((e) => roomEventMatches(filter, e, roomId ?? e.room_id));
}

/** event_filter.yaml: servers apply a default and impose a maximum on `limit`. */
export function effectiveLimit(filter: EventFilter | undefined, defaultLimit: number, maxLimit: number): number {
  return Math.min(filter?.limit ?? defaultLimit, maxLimit);
}

/** Whether a room's data reaches the client at all (room.rooms / room.not_rooms). */
export function roomIncluded(filter: Filter, roomId: string): boolean {
  return roomAllowed(filter.room, roomId);
}

export function includeLeave(filter: Filter): boolean {
  return filter.room?.include_leave === true;
}

export interface MemberLoading {
  lazyLoadMembers: boolean;
  /** Only meaningful when lazyLoadMembers is true (spec "Lazy-loading room members"). */
  includeRedundantMembers: boolean;
}

/** Spec: lazy loading is asked for on the state or timeline filter of the room filter. */
export function memberLoading(room: RoomFilter | undefined): MemberLoading {
  const lazy = room?.state?.lazy_load_members === true || room?.timeline?.lazy_load_members === true;
  const redundant = room?.state?.include_redundant_members === true || room?.timeline?.include_redundant_members === true;
  return { lazyLoadMembers: lazy, includeRedundantMembers: lazy && redundant };
}

/** room_event_filter.yaml unread_thread_notifications, set on the timeline filter. */
export function unreadThreadNotifications(room: RoomFilter | undefined): boolean {
  return room?.timeline?.unread_thread_notifications === true;
}

/**
 * event_fields (appendices "Dot-separated property paths": `.` separates, `\.` and `\\` escape).
 * Keeps only the named paths; absent list → the event unchanged.
 */
export function projectEventFields<E extends object>(event: E, fields: readonly string[] | undefined): Partial<E> {
  if (!fields) return event;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const path = splitPath(field);
    let src: unknown = event;
    for (const key of path) src = typeof src === 'object' && src !== null && !Array.isArray(src) ? (src as Record<string, unknown>)[key] : undefined;
    if (src === undefined) continue;
    let dst = out;
    path.slice(0, -1).forEach((key) => {
      const next = dst[key];
      dst = (dst[key] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    });
    dst[path.at(-1)!] = src;
  }
  return out as Partial<E>;
}

function splitPath(field: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c === '\\' && i + 1 < field.length) cur += field[++i];
    else if (c === '.') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}
