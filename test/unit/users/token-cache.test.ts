import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN_CACHE_TTL_MS, TokenCache } from '../../../core/users/token-cache.ts';
import type { AccessTokenRow } from '../../../core/users/store.ts';
import type { UserId } from '../../../core/spec/ids.ts';

const row = (userId: string, id = '1'): AccessTokenRow => ({
  id,
  userId: userId as UserId,
  deviceId: 'D',
  validUntilTs: null,
  refreshTokenId: null,
  used: true,
  isGuest: false,
  lastSeenTs: null,
});

test('entries live for the TTL only', () => {
  let now = 0;
  const c = new TokenCache(() => now);
  c.set('h', row('@a:x'), c.generation);
  assert.equal(c.get('h')?.userId, '@a:x');
  now = TOKEN_CACHE_TTL_MS;
  assert.equal(c.get('h'), null);
});

test('forgetUser drops that user only; forgetAll drops everything', () => {
  const c = new TokenCache();
  c.set('a', row('@a:x'), c.generation);
  c.set('b', row('@b:x'), c.generation);
  c.forgetUser('@a:x');
  assert.equal(c.get('a'), null);
  assert.ok(c.get('b'));
  c.forgetAll();
  assert.equal(c.get('b'), null);
});

test('a lookup that raced an invalidation is not cached', () => {
  const c = new TokenCache();
  const generation = c.generation;
  c.forgetUser('@a:x'); // a logout committed while the lookup was in flight
  c.set('a', row('@a:x'), generation);
  assert.equal(c.get('a'), null);
});

test('update patches a cached row', () => {
  const c = new TokenCache();
  c.set('a', { ...row('@a:x'), used: false }, c.generation);
  c.update('a', { used: true, lastSeenTs: 5 });
  assert.deepEqual([c.get('a')?.used, c.get('a')?.lastSeenTs], [true, 5]);
});
