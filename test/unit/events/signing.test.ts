import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '../../../core/events/base64.ts';
import { encodeCanonicalJson } from '../../../core/events/canonical-json.ts';
import type { JsonObject } from '../../../core/events/pdu.ts';
import { roomVersion } from '../../../core/events/room-versions.ts';
import type { RoomVersion } from '../../../core/events/room-versions.ts';
import {
  addEventSignature,
  eventSignedBytes,
  hashAndSignEvent,
  signJson,
  signingKeyFromSeed,
  verifyBytes,
  verifyBytesAsync,
  verifyJson,
} from '../../../core/events/signing.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

const v = (id: string): RoomVersion => roomVersion(id) as RoomVersion;
// Spec: appendices "Cryptographic Test Vectors" → "Signing Key".
const SEED = decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1') as Buffer;
const KEY = signingKeyFromSeed(SEED, 'ed25519:1');
const lookupSpecKey = (keyId: string) => (keyId === 'ed25519:1' ? KEY.publicKey : null);

test('spec vector: JSON signing of {}', () => {
  assert.deepEqual(signJson({}, 'domain', KEY), {
    signatures: { domain: { 'ed25519:1': 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ' } },
  });
});

test('spec vector: JSON signing of {one, two}', () => {
  assert.deepEqual(signJson({ one: 1, two: 'Two' }, 'domain', KEY), {
    one: 1,
    signatures: { domain: { 'ed25519:1': 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw' } },
    two: 'Two',
  });
});

test('spec vector: event signing of the minimal event', () => {
  const event: JsonObject = {
    room_id: '!x:domain', sender: '@a:domain', origin: 'domain', origin_server_ts: 1000000, signatures: {}, hashes: {},
    type: 'X', content: {}, prev_events: [], auth_events: [], depth: 3, unsigned: { age_ts: 1000000 },
  };
  assert.deepEqual(hashAndSignEvent(event, v('1'), 'domain', KEY), {
    auth_events: [], content: {}, depth: 3,
    hashes: { sha256: '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos' },
    origin: 'domain', origin_server_ts: 1000000, prev_events: [], room_id: '!x:domain', sender: '@a:domain',
    signatures: { domain: { 'ed25519:1': 'KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg' } },
    type: 'X', unsigned: { age_ts: 1000000 },
  });
});

test('spec vector: event signing of an event with redactable content', () => {
  const event: JsonObject = {
    content: { body: 'Here is the message content' }, event_id: '$0:domain', origin: 'domain', origin_server_ts: 1000000,
    type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain', signatures: {}, unsigned: { age_ts: 1000000 },
  };
  assert.deepEqual(hashAndSignEvent(event, v('1'), 'domain', KEY), {
    content: { body: 'Here is the message content' }, event_id: '$0:domain',
    hashes: { sha256: 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g' },
    origin: 'domain', origin_server_ts: 1000000, type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain',
    signatures: { domain: { 'ed25519:1': 'Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA' } },
    unsigned: { age_ts: 1000000 },
  });
});

test('the public key matches tweetnacl for the same seed', () => {
  const pair = nacl.sign.keyPair.fromSeed(SEED);
  assert.deepEqual(KEY.publicKey, Buffer.from(pair.publicKey));
});

test('verifyJson: signatures made here verify; unsigned and signatures are not covered', () => {
  const signed: JsonObject = signJson({ a: 1, unsigned: { age: 5 } }, 'domain', KEY);
  assert.deepEqual(verifyJson(signed, 'domain', lookupSpecKey), { ok: true, keyIds: ['ed25519:1'] });
  assert.equal(verifyJson({ ...signed, unsigned: { age: 99 } }, 'domain', lookupSpecKey).ok, true);
  assert.equal(verifyJson({ ...signed, a: 2 }, 'domain', lookupSpecKey).ok, false);
  assert.equal(verifyJson(signed, 'other', lookupSpecKey).ok, false);
  assert.equal(verifyJson(signed, 'domain', () => null).ok, false); // no known key
  // Unknown algorithms are ignored; unknown key ids are skipped if another verifies.
  const extra = { ...signed, signatures: { domain: { ...(signed.signatures as Record<string, Record<string, string>>).domain, 'curve:x': 'zz', 'ed25519:2': 'bad' } } };
  assert.equal(verifyJson(extra, 'domain', lookupSpecKey).ok, true);
  // A known key with a bad signature fails even if another key verifies.
  const bad = { ...signed, signatures: { domain: { 'ed25519:1': 'AAAA' } } };
  assert.equal(verifyJson(bad, 'domain', lookupSpecKey).ok, false);
});

test('verify accepts base64 public keys and is total on junk', () => {
  const sig = encodeBase64(nacl.sign.detached(Buffer.from('hello'), nacl.sign.keyPair.fromSeed(SEED).secretKey));
  assert.equal(verifyBytes(KEY.publicKeyBase64, 'hello', sig), true);
  assert.equal(verifyBytes(KEY.publicKeyBase64, 'hellO', sig), false);
  for (const junk of ['', 'not base64!', 'AAAA', 42, null] as unknown[]) {
    assert.equal(verifyBytes(junk as string, 'hello', sig), false);
    assert.equal(verifyBytes(KEY.publicKey, 'hello', junk as string), false);
  }
  assert.deepEqual(verifyJson(null, 'domain', lookupSpecKey).ok, false);
  assert.deepEqual(verifyJson({ a: NaN, signatures: {} }, 'domain', lookupSpecKey).ok, false);
});

test('verifyBytesAsync (WebCrypto, thread pool) gives the same answers as verifyBytes, junk included', async () => {
  const sig = encodeBase64(nacl.sign.detached(Buffer.from('hello'), nacl.sign.keyPair.fromSeed(SEED).secretKey));
  const cases: [unknown, string | Uint8Array, unknown][] = [
    [KEY.publicKeyBase64, 'hello', sig], [KEY.publicKey, Buffer.from('hello'), sig], [KEY.publicKey, 'hellO', sig],
    [KEY.publicKey, 'hello', decodeBase64(sig)], [KEY.publicKey, 'hello', sig.slice(0, -2)],
  ];
  for (const junk of ['', 'not base64!', 'AAAA', 42, null] as unknown[]) cases.push([junk, 'hello', sig], [KEY.publicKey, 'hello', junk]);
  for (const [key, data, s] of cases) {
    const want = verifyBytes(key as string, data, s as string);
    assert.equal(await verifyBytesAsync(key as string, data, s as string), want, `${String(key)} ${String(s)}`);
  }
  assert.equal(await verifyBytesAsync(KEY.publicKey, 'hello', sig), true);
});

test('bad key material is a typed error', () => {
  const isParam = (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM';
  assert.throws(() => signingKeyFromSeed(Buffer.alloc(31), 'ed25519:1'), isParam);
  assert.throws(() => signingKeyFromSeed('x' as unknown as Uint8Array, 'ed25519:1'), isParam);
  assert.throws(() => signingKeyFromSeed(SEED, 'rsa:1'), isParam);
  assert.throws(() => signingKeyFromSeed(SEED, 'ed25519:a-b'), isParam);
  assert.throws(() => hashAndSignEvent(null as unknown as JsonObject, v('1'), 'd', KEY), (e) => e instanceof MatrixError);
});

const jsonObject = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(fc.string(), fc.maxSafeInteger(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })),
  { maxKeys: 6, noNullPrototype: true },
);

test('property: signatures made here verify with tweetnacl, and any change to a signed field breaks them', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), jsonObject, fc.string({ minLength: 1, maxLength: 8 }), (seed, obj, key) => {
      fc.pre(key !== 'signatures' && key !== 'unsigned');
      const k = signingKeyFromSeed(seed, 'ed25519:k');
      const signed = signJson(obj, 'srv', k);
      const sig = decodeBase64((signed.signatures as unknown as Record<string, Record<string, string>>).srv?.['ed25519:k']) as Buffer;
      const bytes = Buffer.from(encodeCanonicalJson(obj, { omit: ['signatures', 'unsigned'] }));
      assert.equal(nacl.sign.detached.verify(bytes, sig, nacl.sign.keyPair.fromSeed(seed).publicKey), true);
      const lookup = (id: string) => (id === 'ed25519:k' ? k.publicKey : null);
      assert.equal(verifyJson(signed, 'srv', lookup).ok, true);
      const changed = { ...signed, [key]: Object.hasOwn(obj, key) && obj[key] === 'x' ? 'y' : 'x' };
      assert.equal(verifyJson(changed, 'srv', lookup).ok, false);
    }),
    { numRuns: 60 },
  );
});

