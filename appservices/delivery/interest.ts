// Which appservices an event concerns (application-service-api "Pushing events"; issue 5):
// sender or state_key in a users namespace, the room id in a rooms namespace, any alias of the
// room (m.room.canonical_alias alias and alt_aliases, local directory aliases) in an aliases
// namespace, any namespaced user joined to the room, and membership events of the AS's sender.
//
// The filtering is done in memory (namespace regexes are compiled once per registration): the
// builder hands every page of the stream to prepare(), which loads the facts (joined members,
// aliases) of all the page's rooms that are not cached in one round trip per kind, then asks
// isInterested() synchronously per event. Facts are kept per room with the stream position they
// reflect, and follow the stream: a membership or canonical-alias event newer than that position
// updates them in place (several builders at different positions share the cache; older events
// are already reflected). Every entry is reloaded after ROOM_CACHE_TTL_MS (directory aliases make
// no event, and another hub process may have routed the event). Facts loaded for a page reflect
// current state, which can be ahead of the page: the page's own joins are added to them, so this
// only ever widens interest around a join or leave, never narrows it.
import type { StoredEvent } from '../../core/rooms/api.ts';
import type { Registration } from '../registry/registration.ts';

export const ROOM_CACHE_TTL_MS = 10_000;
const MAX_CACHED_ROOMS = 20_000;

/** The room facts delivery needs (core/main.ts adapts the rooms feature to it). */
export interface RoomsForAppservices {
  currentPosition(): Promise<number>;
  /** Events of all rooms with from < stream position <= to, oldest first. */
  streamEvents(from: number, to: number, limit: number): Promise<StoredEvent[]>;
  /** Joined members and aliases (canonical, alt and local directory) of each room. */
  roomFacts(roomIds: readonly string[]): Promise<Map<string, { members: string[]; aliases: string[] }>>;
}

interface RoomFacts {
  members: Set<string>;
  aliases: Set<string>;
  /** The stream position these facts reflect (at least). */
  position: number;
  loadedAt: number;
  /** Per appservice id: whether a member or alias is in its namespaces. */
  byAs: Map<string, boolean>;
}

export class InterestRouter {
  readonly #rooms: RoomsForAppservices;
  readonly #now: () => number;
  readonly #cache = new Map<string, RoomFacts>();

  constructor(rooms: RoomsForAppservices, now: () => number = Date.now) {
    this.#rooms = rooms;
    this.#now = now;
  }

  /** Loads the facts of the page's rooms that are missing or stale; `position` is the page's end. */
  async prepare(page: readonly StoredEvent[], position: number): Promise<void> {
    const now = this.#now();
    const need = new Set<string>();
    for (const ev of page) {
      const f = this.#cache.get(ev.roomId);
      if (!f || now - f.loadedAt > ROOM_CACHE_TTL_MS) need.add(ev.roomId);
    }
    if (need.size === 0) return;
    const loaded = await this.#rooms.roomFacts([...need]);
    for (const [roomId, facts] of loaded) {
      this.#cache.delete(roomId);
      if (this.#cache.size >= MAX_CACHED_ROOMS) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(roomId, { members: new Set(facts.members), aliases: new Set(facts.aliases), position, loadedAt: now, byAs: new Map() });
    }
    // Current state may already have dropped a member who joined within the page.
    for (const ev of page) {
      if (need.has(ev.roomId) && ev.type === 'm.room.member' && ev.stateKey !== null && ev.content.membership === 'join') {
        const f = this.#cache.get(ev.roomId)!;
        if (!f.members.has(ev.stateKey)) {
          f.members.add(ev.stateKey);
          f.byAs.clear();
        }
      }
    }
  }

  /** Call for every routed event, in stream order, so the cached facts follow the room. */
  observe(ev: StoredEvent): void {
    const f = this.#cache.get(ev.roomId);
    if (!f || ev.streamOrdering <= f.position) return;
    if (ev.type === 'm.room.member' && ev.stateKey !== null) {
      if (ev.content.membership === 'join') f.members.add(ev.stateKey);
      else f.members.delete(ev.stateKey);
    } else if (ev.type === 'm.room.canonical_alias' && ev.stateKey === '') {
      // The previous canonical aliases stay until the entry is reloaded: widening only.
      const c = ev.content;
      if (typeof c.alias === 'string') f.aliases.add(c.alias);
      if (Array.isArray(c.alt_aliases)) for (const a of c.alt_aliases) if (typeof a === 'string') f.aliases.add(a);
    } else return;
    f.position = ev.streamOrdering;
    f.byAs.clear();
  }

  /** Whether the event concerns the appservice; the event's page must have been prepare()d. */
  isInterested(reg: Registration, ev: StoredEvent): boolean {
    const ns = reg.namespaces;
    // The appservice's own sender counts as one of its users (Synapse: is_interested_in_user).
    const mine = (u: string) => u === reg.senderUserId || ns.isInterestedInUser(u);
    if (mine(ev.sender)) return true;
    if (ev.stateKey !== null && ev.type === 'm.room.member' && mine(ev.stateKey)) return true;
    if (ev.stateKey !== null && ns.isInterestedInUser(ev.stateKey)) return true;
    if (ns.isInterestedInRoom(ev.roomId)) return true;
    const facts = this.#cache.get(ev.roomId);
    // prepare() loads every room of the page, and eviction removes the oldest entries first (a
    // page has at most SCAN_LIMIT rooms, far fewer than MAX_CACHED_ROOMS).
    if (!facts) throw new Error(`interest: room ${ev.roomId} was not prepared`);
    let hit = facts.byAs.get(reg.id);
    if (hit === undefined) {
      hit = false;
      for (const a of facts.aliases) if (ns.isInterestedInAlias(a)) hit = true;
      if (!hit) for (const m of facts.members) if (mine(m)) hit = true;
      facts.byAs.set(reg.id, hit);
    }
    return hit;
  }
}
