// Which appservices an event concerns (application-service-api "Pushing events"; issue 5):
// sender or state_key in a users namespace, the room id in a rooms namespace, any alias of the
// room (m.room.canonical_alias alias and alt_aliases, local directory aliases) in an aliases
// namespace, any namespaced user joined to the room, and membership events of the AS's sender.
//
// Room facts (joined members, aliases) are read from current state and cached per room. The
// cache entry of a room is dropped when a membership or canonical-alias event of that room is
// routed, and every entry expires after ROOM_CACHE_TTL_MS (directory aliases make no event, and
// another hub process may have routed the invalidating event). Current state can be slightly
// ahead of the event being routed; that only ever widens interest around a join or leave.
import type { StoredEvent } from '../../core/rooms/api.ts';
import type { Registration } from '../registry/registration.ts';

export const ROOM_CACHE_TTL_MS = 10_000;
const MAX_CACHED_ROOMS = 10_000;

/** The room facts delivery needs (core/main.ts adapts the rooms feature to it). */
export interface RoomsForAppservices {
  currentPosition(): Promise<number>;
  /** Events of all rooms with from < stream position <= to, oldest first. */
  streamEvents(from: number, to: number, limit: number): Promise<StoredEvent[]>;
  joinedMembers(roomId: string): Promise<string[]>;
  /** Canonical, alt and local directory aliases. */
  aliases(roomId: string): Promise<string[]>;
}

interface RoomFacts {
  members: string[];
  aliases: string[];
  loadedAt: number;
  /** Per appservice id: whether a member or alias is in its namespaces. */
  byAs: Map<string, boolean>;
}

export class InterestRouter {
  readonly #rooms: RoomsForAppservices;
  readonly #now: () => number;
  readonly #cache = new Map<string, Promise<RoomFacts>>();

  constructor(rooms: RoomsForAppservices, now: () => number = Date.now) {
    this.#rooms = rooms;
    this.#now = now;
  }

  /** Call for every routed event before asking about interest, so the cache follows the room. */
  observe(ev: StoredEvent): void {
    if (ev.type === 'm.room.member' || ev.type === 'm.room.canonical_alias') this.#cache.delete(ev.roomId);
  }

  async isInterested(reg: Registration, ev: StoredEvent): Promise<boolean> {
    const ns = reg.namespaces;
    // The appservice's own sender counts as one of its users (Synapse: is_interested_in_user).
    const mine = (u: string) => u === reg.senderUserId || ns.isInterestedInUser(u);
    if (mine(ev.sender)) return true;
    if (ev.stateKey !== null && ev.type === 'm.room.member' && mine(ev.stateKey)) return true;
    if (ev.stateKey !== null && ns.isInterestedInUser(ev.stateKey)) return true;
    if (ns.isInterestedInRoom(ev.roomId)) return true;
    const facts = await this.#facts(ev.roomId);
    let hit = facts.byAs.get(reg.id);
    if (hit === undefined) {
      hit = facts.aliases.some((a) => ns.isInterestedInAlias(a)) || facts.members.some(mine);
      facts.byAs.set(reg.id, hit);
    }
    return hit;
  }

  /** Rooms cached as having a member in this appservice's namespaces (for ephemeral routing). */
  #facts(roomId: string): Promise<RoomFacts> {
    const cached = this.#cache.get(roomId);
    if (cached) return cached.then((f) => (this.#now() - f.loadedAt > ROOM_CACHE_TTL_MS ? this.#load(roomId) : f));
    return this.#load(roomId);
  }

  #load(roomId: string): Promise<RoomFacts> {
    if (this.#cache.size >= MAX_CACHED_ROOMS) this.#cache.delete(this.#cache.keys().next().value!);
    const p = Promise.all([this.#rooms.joinedMembers(roomId), this.#rooms.aliases(roomId)]).then(([members, aliases]) => ({
      members,
      aliases,
      loadedAt: this.#now(),
      byAs: new Map<string, boolean>(),
    }));
    this.#cache.set(roomId, p);
    p.catch(() => this.#cache.delete(roomId));
    return p;
  }
}
