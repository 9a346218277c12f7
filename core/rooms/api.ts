// What other parts of Switchyard may ask of the rooms feature (DESIGN §4.4): the client
// handlers use RoomsApi; /sync uses RoomsForSync; the read paths (/messages, /context,
// /relations, /event) use RoomsForReads. Every method reads committed data only.
//
// Positions and tokens:
// - Stream position: one global, gap-free counter over all persisted events (events.stream_ordering).
//   A stream token is `s<n>` (formatStreamToken). /sync embeds the events position in its own
//   token (core/sync/token.ts).
// - Topological token: `t<depth>_<stream>` names a point between events in a room's DAG order
//   (depth, stream_ordering). Paginating backwards from `t<d>_<s>` returns events strictly before
//   (d, s); forwards returns events strictly after. /messages hands these out as `start`/`end`.
import type { Requester } from '../spec/endpoint.ts';
import type { JsonObject, Pdu } from '../events/pdu.ts';

export type Membership = 'invite' | 'join' | 'leave' | 'ban' | 'knock';

/** One persisted event, as stored (PDU possibly redacted for reading) plus its indexed columns. */
export interface StoredEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly type: string;
  readonly stateKey: string | null;
  readonly sender: string;
  readonly depth: number;
  readonly streamOrdering: number;
  readonly originServerTs: number;
  readonly roomVersion: string;
  /** The PDU as signed; already run through the redaction algorithm when redactedBy is set. */
  readonly pdu: Pdu;
  /** content of the (possibly redacted) event. */
  readonly content: JsonObject;
  readonly redacts: string | null;
  readonly redactedBy: string | null;
  /** The state event this one replaced (its content is unsigned.prev_content). */
  readonly replacesState: string | null;
  /** Set when the event was sent with a transaction id: the sender's device scope and txnId. */
  readonly txn: { readonly scope: string; readonly txnId: string } | null;
}

export interface RoomMembershipRow {
  readonly roomId: string;
  readonly membership: Membership;
  readonly eventId: string;
  /** Stream position of the membership event. */
  readonly streamOrdering: number;
}

export interface MembershipChange extends RoomMembershipRow {
  readonly userId: string;
  readonly sender: string;
}

export interface TopoPosition {
  readonly depth: number;
  readonly stream: number;
}

export interface RelationQuery {
  readonly relType?: string;
  readonly eventType?: string;
  /** Newest first ('b', the default) or oldest first ('f'). */
  readonly dir?: 'b' | 'f';
  /** Exclusive stream position to continue from (the previous page's `next`). */
  readonly from?: number;
  readonly limit: number;
}

// ---------------------------------------------------------------- the read API for /sync

