// rate_limited in a registration, with the default (strict) rate limits: an appservice with
// rate_limited: false is never limited, one without it is limited like anyone else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../../core/config/schema.ts';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { registrationYaml } from './support.ts';

describe('appservice rate limits', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-rl-'));
    await writeFile(join(dir, 'free.yaml'), registrationYaml({ id: 'free', rateLimited: false }));
    await writeFile(join(dir, 'limited.yaml'), registrationYaml({ id: 'limited' }));
    // No config file: the default rate limits apply.
    te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: '' } });
    hub = await startTestHub(te);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function registerMany(id: string, n: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${hub.url}/_matrix/client/v3/register`, {
        method: 'POST',
        headers: { authorization: `Bearer as-${id}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'm.login.application_service', username: `_${id}_${i}`, inhibit_login: true }),
      });
      statuses.push(res.status);
    }
    return statuses;
  }

  test('rate_limited: false registers ghosts past the register burst; the default is limited', async () => {
    const burst = DEFAULTS.rateLimits.register.burst;
    assert.equal(hub.config.rateLimits.register.burst, burst, 'the defaults are in force');
    const free = await registerMany('free', burst * 3);
    assert.deepEqual(new Set(free), new Set([200]));
    const limited = await registerMany('limited', burst * 3);
    assert.ok(limited.slice(0, burst).every((s) => s === 200), JSON.stringify(limited));
    assert.ok(limited.includes(429), JSON.stringify(limited));
  });
});
