// SIGKILL in the middle of a burst of sends: every send the server acknowledged survives the
// restart (its txn id still maps to the same event), the room's state is the last acknowledged,
// and the room keeps working (no fork, new sends build on the old head).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnHub, testEnv, type HubProcess, type TestEnv } from '../../support/hub.ts';
import { csCall, registerAccount } from '../../support/rooms-clients.ts';

describe('rooms survive SIGKILL', () => {
  let te: TestEnv;
  let hub: HubProcess | null = null;
  before(async () => {
    te = await testEnv();
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('acknowledged sends are kept, unacknowledged ones may be lost but never half-written', async () => {
    hub = await spawnHub(te);
    const alice = await registerAccount(hub.url, 'alice');
    const created = await csCall(hub.url, alice.accessToken, 'POST', '/createRoom', { preset: 'public_chat' });
    const room = encodeURIComponent(created.json.room_id as string);
    const acked = new Map<string, string>();
    let lastTopic = -1;
    for (let i = 0; i < 20; i++) {
      const r = await csCall(hub.url, alice.accessToken, 'PUT', `/rooms/${room}/state/m.room.topic/`, { topic: `topic ${i}` });
      assert.equal(r.status, 200);
      lastTopic = i;
    }
    // A burst in flight when the process dies.
    const url = hub.url;
    const burst = Array.from({ length: 200 }, (_, i) =>
      csCall(url, alice.accessToken, 'PUT', `/rooms/${room}/send/m.room.message/burst-${i}`, { body: `line ${i}` })
        .then((r) => {
          if (r.status === 200) acked.set(`burst-${i}`, r.json.event_id as string);
        })
        .catch(() => {}),
    );
    while (acked.size < 20) await new Promise((r) => setTimeout(r, 2));
    await hub.kill('SIGKILL');
    await Promise.all(burst);
    assert.ok(acked.size >= 20);

    hub = await spawnHub(te);
    for (const [txnId, eventId] of acked) {
      const again = await csCall(hub.url, alice.accessToken, 'PUT', `/rooms/${room}/send/m.room.message/${txnId}`, { body: 'retry' });
      assert.equal(again.status, 200);
      assert.equal(again.json.event_id, eventId, `${txnId} kept its event`);
    }
    const topic = await csCall(hub.url, alice.accessToken, 'GET', `/rooms/${room}/state/m.room.topic/`);
    assert.deepEqual(topic.json, { topic: `topic ${lastTopic}` });
    const after = await csCall(hub.url, alice.accessToken, 'PUT', `/rooms/${room}/send/m.room.message/after`, { body: 'still here' });
    assert.equal(after.status, 200);
    const members = await csCall(hub.url, alice.accessToken, 'GET', `/rooms/${room}/joined_members`);
    assert.deepEqual(Object.keys(members.json.joined as object), [alice.userId]);
  });
});