export interface RoomsForSync {
  /** The newest committed stream position. */
  currentPosition(): Promise<number>;
  /** The user's current membership in every room (optionally only these memberships); forgotten rooms left out. */
  roomsForUser(userId: string, memberships?: readonly Membership[]): Promise<RoomMembershipRow[]>;
  /** Membership changes of the user with from < position <= to, oldest first. */
  membershipChanges(userId: string, from: number, to: number): Promise<MembershipChange[]>;
  /** Users currently joined to any of these rooms. */
  joinedUsersIn(roomIds: readonly string[]): Promise<string[]>;
  /** Rooms among `roomIds` with events in (from, to]. */
  roomsWithEvents(roomIds: readonly string[], from: number, to: number): Promise<string[]>;
  /**
   * Events of a room with from < position <= to, newest first, at most `limit`; `limited` when
   * more events lie in the range. Redacted events come redacted.
   */
  roomEvents(roomId: string, range: { from: number; to: number; limit: number }): Promise<{ events: StoredEvent[]; limited: boolean }>;
  currentState(roomId: string): Promise<StoredEvent[]>;
  /** roomEvents of many rooms over one range, in one read (initial sync of many rooms). */
  roomEventsMany(roomIds: readonly string[], range: { from: number; to: number; limit: number }): Promise<Map<string, { events: StoredEvent[]; limited: boolean }>>;
  /** currentState of many rooms in one read. */
  currentStateMany(roomIds: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  /** stateAtEvent(id, 'before') of many events in two reads; unknown events are left out. */
  statesBeforeEvents(eventIds: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  /** The room state after the last event at or below `position` (empty before the room existed). */
  stateAtPosition(roomId: string, position: number): Promise<StoredEvent[]>;
  /** State before or after an event (`after` includes the event itself when it is state). */
  stateAtEvent(eventId: string, when: 'before' | 'after'): Promise<StoredEvent[] | null>;
  /** The user's membership in the room at a stream position (null: never a member then). */
  membershipAt(roomId: string, userId: string, position: number): Promise<Membership | null>;
  roomVersion(roomId: string): Promise<string | null>;
  /**
   * Stripped state for invite and knock sections (client-server-api "Stripped state"): the
   * recommended events of the current state, plus the user's own membership event.
   */
  strippedState(roomId: string, userId: string): Promise<StrippedStateEvent[]>;
}

/** Spec: definitions/stripped_state.yaml (content, state_key, type, sender). */
export interface StrippedStateEvent {
  readonly type: string;
  readonly state_key: string;
  readonly sender: string;
  readonly content: JsonObject;
}

// ---------------------------------------------------------------- the read API for history

export interface RoomsForReads {
  getEvent(eventId: string): Promise<StoredEvent | null>;
  getEvents(eventIds: readonly string[]): Promise<StoredEvent[]>;
  /** Up to `before` events before and `after` events after (topological order, nearest first). */
  eventsAround(roomId: string, eventId: string, before: number, after: number): Promise<{ before: StoredEvent[]; after: StoredEvent[] } | null>;
  /**
   * Topological pagination: dir 'b' returns events strictly before `from`, newest first; 'f'
   * strictly after, oldest first. `from` null starts at the end ('b') or the beginning ('f').
   * `next` is the token after the last event returned (null when there is nothing more).
   */
  paginate(roomId: string, from: TopoPosition | null, dir: 'b' | 'f', limit: number): Promise<{ events: StoredEvent[]; next: TopoPosition | null }>;
  /** The topological position of the newest event at or below a stream position. */
  topoAtStream(roomId: string, stream: number): Promise<TopoPosition | null>;
  /** Events relating to `eventId` (content.m.relates_to.event_id), paged by stream position. */
  relations(eventId: string, q: RelationQuery): Promise<{ events: StoredEvent[]; next: number | null }>;
  /** For annotations: counts per (type, key), for aggregations in unsigned. */
  annotationCounts(eventId: string): Promise<{ type: string; key: string; count: number }[]>;
  /** The newest m.replace relation from the original sender (for unsigned m.relations). */
  latestEdit(eventId: string, originalSender: string): Promise<StoredEvent | null>;
  /** content of the state each event replaced, by event id (for unsigned.prev_content). */
  prevContents(events: readonly StoredEvent[]): Promise<Map<string, JsonObject>>;
}

export function formatTopoToken(p: TopoPosition): string {
  return `t${p.depth}_${p.stream}`;
}

export function parseTopoToken(token: string): TopoPosition | null {
  const m = /^t(\d+)_(\d+)$/.exec(token);
  return m ? { depth: Number(m[1]), stream: Number(m[2]) } : null;
}

export const formatStreamToken = (position: number): string => `s${position}`;

export function parseStreamToken(token: string): number | null {
  const m = /^s(\d+)/.exec(token);
  return m ? Number(m[1]) : null;
}

// ---------------------------------------------------------------- what the client handlers use

export interface CreateRoomInput {
  readonly preset?: 'private_chat' | 'trusted_private_chat' | 'public_chat';
  readonly visibility?: 'public' | 'private';
  readonly roomAliasName?: string;
  readonly name?: string;
  readonly topic?: string;
  readonly invite?: readonly string[];
  readonly invite3pid?: readonly unknown[];
  readonly roomVersion?: string;
  readonly creationContent?: Record<string, unknown>;
  readonly initialState?: readonly { type: string; state_key?: string; content: Record<string, unknown> }[];
  readonly isDirect?: boolean;
  readonly powerLevelContentOverride?: Record<string, unknown>;
}

export interface SendInput {
  readonly roomId: string;
  readonly type: string;
  readonly content: Record<string, unknown>;
  readonly stateKey?: string;
  readonly txnId?: string;
  /** The `ts` query parameter; honoured for appservices only (application-service-api "Timestamp massaging"). */
  readonly ts?: number;
}

export interface MembershipInput {
  readonly roomId: string;
  readonly target?: string;
  readonly reason?: string;
  readonly extraContent?: Record<string, unknown>;
}

export interface RoomsApi {
  createRoom(requester: Requester, input: CreateRoomInput): Promise<{ room_id: string }>;
  /** roomIdOrAlias: a room id or a local alias. */
  join(requester: Requester, roomIdOrAlias: string, opts?: { reason?: string; extraContent?: Record<string, unknown> }): Promise<{ room_id: string }>;
  knock(requester: Requester, roomIdOrAlias: string, reason?: string): Promise<{ room_id: string }>;
  invite(requester: Requester, input: MembershipInput & { target: string }): Promise<void>;
  leave(requester: Requester, input: MembershipInput): Promise<void>;
  kick(requester: Requester, input: MembershipInput & { target: string }): Promise<void>;
  ban(requester: Requester, input: MembershipInput & { target: string }): Promise<void>;
  unban(requester: Requester, input: MembershipInput & { target: string }): Promise<void>;
  forget(requester: Requester, roomId: string): Promise<void>;
  joinedRooms(requester: Requester): Promise<string[]>;
  /** Client-format m.room.member events, filtered as /members specifies. */
  members(
    requester: Requester,
    roomId: string,
    q: { at?: string; membership?: Membership; notMembership?: Membership },
  ): Promise<Record<string, unknown>[]>;
  joinedMembers(requester: Requester, roomId: string): Promise<Record<string, { display_name?: string; avatar_url?: string }>>;
  send(requester: Requester, input: SendInput): Promise<{ event_id: string }>;
  getStateEvent(requester: Requester, roomId: string, type: string, stateKey: string): Promise<StoredEvent>;
  getState(requester: Requester, roomId: string): Promise<StoredEvent[]>;
  redact(requester: Requester, input: { roomId: string; eventId: string; txnId: string; reason?: string }): Promise<{ event_id: string }>;
  upgrade(requester: Requester, roomId: string, newVersion: string, additionalCreators?: readonly string[]): Promise<{ replacement_room: string }>;
  // aliases (client-server-api "Room aliases")
  setAlias(requester: Requester, alias: string, roomId: string): Promise<void>;
  resolveAlias(alias: string): Promise<{ room_id: string; servers: string[] }>;
  deleteAlias(requester: Requester, alias: string): Promise<void>;
  roomAliases(requester: Requester, roomId: string): Promise<string[]>;
}
