import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildEvent } from '../../../core/events/build.ts';
import type { EventDraft } from '../../../core/events/build.ts';
import { encodeCanonicalJson } from '../../../core/events/canonical-json.ts';
import { EncodedEvent } from '../../../core/events/event-encoding.ts';
import { MAX_PDU_BYTES } from '../../../core/events/event-format.ts';
import { contentHashInput } from '../../../core/events/hashes.ts';
import { checkReceivedPdu, checkReceivedPduAsync, keysToFetch, requiredSigners } from '../../../core/events/pdu-checks.ts';
import type { KeyLookup } from '../../../core/events/pdu-checks.ts';
import type { JsonObject, Pdu } from '../../../core/events/pdu.ts';
import { redactEvent } from '../../../core/events/redaction.ts';
import { roomVersion } from '../../../core/events/room-versions.ts';
import type { RoomVersion } from '../../../core/events/room-versions.ts';
import { addEventSignature, hashAndSignEvent, signingKeyFromSeed } from '../../../core/events/signing.ts';
import type { SigningKey } from '../../../core/events/signing.ts';

const v = (id: string): RoomVersion => roomVersion(id) as RoomVersion;
const keys: Record<string, SigningKey> = {
  'a.test': signingKeyFromSeed(Buffer.alloc(32, 1), 'ed25519:a1'),
  'b.test': signingKeyFromSeed(Buffer.alloc(32, 2), 'ed25519:b1'),
};
const lookup: KeyLookup = (server, keyId) => {
  const k = keys[server];
  return k && k.keyId === keyId ? k.publicKey : null;
};
const build = (version: RoomVersion, over: Partial<EventDraft> = {}, server = 'a.test'): { pdu: Pdu; eventId: string } =>
  buildEvent(
    {
      type: 'm.room.message', sender: `@u:${server}`, content: { body: 'hello' }, room_id: version.roomIdFromCreateEvent ? '!' + 'R'.repeat(43) : '!r:a.test',
      prev_events: ['$p:a.test'], auth_events: ['$x:a.test'], depth: 3, origin_server_ts: 1000, ...over,
    },
    version,
    { serverName: server, key: keys[server] as SigningKey },
  );

test('a valid event passes, with its event id and room id', () => {
  for (const id of ['1', '3', '4', '6', '11', '12']) {
    const { pdu, eventId } = build(v(id));
    const res = checkReceivedPdu({ ...pdu, unsigned: { age: 10 } }, id, lookup);
    assert.ok(res.ok, id);
    assert.equal(res.eventId, eventId);
    assert.equal(res.redacted, false);
    assert.equal(res.roomId, pdu.room_id);
  }
});

test('a bad content hash means: continue with the redacted event', () => {
  const { pdu, eventId } = build(v('11'));
  const tampered = { ...pdu, content: { body: 'tampered' } };
  const res = checkReceivedPdu(tampered, v('11'), lookup);
  assert.ok(res.ok);
  assert.equal(res.redacted, true);
  assert.equal(res.eventId, eventId); // content is not in the reference hash
  assert.deepEqual(res.event, redactEvent(tampered, v('11')));
  // A redacted copy as sent by a peer also passes (signatures cover the redacted form).
  const res2 = checkReceivedPdu(redactEvent(pdu, v('11')), v('11'), lookup);
  assert.ok(res2.ok && res2.redacted);
  // Hashes are signed: changing them breaks the signature first...
  assert.equal(checkReceivedPdu({ ...pdu, hashes: { sha256: '!!' } }, v('11'), lookup).ok, false);
  // ...but a validly signed, undecodable hash is a mismatch: redact and continue.
  const badHash = addEventSignature({ ...pdu, hashes: { sha256: '!!' }, signatures: {} }, v('11'), 'a.test', keys['a.test'] as SigningKey);
  const res3 = checkReceivedPdu(badHash, v('11'), lookup);
  assert.ok(res3.ok && res3.redacted);
});

