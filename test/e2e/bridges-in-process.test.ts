// Bridges as plugins inside the hub (bridges.in_process: true): `switchyard bridge add` writes a
// bridge config and its registration while the hub runs; the hub loads the registration and starts
// the bridge (the echo test bridge, loaded through the config's `module` key) without a restart; a
// Matrix user talks to it; editing the config restarts it, deleting it stops it; broken configs and
// modules are reported in GET /_switchyard/admin/v1/bridges while the hub and the other bridges
// carry on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, unlink, copyFile, appendFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { spawnHub, startTestHub, testEnv, type HubProcess, type TestEnv, type TestHub } from '../support/hub.ts';
import { freePort, waitForAppservice } from '../support/appservice-frameworks.ts';
import { registerAccount, type Account } from '../support/rooms-clients.ts';
import { ECHO_MODULE, adminToken, expectReply, listBridges, roomWithBot, runCli, until } from '../support/bridges.ts';

const SECRET = 'bridge-host-secret';
const DOMAIN = 'test.local';

describe('bridges in process', () => {
  let dir: string;
  let te: TestEnv;
  let hub: TestHub;
  let admin: string;
  let alice: Account;
  let cliEnv: Record<string, string>;
  const bridgesDir = () => join(dir, 'bridges');
  const appservicesDir = () => join(dir, 'appservices');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-bridges-'));
    const hubConfig = join(dir, 'homeserver.yaml');
    await copyFile('test/fixtures/homeserver.test.yaml', hubConfig);
    await appendFile(hubConfig, 'bridges:\n  in_process: true\n');
    te = await testEnv({
      env: { SWITCHYARD_CONFIG: hubConfig, BRIDGES_DIR: bridgesDir(), APPSERVICES_DIR: appservicesDir(), REGISTRATION_SHARED_SECRET: SECRET },
    });
    hub = await startTestHub(te);
    admin = await adminToken(hub.url, SECRET);
    alice = await registerAccount(hub.url, 'alice');
    cliEnv = { ...te.env, PUBLIC_BASEURL: hub.url, DATABASE_URL: '' };
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('bridge add: the running hub loads the registration, starts the bridge, and it answers', async () => {
    const port = await freePort();
    const r = await runCli(['bridge', 'add', 'echo', '--module', ECHO_MODULE, '--port', String(port)], cliEnv);
    assert.equal(r.code, 0, r.stderr);
    const configFile = join(bridgesDir(), 'echo.yaml');
    const regFile = join(appservicesDir(), 'echo.yaml');
    assert.match(r.stdout, new RegExp(`Wrote ${regFile}`));
    assert.match(r.stdout, new RegExp(`Wrote ${configFile}`));
    assert.match(r.stdout, /without a restart \(bridges\.in_process: true\)/);
    for (const f of [configFile, regFile]) assert.equal((await stat(f)).mode & 0o777, 0o600, `${f} mode`);
    const config = load(await readFile(configFile, 'utf8')) as { network: string; module: string; appservice: { as_token: string; hs_token: string; port: number } };
    const reg = load(await readFile(regFile, 'utf8')) as { id: string; url: string; as_token: string; hs_token: string };
    assert.equal(config.network, 'echo');
    assert.equal(resolve(bridgesDir(), config.module), resolve(ECHO_MODULE));
    assert.equal(reg.id, 'echo');
    assert.equal(reg.url, `http://127.0.0.1:${port}`);
    assert.equal(reg.as_token, config.appservice.as_token);
    assert.equal(reg.hs_token, config.appservice.hs_token);
    assert.match(reg.as_token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(reg.as_token, reg.hs_token);

    // Without a restart: the registration is live and the bridge runs.
    await waitForAppservice(hub.url, reg.as_token);
    const running = await until('the echo bridge to run', async () => (await listBridges(hub.url, admin)).bridges.find((b) => b.name === 'echo' && b.state === 'running'));
    assert.equal(running.network, 'echo');
    assert.equal(running.url, `http://127.0.0.1:${port}`);
    assert.ok(existsSync(join(te.dataDir, 'bridges', 'echo', 'started')), 'the bridge got <data_dir>/bridges/echo');

    const bot = `@echobot:${DOMAIN}`;
    const roomId = await roomWithBot(hub.url, alice, bot);
    await expectReply(hub.url, alice, roomId, bot, 'hello bridge', 'echo: hello bridge');

    // Refuses to overwrite; --force writes fresh tokens over both files.
    const again = await runCli(['bridge', 'add', 'echo', '--module', ECHO_MODULE], cliEnv);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; use --force/);

    // Editing the config restarts the bridge with it.
    await writeFile(configFile, (await readFile(configFile, 'utf8')).replace(/^prefix: .*$/m, "prefix: 'again: '"));
    await until('the restarted bridge', async () => {
      const b = (await listBridges(hub.url, admin)).bridges.find((x) => x.name === 'echo');
      return b && b.state === 'running' && b.started_at! > running.started_at! ? b : undefined;
    });
    await expectReply(hub.url, alice, roomId, bot, 'second', 'again: second');

    // Deleting it stops it: its listener closes and it leaves the list.
    await unlink(configFile);
    await until('the bridge to stop', async () => ((await listBridges(hub.url, admin)).bridges.some((b) => b.name === 'echo') ? undefined : true));
    await until('its listener to close', async () => fetch(`http://127.0.0.1:${port}/`).then(() => undefined, () => true));
  });

  test('broken bridges are reported and the hub and other bridges keep serving', async () => {
    const port = await freePort();
    assert.equal((await runCli(['bridge', 'add', 'echo', '--name', 'healthy', '--module', ECHO_MODULE, '--port', String(port)], cliEnv)).code, 0);
    const healthy = await until('the healthy bridge', async () => (await listBridges(hub.url, admin)).bridges.find((b) => b.name === 'healthy' && b.state === 'running'));

    const files: Record<string, string> = {
      'unknown.yaml': 'network: nosuchnet\n',
      'notyaml.yaml': 'network: [unclosed\n',
      'badconfig.yaml': `network: echo\nmodule: ${join(process.cwd(), ECHO_MODULE)}\nhomeserver: { url: "${hub.url}", domain: ${DOMAIN} }\n`,
      'throws.yaml': `network: throws\nmodule: ${join(process.cwd(), 'test/fixtures/bridges/throws-on-import.ts')}\n`,
      'broken.yaml': `network: broken\nmodule: ${join(process.cwd(), 'test/fixtures/bridges/broken/index.ts')}\n`,
      'mismatch.yaml': `network: irc\nmodule: ${join(process.cwd(), 'test/fixtures/bridges/broken/index.ts')}\n`,
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(bridgesDir(), name), text);
    const expected: Record<string, [string, RegExp]> = {
      unknown: ['failed', /unknown.yaml: network: unknown network "nosuchnet" \(available: /],
      notyaml: ['failed', /notyaml.yaml: not valid YAML/],
      badconfig: ['retrying', /badconfig.yaml: appservice: missing/],
      throws: ['failed', /throws.yaml: module: cannot load .*this module cannot be loaded/],
      broken: ['retrying', /broken.yaml: the broken bridge never starts/],
      mismatch: ['failed', /mismatch.yaml: network: "irc" does not match the module's network "broken"/],
    };
    const listing = await until('every broken bridge to be reported', async () => {
      const l = await listBridges(hub.url, admin);
      return Object.keys(expected).every((n) => l.bridges.find((b) => b.name === n)?.error) ? l : undefined;
    });
    for (const [name, [state, error]] of Object.entries(expected)) {
      const b = listing.bridges.find((x) => x.name === name)!;
      assert.equal(b.state, state, `${name}: ${JSON.stringify(b)}`);
      assert.match(b.error!, error);
      assert.equal(b.url, null);
    }
    // A start that keeps rejecting is retried (capped backoff: 1 s, then 2 s).
    await until('a retry of the broken bridge', async () => ((await listBridges(hub.url, admin)).bridges.find((b) => b.name === 'broken')!.failures >= 2 ? true : undefined), 10_000);

    // The hub still serves, and the healthy bridge was never restarted and still answers.
    assert.equal((await fetch(`${hub.url}/_matrix/client/versions`)).status, 200);
    const still = (await listBridges(hub.url, admin)).bridges.find((b) => b.name === 'healthy')!;
    assert.equal(still.state, 'running');
    assert.equal(still.started_at, healthy.started_at);
    const bot = `@healthybot:${DOMAIN}`;
    await expectReply(hub.url, alice, await roomWithBot(hub.url, alice, bot), bot, 'still there?', 'echo: still there?');

    // Fixing a broken file starts it.
    const fixedPort = await freePort();
    assert.equal((await runCli(['bridge', 'add', 'echo', '--name', 'badconfig', '--module', ECHO_MODULE, '--port', String(fixedPort), '--force'], cliEnv)).code, 0);
    await until('the fixed bridge to run', async () => (await listBridges(hub.url, admin)).bridges.find((b) => b.name === 'badconfig' && b.state === 'running'));
  });

  test('the admin endpoint is for server admins only', async () => {
    const none = await fetch(`${hub.url}/_switchyard/admin/v1/bridges`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { errcode: string }).errcode, 'M_MISSING_TOKEN');
    const res = await fetch(`${hub.url}/_switchyard/admin/v1/bridges`, { headers: { authorization: `Bearer ${alice.accessToken}` } });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { errcode: string }).errcode, 'M_FORBIDDEN');
  });
});

