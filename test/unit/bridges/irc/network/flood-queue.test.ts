import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FloodQueue } from '../../../../../bridges/irc/network/flood-queue.ts';

test('lines wait while paused and leave in order after resume; none dropped', async () => {
  const out: string[] = [];
  const q = new FloodQueue((l) => out.push(l), { burst: 3, linesPerSecond: 200 });
  const sent = Array.from({ length: 30 }, (_, i) => q.push(`l${i}`));
  assert.deepEqual(out, [], 'a new queue is paused until the connection registers');
  assert.equal(q.length, 30);
  q.resume();
  assert.deepEqual(out, ['l0', 'l1', 'l2'], 'the burst leaves at once, the rest waits for tokens');
  await Promise.all(sent);
  assert.deepEqual(out, Array.from({ length: 30 }, (_, i) => `l${i}`));
});

test('pause keeps the rest queued; drain resolves when empty', async () => {
  const out: string[] = [];
  const q = new FloodQueue((l) => out.push(l), { burst: 1, linesPerSecond: 100 });
  q.resume();
  void q.push('a');
  void q.push('b');
  q.pause();
  assert.deepEqual(out, ['a']);
  assert.equal(q.length, 1);
  const drained = q.drain();
  q.resume();
  await drained;
  assert.deepEqual(out, ['a', 'b']);
  await q.drain();
});

test('invalid rates are refused', () => {
  assert.throws(() => new FloodQueue(() => {}, { burst: 0, linesPerSecond: 1 }), RangeError);
  assert.throws(() => new FloodQueue(() => {}, { burst: 1, linesPerSecond: 0 }), RangeError);
});