test('a content hash written with padding still matches (decoders accept padding)', () => {
  const { pdu } = build(v('11'));
  const padded = addEventSignature(
    { ...pdu, hashes: { sha256: pdu.hashes.sha256 + '=' }, signatures: {} },
    v('11'),
    'a.test',
    keys['a.test'] as SigningKey,
  );
  const res = checkReceivedPdu(padded, v('11'), lookup);
  assert.ok(res.ok && !res.redacted);
  const wrong = addEventSignature({ ...pdu, hashes: { sha256: 'A'.repeat(43) + '=' }, signatures: {} }, v('11'), 'a.test', keys['a.test'] as SigningKey);
  const res2 = checkReceivedPdu(wrong, v('11'), lookup);
  assert.ok(res2.ok && res2.redacted);
});

test('signature failures drop the event with M_FORBIDDEN', () => {
  const { pdu } = build(v('11'));
  const noSig = checkReceivedPdu({ ...pdu, signatures: {} }, v('11'), lookup);
  assert.equal(noSig.ok === false && noSig.errcode, 'M_FORBIDDEN');
  const unknownKey = checkReceivedPdu(pdu, v('11'), () => null);
  assert.equal(unknownKey.ok === false && unknownKey.errcode, 'M_FORBIDDEN');
  const changedType = checkReceivedPdu({ ...pdu, type: 'm.room.other' }, v('11'), lookup);
  assert.equal(changedType.ok === false && changedType.errcode, 'M_FORBIDDEN');
  // Signed by the wrong server: sender is on a.test, signature from b.test.
  const wrong = build(v('11'), { sender: '@u:a.test' }, 'b.test');
  const res = checkReceivedPdu(wrong.pdu, v('11'), lookup);
  assert.equal(res.ok === false && res.errcode, 'M_FORBIDDEN');
});

test('checkReceivedPduAsync (verification on the thread pool) gives the same results as checkReceivedPdu', async () => {
  const { pdu } = build(v('11'));
  const join9 = build(v('9'), { type: 'm.room.member', state_key: '@u:b.test', sender: '@u:b.test', content: { membership: 'join', join_authorised_via_users_server: '@admin:a.test' } }, 'b.test').pdu;
  const cosigned = addEventSignature(join9, v('9'), 'a.test', keys['a.test'] as SigningKey);
  const otherSig = (keys['b.test'] as SigningKey).keyId;
  const cases: [unknown, string][] = [
    [pdu, '11'], [{ ...pdu, unsigned: { age: 1 } }, '11'], [{ ...pdu, signatures: {} }, '11'], [{ ...pdu, type: 'm.room.other' }, '11'],
    [{ ...pdu, content: { body: 'tampered' } }, '11'], [{ ...pdu, depth: -1 }, '11'], [null, '11'], [pdu, 'nope'],
    [join9, '9'], [cosigned, '9'],
    // the second of two signatures from b.test is bad: the same failure must be reported
    [{ ...cosigned, signatures: { ...cosigned.signatures, 'a.test': { 'ed25519:a1': (cosigned.signatures['b.test'] as Record<string, string>)[otherSig]! } } }, '9'],
  ];
  for (const [input, version] of cases) {
    assert.deepEqual(await checkReceivedPduAsync(input, version, lookup), checkReceivedPdu(input, version, lookup), JSON.stringify(input)?.slice(0, 80));
  }
  assert.ok((await checkReceivedPduAsync(cosigned, '9', lookup)).ok);
  const badSecond = await checkReceivedPduAsync(cases.at(-1)![0], '9', lookup);
  assert.equal(badSecond.ok === false && badSecond.reason, 'bad signature from a.test with ed25519:a1');
});

test('the key lookup gets origin_server_ts and whether valid_until_ts is enforced (v5+)', () => {
  for (const [id, enforce] of [['4', false], ['5', true]] as const) {
    const calls: unknown[][] = [];
    const { pdu } = build(v(id));
    checkReceivedPdu(pdu, id, (...args) => (calls.push(args), lookup(...args)));
    assert.deepEqual(calls, [['a.test', 'ed25519:a1', 1000, enforce]]);
  }
});

