import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT, PASSWORD, passwordAuth, rejectsWith, setup, uiaSession, type Fixture } from './fixture.ts';
import type { LoginInput } from '../../../core/users/api.ts';
import { LOGIN_FAILURE_BURST } from '../../../core/users/login-throttle.ts';

const pw = (user: string, over: Partial<LoginInput> = {}): LoginInput => ({
  type: 'm.login.password',
  identifier: { type: 'm.id.user', user },
  password: PASSWORD,
  refreshToken: false,
  ...over,
});

void describe('login and tokens', () => {
  let f: Fixture;
  before(async () => {
    f = await setup({ admins: ['@boss:test.example'], auth: { accessTokenLifetimeMs: 60_000, refreshTokenLifetimeMs: 600_000 } });
    await f.signUp('alice');
    await f.signUp('boss');
  });
  after(() => f.drop());

  void test('GET /login lists the password flow', () => {
    assert.deepEqual(f.users.sessions.loginFlows(), { flows: [{ type: 'm.login.password' }] });
  });

  void test('login by localpart, full id and the deprecated user field', async () => {
    for (const input of [pw('alice'), pw('@alice:test.example'), pw('ALICE'), { ...pw('x'), identifier: undefined, user: 'alice' }]) {
      const r = await f.users.sessions.login(input, CLIENT);
      assert.equal(r.user_id, '@alice:test.example');
      assert.equal(r.home_server, 'test.example');
      assert.match(r.device_id, /^[A-Z]{10}$/);
      assert.equal(r.expires_in_ms, undefined);
      assert.equal((await f.requester(r.access_token)).deviceId, r.device_id);
    }
  });

  void test('wrong password, unknown user, other server, bad type and 3PIDs are refused', async () => {
    await rejectsWith(() => f.users.sessions.login(pw('alice', { password: 'nope' }), CLIENT), 'M_FORBIDDEN');
    await rejectsWith(() => f.users.sessions.login(pw('nobody'), CLIENT), 'M_FORBIDDEN');
    await rejectsWith(() => f.users.sessions.login(pw('@alice:elsewhere.example'), CLIENT), 'M_FORBIDDEN');
    await rejectsWith(() => f.users.sessions.login(pw('alice', { type: 'm.login.token' }), CLIENT), 'M_UNKNOWN');
    await rejectsWith(() => f.users.sessions.login(pw('alice', { password: undefined }), CLIENT), 'M_MISSING_PARAM');
    await rejectsWith(
      () => f.users.sessions.login(pw('alice', { identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'a@b.c' } }), CLIENT),
      'M_FORBIDDEN',
    );
  });

  void test('reusing a device id keeps the device and kills its old tokens', async () => {
    const a = await f.users.sessions.login(pw('alice', { deviceId: 'LAPTOP', initialDeviceDisplayName: 'Laptop' }), CLIENT);
    const b = await f.users.sessions.login(pw('alice', { deviceId: 'LAPTOP', initialDeviceDisplayName: 'Ignored' }), CLIENT);
    assert.equal(b.device_id, 'LAPTOP');
    assert.equal(await f.users.sessions.resolveAccessToken(a.access_token), null);
    const who = await f.requester(b.access_token);
    assert.deepEqual(await f.users.devices.getDevice(who, 'LAPTOP'), { device_id: 'LAPTOP', display_name: 'Laptop' });
  });

  void test('resolving a token records the device as seen', async () => {
    const r = await f.users.sessions.login(pw('alice', { deviceId: 'SEEN' }), CLIENT);
    await f.users.sessions.resolveAccessToken(r.access_token, { ip: '192.0.2.7', userAgent: 'ua' });
    const who = await f.requester(r.access_token);
    assert.deepEqual(await f.users.devices.getDevice(who, 'SEEN'), { device_id: 'SEEN', last_seen_ip: '192.0.2.7', last_seen_ts: f.clock.now });
  });

  void test('unknown tokens resolve to null', async () => {
    assert.equal(await f.users.sessions.resolveAccessToken('syt_nope'), null);
  });

  void test('refresh-token sessions expire (soft logout) and rotate', async () => {
    const r = await f.users.sessions.login(pw('alice', { refreshToken: true }), CLIENT);
    assert.equal(r.expires_in_ms, 60_000);
    const r1 = r.refresh_token!;
    await f.requester(r.access_token);
    f.clock.now += 60_000;
    assert.deepEqual(await f.users.sessions.resolveAccessToken(r.access_token), { expired: true });

    const n1 = await f.users.sessions.refresh(r1);
    assert.equal(n1.expires_in_ms, 60_000);
    assert.notEqual(n1.refresh_token, r1);
    // The client may not have received n1: the old refresh token stays valid until n1 is used...
    const n1b = await f.users.sessions.refresh(r1);
    // ...and a retried refresh supersedes the first answer.
    assert.equal(await f.users.sessions.resolveAccessToken(n1.access_token), null);
    await rejectsWith(() => f.users.sessions.refresh(n1.refresh_token), 'M_UNKNOWN_TOKEN');
    // Using the new access token retires the old refresh token.
    await f.requester(n1b.access_token);
    await rejectsWith(() => f.users.sessions.refresh(r1), 'M_UNKNOWN_TOKEN');
    // Refreshing with the new refresh token works and in turn retires its predecessor's access token.
    const n2 = await f.users.sessions.refresh(n1b.refresh_token);
    assert.equal((await f.requester(n2.access_token)).deviceId, r.device_id);
    assert.equal(await f.users.sessions.resolveAccessToken(n1b.access_token), null);
    await rejectsWith(() => f.users.sessions.refresh(n1b.refresh_token), 'M_UNKNOWN_TOKEN');
  });

  void test('an old access token dies once the refreshed one is used', async () => {
    const r = await f.users.sessions.login(pw('alice', { refreshToken: true }), CLIENT);
    const n = await f.users.sessions.refresh(r.refresh_token!);
    await f.requester(r.access_token); // still alive: the new token is unused
    await f.requester(n.access_token);
    assert.equal(await f.users.sessions.resolveAccessToken(r.access_token), null);
  });

  void test('an expired refresh token is a soft logout', async () => {
    const r = await f.users.sessions.login(pw('alice', { refreshToken: true }), CLIENT);
    f.clock.now += 600_000;
    const e = await rejectsWith(() => f.users.sessions.refresh(r.refresh_token!), 'M_UNKNOWN_TOKEN');
    assert.equal(e.extra.soft_logout, true);
    assert.equal(e.status, 401);
    const unknown = await rejectsWith(() => f.users.sessions.refresh('syr_unknown'), 'M_UNKNOWN_TOKEN');
    assert.equal(unknown.extra.soft_logout, undefined);
  });

  void test('logout deletes the device and its tokens; logout/all every device', async () => {
    const a = await f.users.sessions.login(pw('alice'), CLIENT);
    const b = await f.users.sessions.login(pw('alice'), CLIENT);
    await f.users.sessions.logout(await f.requester(a.access_token));
    assert.equal(await f.users.sessions.resolveAccessToken(a.access_token), null);
    const who = await f.requester(b.access_token);
    assert.ok(!(await f.users.devices.listDevices(who)).some((d) => d.device_id === a.device_id));
    await f.users.sessions.logoutAll(who);
    assert.equal(await f.users.sessions.resolveAccessToken(b.access_token), null);
  });

  void test('admins come from config or the is_admin flag', async () => {
    assert.equal(await f.users.sessions.isAdmin('@boss:test.example' as never), true);
    assert.equal(await f.users.sessions.isAdmin('@alice:test.example' as never), false);
  });
});

