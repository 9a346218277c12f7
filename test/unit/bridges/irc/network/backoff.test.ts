import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffDelay } from '../../../../../bridges/irc/network/backoff.ts';

test('backoffDelay doubles from the base and is capped', () => {
  const opts = { baseMs: 100, maxMs: 1000, jitter: 0 };
  assert.deepEqual([1, 2, 3, 4, 5, 50].map((a) => backoffDelay(a, opts)), [100, 200, 400, 800, 1000, 1000]);
});

test('jitter takes off at most its share of the delay', () => {
  const opts = { baseMs: 1000, maxMs: 8000, jitter: 0.5 };
  assert.equal(backoffDelay(3, opts, () => 0), 4000);
  assert.equal(backoffDelay(3, opts, () => 1), 2000);
  fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
    const d = backoffDelay(attempt, opts, () => r);
    const exp = Math.min(8000, 1000 * 2 ** (attempt - 1));
    assert.ok(d >= exp / 2 && d <= exp, `${d} for ${attempt}`);
  }));
});
