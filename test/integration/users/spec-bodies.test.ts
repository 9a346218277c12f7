// The service results the handlers return are checked against the 200 response schemas of the
// spec's own OpenAPI document (matrix-spec/openapi/client-server.json), not our reading of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import { CLIENT, passwordAuth, setup, uiaSession, type Fixture } from './fixture.ts';
import { buildCapabilities } from '../../../core/api/client/capabilities.ts';
import { challenge } from './fixture.ts';

// The vendored copy (test/fixtures/matrix-spec), so the test runs on a clone without shared/.
const SPEC_PATH = new URL('../../fixtures/matrix-spec/client-server.json', import.meta.url);
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;

function validator(): (method: string, path: string, status: string, body: unknown) => void {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as object, 'cs');
  return (method, path, status, body) => {
    const pointer = `/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.compile({ $ref: `cs#${encodeURI(pointer)}` });
    assert.ok(validate(body), `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(body)}`);
  };
}

void describe('response bodies match the spec schemas', () => {
  let f: Fixture;
  let check: ReturnType<typeof validator>;
  const V3 = '/_matrix/client/v3';
  before(async () => {
    f = await setup();
    check = validator();
  });
  after(() => f.drop());

  void test('register, login, refresh, devices, profile, capabilities, deactivate, UIA', async () => {
    const first = await challenge(() => f.users.registration.register({ kind: 'user', username: 'zed', password: 'long enough', inhibitLogin: false, refreshToken: true }, CLIENT));
    check('post', `${V3}/register`, '401', first);
    const reg = await f.users.registration.register(
      { kind: 'user', username: 'zed', password: 'long enough', inhibitLogin: false, refreshToken: true, auth: { type: 'm.login.dummy', session: first.session } },
      CLIENT,
    );
    check('post', `${V3}/register`, '200', reg);
    const login = await f.users.sessions.login({ type: 'm.login.password', user: 'zed', password: 'long enough', refreshToken: true }, CLIENT);
    check('post', `${V3}/login`, '200', login);
    check('get', `${V3}/login`, '200', f.users.sessions.loginFlows());
    check('post', `${V3}/refresh`, '200', await f.users.sessions.refresh(login.refresh_token!));
    await f.users.sessions.resolveAccessToken(reg.access_token!, CLIENT);
    const who = await f.requester(reg.access_token!);
    check('get', `${V3}/devices`, '200', { devices: await f.users.devices.listDevices(who) });
    check('get', `${V3}/devices/{deviceId}`, '200', await f.users.devices.getDevice(who, reg.device_id!));
    await f.users.profiles.setProfileField(who, who.userId, 'avatar_url', 'mxc://test.example/abc');
    check('get', `${V3}/profile/{userId}`, '200', await f.users.profiles.getProfile(who.userId));
    check('get', `${V3}/profile/{userId}/{keyName}`, '200', { displayname: await f.users.profiles.getProfileField(who.userId, 'displayname') });
    check('get', `${V3}/capabilities`, '200', buildCapabilities('12'));
    const wrong = await challenge(() => f.users.account.deactivate(who, { erase: false, auth: { type: 'm.login.password', user: 'zed', password: 'bad' } }));
    check('post', `${V3}/account/deactivate`, '401', wrong);
    const s = await uiaSession(() => f.users.account.deactivate(who, { erase: false }));
    check('post', `${V3}/account/deactivate`, '200', await f.users.account.deactivate(who, { erase: false, auth: passwordAuth(s, 'zed', 'long enough') }));
  });
});
