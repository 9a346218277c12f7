// Appservices against a running hub over real HTTP: a registration dropped into APPSERVICES_DIR
// becomes active without a restart; ghost registration, login, identity and device assertion,
// MSC4190 device creation and the security boundaries between appservices and users. Responses
// on /_matrix paths are checked against the spec's OpenAPI documents.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { specFetch } from '../../support/openapi.ts';
import { eventually, registrationYaml } from './support.ts';

const SECRET = 'shared-secret-for-tests';
const PASSWORD = 'a perfectly long password';
const S = 'test.local';

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

describe('appservices on a running hub', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let adminToken = '';
  let userToken = '';

  /** `unchecked`: the spec documents only the UIA shape for 401 on /register, not the appservice token errors. */
  async function call(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; query?: Record<string, string>; unchecked?: boolean } = {},
  ): Promise<Answer> {
    const url = new URL(hub.url + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const doFetch = path.startsWith('/_matrix/') && !opts.unchecked ? specFetch(hub.url, 'client-server') : fetch;
    const res = await doFetch(url, {
      method,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  const whoami = (token: string, query: Record<string, string> = {}) => call('GET', '/_matrix/client/v3/account/whoami', { token, query });
  const asRegister = (token: string | undefined, username: string, extra: Record<string, unknown> = {}, unchecked = false) =>
    call('POST', '/_matrix/client/v3/register', { token, unchecked, body: { type: 'm.login.application_service', username, inhibit_login: true, ...extra } });
  const expectError = (a: Answer, status: number, errcode: string) => {
    assert.equal(a.status, status, JSON.stringify(a.json));
    assert.equal(a.json.errcode, errcode, JSON.stringify(a.json));
  };

  async function sharedSecretRegister(username: string, admin: boolean): Promise<string> {
    const nonce = ((await (await fetch(`${hub.url}/_synapse/admin/v1/register`)).json()) as { nonce: string }).nonce;
    const mac = createHmac('sha1', SECRET).update([nonce, username, PASSWORD, admin ? 'admin' : 'notadmin'].join('\0')).digest('hex');
    const r = await call('POST', '/_synapse/admin/v1/register', { body: { nonce, username, password: PASSWORD, admin, mac } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.access_token as string;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-hub-'));
    await writeFile(join(dir, 'other.yaml'), registrationYaml({ id: 'other', asToken: 'as-other', hsToken: 'hs-other' }));
    te = await testEnv({ env: { APPSERVICES_DIR: dir, REGISTRATION_SHARED_SECRET: SECRET, REGISTRATION_MODE: 'open' } });
    hub = await startTestHub(te);
    adminToken = await sharedSecretRegister('root', true);
    userToken = await sharedSecretRegister('alice', false);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('a registration dropped in while the hub runs becomes active; a changed token applies; removal unloads', async () => {
    expectError(await whoami('as-bridge'), 401, 'M_UNKNOWN_TOKEN');
    await writeFile(join(dir, 'bridge.yaml'), registrationYaml({ id: 'bridge', asToken: 'as-bridge', hsToken: 'hs-bridge' }));
    await eventually(async () => (await whoami('as-bridge')).status === 200);
    // The sender is registered as soon as the appservice loads, so the bot can act at once.
    const me = await whoami('as-bridge');
    assert.deepEqual(me.json, { user_id: `@bridgebot:${S}`, is_guest: false });
    expectError(await asRegister('as-bridge', 'bridgebot'), 400, 'M_USER_IN_USE');

    await writeFile(join(dir, 'bridge.yaml'), registrationYaml({ id: 'bridge', asToken: 'as-bridge-2', hsToken: 'hs-bridge' }));
    await eventually(async () => (await whoami('as-bridge-2')).status === 200);
    expectError(await whoami('as-bridge'), 401, 'M_UNKNOWN_TOKEN');

    await unlink(join(dir, 'bridge.yaml'));
    await eventually(async () => (await whoami('as-bridge-2')).status === 401);
    await writeFile(join(dir, 'bridge.yaml'), registrationYaml({ id: 'bridge', asToken: 'as-bridge', hsToken: 'hs-bridge' }));
    await eventually(async () => (await whoami('as-bridge')).status === 200);
  });

  test('a bad file is refused without affecting the others', async () => {
    await writeFile(join(dir, 'broken.yaml'), registrationYaml({ id: 'broken' }).replace(/^url: .*$/m, 'url: 42'));
    await writeFile(join(dir, 'dup.yaml'), registrationYaml({ id: 'dup', asToken: 'as-other', hsToken: 'hs-dup' }));
    await eventually(async () => {
      const list = await call('GET', '/_switchyard/admin/v1/appservices', { token: adminToken });
      const states = (list.json.appservices as { id: string; state: string }[]).filter((a) => a.id === 'broken' || a.id === 'dup');
      return states.length === 2 && states.every((a) => a.state === 'error');
    });
    const broken = await call('GET', '/_switchyard/admin/v1/appservices/broken', { token: adminToken });
    assert.match(broken.json.error as string, /broken\.yaml: url: must be a URL or null, got number 42/);
    const dup = await call('GET', '/_switchyard/admin/v1/appservices/dup', { token: adminToken });
    assert.match(dup.json.error as string, /as_token is already used \(the as_token of other\)/);
    assert.equal((await whoami('as-other')).json.user_id, `@otherbot:${S}`, 'the original keeps its token');
    await unlink(join(dir, 'broken.yaml'));
    await unlink(join(dir, 'dup.yaml'));
  });

  test('ghost registration with m.login.application_service', async () => {
    const r = await asRegister('as-bridge', '_bridge_alice');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json, { user_id: `@_bridge_alice:${S}`, home_server: S });
    expectError(await asRegister('as-bridge', '_bridge_alice'), 400, 'M_USER_IN_USE');
    expectError(await asRegister('as-bridge', 'notmine'), 400, 'M_EXCLUSIVE');
    expectError(await asRegister('as-bridge', '_other_x'), 400, 'M_EXCLUSIVE');
    expectError(await asRegister('as-bridge', '_bridge_UPPER'), 400, 'M_INVALID_USERNAME');
    expectError(await asRegister(undefined, '_bridge_x', {}, true), 401, 'M_MISSING_TOKEN');
    expectError(await asRegister(userToken, '_bridge_x', {}, true), 401, 'M_UNKNOWN_TOKEN');
    expectError(await asRegister('not-a-token', '_bridge_x', {}, true), 401, 'M_UNKNOWN_TOKEN');
    // Without inhibit_login the ghost gets a session (we support the legacy login API).
    const withLogin = await asRegister('as-bridge', '_bridge_bob', { inhibit_login: false, device_id: 'BOBDEV' });
    assert.equal(withLogin.status, 200);
    assert.equal(withLogin.json.device_id, 'BOBDEV');
    assert.equal((await whoami(withLogin.json.access_token as string)).json.user_id, `@_bridge_bob:${S}`);
  });

  test('users cannot register inside an exclusive namespace', async () => {
    const first = await call('POST', '/_matrix/client/v3/register', { body: { username: '_bridge_mallory', password: PASSWORD } });
    expectError(first, 400, 'M_EXCLUSIVE');
    expectError(await call('GET', '/_matrix/client/v3/register/available', { query: { username: '_other_zed' } }), 400, 'M_EXCLUSIVE');
    expectError(await call('GET', '/_matrix/client/v3/register/available', { query: { username: 'bridgebot' } }), 400, 'M_USER_IN_USE');
    const ok = await call('GET', '/_matrix/client/v3/register/available', { query: { username: 'bridge_fan' } });
    assert.equal(ok.json.available, true);
  });

  test('identity assertion: only namespaced, registered users; never another appservice', async () => {
    const ghost = `@_bridge_alice:${S}`;
    assert.equal((await whoami('as-bridge', { user_id: ghost })).json.user_id, ghost);
    const unregistered = await whoami('as-bridge', { user_id: `@_bridge_nobody:${S}` });
    expectError(unregistered, 403, 'M_FORBIDDEN');
    assert.match(unregistered.json.error as string, /has not registered this user/);
    const outside = await whoami('as-bridge', { user_id: `@alice:${S}` });
    expectError(outside, 403, 'M_FORBIDDEN');
    assert.match(outside.json.error as string, /cannot masquerade/);
    expectError(await whoami('as-bridge', { user_id: `@root:${S}` }), 403, 'M_FORBIDDEN');
    // Another appservice's token cannot act as this one's ghosts or sender.
    expectError(await whoami('as-other', { user_id: ghost }), 403, 'M_FORBIDDEN');
    expectError(await whoami('as-other', { user_id: `@bridgebot:${S}` }), 403, 'M_FORBIDDEN');
    // A user's access token ignores user_id.
    assert.equal((await whoami(userToken, { user_id: ghost })).json.user_id, `@alice:${S}`);
    expectError(await whoami('as-bridge', { user_id: 'not-a-user-id' }), 400, 'M_INVALID_PARAM');
    // The access_token query parameter works for appservices too.
    assert.equal((await call('GET', '/_matrix/client/v3/account/whoami', { query: { access_token: 'as-bridge', user_id: ghost } })).json.user_id, ghost);
  });

  test('appservices are not server admins', async () => {
    expectError(await call('GET', '/_switchyard/admin/v1/appservices', { token: 'as-bridge' }), 403, 'M_FORBIDDEN');
  });

  test('login with m.login.application_service, listed by GET /login', async () => {
    const flows = await call('GET', '/_matrix/client/v3/login');
    assert.ok((flows.json.flows as { type: string }[]).some((f) => f.type === 'm.login.application_service'));
    // matrix-js-sdk sends the client's token on /login, which is what an appservice needs.
    const client = createClient({ baseUrl: hub.url, accessToken: 'as-bridge', fetchFn: specFetch(hub.url, 'client-server') });
    const r = await client.loginRequest({ type: 'm.login.application_service', identifier: { type: 'm.id.user', user: '_bridge_alice' } });
    assert.equal(r.user_id, `@_bridge_alice:${S}`);
    assert.equal((await whoami(r.access_token)).json.user_id, `@_bridge_alice:${S}`);
    const login = (token: string | undefined, user: string) =>
      call('POST', '/_matrix/client/v3/login', { token, body: { type: 'm.login.application_service', identifier: { type: 'm.id.user', user } } });
    expectError(await login('as-bridge', 'alice'), 400, 'M_EXCLUSIVE');
    expectError(await login('as-other', '_bridge_alice'), 400, 'M_EXCLUSIVE');
    expectError(await login(undefined, '_bridge_alice'), 401, 'M_MISSING_TOKEN');
    expectError(await login(userToken, '_bridge_alice'), 401, 'M_UNKNOWN_TOKEN');
    expectError(await login('as-bridge', '_bridge_ghostly'), 403, 'M_FORBIDDEN');
  });

  test('MSC4190 / v1.17 device management and device masquerading', async () => {
    const ghost = `@_bridge_alice:${S}`;
    const put = (deviceId: string, body: Record<string, unknown>) =>
      call('PUT', `/_matrix/client/v3/devices/${deviceId}`, { token: 'as-bridge', query: { user_id: ghost }, body });
    assert.equal((await put('GHOSTDEV', { display_name: 'Bridge device' })).status, 201);
    assert.equal((await put('GHOSTDEV', { display_name: 'Renamed' })).status, 200);
    const devices = await call('GET', '/_matrix/client/v3/devices', { token: 'as-bridge', query: { user_id: ghost } });
    assert.ok((devices.json.devices as { device_id: string; display_name?: string }[]).some((d) => d.device_id === 'GHOSTDEV' && d.display_name === 'Renamed'));
    // A user cannot create devices this way.
    expectError(await call('PUT', '/_matrix/client/v3/devices/NEWONE', { token: userToken, body: {} }), 404, 'M_NOT_FOUND');

    const who = await whoami('as-bridge', { user_id: ghost, device_id: 'GHOSTDEV' });
    assert.deepEqual(who.json, { user_id: ghost, device_id: 'GHOSTDEV', is_guest: false });
    assert.equal((await whoami('as-bridge', { user_id: ghost, 'org.matrix.msc3202.device_id': 'GHOSTDEV' })).json.device_id, 'GHOSTDEV');
    expectError(await whoami('as-bridge', { user_id: ghost, device_id: 'NOPE' }), 400, 'M_UNKNOWN_DEVICE');
    expectError(await whoami('as-bridge', { device_id: 'GHOSTDEV' }), 400, 'M_UNKNOWN_DEVICE');

    // Deleting needs no user-interactive auth for an appservice.
    const del = await call('DELETE', '/_matrix/client/v3/devices/GHOSTDEV', { token: 'as-bridge', query: { user_id: ghost }, body: {} });
    assert.equal(del.status, 200, JSON.stringify(del.json));
    expectError(await whoami('as-bridge', { user_id: ghost, device_id: 'GHOSTDEV' }), 400, 'M_UNKNOWN_DEVICE');
  });

  test('matrix-js-sdk as a masquerading appservice client', async () => {
    const ghost = `@_bridge_alice:${S}`;
    const client = createClient({
      baseUrl: hub.url,
      accessToken: 'as-bridge',
      userId: ghost,
      queryParams: { user_id: ghost },
      fetchFn: specFetch(hub.url, 'client-server'),
    });
    assert.equal((await client.whoami()).user_id, ghost);
    await client.setDisplayName('Alice (Bridge)');
    assert.equal((await client.getProfileInfo(ghost)).displayname, 'Alice (Bridge)');
  });

  test('admin API: list, register, pause, resume, puppets, delete; refused for non-admins', async () => {
    const admin = (method: string, path: string, body?: unknown, token = adminToken) =>
      call(method, `/_switchyard/admin/v1/appservices${path}`, { token, body });
    expectError(await admin('GET', '', undefined, userToken), 403, 'M_FORBIDDEN');

    const listed = await admin('GET', '');
    const bridge = (listed.json.appservices as Record<string, unknown>[]).find((a) => a.id === 'bridge')!;
    assert.equal(bridge.state, 'loaded');
    assert.equal(bridge.source, 'file');
    assert.equal(bridge.sender, `@bridgebot:${S}`);
    assert.ok(!JSON.stringify(listed.json).includes('as-bridge'), 'tokens are not shown');

    const posted = await admin('POST', '', {
      id: 'posted',
      url: null,
      as_token: 'as-posted',
      hs_token: 'hs-posted',
      sender_localpart: 'postedbot',
      namespaces: { users: [{ regex: `@_posted_.*:${S.replace('.', '\\.')}`, exclusive: true }] },
    });
    assert.equal(posted.status, 200, JSON.stringify(posted.json));
    assert.equal(posted.json.source, 'database');
    assert.equal((await whoami('as-posted')).json.user_id, `@postedbot:${S}`, 'active at once');
    expectError(await admin('POST', '', { id: 'bridge', url: null, as_token: 'x', hs_token: 'y', sender_localpart: 'z' }), 400, 'M_INVALID_PARAM');
    expectError(await admin('POST', '', { id: 'bad', url: null, as_token: 'x', hs_token: 'y' }), 400, 'M_INVALID_PARAM');

    assert.equal((await admin('POST', '/posted/pause', {})).json.state, 'paused');
    assert.equal((await whoami('as-posted')).status, 200, 'a paused appservice still authenticates');
    assert.equal((await admin('GET', '/posted')).json.state, 'paused');
    assert.equal((await admin('POST', '/posted/resume', {})).json.state, 'loaded');

    const puppets = await admin('GET', '/bridge/puppets');
    const ids = (puppets.json.puppets as { user_id: string }[]).map((p) => p.user_id);
    assert.deepEqual(ids, [`@_bridge_alice:${S}`, `@_bridge_bob:${S}`, `@bridgebot:${S}`]);
    const alice = (puppets.json.puppets as Record<string, unknown>[])[0]!;
    assert.equal(alice.displayname, 'Alice (Bridge)');
    assert.equal(typeof alice.created_ts, 'number');
    const search = await call('GET', '/_switchyard/admin/v1/appservices/bridge/puppets?prefix=%40_bridge_b&limit=1', { token: adminToken });
    assert.deepEqual((search.json.puppets as { user_id: string }[]).map((p) => p.user_id), [`@_bridge_bob:${S}`]);
    const page = await call('GET', '/_switchyard/admin/v1/appservices/bridge/puppets?limit=2', { token: adminToken });
    assert.equal(page.json.next_batch, `@_bridge_bob:${S}`);

    const fileDelete = await admin('DELETE', '/bridge', {});
    expectError(fileDelete, 400, 'M_INVALID_PARAM');
    assert.match(fileDelete.json.error as string, /bridge\.yaml; remove that file/);
    assert.equal((await admin('DELETE', '/posted', {})).status, 200);
    expectError(await whoami('as-posted'), 401, 'M_UNKNOWN_TOKEN');
    expectError(await admin('GET', '/posted'), 404, 'M_NOT_FOUND');
  });

  test('metrics count appservices by state', async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    assert.match(text, /switchyard_appservices\{state="loaded"\} 2/);
    assert.match(text, /switchyard_appservices\{state="error"\} 0/);
  });
});
