// Acceptance with real appservice frameworks over real HTTP (issue 5 "Acceptance"):
// matrix-appservice-bridge (Bridge, Intent) and matrix-bot-sdk in appservice mode, against a hub
// whose APPSERVICES_DIR is a temp folder. Each registration file is dropped while the hub runs.
// Both frameworks load with the crypto stand-in (bridges/kit/crypto-unavailable) and run
// unencrypted. Transactions to the appservice are covered in appservice-frameworks-delivery.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppServiceRegistration, Bridge, type Intent } from 'matrix-appservice-bridge';
import { Appservice, MemoryStorageProvider } from 'matrix-bot-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { call, freePort, registerHuman, waitForAppservice } from '../support/appservice-frameworks.ts';

const DOMAIN = 'test.local';
const TS = 1_500_000_000_000;
const enc = encodeURIComponent;

describe('appservice frameworks', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let alice: { userId: string; token: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-fw-'));
    te = await testEnv({ env: { APPSERVICES_DIR: dir } });
    hub = await startTestHub(te);
    alice = await registerHuman(hub.url, 'alice');
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  describe('matrix-appservice-bridge', () => {
    let bridge: Bridge;
    const provisioned: string[] = [];

    before(async () => {
      const port = await freePort();
      const reg = new AppServiceRegistration(`http://127.0.0.1:${port}`);
      reg.setId('mab');
      reg.setHomeserverToken('hs-mab-secret');
      reg.setAppServiceToken('as-mab-secret');
      reg.setSenderLocalpart('mabbot');
      reg.addRegexPattern('users', `@_mab_.*:${DOMAIN}`, true);
      reg.addRegexPattern('aliases', `#_mab_.*:${DOMAIN}`, true);
      reg.setProtocols(['mabnet']);
      // Dropped into the folder while the hub runs: live without a restart.
      reg.outputAsYaml(join(dir, 'mab.yaml'));
      const who = await waitForAppservice(hub.url, 'as-mab-secret');
      assert.equal(who.body.user_id, `@mabbot:${DOMAIN}`);
      bridge = new Bridge({
        homeserverUrl: hub.url,
        domain: DOMAIN,
        registration: reg,
        disableStores: true,
        controller: {
          onEvent: () => undefined,
          onUserQuery: (user) => {
            provisioned.push(user.getId());
            return user.getId().startsWith(`@_mab_known`) ? { name: `Provisioned ${user.localpart}` } : null;
          },
          onAliasQuery: (alias, localpart) => {
            provisioned.push(alias);
            if (!localpart.startsWith('_mab_portal')) return null;
            return { creationOpts: { room_alias_name: localpart, preset: 'public_chat', visibility: 'private', name: `Portal ${localpart}` } };
          },
        },
      });
      await bridge.run(port, undefined, '127.0.0.1');
    });
    after(async () => {
      await bridge?.close();
    });

    test('ghosts register, set their profile, join a room and send with ts', async () => {
      const ghost: Intent = bridge.getIntent(`@_mab_ghost1:${DOMAIN}`);
      await ghost.ensureRegistered();
      await ghost.setDisplayName('Ghost One');
      await ghost.setAvatarUrl('mxc://test.local/ghostavatar');
      const profile = await call(hub.url, 'GET', `/_matrix/client/v3/profile/${enc(ghost.userId)}`, alice.token);
      assert.deepEqual(profile.body, { displayname: 'Ghost One', avatar_url: 'mxc://test.local/ghostavatar' });

      const room = await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat', power_level_content_override: { state_default: 0 } });
      const roomId = room.body.room_id as string;
      await ghost.join(roomId);
      const members = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`, alice.token);
      assert.deepEqual((members.body.joined as Record<string, unknown>)[ghost.userId], { display_name: 'Ghost One', avatar_url: 'mxc://test.local/ghostavatar' });

      // Timestamp massaging (application-service-api): the framework's client passes user_id itself.
      const client = ghost.matrixClient;
      const sent = (await client.doRequest('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/t1`, { ts: TS }, { msgtype: 'm.text', body: 'from the past' })) as {
        event_id: string;
      };
      assert.match(sent.event_id, /^\$/);
      await client.doRequest('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.bridged/${enc(ghost.userId)}`, { ts: TS + 1 }, { n: 1 });
      const state = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.bridged/${enc(ghost.userId)}?format=event`, alice.token);
      assert.equal(state.body.origin_server_ts, TS + 1);
      assert.equal(state.body.sender, ghost.userId);

      // A human's ts is ignored.
      await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.human/?ts=5`, alice.token, { n: 1 });
      const human = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.human/?format=event`, alice.token);
      assert.ok((human.body.origin_server_ts as number) > TS);
    });

    test('an alias query makes a portal room appear and the join by alias succeeds', async () => {
      const alias = `#_mab_portal_1:${DOMAIN}`;
      const joined = await call(hub.url, 'POST', `/_matrix/client/v3/join/${enc(alias)}`, alice.token, {});
      assert.equal(joined.status, 200, JSON.stringify(joined.body));
      const roomId = joined.body.room_id as string;
      const name = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.name/`, alice.token);
      assert.equal(name.body.name, 'Portal _mab_portal_1');
      const resolved = await call(hub.url, 'GET', `/_matrix/client/v3/directory/room/${enc(alias)}`, null);
      assert.equal(resolved.body.room_id, roomId);
      assert.deepEqual(provisioned.filter((x) => x === alias), [alias], 'one query; the second lookup finds the alias');
    });

    test('an alias the bridge declines is M_NOT_FOUND, not the bridge error', async () => {
      const r = await call(hub.url, 'GET', `/_matrix/client/v3/directory/room/${enc(`#_mab_nothing:${DOMAIN}`)}`, null);
      assert.equal(r.status, 404);
      assert.equal(r.body.errcode, 'M_NOT_FOUND');
      assert.ok(provisioned.includes(`#_mab_nothing:${DOMAIN}`));
    });

    test('a profile lookup of a ghost that does not exist yet queries the bridge', async () => {
      const userId = `@_mab_known_7:${DOMAIN}`;
      const r = await call(hub.url, 'GET', `/_matrix/client/v3/profile/${enc(userId)}`, alice.token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.displayname, 'Provisioned _mab_known_7');
      const missing = await call(hub.url, 'GET', `/_matrix/client/v3/profile/${enc(`@_mab_unknown:${DOMAIN}`)}`, alice.token);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.errcode, 'M_NOT_FOUND');
    });

    test('users cannot create aliases in the exclusive namespace; the bridge can', async () => {
      const room = await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, {});
      const roomId = room.body.room_id as string;
      const denied = await call(hub.url, 'PUT', `/_matrix/client/v3/directory/room/${enc(`#_mab_mine:${DOMAIN}`)}`, alice.token, { room_id: roomId });
      assert.equal(denied.status, 400);
      assert.equal(denied.body.errcode, 'M_EXCLUSIVE');
      const viaCreate = await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { room_alias_name: '_mab_mine' });
      assert.equal(viaCreate.body.errcode, 'M_EXCLUSIVE');
      const bot = bridge.getIntent();
      const created = await bot.matrixClient.createRoom({ room_alias_name: '_mab_bots' });
      const resolved = await call(hub.url, 'GET', `/_matrix/client/v3/directory/room/${enc(`#_mab_bots:${DOMAIN}`)}`, null);
      assert.equal(resolved.body.room_id, created);
    });
  });

  describe('matrix-bot-sdk (appservice mode)', () => {
    let appservice: Appservice;

    before(async () => {
      const port = await freePort();
      const registration = {
        id: 'botsdk',
        url: `http://127.0.0.1:${port}`,
        as_token: 'as-botsdk-secret',
        hs_token: 'hs-botsdk-secret',
        sender_localpart: 'botsdkbot',
        rate_limited: false,
        namespaces: {
          users: [{ regex: `@_bs_.*:${DOMAIN}`, exclusive: true }],
          aliases: [{ regex: `#_bs_.*:${DOMAIN}`, exclusive: true }],
          rooms: [],
        },
      };
      await writeFile(join(dir, 'botsdk.yaml'), JSON.stringify(registration));
      await waitForAppservice(hub.url, 'as-botsdk-secret');
      appservice = new Appservice({
        homeserverName: DOMAIN,
        homeserverUrl: hub.url,
        port,
        bindAddress: '127.0.0.1',
        registration,
        storage: new MemoryStorageProvider(),
      });
      appservice.on('query.room', (alias: string, createRoom: (opts: Record<string, unknown> | false) => Promise<void>) => {
        void createRoom(alias.startsWith('#_bs_portal') ? { preset: 'public_chat', name: 'bot-sdk portal' } : false);
      });
      appservice.on('query.user', (userId: string, createUser: (profile: Record<string, unknown> | false) => Promise<void>) => {
        void createUser(userId.startsWith('@_bs_known') ? { display_name: 'Known by bot-sdk' } : false);
      });
      await appservice.begin();
    });
    after(() => appservice?.stop());

    test('ghosts register, set their profile, join and send with ts', async () => {
      const intent = appservice.getIntentForSuffix('ghost');
      assert.equal(intent.userId, `@_bs_ghost:${DOMAIN}`);
      await intent.ensureRegistered();
      await intent.underlyingClient.setDisplayName('bot-sdk ghost');
      await intent.underlyingClient.setAvatarUrl('mxc://test.local/bs');
      const profile = await call(hub.url, 'GET', `/_matrix/client/v3/profile/${enc(intent.userId)}`, alice.token);
      assert.deepEqual(profile.body, { displayname: 'bot-sdk ghost', avatar_url: 'mxc://test.local/bs' });

      const room = await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat', power_level_content_override: { state_default: 0 } });
      const roomId = room.body.room_id as string;
      await intent.joinRoom(roomId);
      const eventId = await intent.sendText(roomId, 'hello from bot-sdk');
      assert.match(eventId, /^\$/);
      await intent.underlyingClient.doRequest('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.bs/`, { ts: TS }, { n: 2 });
      const state = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.bs/?format=event`, alice.token);
      assert.equal(state.body.origin_server_ts, TS);
      assert.equal(state.body.sender, intent.userId);
    });

    test('alias and user queries', async () => {
      const alias = `#_bs_portal:${DOMAIN}`;
      const joined = await call(hub.url, 'POST', `/_matrix/client/v3/join/${enc(alias)}`, alice.token, {});
      assert.equal(joined.status, 200, JSON.stringify(joined.body));
      const name = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(joined.body.room_id as string)}/state/m.room.name/`, alice.token);
      assert.equal(name.body.name, 'bot-sdk portal');
      const declined = await call(hub.url, 'POST', `/_matrix/client/v3/join/${enc(`#_bs_other:${DOMAIN}`)}`, alice.token, {});
      assert.equal(declined.status, 404);
      assert.equal(declined.body.errcode, 'M_NOT_FOUND');
      const user = await call(hub.url, 'GET', `/_matrix/client/v3/profile/${enc(`@_bs_known1:${DOMAIN}`)}`, alice.token);
      assert.equal(user.body.displayname, 'Known by bot-sdk');
    });
  });
});
