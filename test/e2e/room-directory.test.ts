// The room directory and reporting through matrix-js-sdk, responses validated against the spec:
// publish with createRoom and /directory/list/room, /publicRooms GET and POST with search and
// pagination, who may publish, reports of events and rooms.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Visibility, type MatrixClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { registerAccount, rejectsWith, sdkClient, type Account } from '../support/rooms-clients.ts';

describe('room directory and reports through matrix-js-sdk', () => {
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let bob: Account;
  let a: MatrixClient;
  let b: MatrixClient;

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    alice = await registerAccount(hub.url, 'alice');
    bob = await registerAccount(hub.url, 'bob');
    a = sdkClient(hub.url, alice);
    b = sdkClient(hub.url, bob);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('published rooms are listed with their summaries, searched and paged', async () => {
    const names = ['Capulet hall', 'Montague square', 'Friar cell'];
    const ids: string[] = [];
    for (const name of names) {
      ids.push((await a.createRoom({ name, topic: `Where ${name.toLowerCase()} stands`, preset: 'public_chat' as never, visibility: Visibility.Public })).room_id);
    }
    const hidden = (await a.createRoom({ name: 'Private tomb', preset: 'public_chat' as never })).room_id;
    await b.joinRoom(ids[1]!);
    const all = await b.publicRooms({});
    assert.deepEqual(all.chunk.map((r) => r.room_id).sort(), [...ids].sort());
    assert.equal(all.chunk[0]!.room_id, ids[1], 'most joined members first');
    const montague = all.chunk[0]!;
    assert.equal(montague.num_joined_members, 2);
    assert.equal(montague.name, 'Montague square');
    assert.equal(montague.join_rule, 'public');
    assert.equal(montague.world_readable, false);
    assert.equal(montague.guest_can_join, false);

    const found = await b.publicRooms({ filter: { generic_search_term: 'FRIAR' } });
    assert.deepEqual(found.chunk.map((r) => r.room_id), [ids[2]]);

    const first = await b.publicRooms({ limit: 2 });
    assert.equal(first.chunk.length, 2);
    assert.ok(first.next_batch);
    const second = await b.publicRooms({ limit: 2, since: first.next_batch });
    assert.equal(second.chunk.length, 1);
    assert.equal(second.next_batch, undefined);
    assert.ok(second.prev_batch);
    assert.equal(new Set([...first.chunk, ...second.chunk].map((r) => r.room_id)).size, 3);
    const remote = await b.publicRooms({ include_all_networks: true } as never);
    assert.equal(remote.chunk.length, 3, 'appservice networks have no rooms yet: local rooms only');

    assert.deepEqual(await a.getRoomDirectoryVisibility(hidden), { visibility: 'private' });
    await rejectsWith(b.setRoomDirectoryVisibility(hidden, Visibility.Public), 403, 'M_FORBIDDEN');
    await b.joinRoom(hidden);
    await rejectsWith(b.setRoomDirectoryVisibility(hidden, Visibility.Public), 403, 'M_FORBIDDEN');
    await a.setRoomDirectoryVisibility(hidden, Visibility.Public);
    assert.deepEqual(await b.getRoomDirectoryVisibility(hidden), { visibility: 'public' });
    assert.ok((await b.publicRooms({})).chunk.some((r) => r.room_id === hidden));
    await a.setRoomDirectoryVisibility(hidden, Visibility.Private);
    assert.ok(!(await b.publicRooms({})).chunk.some((r) => r.room_id === hidden));
    await rejectsWith(a.getRoomDirectoryVisibility('!unknown:test.local'), 404, 'M_NOT_FOUND');
    await rejectsWith(b.publicRooms({ since: 'nonsense' }), 400, 'M_INVALID_PARAM');
  });

  test('reports of events and rooms (storage is checked in test/integration/rooms/history-reads)', async () => {
    const { room_id } = await a.createRoom({ preset: 'private_chat' as never });
    const { event_id } = await a.sendMessage(room_id, { msgtype: 'm.text' as never, body: 'a plague o both your houses' });
    await rejectsWith(b.reportEvent(room_id, event_id, -100, 'not visible to me'), 404, 'M_NOT_FOUND');
    await a.invite(room_id, bob.userId);
    await b.joinRoom(room_id);
    await b.reportEvent(room_id, event_id, -100, 'rude');
    await b.reportRoom(room_id, 'a whole room of it');
    await rejectsWith(b.reportRoom('!unknown:test.local', 'nowhere'), 404, 'M_NOT_FOUND');
    await rejectsWith(b.reportEvent(room_id, '$nope', -1, 'x'), 404, 'M_NOT_FOUND');

    // Server admins read them through Synapse's event reports admin API, newest first, paged.
    await promisify(execFile)(process.execPath, ['core/cli.js', 'register-user', '--user', 'mod', '--password', 'moderator password', '--admin', '--url', hub.url], {
      env: { ...process.env, ...te.env },
    });
    const mod = (await (await fetch(`${hub.url}/_matrix/client/v3/login`, {
      method: 'POST',
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'mod' }, password: 'moderator password' }),
    })).json()) as { access_token: string };
    const list = async (token: string, q = '') => {
      const r = await fetch(`${hub.url}/_synapse/admin/v1/event_reports${q}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: r.status, json: (await r.json()) as { event_reports: { id: number; room_id: string; event_id: string | null; user_id: string; reason: string }[]; total: number; next_token?: number } };
    };
    const all = await list(mod.access_token);
    assert.equal(all.status, 200);
    assert.equal(all.json.total, 2);
    assert.deepEqual(all.json.event_reports.map((r) => [r.event_id, r.reason, r.user_id]), [[null, 'a whole room of it', bob.userId], [event_id, 'rude', bob.userId]]);
    const first = await list(mod.access_token, '?limit=1');
    assert.equal(first.json.event_reports.length, 1);
    const second = await list(mod.access_token, `?limit=1&from=${first.json.next_token}`);
    assert.equal(second.json.event_reports[0]!.event_id, event_id);
    assert.equal((await list(bob.accessToken)).status, 403);

  });
});
