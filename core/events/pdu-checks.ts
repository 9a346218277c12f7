// The first three checks on a received PDU. Spec: server-server-api "Checks performed on receipt
// of a PDU" steps 1–3 and "Validating hashes and signatures on received events":
//   1. well-formed for its room version, within size limits — else dropped;
//   2. signed by every server that must sign it — else dropped;
//   3. content hash matches — else continue with the redacted copy.
// Authorisation (steps 4–6) is the auth-rules module's job. Never throws: every failure is a
// typed result. Key lookup is synchronous: fetch keys first (keysToFetch says which).

import type { EventId, RoomId } from '../spec/ids.ts';
import { parseUserId, serverOf } from '../spec/ids.ts';
import { decodeBase64 } from './base64.ts';
import { EncodedEvent } from './event-encoding.ts';
import { checkEventFormat } from './event-format.ts';
import { eventIdFromRedactedBytes, eventIdOf, sha256Base64 } from './hashes.ts';
import type { JsonObject, Pdu } from './pdu.ts';
import { redactEvent } from './redaction.ts';
import { roomVersion } from './room-versions.ts';
import type { RoomVersion } from './room-versions.ts';
import { checkSignaturesOf, verifyBytes, verifyBytesAsync } from './signing.ts';
import type { PublicKeyInput, SignatureVerifier } from './signing.ts';

/**
 * Returns the server's public key `keyId` if it is known and usable for an event created at
 * `atTs`: not expired before `atTs` (old_verify_keys' expired_ts) and, when `enforceValidUntil`
 * (room v5+, v5-signing-requirements), with min(valid_until_ts, now + 7 days) >= atTs.
 */
export type KeyLookup = (
  serverName: string,
  keyId: string,
  atTs: number,
  enforceValidUntil: boolean,
) => PublicKeyInput | null;

export type PduCheckErrcode = 'M_BAD_JSON' | 'M_TOO_LARGE' | 'M_FORBIDDEN' | 'M_UNSUPPORTED_ROOM_VERSION';

export type PduCheckResult =
  | {
      readonly ok: true;
      /** The event as received, or its redacted copy when the content hash did not match. */
      readonly event: Pdu;
      readonly eventId: EventId;
      readonly roomId: RoomId;
      readonly redacted: boolean;
    }
  | { readonly ok: false; readonly errcode: PduCheckErrcode; readonly reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The servers whose signatures an event must carry (spec "Validating hashes and signatures"):
 * the sender's server, except for invites made from a third-party invite (any server may send
 * those); for v1/v2 also the server of the event id; for v8+ joins with
 * `join_authorised_via_users_server`, that user's server (v8 auth rule 4.2). Assumes a
 * well-formed event; returns null if a required server cannot be determined.
 */
export function requiredSigners(pdu: Pdu, version: RoomVersion): string[] | null {
  const servers = new Set<string>();
  const content: Record<string, unknown> = isObject(pdu.content) ? pdu.content : {};
  const isThirdPartyInvite =
    pdu.type === 'm.room.member' && content.membership === 'invite' && Object.hasOwn(content, 'third_party_invite');
  if (!isThirdPartyInvite) {
    const sender = parseUserId(pdu.sender);
    if (sender === null) return null;
    servers.add(serverOf(sender) as string);
  }
  if (version.eventIdFormat === 'v1') {
    const idServer = typeof pdu.event_id === 'string' ? serverOf(pdu.event_id as EventId) : null;
    if (idServer === null) return null;
    servers.add(idServer);
  }
  if (version.restrictedJoins && pdu.type === 'm.room.member' && Object.hasOwn(content, 'join_authorised_via_users_server')) {
    const via = parseUserId(content.join_authorised_via_users_server);
    if (via === null) return null;
    servers.add(serverOf(via) as string);
  }
  return [...servers];
}

/** Which keys to have in hand before calling checkReceivedPdu: (server, key ids it signed with). */
export function keysToFetch(pdu: unknown, versionOrId: RoomVersion | string): { serverName: string; keyIds: string[] }[] {
  const version = typeof versionOrId === 'string' ? roomVersion(versionOrId) : versionOrId;
  if (version === null || !isObject(pdu) || !isObject(pdu.signatures)) return [];
  const servers = requiredSigners(pdu as Pdu, version) ?? [];
  const sigs = pdu.signatures;
  return servers.map((serverName) => {
    const mine = Object.hasOwn(sigs, serverName) ? sigs[serverName] : undefined;
    const keyIds = isObject(mine) ? Object.keys(mine).filter((k) => k.startsWith('ed25519:')) : [];
    return { serverName, keyIds };
  });
}

