// The ed25519 backend (libsodium where available) agrees with node:crypto's OpenSSL on keys,
// signatures and verification, including rejections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { ED25519_BACKEND, privateFromSeed, signRaw, verifyRaw } from '../../../core/events/ed25519.ts';

const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');

test(`the ${ED25519_BACKEND} backend matches OpenSSL for 200 random keys and messages`, () => {
  for (let i = 0; i < 200; i++) {
    const seed = randomBytes(32);
    const msg = randomBytes(i * 7);
    const ours = privateFromSeed(seed);
    const openssl = createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey(openssl);
    assert.deepEqual(ours.publicKey, Buffer.from(pub.export({ format: 'der', type: 'spki' }).subarray(SPKI.length)));
    const sig = signRaw(ours, msg);
    assert.deepEqual(sig, sign(null, msg, openssl), 'ed25519 signatures are deterministic');
    assert.equal(verifyRaw(ours.publicKey, msg, sig), true);
    assert.equal(verify(null, msg, pub, sig), true);
    const bad = Buffer.from(sig);
    bad[i % 64]! ^= 1;
    assert.equal(verifyRaw(ours.publicKey, msg, bad), false);
    assert.equal(verifyRaw(ours.publicKey, Buffer.concat([msg, Buffer.from([0])]), sig), false);
  }
});

test('malformed keys and signatures are refused, not thrown', () => {
  assert.equal(verifyRaw(Buffer.alloc(31), Buffer.alloc(1), Buffer.alloc(64)), false);
  assert.equal(verifyRaw(Buffer.alloc(32), Buffer.alloc(1), Buffer.alloc(63)), false);
  assert.equal(verifyRaw(Buffer.alloc(32), Buffer.alloc(1), Buffer.alloc(64)), false);
});
