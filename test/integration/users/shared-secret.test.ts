import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectsWith, setup, type Fixture } from './fixture.ts';
import { NONCE_LIFETIME_MS, sharedSecretMac } from '../../../core/users/shared-secret.ts';

const SECRET = 'a shared secret';

void describe('shared-secret registration', () => {
  let f: Fixture;
  before(async () => {
    f = await setup({ registration: { mode: 'disabled', sharedSecret: SECRET } });
  });
  after(() => f.drop());

  const request = async (fields: { username: string; password: string; admin: boolean; displayname?: string }, secret = SECRET) => {
    const nonce = await f.users.sharedSecret.newNonce();
    return { nonce, ...fields, mac: sharedSecretMac(secret, { nonce, ...fields }) };
  };

  void test('registers an admin with a correct MAC, even when registration is disabled', async () => {
    const r = await f.users.sharedSecret.register(await request({ username: 'root', password: 'pw', admin: true, displayname: 'The Root' }));
    assert.equal(r.user_id, '@root:test.example');
    assert.equal(r.home_server, 'test.example');
    assert.ok(r.access_token && r.device_id);
    assert.equal(await f.users.sessions.isAdmin('@root:test.example' as never), true);
    assert.equal(await f.users.profiles.getProfileField('@root:test.example', 'displayname'), 'The Root');
    const plain = await f.users.sharedSecret.register(await request({ username: 'plain', password: 'pw', admin: false }));
    assert.equal(await f.users.sessions.isAdmin(plain.user_id), false);
    assert.equal(await f.users.profiles.getProfileField(plain.user_id, 'displayname'), 'plain');
  });

  void test('a wrong MAC is M_FORBIDDEN and burns the nonce', async () => {
    const req = await request({ username: 'eve', password: 'pw', admin: true }, 'wrong secret');
    await rejectsWith(() => f.users.sharedSecret.register(req), 'M_FORBIDDEN');
    await rejectsWith(() => f.users.sharedSecret.register({ ...req, mac: sharedSecretMac(SECRET, req) }), 'M_UNKNOWN');
    // The admin flag is covered by the MAC.
    const flipped = await request({ username: 'eve', password: 'pw', admin: false });
    await rejectsWith(() => f.users.sharedSecret.register({ ...flipped, admin: true }), 'M_FORBIDDEN');
  });

  void test('nonces are single use and expire', async () => {
    const req = await request({ username: 'once', password: 'pw', admin: false });
    await f.users.sharedSecret.register(req);
    await rejectsWith(() => f.users.sharedSecret.register(req), 'M_UNKNOWN');
    const late = await request({ username: 'late', password: 'pw', admin: false });
    f.clock.now += NONCE_LIFETIME_MS + 1;
    await rejectsWith(() => f.users.sharedSecret.register(late), 'M_UNKNOWN');
    await rejectsWith(() => f.users.sharedSecret.register({ ...late, nonce: 'never-issued' }), 'M_UNKNOWN');
  });

  void test('taken and invalid names are refused', async () => {
    await rejectsWith(async () => f.users.sharedSecret.register(await request({ username: 'root', password: 'pw', admin: false })), 'M_USER_IN_USE');
    await rejectsWith(async () => f.users.sharedSecret.register(await request({ username: 'bad name', password: 'pw', admin: false })), 'M_INVALID_USERNAME');
  });
});

void describe('shared-secret registration without a secret', () => {
  let f: Fixture;
  before(async () => {
    f = await setup({ registration: { sharedSecret: null } });
  });
  after(() => f.drop());

  void test('is disabled', async () => {
    await rejectsWith(() => f.users.sharedSecret.newNonce(), 'M_UNKNOWN');
    await rejectsWith(() => f.users.sharedSecret.register({ nonce: 'n', username: 'u', password: 'p', admin: false, mac: '0'.repeat(40) }), 'M_UNKNOWN');
  });
});
