// Content hash, reference hash, event ids and v12 room ids.
// Spec: server-server-api "Calculating the content hash for an event" and "Calculating the
// reference hash for an event"; rooms/fragments/v1-event-ids.md, v3 "Event IDs",
// v4-event-ids.md; appendices "Room IDs" (v12: the create event's id with `!` as sigil).

import { hash, randomBytes } from 'node:crypto';
import { MatrixError } from '../spec/errors.ts';
import type { EventId, RoomId } from '../spec/ids.ts';
import { encodeBase64, encodeBase64Url } from './base64.ts';
import { encodeCanonicalJson } from './canonical-json.ts';
import { redactEvent } from './redaction.ts';
import type { RoomVersion } from './room-versions.ts';

const CONTENT_HASH_OMIT = ['unsigned', 'signatures', 'hashes'] as const;
const REFERENCE_HASH_OMIT = ['signatures', 'unsigned'] as const;

// One-shot crypto.hash: several times cheaper than createHash().update().digest() for events.
export const sha256 = (data: string | Uint8Array): Buffer => hash('sha256', data, 'buffer');
// Asking crypto.hash for text skips allocating a Buffer for the digest: about twice as fast as
// sha256() + encodeBase64 here, and ids and content hashes are wanted as text anyway.
const SHA256_BASE64_LENGTH = 43; // 32 bytes unpadded; the one '=' of padding is cut off
/** Unpadded standard base64 of the SHA-256 of `data`. */
export const sha256Base64 = (data: string | Uint8Array): string => hash('sha256', data, 'base64').slice(0, SHA256_BASE64_LENGTH);
/** URL-safe unpadded base64 of the SHA-256 of `data`. */
export const sha256Base64Url = (data: string | Uint8Array): string => hash('sha256', data, 'base64url');

function assertObject(event: unknown): asserts event is Record<string, unknown> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new MatrixError('M_BAD_JSON', 'event is not an object');
  }
}

/** The bytes the content hash covers: canonical JSON of the event without `unsigned`, `signatures`, `hashes`. */
export function contentHashInput(event: unknown, version: RoomVersion): string {
  assertObject(event);
  return encodeCanonicalJson(event, { strict: version.strictCanonicalJson, omit: CONTENT_HASH_OMIT });
}

/** SHA-256 over the canonical JSON of the full event without `unsigned`, `signatures`, `hashes`. */
export const contentHash = (event: unknown, version: RoomVersion): Buffer => sha256(contentHashInput(event, version));

/** Unpadded base64 of the content hash: the value of `hashes.sha256`. */
export const contentHashBase64 = (event: unknown, version: RoomVersion): string =>
  sha256Base64(contentHashInput(event, version));

/** SHA-256 over the canonical JSON of the redacted event without `signatures` and `unsigned`. */
export function referenceHash(event: unknown, version: RoomVersion): Buffer {
  assertObject(event);
  return sha256(
    encodeCanonicalJson(redactEvent(event, version), { strict: version.strictCanonicalJson, omit: REFERENCE_HASH_OMIT }),
  );
}

/**
 * The event id of an event in a v3+ room (computed from its reference hash). v1/v2 event ids are
 * carried in the event itself: this returns its `event_id` field, or throws M_BAD_JSON.
 */
export function eventIdOf(event: unknown, version: RoomVersion): EventId {
  assertObject(event);
  switch (version.eventIdFormat) {
    case 'v1': {
      const id = event.event_id;
      if (typeof id !== 'string') throw new MatrixError('M_BAD_JSON', 'event has no event_id');
      return id as EventId;
    }
    case 'v3':
      return ('$' + encodeBase64(referenceHash(event, version))) as EventId;
    case 'v4':
      return ('$' + encodeBase64Url(referenceHash(event, version))) as EventId;
  }
}

/**
 * v3+ event id from the bytes the reference hash covers (the redacted event's canonical JSON
 * without signatures/unsigned — the same bytes a signature covers, so callers that signed or
 * verified already have them). Null for v1/v2, whose ids are not hashes.
 */
export function eventIdFromRedactedBytes(redactedCanonical: string | Uint8Array, version: RoomVersion): EventId | null {
  if (version.eventIdFormat === 'v1') return null;
  return ('$' + (version.eventIdFormat === 'v3' ? sha256Base64(redactedCanonical) : sha256Base64Url(redactedCanonical))) as EventId;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string from [A-Za-z0-9]; `length` characters (rejection sampling keeps it uniform). */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALNUM[b % 62];
    }
  }
  return out;
}

/** Spec: v1-event-ids — `$opaque_id:domain`, the opaque part locally unique (18 random chars). */
export const newV1EventId = (serverName: string): EventId => `$${randomAlnum(18)}:${serverName}` as EventId;

/** Spec (v12): the room id is the create event's event id with `!` in place of `$`. */
export function roomIdFromCreateEvent(createEvent: unknown, version: RoomVersion): RoomId {
  if (!version.roomIdFromCreateEvent) {
    throw new MatrixError('M_INVALID_PARAM', `room version ${version.id} does not derive room ids from create events`);
  }
  return ('!' + encodeBase64Url(referenceHash(createEvent, version))) as RoomId;
}