const fail = (errcode: PduCheckErrcode, reason: string): PduCheckResult => ({ ok: false, errcode, reason });

export function checkReceivedPdu(
  pdu: unknown,
  versionOrId: RoomVersion | string,
  lookupKey: KeyLookup,
  verify: SignatureVerifier = verifyBytes,
): PduCheckResult {
  try {
    return check(pdu, versionOrId, lookupKey, verify);
  } catch (e) {
    // Defence in depth: the steps below return typed failures; a throw here (e.g. from the
    // caller's lookup) must still not escape as an exception into the federation handler.
    return fail('M_BAD_JSON', `PDU check failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * checkReceivedPdu with the signature verifications on libuv's thread pool (verifyBytesAsync):
 * the same answer, but many calls in flight at once use every core. The check runs once
 * assuming every signature verifies, collecting the verifications; if one fails, it runs again
 * with the real answers, so the failure reported is the one the synchronous check reports.
 */
export async function checkReceivedPduAsync(
  pdu: unknown,
  versionOrId: RoomVersion | string,
  lookupKey: KeyLookup,
): Promise<PduCheckResult> {
  const jobs: Promise<boolean>[] = [];
  const optimistic = checkReceivedPdu(pdu, versionOrId, lookupKey, (key, data, sig) => {
    jobs.push(verifyBytesAsync(key, data, sig));
    return true;
  });
  const answers = await Promise.all(jobs);
  if (answers.every(Boolean)) return optimistic;
  let i = 0;
  return checkReceivedPdu(pdu, versionOrId, lookupKey, () => answers[i++] ?? false);
}

function check(pdu: unknown, versionOrId: RoomVersion | string, lookupKey: KeyLookup, verify: SignatureVerifier): PduCheckResult {
  const version = typeof versionOrId === 'string' ? roomVersion(versionOrId) : versionOrId;
  if (version === null) return fail('M_UNSUPPORTED_ROOM_VERSION', `unknown room version ${String(versionOrId)}`);

  // Step 1: format and size. The event is encoded once (member by member); the content hash
  // input (step 3), the signed bytes (step 2) and the size are all cut from that encoding.
  if (typeof pdu !== 'object' || pdu === null || Array.isArray(pdu)) return fail('M_BAD_JSON', 'event is not an object');
  let encoded: EncodedEvent;
  let hashInput: string;
  let size: number;
  try {
    encoded = new EncodedEvent(pdu as JsonObject, version);
    hashInput = encoded.contentHashInput();
    size = encoded.canonicalSize(hashInput);
  } catch (e) {
    return fail('M_BAD_JSON', e instanceof Error ? e.message : 'not encodable as canonical JSON');
  }
  const problem = checkEventFormat(pdu, version, size);
  if (problem) return fail(problem.errcode, problem.reason);
  const event = pdu as Pdu;

  // Step 2: signatures, over the redacted event (so a redacted copy verifies too).
  const signers = requiredSigners(event, version);
  if (signers === null) return fail('M_BAD_JSON', 'cannot determine which servers must sign');
  const signedBytes = Buffer.from(encoded.signedBytes(), 'utf8');
  const ts = event.origin_server_ts;
  for (const server of signers) {
    const res = checkSignaturesOf(event.signatures, signedBytes, server, (keyId) =>
      lookupKey(server, keyId, ts, version.enforceKeyValidity),
      verify,
    );
    if (!res.ok) return fail('M_FORBIDDEN', res.reason);
  }

  // Step 3: content hash; on mismatch keep going with the redacted copy.
  // The usual case is a string equal to our unpadded base64; anything else (padding, stray
  // low bits the decoder tolerates, garbage) is decided on the decoded bytes.
  const given = event.hashes.sha256;
  const actual = sha256Base64(hashInput);
  let redacted = given !== actual;
  if (redacted) {
    const expected = decodeBase64(given);
    redacted = expected === null || !Buffer.from(actual, 'base64').equals(expected);
  }
  const kept = redacted ? (redactEvent(event, version) as Pdu) : event;

  const eventId = eventIdFromRedactedBytes(signedBytes, version) ?? eventIdOf(event, version);
  const roomId = (typeof event.room_id === 'string' ? event.room_id : '!' + eventId.slice(1)) as RoomId;
  return { ok: true, event: kept, eventId, roomId, redacted };
}
