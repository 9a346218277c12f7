import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent } from '../../../core/events/build.ts';
import type { EventDraft } from '../../../core/events/build.ts';
import { checkEventFormat } from '../../../core/events/event-format.ts';
import { contentHashBase64, eventIdOf } from '../../../core/events/hashes.ts';
import { normaliseEvent } from '../../../core/events/normalise.ts';
import { ROOM_VERSIONS, roomVersion } from '../../../core/events/room-versions.ts';
import type { RoomVersion } from '../../../core/events/room-versions.ts';
import { eventSignedBytes, signingKeyFromSeed, verifyBytes } from '../../../core/events/signing.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import { isEventIdOfFormat } from '../../../core/spec/ids.ts';

const v = (id: string): RoomVersion => roomVersion(id) as RoomVersion;
const signer = { serverName: 'hs.test', key: signingKeyFromSeed(Buffer.alloc(32, 1), 'ed25519:a_test') };
const roomFor = (version: RoomVersion): string => (version.roomIdFromCreateEvent ? '!' + 'A'.repeat(43) : '!room:hs.test');
const draft = (version: RoomVersion, over: Partial<EventDraft> = {}): EventDraft => ({
  type: 'm.room.message', sender: '@alice:hs.test', content: { body: 'hi', msgtype: 'm.text' }, room_id: roomFor(version),
  prev_events: ['$prev:hs.test'], auth_events: ['$auth1:hs.test', '$auth2:hs.test'], depth: 5, origin_server_ts: 1_700_000_000_000, ...over,
});
const isErr = (code: string) => (e: unknown) => e instanceof MatrixError && e.errcode === code;

test('every room version: built events are well-formed, hashed, signed, with the right id format', () => {
  for (const version of ROOM_VERSIONS.values()) {
    const { pdu, eventId, roomId } = buildEvent(draft(version), version, signer);
    assert.equal(checkEventFormat(pdu, version), null, version.id);
    assert.equal(pdu.hashes.sha256, contentHashBase64(pdu, version));
    const sig = pdu.signatures['hs.test']?.['ed25519:a_test'] as string;
    assert.ok(verifyBytes(signer.key.publicKey, eventSignedBytes(pdu, version), sig), version.id);
    assert.ok(isEventIdOfFormat(eventId, version.eventIdFormat), `${version.id}: ${eventId}`);
    assert.equal(eventIdOf(pdu, version), eventId);
    assert.equal(roomId, roomFor(version));
    if (version.eventIdFormat === 'v1') {
      assert.equal(pdu.event_id, eventId);
      assert.deepEqual(pdu.prev_events, [['$prev:hs.test', {}]]);
    } else {
      assert.equal(pdu.event_id, undefined);
      assert.deepEqual(pdu.prev_events, ['$prev:hs.test']);
    }
  }
});

test('v1/v2 references carry given reference hashes', () => {
  const { pdu } = buildEvent(draft(v('2'), { referenceHashes: new Map([['$prev:hs.test', 'HASH']]) }), v('2'), signer);
  assert.deepEqual(pdu.prev_events, [['$prev:hs.test', { sha256: 'HASH' }]]);
});

test('redacts: top level before v11, in content from v11; normalise surfaces it either way', () => {
  const d = (version: RoomVersion) => draft(version, { type: 'm.room.redaction', content: { reason: 'spam' }, redacts: '$target:hs.test' });
  const old = buildEvent(d(v('10')), v('10'), signer);
  assert.equal(old.pdu.redacts, '$target:hs.test');
  assert.deepEqual(old.pdu.content, { reason: 'spam' });
  const neu = buildEvent(d(v('11')), v('11'), signer);
  assert.equal(neu.pdu.redacts, undefined);
  assert.deepEqual(neu.pdu.content, { reason: 'spam', redacts: '$target:hs.test' });
  assert.equal(normaliseEvent(old.pdu, v('10'), old.eventId).redacts, '$target:hs.test');
  assert.equal(normaliseEvent(neu.pdu, v('11')).redacts, '$target:hs.test');
});