test('required signers: v1/v2 event_id domain; v8+ authorising server; 3pid invites exempt the sender', () => {
  const v1 = build(v('1'), {}, 'b.test');
  const pdu1 = { ...v1.pdu, event_id: '$e:a.test' } as Pdu;
  assert.deepEqual(requiredSigners(pdu1, v('1'))?.sort(), ['a.test', 'b.test']);
  const onlyB = checkReceivedPdu(hashAndSignEvent(pdu1, v('1'), 'b.test', keys['b.test'] as SigningKey), v('1'), lookup);
  assert.equal(onlyB.ok, false);
  const both = addEventSignature(hashAndSignEvent(pdu1, v('1'), 'b.test', keys['b.test'] as SigningKey), v('1'), 'a.test', keys['a.test'] as SigningKey);
  assert.ok(checkReceivedPdu(both, v('1'), lookup).ok);

  const join = (id: string) => build(v(id), { type: 'm.room.member', state_key: '@u:b.test', sender: '@u:b.test', content: { membership: 'join', join_authorised_via_users_server: '@admin:a.test' } }, 'b.test').pdu;
  assert.deepEqual(requiredSigners(join('9'), v('9'))?.sort(), ['a.test', 'b.test']);
  assert.deepEqual(requiredSigners(join('7'), v('7')), ['b.test']);
  assert.equal(checkReceivedPdu(join('9'), v('9'), lookup).ok, false);
  assert.ok(checkReceivedPdu(addEventSignature(join('9'), v('9'), 'a.test', keys['a.test'] as SigningKey), v('9'), lookup).ok);
  assert.deepEqual(keysToFetch(join('9'), '9'), [{ serverName: 'b.test', keyIds: ['ed25519:b1'] }, { serverName: 'a.test', keyIds: [] }]);

  const tpi = build(v('11'), { type: 'm.room.member', state_key: '@x:c.test', sender: '@u:a.test', content: { membership: 'invite', third_party_invite: { signed: {} } } }, 'a.test').pdu;
  assert.deepEqual(requiredSigners(tpi, v('11')), []);
});

test('format and size failures are dropped with typed errcodes', () => {
  const { pdu } = build(v('11'));
  const cases: [unknown, string][] = [
    [null, 'M_BAD_JSON'], ['x', 'M_BAD_JSON'], [[], 'M_BAD_JSON'],
    [{ ...pdu, type: undefined }, 'M_BAD_JSON'], [{ ...pdu, sender: 'nope' }, 'M_BAD_JSON'], [{ ...pdu, room_id: 3 }, 'M_BAD_JSON'],
    [{ ...pdu, depth: -1 }, 'M_BAD_JSON'], [{ ...pdu, depth: 1.5 }, 'M_BAD_JSON'], [{ ...pdu, origin_server_ts: '1' }, 'M_BAD_JSON'],
    [{ ...pdu, content: 'x' }, 'M_BAD_JSON'], [{ ...pdu, hashes: {} }, 'M_BAD_JSON'], [{ ...pdu, signatures: { a: 'x' } }, 'M_BAD_JSON'],
    [{ ...pdu, prev_events: [['$a', {}]] }, 'M_BAD_JSON'], [{ ...pdu, auth_events: Array(11).fill('$a') }, 'M_BAD_JSON'],
    [{ ...pdu, unsigned: [] }, 'M_BAD_JSON'], [{ ...pdu, content: { n: 1.5 } }, 'M_BAD_JSON'],
    [{ ...pdu, type: 't'.repeat(256) }, 'M_TOO_LARGE'], [{ ...pdu, state_key: 's'.repeat(256) }, 'M_TOO_LARGE'],
    [{ ...pdu, sender: `@${'u'.repeat(250)}:a.test` }, 'M_TOO_LARGE'],
    [{ ...pdu, unsigned: { pad: 'x'.repeat(MAX_PDU_BYTES) } }, 'M_TOO_LARGE'],
  ];
  for (const [input, errcode] of cases) {
    const res = checkReceivedPdu(input, v('11'), lookup);
    assert.equal(res.ok, false);
    assert.equal(!res.ok && res.errcode, errcode, JSON.stringify(input).slice(0, 120));
  }
  assert.equal((checkReceivedPdu(pdu, '99', lookup) as { errcode: string }).errcode, 'M_UNSUPPORTED_ROOM_VERSION');
  // v1/v2 events need an event_id and [id, hash] pairs.
  const { pdu: p1 } = build(v('1'));
  assert.equal(checkReceivedPdu({ ...p1, event_id: undefined }, v('1'), lookup).ok, false);
  assert.equal(checkReceivedPdu({ ...p1, prev_events: ['$a:b'] }, v('1'), lookup).ok, false);
  // v12: create events must not carry a room_id.
  const create = buildEvent({ type: 'm.room.create', state_key: '', sender: '@u:a.test', content: {}, prev_events: [], auth_events: [], depth: 1, origin_server_ts: 1 }, v('12'), { serverName: 'a.test', key: keys['a.test'] as SigningKey });
  assert.ok(checkReceivedPdu(create.pdu, '12', lookup).ok);
  assert.equal(checkReceivedPdu({ ...create.pdu, room_id: create.roomId }, '12', lookup).ok, false);
  // A throwing lookup still gives a typed result.
  const res = checkReceivedPdu(pdu, v('11'), () => { throw new Error('boom'); });
  assert.equal(res.ok, false);
});

