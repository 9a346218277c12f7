// SIGKILL in the middle of a conversation: the hub process is killed while two clients sync and
// send, then restarted on the same database. The clients' since tokens still work, and every
// message whose send was acknowledged reaches both clients exactly once, in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnHub, testEnv, type HubProcess, type TestEnv } from '../support/hub.ts';
import { registerAccount, type Account } from '../support/rooms-clients.ts';
import { specFetch, SpecLog } from '../support/openapi.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('sync across a SIGKILL restart', () => {
  const log = new SpecLog();
  let te: TestEnv;
  let hub: HubProcess;

  before(async () => {
    te = await testEnv();
    hub = await spawnHub(te);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    log.assertClean();
  });

  const call = async (who: Account, method: string, path: string, body?: unknown): Promise<Json> => {
    const checked = specFetch(hub.url, 'client-server', { log });
    const res = await checked(`${hub.url}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${who.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Json;
    assert.equal(res.status, 200, JSON.stringify(json));
    return json;
  };

  /** A client's view: its since token and the message bodies it received, in order. */
  class Client {
    since: string | undefined;
    readonly seen: string[] = [];
    readonly who: Account;
    constructor(who: Account) {
      this.who = who;
    }
    async syncOnce(roomId: string, timeout = 0): Promise<void> {
      const r = await call(this.who, 'GET', `/sync?timeout=${timeout}&filter=${encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 100 } } }))}${this.since ? `&since=${this.since}` : ''}`);
      const room = r.rooms.join[roomId];
      if (room) {
        assert.equal(room.timeline.limited && this.since !== undefined, false, 'no gap for a client that keeps up');
        for (const e of room.timeline.events) if (e.type === 'm.room.message') this.seen.push(e.content.body);
      }
      this.since = r.next_batch;
    }
  }

  test('since tokens survive; acknowledged messages are neither lost nor duplicated', async () => {
    const alice = await registerAccount(hub.url, 'alice');
    const bob = await registerAccount(hub.url, 'bob');
    const roomId = (await call(alice, 'POST', '/createRoom', { preset: 'public_chat' })).room_id as string;
    await call(bob, 'POST', `/join/${roomId}`, {});
    const clients = [new Client(alice), new Client(bob)];
    for (const c of clients) await c.syncOnce(roomId);
    const acked: string[] = [];
    const sendSome = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const who = i % 2 === 0 ? alice : bob;
        const body = `line ${i}`;
        await call(who, 'PUT', `/rooms/${roomId}/send/m.room.message/txn-${i}`, { msgtype: 'm.text', body });
        acked.push(body);
        if (i % 7 === 0) for (const c of clients) await c.syncOnce(roomId);
      }
    };
    await sendSome(0, 30);
    // Kill with a message in flight: it may or may not have committed, but it was never acked.
    const inFlight = call(alice, 'PUT', `/rooms/${roomId}/send/m.room.message/txn-inflight`, { msgtype: 'm.text', body: 'in flight' }).catch(() => null);
    await hub.kill('SIGKILL');
    const landed = (await inFlight) !== null;
    hub = await spawnHub(te);
    // The client retries its unacknowledged send with the same txnId: idempotent.
    await call(alice, 'PUT', `/rooms/${roomId}/send/m.room.message/txn-inflight`, { msgtype: 'm.text', body: 'in flight' });
    acked.push('in flight');
    await sendSome(30, 60);
    for (const c of clients) {
      await c.syncOnce(roomId);
      assert.deepEqual(c.seen, acked, `${c.who.userId} saw every acknowledged message once, in order (in-flight landed: ${landed})`);
    }
  });
});