test('v12 create event: no room_id, the room id is derived; normalise fills it in', () => {
  const version = v('12');
  const create = buildEvent(draft(version, { type: 'm.room.create', state_key: '', content: { room_version: '12' }, room_id: undefined, prev_events: [], auth_events: [], depth: 1 }), version, signer);
  assert.equal('room_id' in create.pdu, false);
  assert.equal(create.roomId, '!' + create.eventId.slice(1));
  const view = normaliseEvent(create.pdu, version);
  assert.equal(view.room_id, create.roomId);
  assert.equal(view.event_id, create.eventId);
  assert.throws(() => buildEvent(draft(version, { type: 'm.room.create', state_key: '', room_id: '!x:y' }), version, signer), isErr('M_BAD_JSON'));
  // Any other v12 event needs a hash-shaped room id.
  assert.throws(() => buildEvent(draft(version, { room_id: '!old:hs.test' }), version, signer), isErr('M_BAD_JSON'));
  assert.throws(() => buildEvent(draft(version, { room_id: undefined }), version, signer), isErr('M_BAD_JSON'));
});

test('normalise: v1/v2 [id, hash] pairs become ids; state_key kept; event id computed when not given', () => {
  const built = buildEvent(draft(v('1'), { type: 'm.room.topic', state_key: '', content: { topic: 't' } }), v('1'), signer);
  const view = normaliseEvent(built.pdu, v('1'));
  assert.deepEqual(view.prev_events, ['$prev:hs.test']);
  assert.deepEqual(view.auth_events, ['$auth1:hs.test', '$auth2:hs.test']);
  assert.equal(view.state_key, '');
  assert.equal(view.event_id, built.eventId);
  assert.equal(view.room_id, '!room:hs.test');
  const built4 = buildEvent(draft(v('4')), v('4'), signer);
  const view4 = normaliseEvent(built4.pdu, v('4'));
  assert.equal(view4.event_id, built4.eventId);
  assert.equal('state_key' in view4, false);
  assert.equal('redacts' in view4, false);
});

test('normalise rejects malformed PDUs with M_BAD_JSON', () => {
  const { pdu } = buildEvent(draft(v('11')), v('11'), signer);
  for (const bad of [null, [], { ...pdu, type: 1 }, { ...pdu, content: [] }, { ...pdu, prev_events: 'x' }, { ...pdu, auth_events: [1] }, { ...pdu, depth: '1' }, { ...pdu, state_key: 3 }]) {
    assert.throws(() => normaliseEvent(bad, v('11'), '$id'), isErr('M_BAD_JSON'));
  }
});

test('build rejects bad drafts with typed errors', () => {
  const version = v('11');
  assert.throws(() => buildEvent(null as unknown as EventDraft, version, signer), isErr('M_BAD_JSON'));
  assert.throws(() => buildEvent(draft(version, { sender: 'alice' }), version, signer), isErr('M_BAD_JSON'));
  assert.throws(() => buildEvent(draft(version, { prev_events: [1] as unknown as string[] }), version, signer), isErr('M_BAD_JSON'));
  assert.throws(() => buildEvent(draft(version, { depth: 1.5 }), version, signer), isErr('M_BAD_JSON'));
  assert.throws(() => buildEvent(draft(version, { content: { n: 0.5 } }), version, signer), isErr('M_BAD_JSON'));
  assert.doesNotThrow(() => buildEvent(draft(v('5'), { content: { n: 0.5 } }), v('5'), signer));
  assert.throws(() => buildEvent(draft(version, { type: 'x'.repeat(256) }), version, signer), isErr('M_TOO_LARGE'));
  assert.throws(() => buildEvent(draft(version, { state_key: 'é'.repeat(128) }), version, signer), isErr('M_TOO_LARGE'));
  assert.throws(() => buildEvent(draft(version, { content: { body: 'x'.repeat(65_536) } }), version, signer), isErr('M_TOO_LARGE'));
  assert.throws(() => buildEvent(draft(version, { prev_events: Array.from({ length: 21 }, (_, i) => `$p${i}`) }), version, signer), isErr('M_BAD_JSON'));
});
