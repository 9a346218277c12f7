import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { challenge, CLIENT, PASSWORD, passwordAuth, rejectsWith, setup, uiaSession, type Fixture } from './fixture.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';

void describe('password change, devices and their UIA', () => {
  let f: Fixture;
  const deletedDevices: string[][] = [];
  const login = (deviceId?: string, password = PASSWORD) =>
    f.users.sessions.login({ type: 'm.login.password', user: 'erin', password, deviceId, refreshToken: false }, CLIENT);

  before(async () => {
    f = await setup({}, { deviceListener: { onDevicesDeleted: async (_u, ids) => void deletedDevices.push([...ids]) } });
    await f.signUp('erin', { deviceId: 'MAIN' });
    await f.signUp('frank');
  });
  after(() => f.drop());

  void test('devices: list, get, rename, unknown device', async () => {
    const r = await login('TABLET');
    const who = await f.requester(r.access_token);
    await f.users.devices.updateDevice(who, 'TABLET', 'My tablet');
    assert.deepEqual(await f.users.devices.getDevice(who, 'TABLET'), { device_id: 'TABLET', display_name: 'My tablet' });
    const ids = (await f.users.devices.listDevices(who)).map((d) => d.device_id);
    assert.deepEqual(ids, ['MAIN', 'TABLET']);
    await rejectsWith(() => f.users.devices.getDevice(who, 'NOPE'), 'M_NOT_FOUND');
    await rejectsWith(() => f.users.devices.updateDevice(who, 'NOPE', 'x'), 'M_NOT_FOUND');
    await f.users.devices.updateDevice(who, 'TABLET', undefined);
    // Another user's devices are invisible.
    const frank = await f.requester((await f.users.sessions.login({ type: 'm.login.password', user: 'frank', password: PASSWORD, refreshToken: false }, CLIENT)).access_token);
    await rejectsWith(() => f.users.devices.getDevice(frank, 'TABLET'), 'M_NOT_FOUND');
  });

  void test('deleting a device needs the password and kills its tokens', async () => {
    const victim = await login('OLDPHONE');
    const r = await login();
    const who = await f.requester(r.access_token);
    const first = await challenge(() => f.users.devices.deleteDevices(who, ['OLDPHONE'], undefined));
    assert.deepEqual(first.flows, [{ stages: ['m.login.password'] }]);
    const wrong = await challenge(() => f.users.devices.deleteDevices(who, ['OLDPHONE'], passwordAuth(first.session as string, 'erin', 'wrong password')));
    assert.equal(wrong.errcode, 'M_FORBIDDEN');
    assert.equal(wrong.session, first.session);
    const otherUser = await challenge(() => f.users.devices.deleteDevices(who, ['OLDPHONE'], passwordAuth(first.session as string, 'frank')));
    assert.equal(otherUser.errcode, 'M_FORBIDDEN');
    await f.users.devices.deleteDevices(who, ['OLDPHONE'], passwordAuth(first.session as string, 'erin'));
    assert.equal(await f.users.sessions.resolveAccessToken(victim.access_token), null);
    await rejectsWith(() => f.users.devices.getDevice(who, 'OLDPHONE'), 'M_NOT_FOUND');
    assert.deepEqual(deletedDevices.at(-1), ['OLDPHONE']);
    // Deleting again is fine ("or had been removed previously").
    const s = await uiaSession(() => f.users.devices.deleteDevices(who, ['OLDPHONE'], undefined));
    await f.users.devices.deleteDevices(who, ['OLDPHONE'], passwordAuth(s, 'erin'));
  });

  void test('a UIA session is bound to its operation and its parameters', async () => {
    await login('A1');
    await login('A2');
    const r = await login();
    const who = await f.requester(r.access_token);
    const s = await uiaSession(() => f.users.devices.deleteDevices(who, ['A1'], undefined));
    await rejectsWith(() => f.users.devices.deleteDevices(who, ['A2'], passwordAuth(s, 'erin')), 'M_FORBIDDEN');
    await rejectsWith(() => f.users.account.deactivate(who, { erase: false, auth: passwordAuth(s, 'erin') }), 'M_FORBIDDEN');
    const frank = await f.requester((await f.users.sessions.login({ type: 'm.login.password', user: 'frank', password: PASSWORD, refreshToken: false }, CLIENT)).access_token);
    await rejectsWith(() => f.users.devices.deleteDevices(frank, ['A1'], passwordAuth(s, 'frank')), 'M_FORBIDDEN');
    await f.users.devices.deleteDevices(who, ['A1'], passwordAuth(s, 'erin'));
    // The session is spent.
    await rejectsWith(() => f.users.devices.deleteDevices(who, ['A1'], { session: s }), 'M_UNKNOWN');
    await rejectsWith(() => f.users.devices.deleteDevices(who, ['A1'], { session: 'made-up' }), 'M_UNKNOWN');
  });

  void test('a session whose stages are done completes on a bare {session} retry', async () => {
    const input = { kind: 'user' as const, username: 'gina', inhibitLogin: true, refreshToken: false };
    const s = await uiaSession(() => f.users.registration.register(input, CLIENT));
    // The stage completes but the request lacks a password: the session keeps the completed stage.
    await rejectsWith(() => f.users.registration.register({ ...input, auth: { type: 'm.login.dummy', session: s } }, CLIENT), 'M_MISSING_PARAM');
    const r = await f.users.registration.register({ ...input, password: PASSWORD, auth: { session: s } }, CLIENT);
    assert.equal(r.user_id, '@gina:test.example');
  });

  void test('POST /delete_devices removes several devices at once', async () => {
    await login('C1');
    await login('C2');
    const r = await login();
    const who = await f.requester(r.access_token);
    const s = await uiaSession(() => f.users.devices.deleteDevices(who, ['C1', 'C2'], undefined));
    await f.users.devices.deleteDevices(who, ['C2', 'C1'], passwordAuth(s, 'erin'));
    const ids = (await f.users.devices.listDevices(who)).map((d) => d.device_id);
    assert.ok(!ids.includes('C1') && !ids.includes('C2'));
  });

  void test('appservices delete devices without UIA', async () => {
    await login('D1');
    const r = await login();
    const who: Requester = { ...(await f.requester(r.access_token)), appserviceId: 'bridge' };
    await f.users.devices.deleteDevices(who, ['D1'], undefined);
    await rejectsWith(() => f.users.devices.getDevice(who, 'D1'), 'M_NOT_FOUND');
  });

  void test('password change: policy first, then UIA; other devices are logged out by default', async () => {
    const other = await login('OTHER');
    const r = await login('CURRENT');
    const who = await f.requester(r.access_token);
    await rejectsWith(() => f.users.account.changePassword(who, { newPassword: 'short', logoutDevices: true }), 'M_WEAK_PASSWORD');
    const s = await uiaSession(() => f.users.account.changePassword(who, { newPassword: 'new password 1', logoutDevices: true }));
    const wrong = await challenge(() =>
      f.users.account.changePassword(who, { newPassword: 'new password 1', logoutDevices: true, auth: passwordAuth(s, 'erin', 'nope') }),
    );
    assert.equal(wrong.errcode, 'M_FORBIDDEN');
    await f.users.account.changePassword(who, { newPassword: 'new password 1', logoutDevices: true, auth: passwordAuth(s, 'erin') });
    assert.equal(await f.users.sessions.resolveAccessToken(other.access_token), null);
    assert.deepEqual((await f.users.devices.listDevices(who)).map((d) => d.device_id), ['CURRENT']);
    await f.requester(r.access_token);
    await rejectsWith(() => login(undefined, PASSWORD), 'M_FORBIDDEN');
    const again = await login(undefined, 'new password 1');

    const keep = await f.requester(again.access_token);
    const s2 = await uiaSession(() => f.users.account.changePassword(keep, { newPassword: PASSWORD, logoutDevices: false }));
    await f.users.account.changePassword(keep, { newPassword: PASSWORD, logoutDevices: false, auth: passwordAuth(s2, '@erin:test.example', 'new password 1') });
    await f.requester(r.access_token);
    await login(undefined, PASSWORD);
  });

  void test('deactivation with erase removes the profile', async () => {
    const r = await f.users.sessions.login({ type: 'm.login.password', user: 'frank', password: PASSWORD, refreshToken: false }, CLIENT);
    const who = await f.requester(r.access_token);
    const s = await uiaSession(() => f.users.account.deactivate(who, { erase: true }));
    await rejectsWith(() => f.users.account.deactivate(who, { erase: false, auth: passwordAuth(s, 'frank') }), 'M_FORBIDDEN');
    await f.users.account.deactivate(who, { erase: true, auth: passwordAuth(s, 'frank') });
    assert.deepEqual(await f.users.profiles.getProfile('@frank:test.example'), {});
    assert.equal(await f.users.sessions.resolveAccessToken(r.access_token), null);
  });
});