test('size limit: exactly 65536 bytes of canonical JSON passes, one more byte is M_TOO_LARGE', () => {
  const { pdu } = build(v('11'));
  const base = Buffer.byteLength(encodeCanonicalJson({ ...pdu, unsigned: { pad: '' } }));
  const padded = (n: number) => ({ ...pdu, unsigned: { pad: 'é'.repeat(n >> 1) + 'x'.repeat(n & 1) } });
  const atLimit = padded(MAX_PDU_BYTES - base);
  assert.equal(Buffer.byteLength(encodeCanonicalJson(atLimit)), MAX_PDU_BYTES);
  assert.ok(checkReceivedPdu(atLimit, v('11'), lookup).ok);
  const over = padded(MAX_PDU_BYTES - base + 1);
  assert.equal(Buffer.byteLength(encodeCanonicalJson(over)), MAX_PDU_BYTES + 1);
  const res = checkReceivedPdu(over, v('11'), lookup);
  assert.equal(!res.ok && res.errcode, 'M_TOO_LARGE');
});

test('property: the size computed from the hash input equals the size of the whole encoding', () => {
  const { pdu } = build(v('11'));
  fc.assert(
    fc.property(fc.option(fc.dictionary(fc.string(), fc.string(), { noNullPrototype: true }), { nil: undefined }), fc.dictionary(fc.string(), fc.string(), { noNullPrototype: true }), (unsigned, extra) => {
      const ev: Record<string, unknown> = { ...extra, ...pdu, unsigned };
      const enc = new EncodedEvent(ev as JsonObject, v('11'));
      assert.equal(enc.contentHashInput(), contentHashInput(ev, v('11')));
      assert.equal(enc.canonicalSize(enc.contentHashInput()), Buffer.byteLength(encodeCanonicalJson(ev)));
    }),
  );
  const empty = { hashes: { sha256: 'x' } };
  const encEmpty = new EncodedEvent(empty, v('11'));
  assert.equal(encEmpty.canonicalSize(encEmpty.contentHashInput()), Buffer.byteLength(encodeCanonicalJson(empty)));
});

test('property: checkReceivedPdu never throws on arbitrary input', () => {
  const { pdu } = build(v('11'));
  fc.assert(
    fc.property(fc.anything(), fc.constantFrom('type', 'sender', 'content', 'hashes', 'signatures', 'prev_events', 'room_id', 'depth'), (junk, key) => {
      const mutated: JsonObject = { ...pdu, [key]: junk as never };
      const res = checkReceivedPdu(mutated, v('11'), lookup);
      assert.equal(typeof res.ok, 'boolean');
      const res2 = checkReceivedPdu(junk, v('11'), lookup);
      assert.equal(typeof res2.ok, 'boolean');
    }),
    { numRuns: 300 },
  );
});