void describe('per-account login throttling and deactivation', () => {
  let f: Fixture;
  before(async () => {
    f = await setup();
    await f.signUp('carol');
    await f.signUp('dave');
  });
  after(() => f.drop());

  void test('repeated failures lock the account with M_LIMIT_EXCEEDED, even for the right password', async () => {
    for (let i = 0; i < LOGIN_FAILURE_BURST; i++) {
      await rejectsWith(() => f.users.sessions.login(pw('carol', { password: 'wrong' }), CLIENT), 'M_FORBIDDEN');
    }
    const e = await rejectsWith(() => f.users.sessions.login(pw('carol'), CLIENT), 'M_LIMIT_EXCEEDED');
    assert.ok(typeof e.extra.retry_after_ms === 'number' && e.extra.retry_after_ms > 0);
    f.clock.now += e.extra.retry_after_ms as number;
    await f.users.sessions.login(pw('carol'), CLIENT);
  });

  void test('a deactivated user cannot log in and loses every token', async () => {
    const r = await f.users.sessions.login(pw('dave'), CLIENT);
    const who = await f.requester(r.access_token);
    const session = await uiaSession(() => f.users.account.deactivate(who, { erase: false }));
    const res = await f.users.account.deactivate(who, { erase: false, auth: passwordAuth(session, 'dave') });
    assert.deepEqual(res, { id_server_unbind_result: 'success' });
    assert.equal(await f.users.sessions.resolveAccessToken(r.access_token), null);
    await rejectsWith(() => f.users.sessions.login(pw('dave'), CLIENT), 'M_USER_DEACTIVATED');
    assert.deepEqual(await f.users.profiles.getProfile('@dave:test.example'), { displayname: 'dave' });
    // The name stays taken.
    await rejectsWith(() => f.users.registration.checkUsernameAvailable('dave'), 'M_USER_IN_USE');
  });
});
