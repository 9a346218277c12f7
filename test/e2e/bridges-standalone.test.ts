// A bridge in its own process (`switchyard bridge run --config FILE`) against a hub that runs no
// bridges itself (spawned `switchyard start`, bridges.in_process: false): `bridge add` writes the
// files, the hub loads the registration without a restart, the runner starts the echo bridge, a
// Matrix user talks to it, and SIGTERM stops it cleanly. Also the CLI's help, list and errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { spawnHub, testEnv, type HubProcess, type TestEnv } from '../support/hub.ts';
import { freePort, waitForAppservice } from '../support/appservice-frameworks.ts';
import { registerAccount, type Account } from '../support/rooms-clients.ts';
import { ECHO_MODULE, adminToken, expectReply, listBridges, roomWithBot, runCli } from '../support/bridges.ts';

const SECRET = 'bridge-run-secret';

describe('switchyard bridge (standalone)', () => {
  let dir: string;
  let te: TestEnv;
  let hub: HubProcess;
  let alice: Account;
  let cliEnv: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-bridge-run-'));
    te = await testEnv({ env: { BRIDGES_DIR: join(dir, 'bridges'), APPSERVICES_DIR: join(dir, 'appservices'), REGISTRATION_SHARED_SECRET: SECRET } });
    hub = await spawnHub(te);
    alice = await registerAccount(hub.url, 'alice');
    cliEnv = { ...te.env, DATABASE_URL: '' };
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('add, then run in its own process; SIGTERM stops it cleanly', async () => {
    const port = await freePort();
    const added = await runCli(['bridge', 'add', 'echo', '--name', 'solo', '--module', ECHO_MODULE, '--port', String(port), '--homeserver-url', hub.url], cliEnv);
    assert.equal(added.code, 0, added.stderr);
    const configFile = join(dir, 'bridges', 'solo.yaml');
    assert.match(added.stdout, new RegExp(`switchyard bridge run --config ${configFile}`));
    const reg = load(await readFile(join(dir, 'appservices', 'solo.yaml'), 'utf8')) as { as_token: string };
    assert.equal((load(await readFile(configFile, 'utf8')) as { homeserver: { url: string } }).homeserver.url, hub.url);
    await waitForAppservice(hub.url, reg.as_token);

    const listed = await runCli(['bridge', 'list'], cliEnv);
    assert.match(listed.stdout, new RegExp(`^solo\techo\t${configFile}\tmodule `, 'm'));

    const runner = spawn(process.execPath, ['core/cli.js', 'bridge', 'run', '--config', configFile], { env: { ...process.env, ...cliEnv, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: runner.stdout! }).on('line', (line) => {
          const j = JSON.parse(line.startsWith('{') ? line : '{}') as { msg?: string; url?: string; bridge?: string };
          if (j.msg === 'bridge running' && j.bridge === 'solo' && j.url) resolve(j.url);
        });
        runner.once('exit', (code) => reject(new Error(`bridge run exited with ${code}`)));
      });
      assert.equal(url, `http://127.0.0.1:${port}`);
      const health = await fetch(`${url}/`).then((r) => r.status, () => null);
      assert.notEqual(health, null, 'the listener is up');
      const bot = '@solobot:test.local';
      const roomId = await roomWithBot(hub.url, alice, bot);
      await expectReply(hub.url, alice, roomId, bot, 'from a separate process', 'echo: from a separate process');
      // The hub runs no bridges itself.
      const listing = await listBridges(hub.url, await adminToken(hub.url, SECRET));
      assert.deepEqual({ in_process: listing.in_process, bridges: listing.bridges }, { in_process: false, bridges: [] });
    } finally {
      runner.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.equal(await fetch(`http://127.0.0.1:${port}/`).then(() => 'open', () => 'closed'), 'closed');
  });

  test('help, unknown network, bad configs and modules: clear errors', async () => {
    const help = await runCli(['bridge', '--help'], cliEnv);
    assert.match(help.stdout, /Usage: switchyard bridge <add\|list\|run>/);
    assert.match((await runCli(['--help'], cliEnv)).stdout, /bridge {12}Add a bridge/);

    const unknown = await runCli(['bridge', 'add', 'nosuchnet'], cliEnv);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown network "nosuchnet"; available networks: .*--module/);
    assert.equal((await runCli(['bridge', 'add', 'echo', '--name', 'Bad Name', '--module', ECHO_MODULE], cliEnv)).code, 1);
    assert.match((await runCli(['bridge', 'add', 'echo', '--module', ECHO_MODULE, '--port', '70000'], cliEnv)).stderr, /--port: must be an integer/);
    assert.match((await runCli(['bridge', 'add', 'echo', '--module', ECHO_MODULE, '--homeserver-url', 'hub:8008'], cliEnv)).stderr, /--homeserver-url: must be an http\(s\) URL/);
    const throws = await runCli(['bridge', 'add', 'throws', '--module', 'test/fixtures/bridges/throws-on-import.ts'], cliEnv);
    assert.match(throws.stderr, /module: cannot load .*this module cannot be loaded/);

    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, `network: echo\nmodule: ${join(process.cwd(), ECHO_MODULE)}\nprefix: 1\n`);
    const run = await runCli(['bridge', 'run', '--config', bad], cliEnv);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`bridge run: ${bad}: homeserver: missing`));
    const missing = await runCli(['bridge', 'run', '--config', join(dir, 'nope.yaml')], cliEnv);
    assert.match(missing.stderr, /nope\.yaml: cannot be read/);
    assert.equal((await runCli(['bridge', 'run'], cliEnv)).code, 1);
    assert.equal((await runCli(['bridge', 'frobnicate'], cliEnv)).code, 2);
  });
});
