import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWith } from '../../../../core/spec/shape.ts';
import { MatrixError } from '../../../../core/spec/errors.ts';
import { register, checkRegistrationTokenValidity } from '../../../../core/spec/endpoints/register.ts';
import { login, refreshToken } from '../../../../core/spec/endpoints/login.ts';
import { changePassword, deactivateAccount } from '../../../../core/spec/endpoints/account.ts';
import { deleteDevice, deleteDevices, updateDevice } from '../../../../core/spec/endpoints/devices.ts';
import { setProfileField } from '../../../../core/spec/endpoints/profile.ts';
import { sharedSecretRegister } from '../../../../core/spec/endpoints/admin-register.ts';

const errcodeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MatrixError);
    return e.errcode;
  }
  return 'none';
};

void test('register: defaults for kind, inhibit_login and refresh_token; wrong types are M_BAD_JSON', () => {
  assert.deepEqual(parseWith(register.query!, {}, 'query'), { kind: 'user' });
  assert.equal(errcodeOf(() => parseWith(register.query!, { kind: 'robot' }, 'query')), 'M_INVALID_PARAM');
  assert.deepEqual(parseWith(register.body!, { username: 'a' }, 'body'), { username: 'a', inhibit_login: false, refresh_token: false });
  assert.equal(errcodeOf(() => parseWith(register.body!, { username: 5 }, 'body')), 'M_BAD_JSON');
  assert.equal(errcodeOf(() => parseWith(register.body!, { auth: 'x' }, 'body')), 'M_BAD_JSON');
  assert.equal(errcodeOf(() => parseWith(checkRegistrationTokenValidity.query!, {}, 'query')), 'M_MISSING_PARAM');
});

void test('login: type is required, identifier is an object, refresh_token defaults to false', () => {
  assert.equal(errcodeOf(() => parseWith(login.body!, { password: 'p' }, 'body')), 'M_MISSING_PARAM');
  assert.equal(errcodeOf(() => parseWith(login.body!, { type: 'm.login.password', identifier: 'alice' }, 'body')), 'M_BAD_JSON');
  const parsed = parseWith(login.body!, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'a' }, password: 'p' }, 'body');
  assert.equal(parsed.refresh_token, false);
  assert.equal(errcodeOf(() => parseWith(refreshToken.body!, {}, 'body')), 'M_MISSING_PARAM');
});

void test('account: logout_devices defaults to true, erase to false', () => {
  assert.equal(parseWith(changePassword.body!, { new_password: 'x' }, 'body').logout_devices, true);
  assert.equal(parseWith(deactivateAccount.body!, {}, 'body').erase, false);
});

void test('devices: the DELETE body is optional; delete_devices needs a list of strings', () => {
  assert.equal(parseWith(deleteDevice.body!, undefined, 'body'), undefined);
  assert.deepEqual(parseWith(deleteDevice.body!, { auth: { session: 's' } }, 'body'), { auth: { session: 's' } });
  assert.equal(errcodeOf(() => parseWith(deleteDevices.body!, {}, 'body')), 'M_MISSING_PARAM');
  assert.equal(errcodeOf(() => parseWith(deleteDevices.body!, { devices: [1] }, 'body')), 'M_BAD_JSON');
  assert.deepEqual(parseWith(updateDevice.body!, {}, 'body'), {});
});

void test('profile: keyName follows the profile.yaml pattern', () => {
  for (const key of ['displayname', 'avatar_url', 'm.tz', 'org.example.field']) {
    assert.equal(parseWith(setProfileField.params!, { userId: '@a:b', keyName: key }, 'path').keyName, key);
  }
  for (const key of ['Displayname', 'nodots', 'org..x', 'm.other-thing']) {
    assert.equal(errcodeOf(() => parseWith(setProfileField.params!, { userId: '@a:b', keyName: key }, 'path')), 'M_INVALID_PARAM', key);
  }
});

void test('shared-secret register: mac is 40 hex digits, admin defaults to false', () => {
  const body = { nonce: 'n', username: 'u', password: 'p', mac: 'ab'.repeat(20) };
  assert.equal(parseWith(sharedSecretRegister.body!, body, 'body').admin, false);
  assert.equal(errcodeOf(() => parseWith(sharedSecretRegister.body!, { ...body, mac: 'zz' }, 'body')), 'M_BAD_JSON');
});
