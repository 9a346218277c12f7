// Puppet settings from registration extension keys: switchyard.ghosts_in_user_directory is
// recorded and shown by the admin API; switchyard.propagate_ghost_profiles: false keeps a
// ghost's profile change out of its rooms (the bridge sets per-room names itself), while the
// default still propagates (client-server-api "Events on Change of Profile Information").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { call, registerHuman, waitForAppservice } from '../support/appservice-frameworks.ts';

const D = 'test.local';
const SECRET = 'puppet-test-secret';
const enc = encodeURIComponent;

const reg = (id: string, extra: string) =>
  [`id: ${id}`, 'url: null', `as_token: as-${id}`, `hs_token: hs-${id}`, `sender_localpart: ${id}bot`, 'namespaces:', `  users: [{ regex: '@_${id}_.*', exclusive: true }]`, '  aliases: []', '  rooms: []', extra, ''].join('\n');

describe('puppet settings', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let admin = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-pup-'));
    await writeFile(join(dir, 'quiet.yaml'), reg('quiet', 'switchyard.ghosts_in_user_directory: true\nswitchyard.propagate_ghost_profiles: false'));
    await writeFile(join(dir, 'plain.yaml'), reg('plain', ''));
    te = await testEnv({ env: { APPSERVICES_DIR: dir, REGISTRATION_SHARED_SECRET: SECRET } });
    hub = await startTestHub(te);
    await Promise.all([waitForAppservice(hub.url, 'as-quiet'), waitForAppservice(hub.url, 'as-plain')]);
    const endpoint = `${hub.url}/_synapse/admin/v1/register`;
    const { nonce } = (await (await fetch(endpoint)).json()) as { nonce: string };
    const mac = createHmac('sha1', SECRET).update([nonce, 'root', 'a long enough password', 'admin'].join('\0')).digest('hex');
    const res = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ nonce, username: 'root', password: 'a long enough password', admin: true, mac }) });
    admin = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('the admin API shows the settings', async () => {
    const quiet = await call(hub.url, 'GET', '/_switchyard/admin/v1/appservices/quiet', admin);
    assert.equal(quiet.body.ghosts_in_user_directory, true);
    assert.equal(quiet.body.propagate_ghost_profiles, false);
    const plain = await call(hub.url, 'GET', '/_switchyard/admin/v1/appservices/plain', admin);
    assert.equal(plain.body.ghosts_in_user_directory, false);
    assert.equal(plain.body.propagate_ghost_profiles, true);
  });

  test('profile propagation to rooms follows the setting', async () => {
    const alice = await registerHuman(hub.url, 'alice');
    const roomId = (await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat' })).body.room_id as string;
    const names = async () => (await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`, alice.token)).body.joined as Record<string, { display_name?: string }>;
    for (const id of ['quiet', 'plain']) {
      const ghost = `@_${id}_g:${D}`;
      assert.equal((await call(hub.url, 'POST', '/_matrix/client/v3/register', `as-${id}`, { type: 'm.login.application_service', username: `_${id}_g` })).status, 200);
      assert.equal((await call(hub.url, 'POST', `/_matrix/client/v3/join/${enc(roomId)}?user_id=${enc(ghost)}`, `as-${id}`, {})).status, 200);
      const set = await call(hub.url, 'PUT', `/_matrix/client/v3/profile/${enc(ghost)}/displayname?user_id=${enc(ghost)}`, `as-${id}`, { displayname: `renamed ${id}` });
      assert.equal(set.status, 200);
      assert.equal((await call(hub.url, 'GET', `/_matrix/client/v3/profile/${enc(ghost)}`, alice.token)).body.displayname, `renamed ${id}`);
    }
    const joined = await names();
    assert.equal(joined[`@_plain_g:${D}`]?.display_name, 'renamed plain');
    assert.equal(joined[`@_quiet_g:${D}`]?.display_name, '_quiet_g', 'no membership event for the opted-out ghost: the join-time name stays');
  });
});
