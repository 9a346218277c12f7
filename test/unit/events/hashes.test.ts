import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  contentHash,
  contentHashBase64,
  eventIdOf,
  newV1EventId,
  referenceHash,
  roomIdFromCreateEvent,
} from '../../../core/events/hashes.ts';
import { roomVersion } from '../../../core/events/room-versions.ts';
import type { RoomVersion } from '../../../core/events/room-versions.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import { isEventIdOfFormat, parseRoomId } from '../../../core/spec/ids.ts';

const v = (id: string): RoomVersion => roomVersion(id) as RoomVersion;
const sha = (s: string): Buffer => createHash('sha256').update(s).digest();

test('spec vectors: content hashes of the two signing-vector events', () => {
  const minimal = {
    room_id: '!x:domain', sender: '@a:domain', origin: 'domain', origin_server_ts: 1000000, signatures: {}, hashes: {},
    type: 'X', content: {}, prev_events: [], auth_events: [], depth: 3, unsigned: { age_ts: 1000000 },
  };
  assert.equal(contentHashBase64(minimal, v('1')), '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos');
  const message = {
    content: { body: 'Here is the message content' }, event_id: '$0:domain', origin: 'domain', origin_server_ts: 1000000,
    type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain', signatures: {}, unsigned: { age_ts: 1000000 },
  };
  assert.equal(contentHashBase64(message, v('1')), 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g');
});

const event = {
  type: 'm.room.message', room_id: '!r:d', sender: '@u:d', content: { body: 'hi' }, depth: 2, origin_server_ts: 9,
  prev_events: ['$p'], auth_events: ['$a'], hashes: { sha256: 'abc' }, signatures: { d: { 'ed25519:1': 'sig' } }, unsigned: { age: 3 },
};

test('content hash excludes unsigned, signatures and hashes; covers everything else', () => {
  const expected = sha('{"auth_events":["$a"],"content":{"body":"hi"},"depth":2,"origin_server_ts":9,"prev_events":["$p"],"room_id":"!r:d","sender":"@u:d","type":"m.room.message"}');
  assert.deepEqual(contentHash(event, v('11')), expected);
  assert.deepEqual(contentHash({ ...event, unsigned: {}, signatures: {}, hashes: {} }, v('11')), expected);
  assert.notDeepEqual(contentHash({ ...event, content: { body: 'ho' } }, v('11')), expected);
});

test('reference hash covers the redacted event with hashes but without signatures/unsigned', () => {
  const expected = sha('{"auth_events":["$a"],"content":{},"depth":2,"hashes":{"sha256":"abc"},"origin_server_ts":9,"prev_events":["$p"],"room_id":"!r:d","sender":"@u:d","type":"m.room.message"}');
  assert.deepEqual(referenceHash(event, v('11')), expected);
  // Redactable content does not change it; the content hash does.
  assert.deepEqual(referenceHash({ ...event, content: { body: 'other' }, signatures: {} }, v('11')), expected);
  assert.notDeepEqual(referenceHash({ ...event, hashes: { sha256: 'abd' } }, v('11')), expected);
});

test('event ids per format: v1 carried, v3 base64, v4+ URL-safe base64', () => {
  const ref = referenceHash(event, v('3'));
  assert.equal(eventIdOf(event, v('3')), '$' + ref.toString('base64').replace(/=+$/, ''));
  assert.equal(eventIdOf(event, v('4')), '$' + ref.toString('base64url'));
  assert.ok(isEventIdOfFormat(eventIdOf(event, v('3')), 'v3'));
  assert.ok(isEventIdOfFormat(eventIdOf(event, v('10')), 'v4'));
  assert.equal(eventIdOf({ ...event, event_id: '$x:d' }, v('2')), '$x:d');
  assert.throws(() => eventIdOf(event, v('1')), (e) => e instanceof MatrixError && e.errcode === 'M_BAD_JSON');
  const id = newV1EventId('example.org:8448');
  assert.match(id, /^\$[A-Za-z0-9]{18}:example\.org:8448$/);
  assert.ok(isEventIdOfFormat(id, 'v1'));
  assert.notEqual(newV1EventId('d'), newV1EventId('d'));
});

test('v12 room id is ! + URL-safe reference hash of the create event', () => {
  const create = { type: 'm.room.create', state_key: '', sender: '@u:d', content: { room_version: '12' }, depth: 1, origin_server_ts: 1, prev_events: [], auth_events: [], hashes: { sha256: 'x' }, signatures: {} };
  const roomId = roomIdFromCreateEvent(create, v('12'));
  assert.equal(roomId, '!' + referenceHash(create, v('12')).toString('base64url'));
  assert.equal(roomId.slice(1), eventIdOf(create, v('12')).slice(1));
  assert.ok(parseRoomId(roomId));
  assert.throws(() => roomIdFromCreateEvent(create, v('11')), (e) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM');
});

test('malformed input is a typed error', () => {
  for (const bad of [null, 'x', [], 3]) {
    assert.throws(() => contentHash(bad, v('11')), (e) => e instanceof MatrixError && e.errcode === 'M_BAD_JSON');
    assert.throws(() => referenceHash(bad, v('11')), (e) => e instanceof MatrixError && e.errcode === 'M_BAD_JSON');
  }
  // Strict canonical JSON applies from v6.
  assert.throws(() => contentHash({ ...event, depth: 1.5 }, v('6')), (e) => e instanceof MatrixError && e.errcode === 'M_BAD_JSON');
  assert.doesNotThrow(() => contentHash({ ...event, depth: 1.5 }, v('5')));
});
