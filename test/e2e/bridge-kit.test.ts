// The bridge kit end to end: a loopback network (test/support/loopback-network.ts) bridged by the
// kit to a real hub over the appservice API, registration dropped into APPSERVICES_DIR, the human
// side driven over plain HTTP. Covers management commands and their errors, both login flows,
// portals on demand (name, topic, members, power, backfill with ts), ghosts, both message
// directions, delivery-failure notices, relay mode, double puppeting, alias portals, bridge state,
// /health /status /metrics, re-sent transactions and a bridge restart without loss.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { call, freePort, registerHuman, waitForAppservice } from '../support/appservice-frameworks.ts';
import { LoopbackNetwork, loopbackBridge } from '../support/loopback-network.ts';
import type { KitRunningBridge } from '../../bridges/kit/index.ts';

const DOMAIN = 'test.local';
const BOT = `@loopbot:${DOMAIN}`;
const TS = 1_600_000_000_000;
const enc = encodeURIComponent;
type Ev = { event_id: string; type: string; sender: string; origin_server_ts: number; content: Record<string, unknown>; state_key?: string };
type User = { userId: string; token: string };

async function until<T>(what: string, get: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('bridge kit with a loopback network', () => {
  let te: TestEnv;
  let hub: TestHub;
  let asDir: string;
  let cfgDir: string;
  let configPath: string;
  let port: number;
  const net = new LoopbackNetwork();
  const mod = loopbackBridge(net);
  let running: KitRunningBridge;
  let alice: User;
  let bob: User;
  let carol: User;
  let aliceMgmt: string;
  let lobbyRoom: string;

  const messages = async (roomId: string, who: User): Promise<Ev[]> => {
    const r = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=200`, who.token);
    return ((r.body.chunk as Ev[]) ?? []).reverse();
  };
  const send = async (roomId: string, who: User, body: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const r = await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/t${Math.random()}`, who.token, { msgtype: 'm.text', body, ...extra });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.event_id as string;
  };
  /** The bot's notice after `afterEventId` whose body contains `text`. */
  const notice = (roomId: string, who: User, text: string | RegExp, afterEventId?: string): Promise<Ev> =>
    until(`notice ${String(text)}`, async () => {
      const all = await messages(roomId, who);
      const from = afterEventId ? all.findIndex((e) => e.event_id === afterEventId) + 1 : 0;
      return all.slice(from).find((e) => e.sender === BOT && e.content.msgtype === 'm.notice' && (typeof text === 'string' ? String(e.content.body).includes(text) : text.test(String(e.content.body))));
    });
  const command = async (roomId: string, who: User, body: string, expect: string | RegExp): Promise<Ev> => notice(roomId, who, expect, await send(roomId, who, body));
  const managementRoom = async (who: User): Promise<string> => {
    const r = await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', who.token, { is_direct: true, invite: [BOT], preset: 'trusted_private_chat' });
    const roomId = r.body.room_id as string;
    await notice(roomId, who, 'Send "help"');
    return roomId;
  };
  const status = async () => (await (await fetch(`${running.url}/status`)).json()) as { logins: Array<{ id: string; state: string; message: string | null }> };
  const startBridge = async () => {
    running = await mod.start({ configPath, dataDir: join(cfgDir, 'data'), log: (level, message) => void (level === 'error' || process.env.KIT_LOG ? console.log(`[bridge ${level}] ${message}`) : undefined) });
  };

  before(async () => {
    asDir = await mkdtemp(join(tmpdir(), 'switchyard-kit-as-'));
    cfgDir = await mkdtemp(join(tmpdir(), 'switchyard-kit-cfg-'));
    te = await testEnv({ env: { APPSERVICES_DIR: asDir } });
    hub = await startTestHub(te);
    port = await freePort();
    const files = mod.generate({ name: 'loop', homeserverUrl: hub.url, serverName: DOMAIN, listenHost: '127.0.0.1', listenPort: port, asToken: 'as-loop', hsToken: 'hs-loop' });
    const config = load(files.configYaml) as Record<string, Record<string, unknown>>;
    config.bridge!.permissions = { '*': 'relay', [DOMAIN]: 'user', [`@carol:${DOMAIN}`]: 'relay' };
    config.bridge!.relay = { enabled: true, template: '<{displayname}> {message}' };
    config.bridge!.double_puppet = { secrets: { [DOMAIN]: 'as_token:as-doublepuppet' } };
    configPath = join(cfgDir, 'loop.yaml');
    await writeFile(configPath, dump(config));
    await writeFile(join(asDir, 'loop.yaml'), files.registrationYaml);
    // Double puppeting: a url-less registration that may act as any local user.
    await writeFile(
      join(asDir, 'doublepuppet.yaml'),
      dump({ id: 'doublepuppet', url: null, as_token: 'as-doublepuppet', hs_token: 'hs-doublepuppet-unused', sender_localpart: 'doublepuppetbot', namespaces: { users: [{ regex: `@.*:${DOMAIN}`, exclusive: false }], aliases: [], rooms: [] } }),
    );
    await waitForAppservice(hub.url, 'as-loop');
    await waitForAppservice(hub.url, 'as-doublepuppet');
    await startBridge();
    alice = await registerHuman(hub.url, 'alice');
    bob = await registerHuman(hub.url, 'bob');
    carol = await registerHuman(hub.url, 'carol');
    net.passwords.set('alice-remote', 's3cret');
    net.names.set('rbob', 'Bob Remote');
  });
  after(async () => {
    await running?.stop();
    await hub?.stop();
    await te?.cleanup();
    await rm(asDir, { recursive: true, force: true });
    await rm(cfgDir, { recursive: true, force: true });
  });

  test('GET /health, /status and /metrics on the bridge listener', async () => {
    const health = await fetch(`${running.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const s = (await status()) as unknown as Record<string, unknown>;
    assert.equal(s.network, 'loop');
    assert.equal(s.name, 'loop');
    assert.deepEqual(s.logins, []);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    assert.match(metrics, /bridge_messages_total\{direction="matrix_to_remote",network="loop",bridge="loop"\} 0/);
    assert.match(metrics, /bridge_logins\{state="connected",network="loop",bridge="loop"\} 0/);
  });

  test('management room: help, version, unknown command, missing arguments, not logged in, no permission', async () => {
    aliceMgmt = await managementRoom(alice);
    await command(aliceMgmt, alice, 'help', 'list-logins');
    await command(aliceMgmt, alice, 'version', 'Loopback connector 1.0');
    await command(aliceMgmt, alice, 'frobnicate', 'Unknown command "frobnicate"');
    await command(aliceMgmt, alice, 'logout', 'Usage: logout <login id>');
    await command(aliceMgmt, alice, 'list-logins', 'You have no logins.');
    await command(aliceMgmt, alice, 'sync', 'Synced 0 portals.');
    const carolMgmt = await managementRoom(carol);
    await command(carolMgmt, carol, 'login', 'You do not have permission to use "login" (needs user, you have relay)');
  });

  test('password login flow: wrong password is an error, the right one connects', async () => {
    await command(aliceMgmt, alice, 'login', 'Login flows:');
    await command(aliceMgmt, alice, 'login password', 'Username:');
    await notice(aliceMgmt, alice, 'Password:', await send(aliceMgmt, alice, 'alice-remote'));
    await notice(aliceMgmt, alice, 'Login failed: wrong username or password', await send(aliceMgmt, alice, 'wrong'));
    await command(aliceMgmt, alice, 'list-logins', 'You have no logins.');
    await command(aliceMgmt, alice, 'login password', 'Username:');
    await notice(aliceMgmt, alice, 'Password:', await send(aliceMgmt, alice, 'alice-remote'));
    await notice(aliceMgmt, alice, 'Logged in as alice-remote', await send(aliceMgmt, alice, 's3cret'));
    await until('connected', async () => ((await status()).logins[0]?.state === 'connected' ? true : undefined));
    await command(aliceMgmt, alice, 'list-logins', 'alice-remote (alice-remote): connected');
    await command(aliceMgmt, alice, 'ping', 'pong from alice-remote');
  });

  test('a remote message creates the portal: name, topic, ghosts with display names and power, backfill with ts, no duplicate', async () => {
    net.addChat({
      id: 'lobby',
      name: 'Lobby',
      topic: 'Welcome to the lobby',
      members: ['alice-remote', 'rbob', 'Carl'],
      ops: ['rbob'],
      history: [
        { id: 'h1', sender: 'rbob', body: 'old one', ts: TS },
        { id: 'h2', sender: 'Carl', body: 'old two', ts: TS + 1000 },
      ],
    });
    net.say('lobby', 'rbob', 'hello matrix');
    lobbyRoom = await until('portal', () => running.kit.store.portal('chat:lobby')?.roomId);
    // Alice has double puppeting: her own account accepted the portal's invite.
    await until('alice joined', async () => {
      const rooms = (await call(hub.url, 'GET', '/_matrix/client/v3/joined_rooms', alice.token)).body.joined_rooms as string[];
      return rooms.includes(lobbyRoom) ? true : undefined;
    });
    const name = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/state/m.room.name/`, alice.token);
    assert.equal(name.body.name, 'Lobby');
    const topic = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/state/m.room.topic/`, alice.token);
    assert.equal(topic.body.topic, 'Welcome to the lobby');
    const joined = await until('members', async () => {
      const j = (await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/joined_members`, alice.token)).body.joined as Record<string, { display_name?: string }>;
      return j[`@loop__carl:${DOMAIN}`] ? j : undefined;
    });
    assert.equal(joined[`@loop_rbob:${DOMAIN}`]?.display_name, 'Bob Remote');
    assert.equal(joined[`@loop__carl:${DOMAIN}`]?.display_name, 'Carl', 'uppercase escaped per the user id grammar');
    // Ops become power 50 once every member has joined.
    await until('op power', async () => {
      const power = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/state/m.room.power_levels/`, alice.token);
      return (power.body.users as Record<string, number>)[`@loop_rbob:${DOMAIN}`] === 50 ? true : undefined;
    });
    const texts = await until('three messages', async () => {
      const m = (await messages(lobbyRoom, alice)).filter((e) => e.type === 'm.room.message');
      return m.length >= 3 ? m : undefined;
    });
    assert.deepEqual(texts.map((e) => e.content.body), ['old one', 'old two', 'hello matrix'], 'backfill first, live message once');
    assert.equal(texts[0]!.origin_server_ts, TS);
    assert.equal(texts[1]!.origin_server_ts, TS + 1000);
    assert.equal(texts[0]!.sender, `@loop_rbob:${DOMAIN}`);
  });

  test('Matrix → remote through the login; a failed send comes back as an m.notice reply', async () => {
    const eventId = await send(lobbyRoom, alice, 'hi from matrix', { format: 'org.matrix.custom.html', formatted_body: '<b>hi</b> from matrix' });
    const sent = await until('sent', () => net.sent.find((s) => s.matrixEventId === eventId));
    assert.equal(sent.by, 'alice-remote');
    assert.equal(sent.chatId, 'lobby');
    assert.equal(sent.body, 'hi from matrix');
    assert.equal(sent.html, '<b>hi</b> from matrix');
    net.failNextSend = 'remote said no';
    const failed = await send(lobbyRoom, alice, 'this one fails');
    const n = await notice(lobbyRoom, alice, 'Your message was not bridged: remote said no', failed);
    assert.deepEqual(n.content['m.relates_to'], { 'm.in_reply_to': { event_id: failed } });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    assert.match(metrics, /bridge_messages_total\{direction="matrix_to_remote",network="loop",bridge="loop"\} 1/);
    assert.match(metrics, /bridge_message_failures_total\{direction="matrix_to_remote",network="loop",bridge="loop"\} 1/);
    assert.match(metrics, /bridge_logins\{state="connected",network="loop",bridge="loop"\} 1/);
  });

  test('Matrix typing reaches the network through the user’s login', async () => {
    await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/typing/${enc(alice.userId)}`, alice.token, { typing: true, timeout: 30_000 });
    await until('typing on', () => net.typing.find((t) => t.chatId === 'lobby' && t.by === 'alice-remote' && t.typing));
    await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/typing/${enc(alice.userId)}`, alice.token, { typing: false });
    await until('typing off', () => net.typing.find((t) => t.chatId === 'lobby' && t.by === 'alice-remote' && !t.typing));
  });

  test('relay mode: refused without a relay, then relayed with the template', async () => {
    await call(hub.url, 'POST', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/invite`, alice.token, { user_id: bob.userId });
    await call(hub.url, 'POST', `/_matrix/client/v3/join/${enc(lobbyRoom)}`, bob.token, {});
    const refused = await send(lobbyRoom, bob, 'nobody relays me');
    await notice(lobbyRoom, bob, 'You are not logged in to Loopback and this room has no relay', refused);
    await command(lobbyRoom, alice, '!loop set-relay', 'relayed through alice-remote');
    const eventId = await send(lobbyRoom, bob, 'relayed hello');
    const sent = await until('relayed', () => net.sent.find((s) => s.matrixEventId === eventId));
    assert.equal(sent.body, '<bob> relayed hello');
    assert.deepEqual(sent.relayedFor, { userId: bob.userId, displayName: 'bob' });
  });

  test('double puppeting: the user’s own remote message appears as their Matrix account, and is not echoed back', async () => {
    const before = net.sent.length;
    net.say('lobby', 'alice-remote', 'from my phone');
    const ev = await until('puppeted', async () => (await messages(lobbyRoom, alice)).find((e) => e.content.body === 'from my phone'));
    assert.equal(ev.sender, alice.userId);
    await running.kit.settled();
    net.say('lobby', 'rbob', 'after the puppet');
    await until('next', async () => (await messages(lobbyRoom, alice)).find((e) => e.content.body === 'after the puppet'));
    assert.equal(net.sent.length, before, 'nothing sent back to the network');
  });

  test('remote topic, join and nick changes are mirrored', async () => {
    net.setTopic('lobby', 'rbob', 'New topic');
    await until('topic', async () => {
      const t = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/state/m.room.topic/?format=event`, alice.token);
      return t.body.content && (t.body.content as { topic: string }).topic === 'New topic' ? t.body : undefined;
    });
    net.join('lobby', 'dora');
    net.rename('rbob', 'Bobby');
    await until('join and rename', async () => {
      const joined = (await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(lobbyRoom)}/joined_members`, alice.token)).body.joined as Record<string, { display_name?: string }>;
      return joined[`@loop_dora:${DOMAIN}`] && joined[`@loop_rbob:${DOMAIN}`]?.display_name === 'Bobby' ? true : undefined;
    });
  });

  test('code login flow, bridge state reported in the management room and on /status', async () => {
    const dave = await registerHuman(hub.url, 'dave');
    const mgmt = await managementRoom(dave);
    const shown = await command(mgmt, dave, 'login code', /Code: CODE-\d+/);
    const code = /CODE-\d+/.exec(String(shown.content.body))![0];
    net.approve(code, 'dave-remote');
    await notice(mgmt, dave, 'Logged in as dave-remote', shown.event_id);
    net.drop('dave-remote', 'bad_credentials', 'token expired');
    await notice(mgmt, dave, 'Login dave-remote (dave-remote): bad credentials — token expired');
    const s = await status();
    assert.deepEqual(s.logins.find((l) => l.id === 'dave-remote'), { id: 'dave-remote', matrix_user_id: dave.userId, remote_name: 'dave-remote', state: 'bad_credentials', message: 'token expired' } as never);
    await command(mgmt, dave, 'logout nope', 'you have no login "nope"');
    await command(mgmt, dave, 'logout dave-remote', 'Logged out dave-remote.');
  });

  test('bridge / unbridge an existing room, and portal commands outside a portal', async () => {
    net.addChat({ id: 'side', name: 'Side', members: ['alice-remote', 'rbob'] });
    const room = (await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { invite: [BOT] })).body.room_id as string;
    await until('bot joined', async () => {
      const j = (await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(room)}/joined_members`, alice.token)).body.joined as Record<string, unknown>;
      return j[BOT] ? true : undefined;
    });
    await command(room, alice, '!loop unbridge', 'this room is not a portal');
    await command(room, alice, '!loop bridge nowhere', 'no chat "nowhere"');
    await command(room, alice, '!loop bridge side', 'now bridged to Side');
    net.say('side', 'rbob', 'into the existing room');
    await until('bridged message', async () => (await messages(room, alice)).find((e) => e.content.body === 'into the existing room'));
    await command(room, alice, '!loop unbridge', 'no longer bridged');
  });

  test('an alias in the namespace makes a portal appear on demand', async () => {
    net.addChat({ id: 'plaza', name: 'Plaza', members: ['alice-remote'] });
    const r = await call(hub.url, 'POST', `/_matrix/client/v3/join/${enc(`#loop_plaza:${DOMAIN}`)}`, bob.token, {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const name = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(r.body.room_id as string)}/state/m.room.name/`, bob.token);
    assert.equal(name.body.name, 'Plaza');
    const missing = await call(hub.url, 'GET', `/_matrix/client/v3/directory/room/${enc(`#loop_nothing:${DOMAIN}`)}`, null);
    assert.equal(missing.status, 404);
  });

  test('a re-sent transaction is not bridged twice', async () => {
    const eventId = await send(lobbyRoom, alice, 'only once');
    await until('sent', () => net.sent.find((s) => s.matrixEventId === eventId));
    const ev = (await messages(lobbyRoom, alice)).find((e) => e.event_id === eventId)!;
    const r = await fetch(`${running.url}/_matrix/app/v1/transactions/replayed-1`, {
      method: 'PUT',
      headers: { authorization: 'Bearer hs-loop', 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ ...ev, room_id: lobbyRoom }] }),
    });
    assert.equal(r.status, 200);
    const denied = await fetch(`${running.url}/_matrix/app/v1/transactions/replayed-2`, { method: 'PUT', headers: { authorization: 'Bearer wrong' }, body: '{}' });
    assert.equal(denied.status, 403);
    assert.equal(net.sent.filter((s) => s.matrixEventId === eventId).length, 1);
  });

  test('restart: messages sent while the bridge is down arrive once, portals and logins survive', async () => {
    await running.stop();
    const whileDown = await send(lobbyRoom, alice, 'sent while the bridge was down');
    await new Promise((r) => setTimeout(r, 300));
    await startBridge();
    await until('delivered after restart', () => net.sent.find((s) => s.matrixEventId === whileDown), 60_000);
    await until('login reconnected', async () => ((await status()).logins.find((l) => l.id === 'alice-remote')?.state === 'connected' ? true : undefined));
    net.say('lobby', 'rbob', 'after restart');
    await until('same portal', async () => (await messages(lobbyRoom, alice)).find((e) => e.content.body === 'after restart'));
    assert.equal(net.sent.filter((s) => s.matrixEventId === whileDown).length, 1);
    const bodies = (await messages(lobbyRoom, alice)).map((e) => e.content.body);
    assert.equal(bodies.filter((b) => b === 'hello matrix').length, 1, 'no re-backfill');
  });

  test('a bad config names the file and the key; nothing keeps running', async () => {
    const bad = join(cfgDir, 'bad.yaml');
    const text = await readFile(configPath, 'utf8');
    await writeFile(bad, text.replace(/port: \d+/, 'port: not-a-port'));
    await assert.rejects(mod.start({ configPath: bad, dataDir: join(cfgDir, 'bad') }), (err: Error) => err.message.startsWith(`${bad}: appservice.port: expected an integer`));
    await writeFile(bad, text.replace('greeting: hi', 'greeting: hi\n  colour: blue'));
    await assert.rejects(mod.start({ configPath: bad, dataDir: join(cfgDir, 'bad') }), (err: Error) => err.message.includes(`${bad}: loop.colour: unknown key`));
    await writeFile(bad, text.replace('network: loop', 'network: discord'));
    await assert.rejects(mod.start({ configPath: bad, dataDir: join(cfgDir, 'bad') }), /network: this module runs "loop" bridges/);
  });
});
