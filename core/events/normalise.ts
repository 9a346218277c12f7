// Pdu → EventView for any room version: references become plain event ids (v1/v2 carry
// `[id, hashes]` pairs), `redacts` is surfaced from wherever the version keeps it (top level
// before v11, `content.redacts` from v11), and a v12 create event gets the room id it defines.

import { MatrixError } from '../spec/errors.ts';
import { isV12CreateEvent } from './event-format.ts';
import { eventIdOf } from './hashes.ts';
import type { EventView, JsonObject } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (reason: string): MatrixError => new MatrixError('M_BAD_JSON', `cannot normalise event: ${reason}`);

function refIds(refs: unknown, name: string, version: RoomVersion): string[] {
  if (!Array.isArray(refs)) throw bad(`${name} is not an array`);
  return refs.map((ref: unknown) => {
    const id: unknown = version.eventIdFormat === 'v1' && Array.isArray(ref) ? ref[0] : ref;
    if (typeof id !== 'string') throw bad(`${name} holds a malformed reference`);
    return id;
  });
}

/**
 * Normalises a PDU (assumed to have passed checkEventFormat; anything else is M_BAD_JSON).
 * `eventId` may be passed when already known, to skip recomputing the reference hash.
 */
export function normaliseEvent(pdu: unknown, version: RoomVersion, eventId?: string): EventView {
  if (!isObject(pdu)) throw bad('not an object');
  const { type, state_key, sender, content, origin_server_ts, depth } = pdu;
  if (typeof type !== 'string' || typeof sender !== 'string') throw bad('type or sender missing');
  if (state_key !== undefined && typeof state_key !== 'string') throw bad('state_key is not a string');
  if (!isObject(content)) throw bad('content is not an object');
  if (typeof origin_server_ts !== 'number' || typeof depth !== 'number') throw bad('origin_server_ts or depth missing');
  const id = eventId ?? eventIdOf(pdu, version);

  let roomId: unknown = pdu.room_id;
  if (isV12CreateEvent(pdu, version)) roomId = '!' + id.slice(1);
  if (typeof roomId !== 'string') throw bad('room_id missing');

  const redactsRaw: unknown =
    type !== 'm.room.redaction' ? undefined : version.redactsInContent ? content.redacts : pdu.redacts;
  const view: EventView = {
    event_id: id,
    room_id: roomId,
    type,
    ...(state_key !== undefined ? { state_key } : {}),
    sender,
    content: content as JsonObject,
    origin_server_ts,
    depth,
    prev_events: refIds(pdu.prev_events, 'prev_events', version),
    auth_events: refIds(pdu.auth_events, 'auth_events', version),
    ...(typeof redactsRaw === 'string' ? { redacts: redactsRaw } : {}),
  };
  return view;
}
