import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { challenge, CLIENT, PASSWORD, rejectsWith, setup, uiaSession, type Fixture } from './fixture.ts';
import type { RegisterInput } from '../../../core/users/api.ts';

const base = (over: Partial<RegisterInput> = {}): RegisterInput => ({
  kind: 'user',
  username: 'alice',
  password: PASSWORD,
  inhibitLogin: false,
  refreshToken: false,
  ...over,
});

void describe('open registration', () => {
  let f: Fixture;
  before(async () => {
    f = await setup({ registration: { reservedLocalparts: ['admin'], minPasswordLength: 8 } }, {
      reservedNames: { isExclusive: async (id) => id.startsWith('@_bridge_') },
    });
  });
  after(() => f.drop());

  void test('a request without auth gets the dummy flow, then registers and logs in', async () => {
    const body = await challenge(() => f.users.registration.register(base(), CLIENT));
    assert.deepEqual(body.flows, [{ stages: ['m.login.dummy'] }]);
    assert.deepEqual(body.params, {});
    const r = await f.users.registration.register(
      base({ auth: { type: 'm.login.dummy', session: body.session }, deviceId: 'PHONE', initialDeviceDisplayName: 'Jungle Phone' }),
      CLIENT,
    );
    assert.equal(r.user_id, '@alice:test.example');
    assert.equal(r.device_id, 'PHONE');
    assert.equal(r.home_server, 'test.example');
    assert.match(r.access_token!, /^syt_/);
    assert.equal(r.refresh_token, undefined);
    const who = await f.requester(r.access_token!);
    assert.equal(who.userId, '@alice:test.example');
    const devices = await f.users.devices.listDevices(who);
    assert.deepEqual(devices, [{ device_id: 'PHONE', display_name: 'Jungle Phone' }]);
    assert.deepEqual(await f.users.profiles.getProfile('@alice:test.example'), { displayname: 'alice' });
  });

  void test('the dummy stage may be sent without a session', async () => {
    const r = await f.users.registration.register(base({ username: 'nosession', auth: { type: 'm.login.dummy' } }), CLIENT);
    assert.equal(r.user_id, '@nosession:test.example');
  });

  void test('a completed session cannot be reused', async () => {
    const session = await uiaSession(() => f.users.registration.register(base({ username: 'reuse1' }), CLIENT));
    await f.users.registration.register(base({ username: 'reuse1', auth: { type: 'm.login.dummy', session } }), CLIENT);
    await rejectsWith(() => f.users.registration.register(base({ username: 'reuse2', auth: { type: 'm.login.dummy', session } }), CLIENT), 'M_UNKNOWN');
  });

  void test('an expired session is refused', async () => {
    const session = await uiaSession(() => f.users.registration.register(base({ username: 'late' }), CLIENT));
    f.clock.now += f.config.auth.uiaSessionLifetimeMs + 1;
    await rejectsWith(() => f.users.registration.register(base({ username: 'late', auth: { type: 'm.login.dummy', session } }), CLIENT), 'M_UNKNOWN');
  });

  void test('a stage that is not offered is refused with M_UNAUTHORIZED', async () => {
    const body = await challenge(() => f.users.registration.register(base({ username: 'bob', auth: { type: 'm.login.registration_token', token: 'x' } }), CLIENT));
    assert.equal(body.errcode, 'M_UNAUTHORIZED');
    assert.equal(body.completed, undefined);
  });

  void test('username checks run before authentication', async () => {
    await f.signUp('taken');
    await rejectsWith(() => f.users.registration.register(base({ username: 'taken' }), CLIENT), 'M_USER_IN_USE');
    await rejectsWith(() => f.users.registration.register(base({ username: 'TAKEN' }), CLIENT), 'M_USER_IN_USE');
    await rejectsWith(() => f.users.registration.register(base({ username: 'bad name' }), CLIENT), 'M_INVALID_USERNAME');
    await rejectsWith(() => f.users.registration.register(base({ username: '' }), CLIENT), 'M_INVALID_USERNAME');
    await rejectsWith(() => f.users.registration.register(base({ username: 'x'.repeat(250) }), CLIENT), 'M_INVALID_USERNAME');
    await rejectsWith(() => f.users.registration.register(base({ username: 'admin' }), CLIENT), 'M_USER_IN_USE');
    await rejectsWith(() => f.users.registration.register(base({ username: '_bridge_x' }), CLIENT), 'M_EXCLUSIVE');
    await rejectsWith(() => f.users.registration.register(base({ username: 'weak', password: 'short' }), CLIENT), 'M_WEAK_PASSWORD');
  });

  void test('upper-case usernames map to lower-case ids', async () => {
    const r = await f.signUp('MixedCase');
    assert.equal(r.user_id, '@mixedcase:test.example');
  });

  void test('no username: a localpart is generated; no password: M_MISSING_PARAM after auth', async () => {
    const session = await uiaSession(() => f.users.registration.register(base({ username: undefined }), CLIENT));
    const r = await f.users.registration.register(base({ username: undefined, auth: { type: 'm.login.dummy', session } }), CLIENT);
    assert.match(r.user_id, /^@[a-z0-9]{12}:test\.example$/);
    await rejectsWith(() => f.users.registration.register(base({ username: 'nopw', password: undefined, auth: { type: 'm.login.dummy' } }), CLIENT), 'M_MISSING_PARAM');
  });

  void test('inhibit_login returns only the user id; refresh_token returns a refresh token', async () => {
    const r = await f.users.registration.register(base({ username: 'quiet', inhibitLogin: true, auth: { type: 'm.login.dummy' } }), CLIENT);
    assert.deepEqual(r, { user_id: '@quiet:test.example', home_server: 'test.example' });
    const s = await f.users.registration.register(base({ username: 'fresh', refreshToken: true, auth: { type: 'm.login.dummy' } }), CLIENT);
    assert.match(s.refresh_token!, /^syr_/);
    assert.equal(s.expires_in_ms, f.config.auth.accessTokenLifetimeMs);
  });

  void test('guests are refused', async () => {
    await rejectsWith(() => f.users.registration.register(base({ kind: 'guest' }), CLIENT), 'M_GUEST_ACCESS_FORBIDDEN');
  });

  void test('availability check', async () => {
    await f.users.registration.checkUsernameAvailable('free');
    await rejectsWith(() => f.users.registration.checkUsernameAvailable('taken'), 'M_USER_IN_USE');
    await rejectsWith(() => f.users.registration.checkUsernameAvailable('no way'), 'M_INVALID_USERNAME');
    await rejectsWith(() => f.users.registration.checkUsernameAvailable('_bridge_y'), 'M_EXCLUSIVE');
  });
});

