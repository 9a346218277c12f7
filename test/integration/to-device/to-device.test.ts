// Send-to-Device messaging over HTTP (client-server-api "Send-to-Device messaging"): delivery in
// /sync's to_device section, kept until acknowledged by a later since token, then deleted;
// idempotent transaction ids; `*` reaches every device; a long-poll wakes for it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { loginAccount, registerAccount, type Account } from '../../support/rooms-clients.ts';
import { specFetch, SpecLog } from '../../support/openapi.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('send-to-device', () => {
  const log = new SpecLog();
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let bob: Account;
  let bob2: Account;
  let checked: typeof fetch;
  const ok = async (who: Account, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await checked(`${hub.url}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${who.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Json;
    assert.equal(res.status, 200, JSON.stringify(json));
    return json;
  };
  const sync = (who: Account, since?: string, timeout = 0) => ok(who, 'GET', `/sync?timeout=${timeout}${since ? `&since=${since}` : ''}`);

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    checked = specFetch(hub.url, 'client-server', { log });
    alice = await registerAccount(hub.url, 'alice');
    bob = await registerAccount(hub.url, 'bob');
    bob2 = await loginAccount(hub.url, bob.userId);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    log.assertClean();
  });

  test('delivered to the device, kept until acknowledged, then deleted', async () => {
    const s0 = await sync(bob);
    await ok(alice, 'PUT', '/sendToDevice/m.room_key_request/t1', { messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } } });
    await ok(alice, 'PUT', '/sendToDevice/m.room_key_request/t2', { messages: { [bob.userId]: { [bob.deviceId]: { n: 2 } } } });
    const s1 = await sync(bob, s0.next_batch);
    assert.deepEqual(s1.to_device.events, [
      { sender: alice.userId, type: 'm.room_key_request', content: { n: 1 } },
      { sender: alice.userId, type: 'm.room_key_request', content: { n: 2 } },
    ]);
    // The response was "lost": syncing again from the same token gets the same messages.
    const again = await sync(bob, s0.next_batch);
    assert.deepEqual(again.to_device.events, s1.to_device.events);
    // Acknowledged by the next token: gone for good.
    const s2 = await sync(bob, s1.next_batch);
    assert.deepEqual(s2.to_device.events, []);
    assert.deepEqual((await sync(bob, s0.next_batch)).to_device.events, [], 'deleted once acknowledged');
    assert.deepEqual((await sync(bob2)).to_device.events, [], 'other devices get nothing');
  });

  test('a retried transaction id is delivered once; * reaches every device', async () => {
    const [a0, b0] = [await sync(bob), await sync(bob2)];
    const body = { messages: { [bob.userId]: { '*': { hello: 'all' } } } };
    await ok(alice, 'PUT', '/sendToDevice/org.example.ping/same', body);
    await ok(alice, 'PUT', '/sendToDevice/org.example.ping/same', body);
    for (const [who, s] of [[bob, a0], [bob2, b0]] as const) {
      const r = await sync(who, s.next_batch);
      assert.deepEqual(r.to_device.events, [{ sender: alice.userId, type: 'org.example.ping', content: { hello: 'all' } }]);
    }
  });

  test('a long-poll wakes for a to-device message', async () => {
    const s0 = await sync(bob2);
    const polling = sync(bob2, s0.next_batch, 20_000);
    await new Promise((r) => setTimeout(r, 200));
    await ok(alice, 'PUT', '/sendToDevice/org.example.wake/w1', { messages: { [bob.userId]: { [bob2.deviceId]: { wake: true } } } });
    const s1 = await polling;
    assert.deepEqual(s1.to_device.events.map((e: Json) => e.content), [{ wake: true }]);
  });

  test('bad input', async () => {
    const res = await fetch(`${hub.url}/_matrix/client/v3/sendToDevice/m.x/t9`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: { 'not-a-user': { D: {} } } }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Json).errcode, 'M_INVALID_PARAM');
    const res2 = await fetch(`${hub.url}/_matrix/client/v3/sendToDevice/m.x/t10`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: { [bob.userId]: { D: 'text' } } }),
    });
    assert.equal(res2.status, 400);
    assert.equal(((await res2.json()) as Json).errcode, 'M_BAD_JSON');
  });
});
