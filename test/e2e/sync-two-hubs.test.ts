// /sync's in-memory caches across hub processes (issue #4): two hubs share one PostgreSQL and one
// Redis. A message sent through hub A must wake a long-poll waiting on hub B (the cache there is
// fed by A's notification over Redis), and since tokens issued by one hub must work on the other
// even when they are ahead of what that hub has seen. PostgreSQL + Redis only (the embedded
// database admits one process).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnHub, testEnv, type HubProcess, type TestEnv } from '../support/hub.ts';
import { csCall, loginAccount, registerAccount, type Account } from '../support/rooms-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const shared = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

describe('sync across two hub processes', { skip: shared ? false : 'needs DATABASE_URL and REDIS_URL' }, () => {
  let te: TestEnv;
  let a: HubProcess;
  let b: HubProcess;
  before(async () => {
    te = await testEnv();
    a = await spawnHub(te);
    b = await spawnHub(te);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await te?.cleanup();
  });

  const call = async (hub: HubProcess, who: Account, method: string, path: string, body?: unknown): Promise<Json> => {
    const r = await csCall(hub.url, who.accessToken, method, path, body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };
  const bodies = (r: Json, roomId: string): string[] =>
    (r.rooms?.join?.[roomId]?.timeline?.events ?? []).filter((e: Json) => e.type === 'm.room.message').map((e: Json) => e.content.body);

  test('a message sent through hub A wakes and reaches a long-poll on hub B', async () => {
    const alice = await registerAccount(a.url, 'alice');
    const bobA = await registerAccount(a.url, 'bob');
    const bob = await loginAccount(b.url, bobA.userId);
    const roomId = (await call(a, alice, 'POST', '/createRoom', { preset: 'public_chat' })).room_id as string;
    await call(b, bob, 'POST', `/join/${encodeURIComponent(roomId)}`, {});
    let since = (await call(b, bob, 'GET', '/sync')).next_batch as string;
    for (let i = 0; i < 3; i++) {
      // Long enough that only a wake-up (not the timeout) can deliver it in a passing run.
      const poll = call(b, bob, 'GET', `/sync?timeout=60000&since=${since}`);
      await new Promise((r) => setTimeout(r, 200));
      await call(a, alice, 'PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${i}`, { msgtype: 'm.text', body: `hello ${i}` });
      const r = await poll;
      assert.deepEqual(bodies(r, roomId), [`hello ${i}`]);
      since = r.next_batch as string;
    }
  });

  test('since tokens from one hub work on the other, even ahead of what it has seen', async () => {
    const carol = await registerAccount(a.url, 'carol');
    const carolB = await loginAccount(b.url, carol.userId);
    const dave = await registerAccount(a.url, 'dave');
    const roomId = (await call(a, carol, 'POST', '/createRoom', { preset: 'public_chat' })).room_id as string;
    await call(a, dave, 'POST', `/join/${encodeURIComponent(roomId)}`, {});
    const first = await call(b, carolB, 'GET', '/sync');
    // Messages and the token after them come from hub A; hub B is asked at once with that token.
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      await call(a, dave, 'PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/x${i}`, { msgtype: 'm.text', body: `x${i}` });
      sent.push(`x${i}`);
    }
    const onA = await call(a, carol, 'GET', `/sync?since=${first.next_batch}`);
    assert.deepEqual(bodies(onA, roomId), sent);
    const onB = await call(b, carolB, 'GET', `/sync?since=${onA.next_batch}&timeout=0`);
    assert.deepEqual(bodies(onB, roomId), [], 'nothing new after the token');
    await call(a, dave, 'PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/y`, { msgtype: 'm.text', body: 'y' });
    const next = await call(b, carolB, 'GET', `/sync?since=${onB.next_batch}&timeout=60000`);
    assert.deepEqual(bodies(next, roomId), ['y']);
    // And B's token back on A: no message lost or repeated.
    await call(b, carolB, 'PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/z`, { msgtype: 'm.text', body: 'z' });
    const back = await call(a, carol, 'GET', `/sync?since=${next.next_batch}&timeout=60000`);
    assert.deepEqual(bodies(back, roomId), ['z']);
  });
});
