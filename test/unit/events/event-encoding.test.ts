import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeCanonicalJson, encodeMembersOf } from '../../../core/events/canonical-json.ts';
import { EncodedEvent } from '../../../core/events/event-encoding.ts';
import type { JsonObject } from '../../../core/events/pdu.ts';
import { ROOM_VERSIONS } from '../../../core/events/room-versions.ts';
import { eventSignedBytes } from '../../../core/events/signing.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

const samples: JsonObject[] = [
  {
    type: 'm.room.message', room_id: '!r:d', sender: '@u:d', content: { body: 'hé 😀', msgtype: 'm.text' }, depth: 3,
    prev_events: ['$p'], auth_events: ['$a'], origin_server_ts: 5, hashes: { sha256: 'x' }, signatures: { d: { 'ed25519:1': 's' } },
    unsigned: { age: 1 }, origin: 'd', membership: 'join', prev_state: [], extra: { nested: [1, 'two'] },
  },
  { type: 'm.room.member', state_key: '@u:d', sender: '@u:d', room_id: '!r:d', content: { membership: 'join', displayname: 'U', third_party_invite: { signed: { token: 't' }, display_name: 'x' } } },
  { type: 'm.room.create', state_key: '', sender: '@u:d', content: { room_version: '11', creator: '@u:d', 'm.federate': false } },
  { type: 'm.room.power_levels', state_key: '', sender: '@u:d', content: { users: { '@u:d': 100 }, invite: 50, notifications: { room: 20 } } },
  { type: 'm.room.redaction', sender: '@u:d', redacts: '$x', content: { redacts: '$x', reason: 'spam' } },
  { type: 'm.room.message', sender: '@u:d', hashes: { sha256: 'h' } }, // no content: a redacted copy still has one
  { auth_events: [], type: 'a' }, // no content, and every kept key sorts before `content`
  {},
  { unsigned: { a: 1 }, signatures: {}, hashes: {} }, // nothing but the excluded members
];

test('EncodedEvent: content hash input, signed bytes and size equal the whole-object encodings, every room version', () => {
  for (const version of ROOM_VERSIONS.values()) {
    for (const event of samples) {
      const enc = new EncodedEvent(structuredClone(event), version);
      const hashInput = enc.contentHashInput();
      assert.equal(hashInput, encodeCanonicalJson(event, { omit: ['unsigned', 'signatures', 'hashes'] }), `v${version.id}`);
      assert.equal(enc.signedBytes(), eventSignedBytes(event, version), `v${version.id} ${String(event.type)}`);
      assert.equal(enc.canonicalSize(hashInput), bytes(encodeCanonicalJson(event)), `v${version.id}`);
    }
  }
});

test('EncodedEvent.replace re-encodes one member in place; unknown members are a bug', () => {
  const version = ROOM_VERSIONS.get('12')!;
  const event: JsonObject = { type: 'm.room.message', sender: '@u:d', content: { body: 'b' }, hashes: { sha256: '' }, signatures: {} };
  const enc = new EncodedEvent(event, version);
  enc.replace('hashes', { sha256: 'abc' });
  enc.replace('signatures', { d: { 'ed25519:k': 'sig' } });
  assert.deepEqual(event.hashes, { sha256: 'abc' });
  assert.equal(enc.signedBytes(), eventSignedBytes(event, version));
  const hashInput = enc.contentHashInput();
  assert.equal(enc.canonicalSize(hashInput), bytes(encodeCanonicalJson(event)));
  assert.throws(() => enc.replace('unsigned', {}), /no member unsigned/);
});

test('EncodedEvent enforces the room version number rules like the whole-object encoder', () => {
  const event: JsonObject = { type: 't', sender: '@u:d', content: { n: 1.5 } };
  assert.throws(() => new EncodedEvent(event, ROOM_VERSIONS.get('6')!), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_BAD_JSON');
  const loose = new EncodedEvent(event, ROOM_VERSIONS.get('5')!);
  assert.equal(loose.contentHashInput(), encodeCanonicalJson(event, { strict: false }));
});

test('encodeMembersOf: joining any subset of the parts is the canonical JSON of that sub-object (property)', () => {
  const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('\u{1F600}', '\uE000', 'a\u{10000}', 'a\uFFFF'));
  const value = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
  fc.assert(
    fc.property(fc.dictionary(key, value, { maxKeys: 8 }), fc.func(fc.boolean()), (obj, pick) => {
      const { keys, parts } = encodeMembersOf(obj);
      assert.equal('{' + parts.join(',') + '}', encodeCanonicalJson(obj));
      const sub: Record<string, unknown> = {};
      const chosen: string[] = [];
      keys.forEach((k, i) => {
        if (pick(k)) {
          sub[k] = obj[k];
          chosen.push(parts[i]!);
        }
      });
      assert.equal('{' + chosen.join(',') + '}', encodeCanonicalJson(sub));
    }),
  );
  assert.throws(() => encodeMembersOf([1]), MatrixError);
  assert.deepEqual(encodeMembersOf({ a: undefined, b: 1 }), { keys: ['b'], parts: ['"b":1'] });
});
