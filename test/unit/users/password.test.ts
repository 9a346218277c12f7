import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, needsRehash, verifyPassword, DEFAULT_SCRYPT } from '../../../core/users/password.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };

void test('a hash verifies its password and no other', async () => {
  const h = await hashPassword('correct horse', CHEAP);
  assert.match(h, /^\$scrypt\$N=1024,r=8,p=1\$/);
  assert.equal(await verifyPassword('correct horse', h), true);
  assert.equal(await verifyPassword('correct horsf', h), false);
  assert.equal(await verifyPassword('', h), false);
});

void test('the same password hashes differently each time (salted)', async () => {
  const [a, b] = await Promise.all([hashPassword('pw', CHEAP), hashPassword('pw', CHEAP)]);
  assert.notEqual(a, b);
});

void test('parameters travel in the hash: old hashes verify and ask for a rehash', async () => {
  const h = await hashPassword('pw', CHEAP);
  assert.equal(needsRehash(h, CHEAP), false);
  assert.equal(needsRehash(h, DEFAULT_SCRYPT), true);
  assert.equal(await verifyPassword('pw', h), true);
});

void test('the default parameters are memory-hard and verify', async () => {
  assert.ok(DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r * 128 >= 32 * 1024 * 1024);
  const h = await hashPassword('pw');
  assert.equal(await verifyPassword('pw', h), true);
});

void test('malformed stored hashes never verify', async () => {
  assert.equal(await verifyPassword('pw', 'plaintext'), false);
  assert.equal(await verifyPassword('pw', '$scrypt$N=1024,r=8,p=1$AAAA$'), false);
  assert.equal(needsRehash('garbage'), true);
});

void test('unicode passwords are normalised (NFKC) before hashing', async () => {
  const h = await hashPassword('caf\u00e9', CHEAP);
  assert.equal(await verifyPassword('cafe\u0301', h), true);
});
