// Shapes shared inside the rooms feature: an event on its way to the database (PersistEvent),
// one room's atomic write (RoomWrite), and the cached view of a room the builder works from.
import type { EventView, Pdu, StateKey } from '../events/pdu.ts';
import type { RoomVersion } from '../events/room-versions.ts';

/** A (type, state_key, event_id) entry of a state group; event_id null removes the key. */
export type StateEntry = readonly [type: string, stateKey: string, eventId: string | null];

export interface PersistEvent {
  readonly eventId: string;
  readonly view: EventView;
  /** The exact signed PDU text stored in events.json. */
  readonly json: string;
  /** The state event this one replaces (same type and state_key), if any. */
  readonly replaces: string | null;
  /**
   * For state events: the new group's entries. A delta (the one changed key) normally; the
   * whole state when `snapshot` (every SNAPSHOT_INTERVAL deltas, to bound chain walks).
   */
  readonly stateDelta: { readonly entries: readonly StateEntry[]; readonly snapshot: boolean } | null;
  readonly txn: { readonly userId: string; readonly scope: string; readonly txnId: string } | null;
}

/** Everything one room operation writes; committed atomically (all events or none). */
export interface RoomWrite {
  readonly roomId: string;
  readonly events: readonly PersistEvent[];
  /** The forward extremities the events were built on: checked under the room's lock. */
  readonly expectedExtremities: readonly string[];
  /** The state group the first event was built on (null: a new room). */
  readonly baseGroup: number | null;
  readonly baseChainLength: number;
  /** Set when the write creates the room. */
  readonly newRoom?: { readonly version: string; readonly creator: string; readonly isPublic: boolean };
  readonly aliases?: readonly string[];
}

export interface PersistResult {
  /** Stream position of each event, in write order. */
  readonly positions: readonly number[];
  /** The room's state group and chain length after the write. */
  readonly stateGroup: number | null;
  readonly chainLength: number;
}

/** What the builder needs of a room: kept in memory per room, reloaded after any failure. */
export interface RoomHead {
  readonly roomId: string;
  readonly version: RoomVersion;
  readonly state: ReadonlyMap<StateKey, EventView>;
  readonly extremities: readonly string[];
  readonly depth: number;
  readonly stateGroup: number | null;
  readonly chainLength: number;
}

export { type Pdu };
