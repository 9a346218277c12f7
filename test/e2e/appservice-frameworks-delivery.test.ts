// Acceptance, delivery half (issue 5): matrix-appservice-bridge and matrix-bot-sdk, registered by
// dropping a file while the hub runs, receive transactions for events in their namespaces, once
// and in order, and with receive_ephemeral get typing and receipts as ephemeral events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppServiceRegistration, Bridge } from 'matrix-appservice-bridge';
import { Appservice, MemoryStorageProvider } from 'matrix-bot-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { call, freePort, registerHuman, waitForAppservice } from '../support/appservice-frameworks.ts';

const DOMAIN = 'test.local';
const enc = encodeURIComponent;
type Ev = { type: string; room_id: string; sender: string; event_id: string; content: Record<string, unknown>; state_key?: string };

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('appservice frameworks receive transactions', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let alice: { userId: string; token: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-fwd-'));
    te = await testEnv({ env: { APPSERVICES_DIR: dir } });
    hub = await startTestHub(te);
    alice = await registerHuman(hub.url, 'alice');
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('matrix-appservice-bridge: onEvent gets the room’s events once, in order', async () => {
    const port = await freePort();
    const reg = new AppServiceRegistration(`http://127.0.0.1:${port}`);
    reg.setId('mabd');
    reg.setHomeserverToken('hs-mabd-secret');
    reg.setAppServiceToken('as-mabd-secret');
    reg.setSenderLocalpart('mabdbot');
    reg.addRegexPattern('users', `@_mabd_.*:${DOMAIN}`, true);
    reg.outputAsYaml(join(dir, 'mabd.yaml'));
    await waitForAppservice(hub.url, 'as-mabd-secret');
    const seen: Ev[] = [];
    const bridge = new Bridge({
      homeserverUrl: hub.url,
      domain: DOMAIN,
      registration: reg,
      disableStores: true,
      controller: { onEvent: (request) => void seen.push(request.getData() as Ev) },
    });
    await bridge.run(port, undefined, '127.0.0.1');
    try {
      const ghost = bridge.getIntent(`@_mabd_g:${DOMAIN}`);
      await ghost.ensureRegistered();
      const roomId = (await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat' })).body.room_id as string;
      await ghost.join(roomId);
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/m${i}`, alice.token, { msgtype: 'm.text', body: `hello ${i}` });
        sent.push(r.body.event_id as string);
      }
      const messages = await until('five messages', () => {
        const m = seen.filter((e) => e.type === 'm.room.message' && e.room_id === roomId);
        return m.length >= 5 ? m : undefined;
      });
      assert.deepEqual(messages.map((e) => e.event_id), sent, 'each once, in order');
      assert.deepEqual(messages.map((e) => e.content.body), [0, 1, 2, 3, 4].map((i) => `hello ${i}`));
      // Nothing from a room without its users.
      const other = (await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, {})).body.room_id as string;
      await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(other)}/send/m.room.message/x`, alice.token, { msgtype: 'm.text', body: 'private' });
      const marker = await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/last`, alice.token, { msgtype: 'm.text', body: 'last' });
      await until('the marker', () => seen.find((e) => e.event_id === marker.body.event_id));
      assert.equal(seen.filter((e) => e.room_id === other).length, 0);
    } finally {
      await bridge.close();
    }
  });

  test('matrix-bot-sdk: room.event for a namespaced room, including a ghost’s join', async () => {
    const port = await freePort();
    const registration = {
      id: 'bsd',
      url: `http://127.0.0.1:${port}`,
      as_token: 'as-bsd-secret',
      hs_token: 'hs-bsd-secret',
      sender_localpart: 'bsdbot',
      namespaces: { users: [{ regex: `@_bsd_.*:${DOMAIN}`, exclusive: true }], aliases: [], rooms: [] },
    };
    await writeFile(join(dir, 'bsd.yaml'), JSON.stringify(registration));
    await waitForAppservice(hub.url, 'as-bsd-secret');
    const appservice = new Appservice({ homeserverName: DOMAIN, homeserverUrl: hub.url, port, bindAddress: '127.0.0.1', registration, storage: new MemoryStorageProvider() });
    const seen: Ev[] = [];
    appservice.on('room.event', (_roomId: string, event: Ev) => void seen.push(event));
    await appservice.begin();
    try {
      const intent = appservice.getIntentForSuffix('g');
      await intent.ensureRegistered();
      const roomId = (await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat' })).body.room_id as string;
      await intent.joinRoom(roomId);
      await until('the ghost’s join', () => seen.find((e) => e.type === 'm.room.member' && e.state_key === intent.userId && e.content.membership === 'join'));
      const r = await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/b1`, alice.token, { msgtype: 'm.text', body: 'to the bridge' });
      const got = await until('the message', () => seen.find((e) => e.event_id === r.body.event_id));
      assert.equal(got.sender, alice.userId);
      assert.equal(got.content.body, 'to the bridge');
      assert.equal(seen.filter((e) => e.event_id === r.body.event_id).length, 1);
    } finally {
      appservice.stop();
    }
  });

  /** Alice types and reads in a room the appservice's ghost has joined. */
  async function typeAndRead(roomId: string): Promise<string> {
    const msg = await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/e${Date.now()}`, alice.token, { msgtype: 'm.text', body: 'read me' });
    const eventId = msg.body.event_id as string;
    assert.equal((await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/typing/${enc(alice.userId)}`, alice.token, { typing: true, timeout: 30000 })).status, 200);
    assert.equal((await call(hub.url, 'POST', `/_matrix/client/v3/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, alice.token, {})).status, 200);
    return eventId;
  }

  type Edu = { type: string; room_id?: string; content: Record<string, unknown> };
  const typingOf = (edus: Edu[], roomId: string, userId: string) =>
    edus.find((e) => e.type === 'm.typing' && e.room_id === roomId && ((e.content.user_ids as string[] | undefined) ?? []).includes(userId));
  const receiptOf = (edus: Edu[], roomId: string, eventId: string, userId: string) =>
    edus.find((e) => e.type === 'm.receipt' && e.room_id === roomId && (e.content[eventId] as { 'm.read'?: Record<string, unknown> } | undefined)?.['m.read']?.[userId]);

  test('matrix-appservice-bridge with receive_ephemeral: typing and receipts reach onEphemeralEvent', async () => {
    const port = await freePort();
    const reg = new AppServiceRegistration(`http://127.0.0.1:${port}`);
    reg.setId('mabe');
    reg.setHomeserverToken('hs-mabe-secret');
    reg.setAppServiceToken('as-mabe-secret');
    reg.setSenderLocalpart('mabebot');
    reg.addRegexPattern('users', `@_mabe_.*:${DOMAIN}`, true);
    reg.pushEphemeral = true;
    reg.outputAsYaml(join(dir, 'mabe.yaml'));
    await waitForAppservice(hub.url, 'as-mabe-secret');
    const edus: Edu[] = [];
    const bridge = new Bridge({
      homeserverUrl: hub.url,
      domain: DOMAIN,
      registration: reg,
      disableStores: true,
      controller: { onEvent: () => {}, onEphemeralEvent: (request) => void edus.push(request.getData() as Edu) },
    });
    await bridge.run(port, undefined, '127.0.0.1');
    try {
      const ghost = bridge.getIntent(`@_mabe_g:${DOMAIN}`);
      await ghost.ensureRegistered();
      const roomId = (await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat' })).body.room_id as string;
      await ghost.join(roomId);
      const eventId = await typeAndRead(roomId);
      await until('alice typing', () => typingOf(edus, roomId, alice.userId));
      await until('alice’s read receipt', () => receiptOf(edus, roomId, eventId, alice.userId));
    } finally {
      await bridge.close();
    }
  });

  test('matrix-bot-sdk with receive_ephemeral: ephemeral.event gets m.typing and m.receipt', async () => {
    const port = await freePort();
    const registration = {
      id: 'bse',
      url: `http://127.0.0.1:${port}`,
      as_token: 'as-bse-secret',
      hs_token: 'hs-bse-secret',
      sender_localpart: 'bsebot',
      namespaces: { users: [{ regex: `@_bse_.*:${DOMAIN}`, exclusive: true }], aliases: [], rooms: [] },
      'de.sorunome.msc2409.push_ephemeral': true,
    };
    await writeFile(join(dir, 'bse.yaml'), JSON.stringify(registration));
    await waitForAppservice(hub.url, 'as-bse-secret');
    const appservice = new Appservice({ homeserverName: DOMAIN, homeserverUrl: hub.url, port, bindAddress: '127.0.0.1', registration, storage: new MemoryStorageProvider() });
    const edus: Edu[] = [];
    appservice.on('ephemeral.event', (event: Edu) => void edus.push(event));
    await appservice.begin();
    try {
      const intent = appservice.getIntentForSuffix('g');
      await intent.ensureRegistered();
      const roomId = (await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat' })).body.room_id as string;
      await intent.joinRoom(roomId);
      const eventId = await typeAndRead(roomId);
      await until('alice typing', () => typingOf(edus, roomId, alice.userId));
      await until('alice’s read receipt', () => receiptOf(edus, roomId, eventId, alice.userId));
    } finally {
      appservice.stop();
      // bot-sdk answers ephemeral events with requests of its own (read markers, presence):
      // let those finish before the hub goes away under them.
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
});
