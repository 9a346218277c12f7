// Builds a local event: the PDU in the room version's format, with content hash and this
// server's signature, plus its event id (and room id, which v12 create events define).
// Spec: server-server-api "Adding hashes and signatures to outgoing events"; room versions'
// event formats (v1/v2 `event_id` field and `[id, hash]` references; v11+ `content.redacts`;
// v12 create events without `room_id`).

import { MatrixError } from '../spec/errors.ts';
import type { EventId, RoomId } from '../spec/ids.ts';
import { encodeBase64 } from './base64.ts';
import { EncodedEvent } from './event-encoding.ts';
import { checkEventFormat, isV12CreateEvent } from './event-format.ts';
import { eventIdFromRedactedBytes, newV1EventId, sha256Base64 } from './hashes.ts';
import type { JsonObject, JsonValue, Pdu } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { signBytes } from './signing.ts';
import type { SigningKey } from './signing.ts';

export interface EventDraft {
  readonly type: string;
  readonly state_key?: string;
  readonly sender: string;
  readonly content: JsonObject;
  /** Required except for the m.room.create event of a v12+ room, which must not have one. */
  readonly room_id?: string;
  readonly prev_events: readonly string[];
  readonly auth_events: readonly string[];
  readonly depth: number;
  readonly origin_server_ts: number;
  /** m.room.redaction target: top-level in v1–v10, `content.redacts` from v11. */
  readonly redacts?: string;
  /**
   * v1/v2 only: the `hashes.sha256` of referenced events, for the `[id, {sha256}]` pairs. An id
   * missing here gets `{}`, as Synapse writes (the hash in the pair is not checked by anyone).
   */
  readonly referenceHashes?: ReadonlyMap<string, string>;
}

export interface EventSigner {
  readonly serverName: string;
  readonly key: SigningKey;
}

export interface BuiltEvent {
  readonly pdu: Pdu;
  readonly eventId: EventId;
  readonly roomId: RoomId;
}

/**
 * Builds, hashes and signs an event. Throws MatrixError: M_BAD_JSON / M_TOO_LARGE when the
 * result would not pass the receiving checks (bad ids, oversize, floats in v6+ rooms).
 */
export function buildEvent(draft: EventDraft, version: RoomVersion, signer: EventSigner): BuiltEvent {
  if (typeof draft !== 'object' || draft === null) throw new MatrixError('M_BAD_JSON', 'event draft is not an object');
  const refs = (ids: unknown, name: string): JsonValue[] => {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
      throw new MatrixError('M_BAD_JSON', `${name} must be an array of event ids`);
    }
    if (version.eventIdFormat !== 'v1') return [...(ids as string[])];
    return (ids as string[]).map((id) => {
      const hash = draft.referenceHashes?.get(id);
      const hashes: JsonObject = hash === undefined ? {} : { sha256: hash };
      return [id, hashes];
    });
  };

  let content: JsonObject = draft.content;
  if (draft.redacts !== undefined && version.redactsInContent && content?.redacts === undefined) {
    content = { ...content, redacts: draft.redacts };
  }
  const event: JsonObject = {
    auth_events: refs(draft.auth_events, 'auth_events'),
    content,
    depth: draft.depth,
    hashes: { sha256: '' },
    origin_server_ts: draft.origin_server_ts,
    prev_events: refs(draft.prev_events, 'prev_events'),
    sender: draft.sender,
    signatures: {},
    type: draft.type,
  };
  if (draft.state_key !== undefined) event.state_key = draft.state_key;
  if (draft.redacts !== undefined && !version.redactsInContent) event.redacts = draft.redacts;
  if (version.eventIdFormat === 'v1') event.event_id = newV1EventId(signer.serverName);
  const v12Create = isV12CreateEvent(event, version);
  if (v12Create && draft.room_id !== undefined) {
    throw new MatrixError('M_BAD_JSON', 'a v12 m.room.create event has no room_id: it is derived from the event');
  }
  if (!v12Create) {
    if (typeof draft.room_id !== 'string') throw new MatrixError('M_BAD_JSON', 'room_id is required');
    event.room_id = draft.room_id;
  }

  // One encoding of the event serves the content hash, the signed bytes and the size; only the
  // `hashes` and `signatures` members are encoded again once their values are known.
  const encoded = new EncodedEvent(event, version);
  const hashInput = encoded.contentHashInput();
  encoded.replace('hashes', { sha256: sha256Base64(hashInput) });
  // The signed bytes are also exactly what the reference hash covers (redacted, minus
  // signatures and unsigned): hash them once for the v3+ event id.
  const signedBytes = Buffer.from(encoded.signedBytes(), 'utf8');
  encoded.replace('signatures', { [signer.serverName]: { [signer.key.keyId]: encodeBase64(signBytes(signer.key, signedBytes)) } });

  const problem = checkEventFormat(event, version, encoded.canonicalSize(hashInput));
  if (problem) throw new MatrixError(problem.errcode, `built event is invalid: ${problem.reason}`);

  const eventId = eventIdFromRedactedBytes(signedBytes, version) ?? (event.event_id as EventId);
  const roomId = v12Create ? '!' + eventId.slice(1) : (event.room_id as string);
  return { pdu: event as Pdu, eventId, roomId: roomId as RoomId };
}
