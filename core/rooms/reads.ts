// The read API for /sync and the history read paths (api.ts RoomsForSync, RoomsForReads), over
// committed data. History visibility is the read paths' job; these return what is stored.
import type { JsonObject } from '../events/pdu.ts';
import type {
  MembershipChange, Membership, RelationQuery, RoomMembershipRow, RoomsForReads, RoomsForSync, StoredEvent, StrippedStateEvent, TopoPosition,
} from './api.ts';
import type { RoomsStore } from './store.ts';

/** Spec: client-server-api "Stripped state" — the events servers should include (create is required from v1.16). */
export const STRIPPED_STATE_TYPES: readonly string[] = [
  'm.room.create', 'm.room.name', 'm.room.avatar', 'm.room.topic', 'm.room.join_rules', 'm.room.canonical_alias', 'm.room.encryption',
];

export class RoomReads implements RoomsForSync, RoomsForReads {
  readonly #store: RoomsStore;
  constructor(store: RoomsStore) {
    this.#store = store;
  }

  currentPosition(): Promise<number> {
    return this.#store.currentPosition();
  }
  roomsForUser(userId: string, memberships?: readonly Membership[]): Promise<RoomMembershipRow[]> {
    return this.#store.roomsForUser(userId, memberships);
  }
  membershipChanges(userId: string, from: number, to: number): Promise<MembershipChange[]> {
    return this.#store.membershipChanges(userId, from, to);
  }
  joinedUsersIn(roomIds: readonly string[]): Promise<string[]> {
    return this.#store.joinedUsersIn(roomIds);
  }
  roomsWithEvents(roomIds: readonly string[], from: number, to: number): Promise<string[]> {
    return this.#store.roomsWithEvents(roomIds, from, to);
  }
  roomEvents(roomId: string, range: { from: number; to: number; limit: number }): Promise<{ events: StoredEvent[]; limited: boolean }> {
    return this.#store.roomEvents(roomId, range.from, range.to, range.limit);
  }
  roomEventsMany(roomIds: readonly string[], range: { from: number; to: number; limit: number }): Promise<Map<string, { events: StoredEvent[]; limited: boolean }>> {
    return this.#store.roomEventsMany(roomIds, range.from, range.to, range.limit);
  }
  currentStateMany(roomIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return this.#store.currentStateMany(roomIds);
  }
  async statesBeforeEvents(eventIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const groups = await this.#store.stateGroupsBefore(eventIds);
    const states = await this.#store.stateGroupsEvents([...new Set([...groups.values()].filter((g): g is number => g !== null))]);
    return new Map([...groups].map(([id, g]) => [id, g === null ? [] : (states.get(g) ?? [])]));
  }
  currentState(roomId: string): Promise<StoredEvent[]> {
    return this.#store.currentStateEvents(roomId);
  }
  async stateAtPosition(roomId: string, position: number): Promise<StoredEvent[]> {
    return this.#store.stateGroupEvents(await this.#store.stateGroupAtPosition(roomId, position));
  }
  async stateAtEvent(eventId: string, when: 'before' | 'after'): Promise<StoredEvent[] | null> {
    const at = await this.#store.stateGroupAt(eventId, when);
    return at ? this.#store.stateGroupEvents(at.group) : null;
  }
  membershipAt(roomId: string, userId: string, position: number): Promise<Membership | null> {
    return this.#store.membershipAt(roomId, userId, position);
  }
  async roomVersion(roomId: string): Promise<string | null> {
    return (await this.#store.roomInfo(roomId))?.version ?? null;
  }
  async strippedState(roomId: string, userId: string): Promise<StrippedStateEvent[]> {
    const state = await this.#store.currentStateEvents(roomId);
    return state
      .filter((e) => (e.stateKey === '' && STRIPPED_STATE_TYPES.includes(e.type)) || (e.type === 'm.room.member' && e.stateKey === userId))
      .map((e) => ({ type: e.type, state_key: e.stateKey!, sender: e.sender, content: e.content }));
  }

  async getEvent(eventId: string): Promise<StoredEvent | null> {
    return (await this.#store.getEvents([eventId]))[0] ?? null;
  }
  getEvents(eventIds: readonly string[]): Promise<StoredEvent[]> {
    return this.#store.getEvents(eventIds);
  }
  async eventsAround(roomId: string, eventId: string, before: number, after: number): Promise<{ before: StoredEvent[]; after: StoredEvent[] } | null> {
    const ev = await this.getEvent(eventId);
    if (!ev || ev.roomId !== roomId) return null;
    const at = { depth: ev.depth, stream: ev.streamOrdering };
    const [b, a] = await Promise.all([
      before > 0 ? this.#store.paginate(roomId, at, 'b', before) : Promise.resolve([]),
      after > 0 ? this.#store.paginate(roomId, at, 'f', after) : Promise.resolve([]),
    ]);
    return { before: b, after: a };
  }
  async paginate(roomId: string, from: TopoPosition | null, dir: 'b' | 'f', limit: number): Promise<{ events: StoredEvent[]; next: TopoPosition | null }> {
    const events = await this.#store.paginate(roomId, from, dir, limit);
    const last = events[events.length - 1];
    return { events, next: events.length < limit || !last ? null : { depth: last.depth, stream: last.streamOrdering } };
  }
  topoAtStream(roomId: string, stream: number): Promise<TopoPosition | null> {
    return this.#store.topoAtStream(roomId, stream);
  }
  async relations(eventId: string, q: RelationQuery): Promise<{ events: StoredEvent[]; next: number | null }> {
    const events = await this.#store.relations(eventId, { ...q, dir: q.dir ?? 'b' });
    const last = events[events.length - 1];
    return { events, next: events.length < q.limit || !last ? null : last.streamOrdering };
  }
  annotationCounts(eventId: string): Promise<{ type: string; key: string; count: number }[]> {
    return this.#store.annotationCounts(eventId);
  }
  latestEdit(eventId: string, originalSender: string): Promise<StoredEvent | null> {
    return this.#store.latestEdit(eventId, originalSender);
  }
  async prevContents(events: readonly StoredEvent[]): Promise<Map<string, JsonObject>> {
    const wanted = events.filter((e) => e.replacesState !== null);
    const prev = new Map((await this.#store.getEvents(wanted.map((e) => e.replacesState!))).map((p) => [p.eventId, p.content]));
    const out = new Map<string, JsonObject>();
    for (const e of wanted) {
      const content = prev.get(e.replacesState!);
      if (content) out.set(e.eventId, content);
    }
    return out;
  }
}
