import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectsWith, setup, type Fixture } from './fixture.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import { MAX_PROFILE_BYTES } from '../../../core/users/profiles.ts';

void describe('profiles', () => {
  let f: Fixture;
  let alice: Requester;
  const changes: [string, string, unknown][] = [];
  const ALICE = '@alice:test.example';

  before(async () => {
    f = await setup({}, { profileListener: { onProfileChanged: async (u, k, v) => void changes.push([u, k, v]) } });
    alice = await f.requester((await f.signUp('alice')).access_token);
    await f.signUp('bob');
  });
  after(() => f.drop());

  void test('a new account has its localpart as display name and no avatar', async () => {
    assert.deepEqual(await f.users.profiles.getProfile(ALICE), { displayname: 'alice' });
    assert.equal(await f.users.profiles.getProfileField(ALICE, 'displayname'), 'alice');
    await rejectsWith(() => f.users.profiles.getProfileField(ALICE, 'avatar_url'), 'M_NOT_FOUND');
  });

  void test('set display name, avatar, time zone and custom fields', async () => {
    await f.users.profiles.setProfileField(alice, ALICE, 'displayname', 'Alice Liddell');
    await f.users.profiles.setProfileField(alice, ALICE, 'avatar_url', 'mxc://test.example/abc123');
    await f.users.profiles.setProfileField(alice, ALICE, 'm.tz', 'Europe/London');
    await f.users.profiles.setProfileField(alice, ALICE, 'org.example.pets', { cats: 2 });
    assert.deepEqual(await f.users.profiles.getProfile(ALICE), {
      avatar_url: 'mxc://test.example/abc123',
      displayname: 'Alice Liddell',
      'm.tz': 'Europe/London',
      'org.example.pets': { cats: 2 },
    });
    assert.deepEqual(changes.at(-1), [ALICE, 'org.example.pets', { cats: 2 }]);
  });

  void test('an empty string clears avatar_url and displayname; DELETE removes a field', async () => {
    await f.users.profiles.setProfileField(alice, ALICE, 'avatar_url', '');
    await rejectsWith(() => f.users.profiles.getProfileField(ALICE, 'avatar_url'), 'M_NOT_FOUND');
    await f.users.profiles.deleteProfileField(alice, ALICE, 'org.example.pets');
    await rejectsWith(() => f.users.profiles.getProfileField(ALICE, 'org.example.pets'), 'M_NOT_FOUND');
    assert.deepEqual(changes.at(-1), [ALICE, 'org.example.pets', null]);
  });

  void test('values are validated', async () => {
    await rejectsWith(() => f.users.profiles.setProfileField(alice, ALICE, 'avatar_url', 'https://example.org/a.png'), 'M_INVALID_PARAM');
    await rejectsWith(() => f.users.profiles.setProfileField(alice, ALICE, 'avatar_url', 42), 'M_BAD_JSON');
    await rejectsWith(() => f.users.profiles.setProfileField(alice, ALICE, 'displayname', 'x'.repeat(257)), 'M_INVALID_PARAM');
    await rejectsWith(() => f.users.profiles.setProfileField(alice, ALICE, 'displayname', null), 'M_BAD_JSON');
    await rejectsWith(() => f.users.profiles.setProfileField(alice, ALICE, 'Bad Key', 'x'), 'M_INVALID_PARAM');
  });

  void test('the whole profile stays under 64 KiB', async () => {
    await f.users.profiles.setProfileField(alice, ALICE, 'org.example.big', 'x'.repeat(MAX_PROFILE_BYTES - 200));
    const e = await rejectsWith(() => f.users.profiles.setProfileField(alice, ALICE, 'org.example.more', 'y'.repeat(500)), 'M_PROFILE_TOO_LARGE');
    assert.equal(e.status, 400);
    // Replacing the big field with a small one is fine: its old size doesn't count.
    await f.users.profiles.setProfileField(alice, ALICE, 'org.example.big', 'small');
    await f.users.profiles.setProfileField(alice, ALICE, 'org.example.more', 'y'.repeat(500));
  });

  void test("only the owner may change a profile; unknown users are M_NOT_FOUND", async () => {
    await rejectsWith(() => f.users.profiles.setProfileField(alice, '@bob:test.example', 'displayname', 'Mallory'), 'M_FORBIDDEN');
    await rejectsWith(() => f.users.profiles.deleteProfileField(alice, '@bob:test.example', 'displayname'), 'M_FORBIDDEN');
    assert.equal(await f.users.profiles.getProfileField('@bob:test.example', 'displayname'), 'bob');
    await rejectsWith(() => f.users.profiles.getProfile('@nobody:test.example'), 'M_NOT_FOUND');
    await rejectsWith(() => f.users.profiles.getProfileField('@nobody:test.example', 'displayname'), 'M_NOT_FOUND');
  });
});
