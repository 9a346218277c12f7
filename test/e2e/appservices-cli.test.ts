// `switchyard appservice ...` against a running hub: register a registration file through the
// admin API, list it, pause and resume it, list its puppets, delete it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { registrationYaml } from '../integration/appservices/support.ts';

const exec = promisify(execFile);
const SECRET = 'cli-test-secret';
const PASSWORD = 'a perfectly long password';

describe('switchyard appservice', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let token = '';

  const cli = (...args: string[]) =>
    exec(process.execPath, ['core/cli.js', 'appservice', ...args, '--url', hub.url], {
      env: { ...process.env, SWITCHYARD_CONFIG: '', DATABASE_URL: '', SWITCHYARD_ADMIN_TOKEN: token },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-cli-'));
    te = await testEnv({ env: { APPSERVICES_DIR: join(dir, 'folder'), REGISTRATION_SHARED_SECRET: SECRET } });
    hub = await startTestHub(te);
    const endpoint = `${hub.url}/_synapse/admin/v1/register`;
    const { nonce } = (await (await fetch(endpoint)).json()) as { nonce: string };
    const mac = createHmac('sha1', SECRET).update([nonce, 'root', PASSWORD, 'admin'].join('\0')).digest('hex');
    const res = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ nonce, username: 'root', password: PASSWORD, admin: true, mac }) });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('register, list, pause, resume, puppets, delete', async () => {
    const file = join(dir, 'telegram.yaml');
    await writeFile(file, registrationYaml({ id: 'telegram', asToken: 'as-tg', hsToken: 'hs-tg' }));
    const reg = await cli('register', file);
    assert.equal(reg.code, 0, reg.stderr);
    assert.match(reg.stdout, /Registered telegram \(loaded\)/);
    const who = await fetch(`${hub.url}/_matrix/client/v3/account/whoami`, { headers: { authorization: 'Bearer as-tg' } });
    assert.equal(((await who.json()) as { user_id: string }).user_id, '@telegrambot:test.local');

    const list = await cli('list');
    assert.match(list.stdout, /^telegram\tloaded\tdatabase$/m);
    assert.match((await cli('pause', 'telegram')).stdout, /telegram: paused/);
    assert.match((await cli('list')).stdout, /^telegram\tpaused\tdatabase$/m);
    assert.match((await cli('resume', 'telegram')).stdout, /telegram: loaded/);
    const got = JSON.parse((await cli('get', 'telegram')).stdout) as { sender: string };
    assert.equal(got.sender, '@telegrambot:test.local');
    assert.match((await cli('puppets', 'telegram')).stdout, /^@telegrambot:test\.local\t/m);

    const again = await cli('register', file);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /M_INVALID_PARAM id "telegram" is already used/);

    assert.equal((await cli('delete', 'telegram')).code, 0);
    assert.doesNotMatch((await cli('list')).stdout, /telegram/);
    const missing = await cli('get', 'telegram');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404: M_NOT_FOUND/);
  });

  test('help, and errors: no token, a bad file, a missing file', async () => {
    const help = await exec(process.execPath, ['core/cli.js', 'appservice', '--help']);
    assert.match(help.stdout, /Usage: switchyard appservice/);
    const noToken = await exec(process.execPath, ['core/cli.js', 'appservice', 'list', '--url', hub.url], {
      env: { ...process.env, SWITCHYARD_CONFIG: '', SWITCHYARD_ADMIN_TOKEN: '' },
    }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((noToken as { code: number }).code, 2);
    assert.match((noToken as { stderr: string }).stderr, /admin access token is required/);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'id: bad\nurl: null\nas_token: x\nhs_token: y\n');
    const r = await cli('register', bad);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /sender_localpart: is required/);
    assert.equal((await cli('register', join(dir, 'nope.yaml'))).code, 1);
  });
});
