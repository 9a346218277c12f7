// The cooperative Yielder: how often it reads the clock adapts to the cost of a step, so a
// slice ends close to its budget whether steps are cheap or expensive. The clock is faked:
// these tests are about the decisions, not about timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAVY_STEP, Yielder } from '../../../core/events/state-res-graph.ts';

function withClock(fn: (advance: (ms: number) => void) => Promise<void> | void): Promise<void> | void {
  const real = performance.now.bind(performance);
  let t = 1000;
  performance.now = () => t;
  const restore = (): void => {
    performance.now = real;
  };
  try {
    const out = fn((ms) => {
      t += ms;
    });
    if (out instanceof Promise) return out.finally(restore);
    restore();
    return out;
  } catch (e) {
    restore();
    throw e;
  }
}

void test('expensive steps: the first slice overruns its budget by at most the initial check interval', () =>
  withClock((advance) => {
    const y = new Yielder(5);
    let steps = 0;
    let elapsed = 0;
    for (;;) {
      advance(0.5); // each step costs half a millisecond
      elapsed += 0.5;
      steps++;
      if (y.step()) break;
      assert.ok(steps < 1000, 'never asked for a pause');
    }
    // The first reading comes after the initial interval; after that the interval shrinks.
    assert.ok(elapsed <= 16 * 0.5 + 5, `slice ran ${elapsed} ms`);
  }));

void test('after a pause, expensive steps end the next slice close to its budget', async () => {
  await withClock(async (advance) => {
    const y = new Yielder(5);
    while (!y.step()) advance(0.5);
    await y.pause();
    let elapsed = 0;
    while (!y.step()) {
      advance(0.5);
      elapsed += 0.5;
    }
    assert.ok(elapsed <= 6, `second slice ran ${elapsed} ms`);
  });
});

void test('cheap steps: the clock is read rarely, and the slice still ends', () =>
  withClock((advance) => {
    const y = new Yielder(5);
    let reads = 0;
    const fake = performance.now;
    performance.now = () => {
      reads++;
      return fake();
    };
    let steps = 0;
    while (!y.step()) {
      advance(0.0001);
      steps++;
    }
    assert.ok(steps > 40_000, `${steps} steps`);
    assert.ok(reads < steps / 100, `${reads} clock reads for ${steps} steps`);
    assert.equal(y.due(), true);
  }));

void test('a costly loop after a cheap one: weighted steps keep the overrun to a few steps', () =>
  withClock((advance) => {
    const y = new Yielder(5);
    for (let i = 0; i < 5000; i++) {
      advance(0.0001); // cheap steps: the interval grows to its ceiling
      if (y.step()) break;
    }
    let elapsed = 0;
    for (;;) {
      advance(1); // then auth checks costing a millisecond each
      elapsed += 1;
      if (y.step(HEAVY_STEP)) break;
    }
    assert.ok(elapsed <= 5 + 4, `costly loop ran ${elapsed} ms before a pause`);
  }));