test('property: event signatures cover the redacted form; changing a protected field breaks them', () => {
  const version = v('11');
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 10 }), (body, newType) => {
      const ev = hashAndSignEvent(
        { type: 'm.room.message', room_id: '!r:d', sender: '@u:d', content: { body }, depth: 1, origin_server_ts: 5, prev_events: [], auth_events: [], hashes: {}, signatures: {} },
        version, 'd', KEY,
      );
      const sig = (ev.signatures as Record<string, Record<string, string>>).d?.['ed25519:1'] as string;
      assert.equal(verifyBytes(KEY.publicKey, eventSignedBytes(ev, version), sig), true);
      // Content is not covered by the signature (only via hashes), so a redacted copy still verifies.
      assert.equal(verifyBytes(KEY.publicKey, eventSignedBytes({ ...ev, content: {} }, version), sig), true);
      fc.pre(newType !== 'm.room.message');
      assert.equal(verifyBytes(KEY.publicKey, eventSignedBytes({ ...ev, type: newType }, version), sig), false);
      assert.equal(verifyBytes(KEY.publicKey, eventSignedBytes({ ...ev, hashes: { sha256: body + 'x' } }, version), sig), false);
    }),
    { numRuns: 100 },
  );
});

test('addEventSignature keeps existing signatures', () => {
  const other = signingKeyFromSeed(Buffer.alloc(32, 7), 'ed25519:o');
  const ev: JsonObject = hashAndSignEvent({ type: 'X', room_id: '!r:d', sender: '@u:d', content: {}, depth: 1, origin_server_ts: 1, prev_events: [], auth_events: [] }, v('10'), 'd', KEY);
  const cosigned = addEventSignature(ev, v('10'), 'o', other);
  const sigs = cosigned.signatures as Record<string, Record<string, string>>;
  assert.deepEqual(Object.keys(sigs).sort(), ['d', 'o']);
  assert.equal(verifyBytes(other.publicKey, eventSignedBytes(cosigned, v('10')), sigs.o?.['ed25519:o'] as string), true);
});
