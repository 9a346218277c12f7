// The shapes of events. `Pdu` is the JSON as signed and sent over federation — it is kept
// byte-for-byte where hashes and signatures cover it (DESIGN §4.8). `EventView` is the
// normalised read-only view that auth rules and state resolution work on: reference lists are
// plain event ids whatever the room version.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A PDU as on the wire. In v1/v2 rooms `event_id` is present and references are `[id, hashes]` pairs. */
export interface Pdu extends JsonObject {
  type: string;
  /**
   * CAUTION: absent on the m.room.create event of a v12+ room (the room id is derived from that
   * event). It cannot be typed optional while Pdu extends JsonObject; use EventView.room_id.
   */
  room_id: string;
  sender: string;
  content: JsonObject;
  origin_server_ts: number;
  depth: number;
  prev_events: JsonValue[];
  auth_events: JsonValue[];
  hashes: { sha256: string };
  signatures: { [server: string]: { [keyId: string]: string } };
}

export interface EventView {
  readonly event_id: string;
  readonly room_id: string;
  readonly type: string;
  readonly state_key?: string;
  readonly sender: string;
  readonly content: JsonObject;
  readonly origin_server_ts: number;
  readonly depth: number;
  readonly prev_events: readonly string[];
  readonly auth_events: readonly string[];
  /** v1–v10 top-level `redacts`, or v11+ `content.redacts`: always surfaced here. */
  readonly redacts?: string;
}

/** The (type, state_key) pair that identifies a piece of room state. */
export type StateKey = `${string}\u0000${string}`;
export const stateKey = (type: string, key: string): StateKey => `${type}\u0000${key}`;
