import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../core/queue/queue.ts';

const backoff = { baseMs: 1_000, maxMs: 60_000 };

test('backoff doubles per failed attempt, jittered within [d/2, d]', () => {
  assert.equal(backoffDelay(1, backoff, () => 0), 500);
  assert.equal(backoffDelay(1, backoff, () => 1), 1_000);
  assert.equal(backoffDelay(2, backoff, () => 1), 2_000);
  assert.equal(backoffDelay(3, backoff, () => 0.5), 3_000);
});

test('backoff is capped at maxMs however many attempts failed', () => {
  assert.equal(backoffDelay(7, backoff, () => 1), 60_000);
  assert.equal(backoffDelay(1_000, backoff, () => 1), 60_000);
  assert.equal(backoffDelay(1_000, backoff, () => 0), 30_000);
});
