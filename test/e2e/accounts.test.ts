// Accounts, login, devices and profiles driven by matrix-js-sdk over real HTTP. Every response
// the server sends is validated against the spec's OpenAPI schemas by specFetch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, Method, type MatrixClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { specFetch } from '../support/openapi.ts';
import { rejectsWith } from '../support/rooms-clients.ts';

const PASSWORD = 'correct horse battery staple';

describe('accounts through matrix-js-sdk', () => {
  let te: TestEnv;
  let hub: TestHub;
  const fetchFn = () => specFetch(hub.url, 'client-server');
  const anon = () => createClient({ baseUrl: hub.url, fetchFn: fetchFn() });

  async function register(username: string, extra: Record<string, unknown> = {}) {
    const c = anon();
    const challenge = await rejectsWith(c.registerRequest({ username, password: PASSWORD, ...extra }), 401);
    const session = challenge.data!.session as string;
    assert.ok(session, 'UIA session');
    return c.registerRequest({ username, password: PASSWORD, auth: { type: 'm.login.dummy', session }, ...extra });
  }

  const clientFor = (r: { user_id: string; access_token?: string; device_id?: string }): MatrixClient =>
    createClient({ baseUrl: hub.url, fetchFn: fetchFn(), userId: r.user_id, accessToken: r.access_token, deviceId: r.device_id });

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('versions and capabilities', async () => {
    const c = anon();
    const v = await c.getVersions();
    assert.ok(v.versions.includes('v1.4'));
    const r = await register('caps');
    const caps = await clientFor(r).getCapabilities();
    assert.equal(caps['m.room_versions']?.default, '12');
  });

  test('register with m.login.dummy, then whoami', async () => {
    const r = await register('alice', { initial_device_display_name: 'Laptop' });
    assert.equal(r.user_id, '@alice:test.local');
    assert.ok(r.access_token && r.device_id);
    const who = await clientFor(r).whoami();
    assert.equal(who.user_id, '@alice:test.local');
    assert.equal(who.device_id, r.device_id);
    // js-sdk turns the server's 400 M_USER_IN_USE into false.
    assert.equal(await anon().isUsernameAvailable('alice'), false);
    assert.equal(await anon().isUsernameAvailable('nobody-yet'), true);
  });

  test('register refuses taken and invalid usernames and weak passwords', async () => {
    await register('bob');
    await rejectsWith(anon().registerRequest({ username: 'bob', password: PASSWORD }), 400, 'M_USER_IN_USE');
    await rejectsWith(anon().registerRequest({ username: 'Bad Name!', password: PASSWORD }), 400, 'M_INVALID_USERNAME');
    await rejectsWith(anon().registerRequest({ username: 'weakling', password: 'x' }), 400, 'M_WEAK_PASSWORD');
  });

  test('login with password in both forms; wrong password is M_FORBIDDEN', async () => {
    await register('carol');
    const c = anon();
    const flows = await c.loginFlows();
    assert.ok(flows.flows.some((f) => f.type === 'm.login.password'));
    const a = await c.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'carol' }, password: PASSWORD });
    assert.equal(a.user_id, '@carol:test.local');
    const b = await c.loginRequest({ type: 'm.login.password', user: '@carol:test.local', password: PASSWORD } as never);
    assert.notEqual(a.device_id, b.device_id);
    await rejectsWith(c.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'carol' }, password: 'wrong' }), 403, 'M_FORBIDDEN');
  });

  test('profile: set and read display name and avatar', async () => {
    const r = await register('dave');
    const c = clientFor(r);
    await c.setDisplayName('Dave D.');
    await c.setAvatarUrl('mxc://test.local/abcdef');
    const p = await anon().getProfileInfo('@dave:test.local');
    assert.deepEqual(p, { displayname: 'Dave D.', avatar_url: 'mxc://test.local/abcdef' });
    assert.deepEqual(await anon().getProfileInfo('@dave:test.local', 'displayname'), { displayname: 'Dave D.' });
    await rejectsWith(anon().getProfileInfo('@nobody:test.local'), 404, 'M_NOT_FOUND');
  });

  test('devices: list, rename, delete with UIA', async () => {
    const r = await register('erin');
    const c = clientFor(r);
    const second = await anon().loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'erin' }, password: PASSWORD, initial_device_display_name: 'Phone' });
    const { devices } = await c.getDevices();
    assert.deepEqual(devices.map((d) => d.device_id).sort(), [r.device_id, second.device_id].sort());
    await c.setDeviceDetails(second.device_id, { display_name: 'Old phone' });
    assert.equal((await c.getDevice(second.device_id)).display_name, 'Old phone');

    const challenge = await rejectsWith(c.deleteDevice(second.device_id), 401);
    const session = challenge.data!.session as string;
    await rejectsWith(
      c.deleteDevice(second.device_id, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'erin' }, password: 'wrong', session }),
      401,
    );
    await c.deleteDevice(second.device_id, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'erin' }, password: PASSWORD, session });
    assert.deepEqual((await c.getDevices()).devices.map((d) => d.device_id), [r.device_id]);
    // The deleted device's token died with it.
    await rejectsWith(clientFor({ ...second }).whoami(), 401, 'M_UNKNOWN_TOKEN');
  });

  test('refresh tokens rotate; logout and logout/all end sessions', async () => {
    await register('frank');
    const c = anon();
    const login = await c.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'frank' }, password: PASSWORD, refresh_token: true });
    assert.ok(login.refresh_token && typeof login.expires_in_ms === 'number');
    const refreshed = await c.refreshToken(login.refresh_token);
    assert.notEqual(refreshed.access_token, login.access_token);
    assert.ok(refreshed.refresh_token);
    const fresh = clientFor({ user_id: login.user_id, access_token: refreshed.access_token, device_id: login.device_id });
    assert.equal((await fresh.whoami()).device_id, login.device_id);
    await rejectsWith(c.refreshToken(login.refresh_token), 401, 'M_UNKNOWN_TOKEN');

    await fresh.logout();
    await rejectsWith(fresh.whoami(), 401, 'M_UNKNOWN_TOKEN');

    const x = clientFor(await c.loginWithPassword('frank', PASSWORD));
    const y = clientFor(await c.loginWithPassword('frank', PASSWORD));
    await x.http.authedRequest(Method.Post, '/logout/all');
    await rejectsWith(y.whoami(), 401, 'M_UNKNOWN_TOKEN');
  });
});
