import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildServerKeysResponse,
  formatSigningKeyFile,
  generateSigningKey,
  loadOrCreateSigningKeys,
  parseSigningKeyFile,
} from '../../../core/events/server-keys.ts';
import { signingKeyFromSeed, verifyJson } from '../../../core/events/signing.ts';
import { decodeBase64 } from '../../../core/events/base64.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

const isParam = (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM';

test('generated keys have ids ed25519:a_XXXX and round-trip through the Synapse key file format', () => {
  const k = generateSigningKey();
  assert.match(k.keyId, /^ed25519:a_[A-Za-z0-9]{4}$/);
  const text = formatSigningKeyFile([k]);
  assert.match(text, /^ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n$/);
  const [back] = parseSigningKeyFile(text);
  assert.equal(back?.keyId, k.keyId);
  assert.deepEqual(back?.publicKey, k.publicKey);
});

test('parses a Synapse key file with the spec seed, padded or not, several lines', () => {
  const text = 'ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1\n\ned25519 a_b YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0=\n';
  const keys = parseSigningKeyFile(text);
  assert.deepEqual(keys.map((k) => k.keyId), ['ed25519:1', 'ed25519:a_b']);
  assert.deepEqual(keys[0]?.seed, decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1'));
});

test('malformed key files are M_INVALID_PARAM', () => {
  for (const bad of ['ed25519 1', 'rsa 1 AAAA', 'ed25519 1 AAAA', 'ed25519 a-b YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1', 'ed25519 1 !!!', 42]) {
    assert.throws(() => parseSigningKeyFile(bad as string), isParam, String(bad));
  }
});

test('loadOrCreateSigningKeys creates a 0600 file once and then reads it back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keys-'));
  try {
    const path = join(dir, 'sub', 'signing.key');
    const [created] = await loadOrCreateSigningKeys(path);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const [loaded] = await loadOrCreateSigningKeys(path);
    assert.equal(loaded?.keyId, created?.keyId);
    assert.deepEqual(loaded?.seed, created?.seed);
    assert.equal(await readFile(path, 'utf8'), formatSigningKeyFile([created as never]));
    await writeFile(join(dir, 'empty.key'), '\n');
    await assert.rejects(loadOrCreateSigningKeys(join(dir, 'empty.key')), isParam);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('key server response: verify_keys, old_verify_keys with expired_ts, valid_until_ts, self-signed', () => {
  const k = signingKeyFromSeed(Buffer.alloc(32, 9), 'ed25519:a_cur');
  const old = signingKeyFromSeed(Buffer.alloc(32, 8), 'ed25519:a_old');
  const body = buildServerKeysResponse({
    serverName: 'hs.test', keys: [k], oldKeys: [{ keyId: old.keyId, key: old.publicKeyBase64, expiredTs: 1_000 }], validUntilTs: 2_000,
  });
  assert.deepEqual({ ...body, signatures: undefined }, {
    server_name: 'hs.test', verify_keys: { 'ed25519:a_cur': { key: k.publicKeyBase64 } },
    old_verify_keys: { 'ed25519:a_old': { key: old.publicKeyBase64, expired_ts: 1_000 } }, valid_until_ts: 2_000, signatures: undefined,
  });
  const check = verifyJson(body, 'hs.test', (id) => (id === k.keyId ? k.publicKeyBase64 : null));
  assert.deepEqual(check, { ok: true, keyIds: ['ed25519:a_cur'] });
  assert.throws(() => buildServerKeysResponse({ serverName: 'hs.test', keys: [], validUntilTs: 1 }), isParam);
  assert.throws(() => buildServerKeysResponse({ serverName: 'hs.test', keys: [k], validUntilTs: 1.5 }), isParam);
});
