// BridgeInstance with fake modules: a start that finishes after the config changed is stopped, a
// rejecting start is retried with capped exponential backoff, load errors wait for a new config,
// and stop() leaves nothing running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeInstance } from '../../../../appservices/bridge-host/instance.ts';
import { BridgeLoadError } from '../../../../appservices/bridge-host/bridge-module.ts';
import { createLogger } from '../../../../core/observability/log.ts';
import type { BridgeModule, RunningBridge, StartOptions } from '../../../../bridges/kit/plugin.ts';

const log = createLogger('error', {}, () => undefined);
const dataDir = join(mkdtempSync(join(tmpdir(), 'switchyard-instance-')), 'b');

function fakeModule(start: (o: StartOptions) => Promise<RunningBridge>): BridgeModule {
  return { network: 'fake', generate: () => ({ configYaml: '', registrationYaml: '' }), start };
}

async function settle(i: BridgeInstance, state: string): Promise<void> {
  for (let n = 0; n < 500 && i.status().state !== state; n++) await new Promise((r) => setTimeout(r, 2));
  assert.equal(i.status().state, state, JSON.stringify(i.status()));
}

test('a start that finishes after a newer config is stopped; the newer one runs', async () => {
  const stopped: number[] = [];
  let release!: () => void;
  const slowFirst = new Promise<void>((r) => (release = r));
  let starts = 0;
  const module = fakeModule(async () => {
    const run = ++starts;
    if (run === 1) await slowFirst;
    return { url: `http://fake/${run}`, stop: async () => void stopped.push(run) };
  });
  const i = new BridgeInstance({ name: 'f', file: '/c/f.yaml', dataDir, log, backoff: { baseMs: 5, maxMs: 20 }, importModule: async () => module });
  i.apply('network: fake\nv: 1\n');
  await new Promise((r) => setTimeout(r, 10));
  i.apply('network: fake\nv: 2\n');
  release();
  await settle(i, 'running');
  assert.equal(starts, 2);
  assert.deepEqual(stopped, [1], 'the stale run was stopped');
  assert.equal(i.status().url, 'http://fake/2');
  await i.stop();
  assert.deepEqual(stopped, [1, 2]);
  assert.equal(i.status().url, null);
});

test('a rejecting start is retried with capped exponential backoff; a new config resets it', async () => {
  let now = 1_000;
  const delays: number[] = [];
  let failuresLeft = 5;
  const module = fakeModule(async () => {
    if (failuresLeft-- > 0) throw new Error('hub unreachable');
    return { url: 'http://fake', stop: async () => undefined };
  });
  const i = new BridgeInstance({ name: 'f', file: '/c/f.yaml', dataDir, log, backoff: { baseMs: 2, maxMs: 8 }, importModule: async () => module, now: () => now });
  i.apply('network: fake\n');
  for (let seen = 0; seen < 5; ) {
    await new Promise((r) => setTimeout(r, 1));
    const s = i.status();
    if (s.state === 'retrying' && s.failures > seen) {
      seen = s.failures;
      delays.push(s.next_retry_at! - now);
      assert.equal(s.error, '/c/f.yaml: hub unreachable');
      now += 1;
    }
  }
  assert.deepEqual(delays, [2, 4, 8, 8, 8]);
  await settle(i, 'running');
  assert.equal(i.status().failures, 5);
  i.apply('network: fake\nedited: true\n');
  await settle(i, 'running');
  assert.equal(i.status().failures, 0);
  await i.stop();
});

test('load errors are "failed" without retries; stop() during a retry wait cancels it', async () => {
  let imports = 0;
  const i = new BridgeInstance({
    name: 'f',
    file: '/c/f.yaml',
    dataDir,
    log,
    backoff: { baseMs: 1, maxMs: 1 },
    importModule: async () => {
      imports++;
      throw new BridgeLoadError('/c/f.yaml: network: unknown network "fake"');
    },
  });
  i.apply('network: fake\n');
  await settle(i, 'failed');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(imports, 1);
  assert.equal(i.status().next_retry_at, null);

  let starts = 0;
  const j = new BridgeInstance({ name: 'g', file: '/c/g.yaml', dataDir, log, backoff: { baseMs: 30, maxMs: 30 }, importModule: async () => fakeModule(async () => {
    starts++;
    throw new Error('nope');
  }) });
  j.apply('network: fake\n');
  await settle(j, 'retrying');
  await j.stop();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(starts, 1);
});

test('stop() gives up on a bridge whose start never settles', async () => {
  const lines: string[] = [];
  const i = new BridgeInstance({ name: 'h', file: '/c/h.yaml', dataDir, log: createLogger('error', {}, (l) => void lines.push(l)), backoff: { baseMs: 1, maxMs: 1 }, importModule: async () =>
      fakeModule(() => {
        called = true;
        return new Promise<RunningBridge>(() => undefined);
      }),
  });
  let called = false;
  i.apply('network: fake\n');
  while (!called) await new Promise((r) => setTimeout(r, 2));
  await i.stop(20);
  assert.equal(i.status().url, null);
  assert.match(lines.join(''), /"msg":"bridge did not stop in time; giving up on it","file":"\/c\/h\.yaml"/);
});