describe('bridges in process under `switchyard start`', () => {
  test('a spawned hub starts the bridges in its folder and stops them when it stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-bridges-start-'));
    const hubConfig = join(dir, 'homeserver.yaml');
    await copyFile('test/fixtures/homeserver.test.yaml', hubConfig);
    await appendFile(hubConfig, 'bridges:\n  in_process: true\n');
    const te = await testEnv({ env: { SWITCHYARD_CONFIG: hubConfig, BRIDGES_DIR: join(dir, 'bridges'), APPSERVICES_DIR: join(dir, 'appservices'), REGISTRATION_SHARED_SECRET: SECRET } });
    let hub: HubProcess | null = null;
    try {
      hub = await spawnHub(te);
      const port = await freePort();
      const added = await runCli(['bridge', 'add', 'echo', '--module', ECHO_MODULE, '--port', String(port), '--homeserver-url', hub.url], { ...te.env, DATABASE_URL: '' });
      assert.equal(added.code, 0, added.stderr);
      const admin = await adminToken(hub.url, SECRET);
      await until('the bridge to run in the spawned hub', async () => (await listBridges(hub!.url, admin)).bridges.find((b) => b.state === 'running'));
      const alice = await registerAccount(hub.url, 'alice');
      const bot = `@echobot:${DOMAIN}`;
      await expectReply(hub.url, alice, await roomWithBot(hub.url, alice, bot), bot, 'ping', 'echo: ping');
      await hub.stop();
      assert.equal(hub.child.exitCode, 0);
      hub = null;
      assert.equal(await fetch(`http://127.0.0.1:${port}/`).then(() => 'open', () => 'closed'), 'closed');
    } finally {
      await hub?.kill();
      await te.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
