// The handlers' return values are the spec's response bodies; services are stand-ins here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Route } from '../../../../core/http/route.ts';
import type { Requester } from '../../../../core/spec/endpoint.ts';
import { parseWith } from '../../../../core/spec/shape.ts';
import { MatrixError } from '../../../../core/spec/errors.ts';
import type { UserId } from '../../../../core/spec/ids.ts';
import { accountRoutes } from '../../../../core/api/client/account.ts';
import { capabilitiesRoutes } from '../../../../core/api/client/capabilities.ts';
import { deviceRoutes } from '../../../../core/api/client/devices.ts';
import { profileRoutes } from '../../../../core/api/client/profile.ts';
import { registerRoutes } from '../../../../core/api/client/register.ts';
import { loginRoutes } from '../../../../core/api/client/login.ts';
import type { AccountApi, DevicesApi, ProfilesApi, RegistrationApi, SessionsApi } from '../../../../core/users/api.ts';

const ME: Requester = { userId: '@me:hs' as UserId, deviceId: 'DEV', tokenId: '1', appserviceId: null, isGuest: false };

/** Parses like core/http would, then calls the handler. */
async function call(routes: Route[], name: string, input: { body?: unknown; query?: unknown; params?: unknown; requester?: Requester | null }) {
  const r = routes.find((x) => x.def.name === name);
  assert.ok(r, name);
  return r.handler({
    requester: input.requester === undefined ? ME : input.requester,
    body: r.def.body ? parseWith(r.def.body, input.body, 'body') : undefined,
    query: r.def.query ? parseWith(r.def.query, input.query ?? {}, 'query') : undefined,
    params: r.def.params ? parseWith(r.def.params, input.params ?? {}, 'path') : undefined,
    ip: '127.0.0.1',
    userAgent: null,
  });
}

void test('whoami has user_id, device_id and is_guest, and no device_id without a device', async () => {
  const routes = accountRoutes({ account: {} as AccountApi });
  assert.deepEqual(await call(routes, 'whoami', {}), { user_id: '@me:hs', device_id: 'DEV', is_guest: false });
  assert.deepEqual(await call(routes, 'whoami', { requester: { ...ME, deviceId: null } }), { user_id: '@me:hs', is_guest: false });
});

void test('password change and device updates answer {}', async () => {
  const seen: unknown[] = [];
  const account = { changePassword: async (_r: Requester, i: unknown) => void seen.push(i) } as unknown as AccountApi;
  assert.deepEqual(await call(accountRoutes({ account }), 'changePassword', { body: { new_password: 'pw123456' } }), {});
  assert.deepEqual(seen, [{ newPassword: 'pw123456', logoutDevices: true, auth: undefined }]);
  const devices = { updateDevice: async () => {}, deleteDevices: async () => {}, listDevices: async () => [{ device_id: 'A' }] } as unknown as DevicesApi;
  assert.deepEqual(await call(deviceRoutes({ devices }), 'updateDevice', { params: { deviceId: 'A' }, body: { display_name: 'x' } }), {});
  assert.deepEqual(await call(deviceRoutes({ devices }), 'deleteDevice', { params: { deviceId: 'A' }, body: undefined }), {});
  assert.deepEqual(await call(deviceRoutes({ devices }), 'getDevices', {}), { devices: [{ device_id: 'A' }] });
});

void test('profile field GET wraps the value in its key; PUT needs the key in the body', async () => {
  const set: unknown[] = [];
  const profiles = {
    getProfileField: async () => 'Alice',
    setProfileField: async (_r: Requester, u: string, k: string, v: unknown) => void set.push([u, k, v]),
  } as unknown as ProfilesApi;
  const routes = profileRoutes({ profiles });
  assert.deepEqual(await call(routes, 'getProfileField', { params: { userId: '@a:hs', keyName: 'displayname' } }), { displayname: 'Alice' });
  assert.deepEqual(await call(routes, 'setProfileField', { params: { userId: '@me:hs', keyName: 'displayname' }, body: { displayname: 'Me' } }), {});
  assert.deepEqual(set, [['@me:hs', 'displayname', 'Me']]);
  await assert.rejects(
    call(routes, 'setProfileField', { params: { userId: '@me:hs', keyName: 'displayname' }, body: { avatar_url: 'x' } }),
    (e: unknown) => e instanceof MatrixError && e.errcode === 'M_MISSING_PARAM',
  );
});

void test('availability and token validity bodies', async () => {
  const registration = { checkUsernameAvailable: async () => {}, isRegistrationTokenValid: async (t: string) => t === 'good' } as unknown as RegistrationApi;
  const routes = registerRoutes({ registration });
  assert.deepEqual(await call(routes, 'checkUsernameAvailability', { query: { username: 'x' }, requester: null }), { available: true });
  assert.deepEqual(await call(routes, 'checkRegistrationTokenValidity', { query: { token: 'good' }, requester: null }), { valid: true });
  assert.deepEqual(await call(routes, 'checkRegistrationTokenValidity', { query: { token: 'bad' }, requester: null }), { valid: false });
});

void test('login passes both identifier forms through; logout answers {}', async () => {
  const inputs: unknown[] = [];
  const sessions = { login: async (i: unknown) => (inputs.push(i), { user_id: '@a:hs' }), logout: async () => {}, logoutAll: async () => {} } as unknown as SessionsApi;
  const routes = loginRoutes({ sessions });
  await call(routes, 'login', { body: { type: 'm.login.password', user: 'a', password: 'p', device_id: 'D' }, requester: null });
  assert.deepEqual(inputs[0], { type: 'm.login.password', identifier: undefined, user: 'a', password: 'p', deviceId: 'D', initialDeviceDisplayName: undefined, refreshToken: false });
  assert.deepEqual(await call(routes, 'logout', {}), {});
  assert.deepEqual(await call(routes, 'logoutAll', {}), {});
});

void test('capabilities list the configured default and every stable room version', async () => {
  const body = (await call(capabilitiesRoutes({ defaultRoomVersion: '12' }), 'getCapabilities', {})) as {
    capabilities: Record<string, { enabled?: boolean; default?: string; available?: Record<string, string> }>;
  };
  const caps = body.capabilities;
  assert.equal(caps['m.change_password']!.enabled, true);
  assert.equal(caps['m.set_displayname']!.enabled, true);
  assert.equal(caps['m.set_avatar_url']!.enabled, true);
  assert.equal(caps['m.3pid_changes']!.enabled, false);
  assert.equal(caps['m.room_versions']!.default, '12');
  assert.deepEqual(Object.keys(caps['m.room_versions']!.available!).sort((a, b) => Number(a) - Number(b)), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  assert.ok(Object.values(caps['m.room_versions']!.available!).every((s) => s === 'stable'));
});
