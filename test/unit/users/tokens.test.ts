import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hashToken, newAccessToken, newDeviceId, newLocalpart, newOpaqueId, newRefreshToken } from '../../../core/users/tokens.ts';
import { isValidLocalpart } from '../../../core/spec/ids.ts';

void test('access and refresh tokens are prefixed, url-safe and unique', () => {
  const a = newAccessToken();
  const r = newRefreshToken();
  assert.match(a, /^syt_[A-Za-z0-9_-]{43}$/);
  assert.match(r, /^syr_[A-Za-z0-9_-]{43}$/);
  const many = new Set(Array.from({ length: 1000 }, newAccessToken));
  assert.equal(many.size, 1000);
});

void test('tokens are stored as their sha256', () => {
  const t = newAccessToken();
  assert.deepEqual(hashToken(t), createHash('sha256').update(t).digest());
  assert.equal(hashToken(t).length, 32);
  assert.notDeepEqual(hashToken(t), hashToken(newAccessToken()));
});

void test('generated device ids, localparts and opaque ids have their grammar', () => {
  assert.match(newDeviceId(), /^[A-Z]{10}$/);
  assert.ok(isValidLocalpart(newLocalpart()));
  assert.match(newOpaqueId(), /^[A-Za-z0-9_-]{22}$/);
});
