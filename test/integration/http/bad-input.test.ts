// Bad input on every endpoint: malformed JSON, wrong shapes, oversized bodies, missing, unknown
// and expired tokens. Each gets the right errcode and status, never a 5xx, and the server keeps
// serving afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { allEndpoints, fillPath } from '../../support/endpoints.ts';
import { validateResponse } from '../../support/openapi.ts';

describe('bad input on every endpoint', () => {
  let te: TestEnv;
  let hub: TestHub;
  let token = '';
  let params: Record<string, string> = {};

  async function call(method: string, path: string, opts: { body?: string; token?: string; headers?: Record<string, string> } = {}) {
    const res = await fetch(hub.url + path, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.body,
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* checked by the caller */
    }
    assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${text}`);
    return { status: res.status, json, headers: res.headers };
  }

  before(async () => {
    te = await testEnv({ env: { REGISTRATION_MODE: 'open' } });
    hub = await startTestHub(te);
    const first = await call('POST', '/_matrix/client/v3/register', { body: JSON.stringify({ username: 'mallory', password: 'a long enough password' }) });
    const session = first.json.session as string;
    const reg = await call('POST', '/_matrix/client/v3/register', {
      body: JSON.stringify({ username: 'mallory', password: 'a long enough password', auth: { type: 'm.login.dummy', session } }),
    });
    assert.equal(reg.status, 200);
    token = reg.json.access_token as string;
    params = { userId: reg.json.user_id as string, deviceId: reg.json.device_id as string };
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('unknown paths are 404 M_UNRECOGNIZED, wrong methods 405 M_UNRECOGNIZED', async () => {
    const a = await call('GET', '/_matrix/client/v3/no/such/thing');
    assert.equal(a.status, 404);
    assert.equal(a.json.errcode, 'M_UNRECOGNIZED');
    const b = await call('DELETE', '/_matrix/client/versions');
    assert.equal(b.status, 405);
    assert.equal(b.json.errcode, 'M_UNRECOGNIZED');
  });

  test('CORS headers on every response and preflight', async () => {
    const r = await fetch(`${hub.url}/_matrix/client/v3/login`, { method: 'OPTIONS' });
    assert.ok(r.status === 200 || r.status === 204);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    const v = await call('GET', '/_matrix/client/versions');
    assert.equal(v.headers.get('access-control-allow-origin'), '*');
    assert.match(v.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });

  test('authenticated endpoints: missing token 401 M_MISSING_TOKEN, unknown 401 M_UNKNOWN_TOKEN', async () => {
    for (const def of (await allEndpoints()).filter((d) => d.auth === 'user' || d.auth === 'admin')) {
      for (const p of def.paths) {
        const path = fillPath(p, params);
        const body = def.method !== 'GET' ? '{}' : undefined;
        const missing = await call(def.method, path, { body });
        assert.equal(missing.status, 401, `${def.name} without a token`);
        assert.equal(missing.json.errcode, 'M_MISSING_TOKEN', def.name);
        // UIA endpoints document only the UIA shape for 401; a missing token is the standard error.
        // The Synapse-compatible admin API is not in the Matrix spec; its errors are checked above.
        if (path.startsWith('/_matrix/')) {
          const v = validateResponse('client-server', def.method, path, 401, missing.json);
          if (!v.ok && !v.errors.some((e) => e.includes("'flows'"))) assert.fail(`${def.name}: ${v.errors.join('; ')}`);
        }
        const unknown = await call(def.method, path, { body, token: 'syt_not_a_real_token' });
        assert.equal(unknown.status, 401, `${def.name} with an unknown token`);
        assert.equal(unknown.json.errcode, 'M_UNKNOWN_TOKEN', def.name);
        assert.equal(unknown.json.soft_logout, false);
        const malformedHeader = await call(def.method, path, { body, headers: { authorization: 'Basic abc' } });
        assert.equal(malformedHeader.status, 401, `${def.name} with a non-Bearer header`);
      }
    }
  });

  test('endpoints with bodies: malformed JSON 400 M_NOT_JSON, non-object 400 M_BAD_JSON, oversize 413 M_TOO_LARGE', async () => {
    for (const def of (await allEndpoints()).filter((d) => d.method !== 'GET' && d.body && d.auth !== 'admin' && d.auth !== 'appservice')) {
      for (const p of def.paths) {
        const path = fillPath(p, params);
        const auth = def.auth === 'none' ? undefined : token;
        const notJson = await call(def.method, path, { body: '{"unterminated": ', token: auth });
        assert.equal(notJson.status, 400, `${def.name} malformed JSON`);
        assert.equal(notJson.json.errcode, 'M_NOT_JSON', def.name);
        const array = await call(def.method, path, { body: '[1, 2, 3]', token: auth });
        assert.equal(array.status, 400, `${def.name} array body: ${JSON.stringify(array.json)}`);
        assert.equal(array.json.errcode, 'M_BAD_JSON', def.name);
        const huge = await call(def.method, path, { body: JSON.stringify({ pad: 'x'.repeat(hub.config.limits.maxBodyBytes + 10) }), token: auth });
        assert.equal(huge.status, 413, `${def.name} oversize`);
        assert.equal(huge.json.errcode, 'M_TOO_LARGE', def.name);
      }
    }
  });

  test('admin endpoints refuse users who are not server admins with 403 M_FORBIDDEN', async () => {
    const admins = (await allEndpoints()).filter((d) => d.auth === 'admin');
    assert.ok(admins.length > 0);
    for (const def of admins) {
      for (const p of def.paths) {
        const r = await call(def.method, fillPath(p, params), { body: def.method !== 'GET' ? '{}' : undefined, token });
        assert.equal(r.status, 403, def.name);
        assert.equal(r.json.errcode, 'M_FORBIDDEN', def.name);
      }
    }
  });

  test('wrong field types are 400 M_BAD_JSON or M_INVALID_PARAM', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.user', user: 42 }, password: 'x' }],
      ['POST', '/_matrix/client/v3/login', { type: 7 }],
      ['PUT', `/_matrix/client/v3/profile/${encodeURIComponent(params.userId!)}/displayname`, { displayname: ['not', 'a', 'string'] }],
      ['PUT', `/_matrix/client/v3/devices/${params.deviceId}`, { display_name: 12 }],
      ['POST', '/_matrix/client/v3/register', { username: { nested: true }, password: 'a long enough password' }],
    ];
    for (const [method, path, body] of cases) {
      const r = await call(method, path, { body: JSON.stringify(body), token });
      assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(r.json)}`);
      assert.ok(['M_BAD_JSON', 'M_INVALID_PARAM', 'M_UNKNOWN'].includes(r.json.errcode as string), JSON.stringify(r.json));
    }
  });

  test('usernames outside the grammar are M_INVALID_USERNAME', async () => {
    for (const username of ['has space', 'émile', 'a:b', '', 'x'.repeat(300)]) {
      const r = await call('GET', `/_matrix/client/v3/register/available?username=${encodeURIComponent(username)}`);
      assert.equal(r.status, 400, username);
      assert.ok(['M_INVALID_USERNAME', 'M_INVALID_PARAM', 'M_MISSING_PARAM'].includes(r.json.errcode as string), `${username}: ${JSON.stringify(r.json)}`);
    }
  });

  test('a wrong UIA stage is refused and the session stays usable', async () => {
    const first = await call('POST', '/_matrix/client/v3/register', { body: JSON.stringify({ username: 'uiatest', password: 'a long enough password' }) });
    assert.equal(first.status, 401);
    const session = first.json.session as string;
    const wrong = await call('POST', '/_matrix/client/v3/register', {
      body: JSON.stringify({ username: 'uiatest', password: 'a long enough password', auth: { type: 'm.login.password', session } }),
    });
    assert.equal(wrong.status, 401);
    assert.ok(wrong.json.flows, 'the UIA body is repeated');
    const unknownSession = await call('POST', '/_matrix/client/v3/register', {
      body: JSON.stringify({ username: 'uiatest', password: 'a long enough password', auth: { type: 'm.login.dummy', session: 'nope' } }),
    });
    assert.ok(unknownSession.status === 400 || unknownSession.status === 401, JSON.stringify(unknownSession.json));
    const ok = await call('POST', '/_matrix/client/v3/register', {
      body: JSON.stringify({ username: 'uiatest', password: 'a long enough password', auth: { type: 'm.login.dummy', session } }),
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  });

  test('v3 client paths are also served under r0', async () => {
    const who = await call('GET', '/_matrix/client/r0/account/whoami', { token });
    assert.equal(who.status, 200);
    assert.equal(who.json.user_id, params.userId);
  });

  test('the server still serves after all of the above', async () => {
    const r = await call('GET', '/_matrix/client/versions');
    assert.equal(r.status, 200);
    const who = await call('GET', '/_matrix/client/v3/account/whoami', { token });
    assert.equal(who.json.user_id, params.userId);
  });
});