void describe('disabled registration', () => {
  let f: Fixture;
  before(async () => {
    f = await setup({ registration: { mode: 'disabled' } });
  });
  after(() => f.drop());

  void test('is refused with M_FORBIDDEN', async () => {
    const e = await rejectsWith(() => f.users.registration.register(base(), CLIENT), 'M_FORBIDDEN');
    assert.equal(e.status, 403);
  });
});

void describe('token-gated registration', () => {
  let f: Fixture;
  before(async () => {
    f = await setup({ registration: { mode: 'token' } });
    await f.users.registration.createRegistrationToken('once', 1, null);
  });
  after(() => f.drop());

  void test('offers the registration token flow and checks token validity', async () => {
    const body = await challenge(() => f.users.registration.register(base(), CLIENT));
    assert.deepEqual(body.flows, [{ stages: ['m.login.registration_token'] }]);
    assert.equal(await f.users.registration.isRegistrationTokenValid('once'), true);
    assert.equal(await f.users.registration.isRegistrationTokenValid('nope'), false);
    const failed = await challenge(() =>
      f.users.registration.register(base({ auth: { type: 'm.login.registration_token', token: 'nope', session: body.session } }), CLIENT),
    );
    assert.equal(failed.errcode, 'M_UNAUTHORIZED');
    assert.equal(failed.session, body.session);
  });

  void test('a token with one use registers one account', async () => {
    const r = await f.users.registration.register(base({ username: 'first', auth: { type: 'm.login.registration_token', token: 'once' } }), CLIENT);
    assert.equal(r.user_id, '@first:test.example');
    assert.equal(await f.users.registration.isRegistrationTokenValid('once'), false);
    const again = await challenge(() =>
      f.users.registration.register(base({ username: 'second', auth: { type: 'm.login.registration_token', token: 'once' } }), CLIENT),
    );
    assert.equal(again.errcode, 'M_UNAUTHORIZED');
  });

  void test('a pending use is held by its session and given back when the session expires', async () => {
    await f.users.registration.createRegistrationToken('pending', 1, null);
    // The token stage completes, then the request fails for lack of a password: the use stays reserved.
    await rejectsWith(
      () => f.users.registration.register(base({ username: 'p1', password: undefined, auth: { type: 'm.login.registration_token', token: 'pending' } }), CLIENT),
      'M_MISSING_PARAM',
    );
    assert.equal(await f.users.registration.isRegistrationTokenValid('pending'), false);
    f.clock.now += f.config.auth.uiaSessionLifetimeMs + 1;
    await challenge(() => f.users.registration.register(base({ username: 'p2' }), CLIENT)); // starting a session purges expired ones
    assert.equal(await f.users.registration.isRegistrationTokenValid('pending'), true);
  });

  void test('one completed session registers one account, even when used concurrently', async () => {
    await f.users.registration.createRegistrationToken('race', 5, null);
    const s = await uiaSession(() => f.users.registration.register(base({ username: 'r0' }), CLIENT));
    await rejectsWith(
      () => f.users.registration.register(base({ username: 'r0', password: undefined, auth: { type: 'm.login.registration_token', token: 'race', session: s } }), CLIENT),
      'M_MISSING_PARAM',
    );
    const results = await Promise.allSettled(
      ['r1', 'r2', 'r3'].map((username) => f.users.registration.register(base({ username, auth: { session: s } }), CLIENT)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { errcode: string }).errcode, 'M_UNKNOWN');
    const taken = await Promise.allSettled(['r1', 'r2', 'r3'].map((u) => f.users.registration.checkUsernameAvailable(u)));
    assert.equal(taken.filter((r) => r.status === 'rejected').length, 1);
  });

  void test('expired tokens are invalid', async () => {
    await f.users.registration.createRegistrationToken('expiring', null, f.clock.now + 1000);
    assert.equal(await f.users.registration.isRegistrationTokenValid('expiring'), true);
    f.clock.now += 1000;
    assert.equal(await f.users.registration.isRegistrationTokenValid('expiring'), false);
  });
});
