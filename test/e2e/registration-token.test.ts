// Token-gated registration end to end: the first admin is made with `switchyard register-user`
// (shared secret from the data dir), creates a one-use token through the admin API, and a new
// user registers with it through matrix-js-sdk.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { specFetch } from '../support/openapi.ts';

const run = promisify(execFile);
const PASSWORD = 'a perfectly long password';

describe('token-gated registration', () => {
  let te: TestEnv;
  let hub: TestHub;
  before(async () => {
    te = await testEnv({ env: { REGISTRATION_MODE: 'token' } });
    hub = await startTestHub(te);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  const anon = () => createClient({ baseUrl: hub.url, fetchFn: specFetch(hub.url, 'client-server') });

  async function tokenValid(token: string): Promise<boolean> {
    const res = await specFetch(hub.url, 'client-server')(
      `${hub.url}/_matrix/client/v1/register/m.login.registration_token/validity?token=${encodeURIComponent(token)}`,
    );
    return ((await res.json()) as { valid: boolean }).valid;
  }

  async function admin(method: string, path: string, token: string, body?: unknown) {
    const res = await fetch(`${hub.url}/_synapse/admin/v1/registration_tokens${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  test('register-user makes an admin who issues a token that lets one person register', async () => {
    const cli = await run(process.execPath, ['core/cli.js', 'register-user', '--user', 'root', '--password', PASSWORD, '--admin', '--url', hub.url], {
      env: { ...process.env, ...te.env },
    });
    assert.match(cli.stdout, /Registered @root:test\.local/);
    const rootLogin = await anon().loginWithPassword('root', PASSWORD);

    const created = await admin('POST', '/new', rootLogin.access_token, { uses_allowed: 1 });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const token = created.json.token as string;
    assert.match(token, /^[A-Za-z0-9._~-]{16}$/);
    assert.equal((await admin('GET', '', rootLogin.access_token)).json.registration_tokens instanceof Array, true);

    const c = anon();
    assert.equal(await tokenValid(token), true);
    assert.equal(await tokenValid('not-a-token'), false);

    // Open registration is off: the only flow is the token.
    const challenge = await c.registerRequest({ username: 'newbie', password: PASSWORD }).catch((e: { httpStatus: number; data: Record<string, unknown> }) => e);
    assert.equal((challenge as { httpStatus: number }).httpStatus, 401);
    const data = (challenge as unknown as { data: { session: string; flows: { stages: string[] }[] } }).data;
    assert.deepEqual(data.flows.map((f) => f.stages), [['m.login.registration_token']]);
    const dummy = await c
      .registerRequest({ username: 'newbie', password: PASSWORD, auth: { type: 'm.login.dummy', session: data.session } })
      .catch((e: { httpStatus: number }) => e.httpStatus);
    assert.equal(dummy, 401);

    const reg = await c.registerRequest({ username: 'newbie', password: PASSWORD, auth: { type: 'm.login.registration_token', token, session: data.session } });
    assert.equal(reg.user_id, '@newbie:test.local');
    assert.equal(await tokenValid(token), false, 'a one-use token is spent');

    const second = await anon().registerRequest({ username: 'latecomer', password: PASSWORD }).catch((e: { data: { session: string } }) => e.data);
    const refused = await anon()
      .registerRequest({ username: 'latecomer', password: PASSWORD, auth: { type: 'm.login.registration_token', token, session: (second as { session: string }).session } })
      .catch((e: { httpStatus: number; errcode: string }) => [e.httpStatus, e.errcode]);
    assert.deepEqual(refused, [401, 'M_UNAUTHORIZED']);

    const used = await admin('GET', `/${token}`, rootLogin.access_token);
    assert.equal(used.json.completed, 1);
    assert.equal((await admin('POST', '/new', reg.access_token!, {})).status, 403, 'only admins manage tokens');
    assert.equal((await admin('DELETE', `/${token}`, rootLogin.access_token)).status, 200);
    assert.equal((await admin('GET', `/${token}`, rootLogin.access_token)).status, 404);
  });
});
