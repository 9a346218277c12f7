// Login and registration are rate-limited per address with the default limits: a burst is
// allowed, then 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { DEFAULTS } from '../../../core/config/schema.ts';
import { assertValidResponse } from '../../support/openapi.ts';

describe('rate limits', () => {
  let te: TestEnv;
  let hub: TestHub;
  before(async () => {
    te = await testEnv({ env: { SWITCHYARD_CONFIG: '' } });
    hub = await startTestHub(te);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('login attempts beyond the burst get 429 M_LIMIT_EXCEEDED', async () => {
    const statuses: number[] = [];
    let limited: { body: Record<string, unknown>; retryAfter: string | null } | null = null;
    for (let i = 0; i < DEFAULTS.rateLimits.login.burst + 2; i++) {
      const res = await fetch(`${hub.url}/_matrix/client/v3/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'nobody' }, password: 'wrong password' }),
      });
      statuses.push(res.status);
      if (res.status === 429) limited = { body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
      else await res.body?.cancel();
    }
    assert.deepEqual(statuses.slice(0, DEFAULTS.rateLimits.login.burst), Array(DEFAULTS.rateLimits.login.burst).fill(403));
    assert.ok(limited, `no 429 in ${statuses.join(',')}`);
    assert.equal(limited.body.errcode, 'M_LIMIT_EXCEEDED');
    assert.ok(typeof limited.body.retry_after_ms === 'number' && limited.body.retry_after_ms > 0);
    assert.ok(Number(limited.retryAfter) >= 1);
    assertValidResponse('client-server', 'POST', '/_matrix/client/v3/login', 429, limited.body);
  });
});
