// Is this object a well-formed event of this room version? Spec: server-server-api "Checks
// performed on receipt of a PDU" step 1 and the PDU schemas (pdu_v1, v3, v4, v6, v11, v12);
// client-server-api "Size limits". Used on received PDUs (drop on failure), on locally built
// events (a bug if it fails) and by normalise.

import { MatrixError } from '../spec/errors.ts';
import type { Errcode } from '../spec/errors.ts';
import { parseEventId, parseRoomId, parseUserId } from '../spec/ids.ts';
import { encodeCanonicalJson } from './canonical-json.ts';
import type { RoomVersion } from './room-versions.ts';

/** Spec: client-server-api "Size limits" — the whole event as canonical JSON, signatures included. */
export const MAX_PDU_BYTES = 65_536;
/** Spec: "Size limits" — `type` and `state_key` (sender, room_id and event_id via the id grammar). */
export const MAX_EVENT_KEY_BYTES = 255;
/** Spec: PDU schemas — "Must contain less than or equal to 20 events" / "10 events". */
export const MAX_PREV_EVENTS = 20;
export const MAX_AUTH_EVENTS = 10;

export interface FormatProblem {
  readonly errcode: Extract<Errcode, 'M_BAD_JSON' | 'M_TOO_LARGE'>;
  readonly reason: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const badJson = (reason: string): FormatProblem => ({ errcode: 'M_BAD_JSON', reason });
const tooLarge = (reason: string): FormatProblem => ({ errcode: 'M_TOO_LARGE', reason });

/** v12 create events carry no room_id; every other v12 event names the create event's hash. */
export const isV12CreateEvent = (event: Record<string, unknown>, version: RoomVersion): boolean =>
  version.roomIdFromCreateEvent && event.type === 'm.room.create' && event.state_key === '';

const V12_ROOM_ID = /^![A-Za-z0-9_-]{43}$/;

function checkRefs(refs: unknown, name: string, max: number, version: RoomVersion): FormatProblem | null {
  if (!Array.isArray(refs)) return badJson(`${name} is not an array`);
  if (refs.length > max) return badJson(`${name} has more than ${max} entries`);
  for (const ref of refs) {
    // v1/v2: [event_id, {sha256: ...}] pairs; v3+: plain event ids.
    const id: unknown = version.eventIdFormat === 'v1' ? (Array.isArray(ref) && ref.length === 2 && isObject(ref[1]) ? ref[0] : null) : ref;
    if (parseEventId(id) === null) return badJson(`${name} holds a malformed reference`);
  }
  return null;
}

function checkSignaturesShape(sigs: unknown): boolean {
  if (!isObject(sigs)) return false;
  for (const server of Object.values(sigs)) {
    if (!isObject(server)) return false;
    for (const sig of Object.values(server)) if (typeof sig !== 'string') return false;
  }
  return true;
}

/**
 * Returns null if `event` is a well-formed PDU of `version`, else the first problem found.
 * The size check encodes the whole event, so for v6+ it also enforces strict canonical numbers;
 * a caller that has already encoded it (strictly) may pass the size as `knownCanonicalBytes`.
 */
export function checkEventFormat(event: unknown, version: RoomVersion, knownCanonicalBytes?: number): FormatProblem | null {
  if (!isObject(event)) return badJson('event is not an object');
  const { type, state_key, sender, content } = event;
  if (typeof type !== 'string') return badJson('type is not a string');
  if (bytes(type) > MAX_EVENT_KEY_BYTES) return tooLarge('type is longer than 255 bytes');
  if (state_key !== undefined) {
    if (typeof state_key !== 'string') return badJson('state_key is not a string');
    if (bytes(state_key) > MAX_EVENT_KEY_BYTES) return tooLarge('state_key is longer than 255 bytes');
  }
  if (typeof sender === 'string' && bytes(sender) > MAX_EVENT_KEY_BYTES) return tooLarge('sender is longer than 255 bytes');
  if (parseUserId(sender) === null) return badJson('sender is not a user id');
  if (!isObject(content)) return badJson('content is not an object');
  if (!Number.isSafeInteger(event.origin_server_ts)) return badJson('origin_server_ts is not an integer');
  if (!Number.isSafeInteger(event.depth) || (event.depth as number) < 0) return badJson('depth is not a non-negative integer');
  if (!isObject(event.hashes) || typeof event.hashes.sha256 !== 'string') return badJson('hashes.sha256 is missing');
  if (!checkSignaturesShape(event.signatures)) return badJson('signatures is malformed');
  if (event.unsigned !== undefined && !isObject(event.unsigned)) return badJson('unsigned is not an object');

  const roomId = event.room_id;
  if (typeof roomId === 'string' && bytes(roomId) > MAX_EVENT_KEY_BYTES) return tooLarge('room_id is longer than 255 bytes');
  if (isV12CreateEvent(event, version)) {
    // Spec (pdu_v12): room_id is "Omitted from m.room.create events".
    if (roomId !== undefined) return badJson('a v12 m.room.create event must not have a room_id');
  } else if (version.roomIdFromCreateEvent) {
    if (typeof roomId !== 'string' || !V12_ROOM_ID.test(roomId)) return badJson('room_id is not a v12 room id');
  } else if (typeof roomId !== 'string' || roomId.indexOf(':') < 0 || parseRoomId(roomId) === null) {
    return badJson('room_id is not a room id');
  }

  if (version.eventIdFormat === 'v1') {
    const id = event.event_id;
    if (typeof id === 'string' && bytes(id) > MAX_EVENT_KEY_BYTES) return tooLarge('event_id is longer than 255 bytes');
    if (typeof id !== 'string' || parseEventId(id) === null || id.indexOf(':') < 0) return badJson('event_id is missing or malformed');
  }
  const refProblem =
    checkRefs(event.prev_events, 'prev_events', MAX_PREV_EVENTS, version) ??
    checkRefs(event.auth_events, 'auth_events', MAX_AUTH_EVENTS, version);
  if (refProblem) return refProblem;
  if (!version.redactsInContent && event.redacts !== undefined && parseEventId(event.redacts) === null) {
    return badJson('redacts is not an event id');
  }

  let size = knownCanonicalBytes ?? -1;
  if (size < 0) {
    try {
      size = bytes(encodeCanonicalJson(event, { strict: version.strictCanonicalJson }));
    } catch (e) {
      return badJson(e instanceof MatrixError ? e.message : 'not encodable as canonical JSON');
    }
  }
  if (size > MAX_PDU_BYTES) return tooLarge(`event is ${size} bytes as canonical JSON, over ${MAX_PDU_BYTES}`);
  return null;
}

/** checkEventFormat that throws MatrixError, for callers that treat a bad event as a bad request. */
export function assertEventFormat(event: unknown, version: RoomVersion): void {
  const problem = checkEventFormat(event, version);
  if (problem) throw new MatrixError(problem.errcode, problem.reason);
}
