// Queries to appservices over real HTTP, against a protocol-faithful fake appservice (a plain
// HTTP server that records what it is asked): third-party protocol aggregation, alias queries
// that fail or hang (the client gets M_NOT_FOUND, never the appservice's error), hs_token auth,
// appservice room lists, and double puppeting (url: null, non-exclusive @.*:server namespace).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { call, registerHuman, waitForAppservice } from '../support/appservice-frameworks.ts';

const D = 'test.local';
const enc = encodeURIComponent;

interface Fake {
  server: Server;
  url: string;
  seen: { path: string; auth: string | undefined }[];
}

async function fakeAppservice(answer: (path: string, q: URLSearchParams) => { status: number; body: unknown } | 'hang'): Promise<Fake> {
  const seen: Fake['seen'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url!, 'http://x');
    seen.push({ path: u.pathname + u.search, auth: req.headers.authorization });
    const a = answer(u.pathname, u.searchParams);
    if (a === 'hang') return; // never answers: the hub's timeout must fire
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

const reg = (id: string, url: string | null, users: string, exclusive: boolean, extra = '') =>
  [
    `id: ${id}`,
    `url: ${url === null ? 'null' : JSON.stringify(url)}`,
    `as_token: as-${id}`,
    `hs_token: hs-${id}`,
    `sender_localpart: ${id}bot`,
    'namespaces:',
    `  users: [{ regex: '${users}', exclusive: ${exclusive} }]`,
    `  aliases: [{ regex: '#_${id}_.*', exclusive: true }]`,
    '  rooms: []',
    extra,
    '',
  ].join('\n');

describe('appservice queries', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let alice: { userId: string; token: string };
  const fakes: Fake[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-q-'));
    // The test config plus a short query timeout, so a hanging appservice is quickly given up on.
    const fixture = await readFile(new URL('../fixtures/homeserver.test.yaml', import.meta.url), 'utf8');
    const configPath = join(dir, '..', `${dir.split('/').pop()}-homeserver.yaml`);
    await writeFile(configPath, `${fixture}\nappservice_queries: { timeout_ms: 300, concurrency: 4 }\n`);
    te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: configPath } });
    hub = await startTestHub(te);
    alice = await registerHuman(hub.url, 'alice');
    const irc = await fakeAppservice((path, q) => {
      if (path === '/_matrix/app/v1/thirdparty/protocol/irc')
        return { status: 200, body: { user_fields: ['network', 'nickname'], location_fields: ['network', 'channel'], icon: 'mxc://x/irc', field_types: {}, instances: [{ network_id: 'libera', desc: 'Libera', fields: {} }] } };
      if (path === '/_matrix/app/v1/thirdparty/location/irc') return { status: 200, body: [{ alias: `#_irc_${q.get('channel')}:${D}`, protocol: 'irc', fields: { channel: q.get('channel') } }] };
      if (path === '/_matrix/app/v1/thirdparty/user') return { status: 200, body: [{ userid: q.get('userid'), protocol: 'irc', fields: { nickname: 'n' } }] };
      if (path.startsWith('/_matrix/app/v1/rooms/')) return { status: 500, body: { errcode: 'M_SECRET_AS_ERROR', error: 'internal detail' } };
      return { status: 404, body: {} };
    });
    const irc2 = await fakeAppservice((path) => {
      if (path === '/_matrix/app/v1/thirdparty/protocol/irc')
        return { status: 200, body: { user_fields: ['other'], location_fields: [], icon: 'mxc://x/2', field_types: {}, instances: [{ network_id: 'oftc', desc: 'OFTC', fields: {} }] } };
      if (path.startsWith('/_matrix/app/v1/thirdparty/location/')) return { status: 200, body: [] };
      if (path.startsWith('/_matrix/app/v1/rooms/')) return 'hang';
      return { status: 404, body: {} };
    });
    fakes.push(irc, irc2);
    await writeFile(join(dir, 'irc.yaml'), reg('irc', irc.url, '@_irc_.*', true, 'protocols: [irc]'));
    await writeFile(join(dir, 'irc2.yaml'), reg('irctwo', irc2.url, '@_irctwo_.*', true, 'protocols: [irc]'));
    // Double puppeting: never pushed to, may act as any local user.
    await writeFile(join(dir, 'puppet.yaml'), reg('dpuppet', null, `@.*:${D}`, false));
    await Promise.all(['as-irc', 'as-irctwo', 'as-dpuppet'].map((t) => waitForAppservice(hub.url, t)));
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    for (const f of fakes) {
      f.server.closeAllConnections();
      f.server.close();
    }
    await rm(dir, { recursive: true, force: true });
    await rm(join(dir, '..', `${dir.split('/').pop()}-homeserver.yaml`), { force: true });
  });

  test('protocols merge the instances of every appservice; unknown protocols are M_NOT_FOUND', async () => {
    const all = await call(hub.url, 'GET', '/_matrix/client/v3/thirdparty/protocols', alice.token);
    assert.equal(all.status, 200);
    const irc = (all.body as Record<string, { instances: { instance_id: string; network_id: string }[]; user_fields: string[] }>).irc!;
    assert.deepEqual(irc.user_fields, ['network', 'nickname'], 'the first appservice (by id) gives the fields');
    assert.deepEqual(irc.instances.map((i) => i.instance_id), ['irc|libera', 'irctwo|oftc']);
    const one = await call(hub.url, 'GET', '/_matrix/client/v3/thirdparty/protocol/irc', alice.token);
    assert.equal((one.body.instances as unknown[]).length, 2);
    const unknown = await call(hub.url, 'GET', '/_matrix/client/v3/thirdparty/protocol/xmpp', alice.token);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.errcode, 'M_NOT_FOUND');
    assert.equal((await call(hub.url, 'GET', '/_matrix/client/v3/thirdparty/location/xmpp', alice.token)).body.errcode, 'M_NOT_FOUND');
    // hs_token authenticates the hub to each appservice.
    assert.ok(fakes[0]!.seen.every((s) => s.auth === 'Bearer hs-irc'));
    assert.ok(fakes[1]!.seen.every((s) => s.auth === 'Bearer hs-irctwo'));
  });

  test('location and user lookups are concatenated and pass the search fields', async () => {
    const loc = await fetch(`${hub.url}/_matrix/client/v3/thirdparty/location/irc?channel=matrix&access_token=${alice.token}`);
    assert.deepEqual(await loc.json(), [{ alias: `#_irc_matrix:${D}`, protocol: 'irc', fields: { channel: 'matrix' } }]);
    assert.ok(fakes[0]!.seen.some((s) => s.path === '/_matrix/app/v1/thirdparty/location/irc?channel=matrix'), 'the token is not passed on');
    const user = await call(hub.url, 'GET', `/_matrix/client/v3/thirdparty/user?userid=${enc(`@_irc_n:${D}`)}`, alice.token);
    assert.deepEqual(user.body, [{ userid: `@_irc_n:${D}`, protocol: 'irc', fields: { nickname: 'n' } }]);
    const none = await call(hub.url, 'GET', `/_matrix/client/v3/thirdparty/location?alias=${enc(`#nothing:${D}`)}`, alice.token);
    assert.equal(none.body.errcode, 'M_NOT_FOUND');
  });

  test('an appservice that errors or hangs on an alias query gives the client M_NOT_FOUND', async () => {
    const failed = await call(hub.url, 'GET', `/_matrix/client/v3/directory/room/${enc(`#_irc_x:${D}`)}`, null);
    assert.equal(failed.status, 404);
    assert.equal(failed.body.errcode, 'M_NOT_FOUND');
    assert.doesNotMatch(JSON.stringify(failed.body), /SECRET|internal detail/);
    const started = Date.now();
    const hung = await call(hub.url, 'POST', `/_matrix/client/v3/join/${enc(`#_irctwo_y:${D}`)}`, alice.token, {});
    assert.equal(hung.status, 404);
    assert.equal(hung.body.errcode, 'M_NOT_FOUND');
    assert.ok(Date.now() - started < 5000, 'the configured query timeout applies');
    assert.ok(fakes[1]!.seen.some((s) => s.path === `/_matrix/app/v1/rooms/${enc(`#_irctwo_y:${D}`)}`));
  });

  test('appservice room lists: only appservices may list and unlist (visibility private)', async () => {
    const room = await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', alice.token, { preset: 'public_chat' });
    const roomId = room.body.room_id as string;
    const path = `/_matrix/client/v3/directory/list/appservice/libera/${enc(roomId)}`;
    const denied = await call(hub.url, 'PUT', path, alice.token, { visibility: 'public' });
    assert.equal(denied.status, 403);
    assert.equal((await call(hub.url, 'PUT', path, 'as-irc', { visibility: 'public' })).status, 200);
    // The network's list holds the room; the server's own directory does not (it is unpublished).
    const portal = await call(hub.url, 'POST', '/_matrix/client/v3/publicRooms', alice.token, { third_party_instance_id: 'irc|libera' });
    assert.equal(portal.status, 200, JSON.stringify(portal.body));
    assert.deepEqual((portal.body.chunk as { room_id: string }[]).map((r) => r.room_id), [roomId]);
    const main = await call(hub.url, 'POST', '/_matrix/client/v3/publicRooms', alice.token, {});
    assert.ok(!(main.body.chunk as { room_id: string }[]).some((r) => r.room_id === roomId));
    const everything = await call(hub.url, 'POST', '/_matrix/client/v3/publicRooms', alice.token, { include_all_networks: true });
    assert.ok((everything.body.chunk as { room_id: string }[]).some((r) => r.room_id === roomId));
    assert.equal((await call(hub.url, 'PUT', path, 'as-irc', { visibility: 'private' })).status, 200);
    const after = await call(hub.url, 'POST', '/_matrix/client/v3/publicRooms', alice.token, { third_party_instance_id: 'irc|libera' });
    assert.deepEqual(after.body.chunk, []);
  });

  test('double puppeting: a url-less registration acts as real local users', async () => {
    const whoami = await call(hub.url, 'GET', `/_matrix/client/v3/account/whoami?user_id=${enc(alice.userId)}`, 'as-dpuppet');
    assert.equal(whoami.status, 200, JSON.stringify(whoami.body));
    assert.equal(whoami.body.user_id, alice.userId);
    const room = await call(hub.url, 'POST', `/_matrix/client/v3/createRoom?user_id=${enc(alice.userId)}`, 'as-dpuppet', { name: 'made by the puppet' });
    assert.equal(room.status, 200);
    const roomId = room.body.room_id as string;
    const sent = await call(hub.url, 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.dp/?user_id=${enc(alice.userId)}&ts=1000`, 'as-dpuppet', { x: 1 });
    assert.equal(sent.status, 200);
    const ev = await call(hub.url, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.example.dp/?format=event`, alice.token);
    assert.equal(ev.body.sender, alice.userId);
    assert.equal(ev.body.origin_server_ts, 1000);
    // Not outside its namespace, and not as a user who does not exist.
    const other = await call(hub.url, 'GET', `/_matrix/client/v3/account/whoami?user_id=${enc('@bob:elsewhere.example')}`, 'as-dpuppet');
    assert.equal(other.status, 403);
    const ghost = await call(hub.url, 'GET', `/_matrix/client/v3/account/whoami?user_id=${enc(`@nobody:${D}`)}`, 'as-dpuppet');
    assert.equal(ghost.status, 403);
    // Non-exclusive: users still register freely in it.
    await registerHuman(hub.url, 'carol');
  });
});
