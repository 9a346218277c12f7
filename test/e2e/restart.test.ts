// Restarting the server keeps accounts, devices and tokens. Runs the real CLI in a child process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnHub, testEnv, type TestEnv } from '../support/hub.ts';

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function get(url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('restart', () => {
  let te: TestEnv;
  before(async () => {
    te = await testEnv();
  });
  after(async () => {
    await te?.cleanup();
  });

  test('accounts, devices and tokens survive a graceful restart and a SIGKILL', async () => {
    let hub = await spawnHub(te);
    const password = 'restart me please';
    const first = await post(`${hub.url}/_matrix/client/v3/register`, { username: 'rita', password });
    const reg = await post(`${hub.url}/_matrix/client/v3/register`, {
      username: 'rita',
      password,
      initial_device_display_name: 'Desk',
      auth: { type: 'm.login.dummy', session: first.json.session },
    });
    assert.equal(reg.status, 200);
    const token = reg.json.access_token as string;
    await hub.stop();

    hub = await spawnHub(te);
    const who = await get(`${hub.url}/_matrix/client/v3/account/whoami`, token);
    assert.equal(who.status, 200);
    assert.equal(who.json.user_id, '@rita:test.local');
    const login = await post(`${hub.url}/_matrix/client/v3/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'rita' }, password });
    assert.equal(login.status, 200);
    await hub.kill('SIGKILL');

    hub = await spawnHub(te);
    try {
      const devices = await get(`${hub.url}/_matrix/client/v3/devices`, token);
      assert.equal(devices.status, 200);
      const list = devices.json.devices as { device_id: string; display_name?: string }[];
      assert.deepEqual(list.map((d) => d.device_id).sort(), [reg.json.device_id, login.json.device_id].sort());
      assert.equal(list.find((d) => d.device_id === reg.json.device_id)?.display_name, 'Desk');
      const again = await get(`${hub.url}/_matrix/client/v3/account/whoami`, login.json.access_token as string);
      assert.equal(again.status, 200);
    } finally {
      await hub.stop();
    }
  });
});
