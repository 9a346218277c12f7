// /messages tokens survive a restart (they name positions in the stored DAG order, not memory),
// and stream tokens (`s<n>`, what /sync hands out) are accepted as pagination points.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnHub, testEnv, type HubProcess, type TestEnv } from '../../support/hub.ts';
import { csCall, registerAccount } from '../../support/rooms-clients.ts';

describe('/messages across a restart', () => {
  let te: TestEnv;
  let hub: HubProcess | null = null;
  before(async () => {
    te = await testEnv();
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('a token from before a SIGKILL continues the pagination after it', async () => {
    hub = await spawnHub(te);
    const alice = await registerAccount(hub.url, 'alice');
    const created = await csCall(hub.url, alice.accessToken, 'POST', '/createRoom', { preset: 'private_chat' });
    const room = encodeURIComponent(created.json.room_id as string);
    for (let i = 0; i < 12; i++) {
      const r = await csCall(hub.url, alice.accessToken, 'PUT', `/rooms/${room}/send/m.room.message/t${i}`, { body: `line ${i}` });
      assert.equal(r.status, 200);
    }
    const filter = encodeURIComponent(JSON.stringify({ types: ['m.room.message'] }));
    const first = await csCall(hub.url, alice.accessToken, 'GET', `/rooms/${room}/messages?dir=b&limit=5&filter=${filter}`);
    const body = (r: { json: Record<string, unknown> }) => (r.json.chunk as { content: { body: string } }[]).map((e) => e.content.body);
    assert.deepEqual(body(first), ['line 11', 'line 10', 'line 9', 'line 8', 'line 7']);
    const start = first.json.start as string;

    await hub.kill('SIGKILL');
    hub = await spawnHub(te);
    const next = await csCall(hub.url, alice.accessToken, 'GET', `/rooms/${room}/messages?dir=b&limit=5&filter=${filter}&from=${encodeURIComponent(first.json.end as string)}`);
    assert.equal(next.status, 200, JSON.stringify(next.json));
    assert.deepEqual(body(next), ['line 6', 'line 5', 'line 4', 'line 3', 'line 2']);
    // Forward from the first page's `start`: what was sent after it, including after the restart.
    await csCall(hub.url, alice.accessToken, 'PUT', `/rooms/${room}/send/m.room.message/t12`, { body: 'line 12' });
    const newer = await csCall(hub.url, alice.accessToken, 'GET', `/rooms/${room}/messages?dir=f&filter=${filter}&from=${encodeURIComponent(start)}`);
    assert.deepEqual(body(newer), ['line 12']);

    // Stream tokens: a point after everything so far, and one before the room existed.
    const fromStream = await csCall(hub.url, alice.accessToken, 'GET', `/rooms/${room}/messages?dir=b&limit=2&filter=${filter}&from=s999999999`);
    assert.deepEqual(body(fromStream), ['line 12', 'line 11']);
    const beforeRoom = await csCall(hub.url, alice.accessToken, 'GET', `/rooms/${room}/messages?dir=b&from=s0`);
    assert.deepEqual(beforeRoom.json.chunk, []);
    assert.equal(beforeRoom.json.end, undefined);
  });
});
