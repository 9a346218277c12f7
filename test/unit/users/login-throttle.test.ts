import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoginThrottle } from '../../../core/users/login-throttle.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

void test('an account is throttled after the burst of failures and recovers with time', () => {
  let now = 0;
  const t = new LoginThrottle(() => now, 3, 1000);
  for (let i = 0; i < 3; i++) {
    t.check('@a:x');
    t.failed('@a:x');
  }
  assert.throws(
    () => t.check('@a:x'),
    (e: unknown) => e instanceof MatrixError && e.errcode === 'M_LIMIT_EXCEEDED' && e.extra.retry_after_ms === 1000,
  );
  t.check('@b:x'); // other accounts are unaffected
  now = 1000;
  t.check('@a:x');
});

void test('a success clears the account', () => {
  const t = new LoginThrottle(() => 0, 2, 1000);
  t.failed('@a:x');
  t.failed('@a:x');
  assert.throws(() => t.check('@a:x'));
  t.succeeded('@a:x');
  t.check('@a:x');
});
