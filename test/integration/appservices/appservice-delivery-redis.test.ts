// Appservice delivery across a Redis restart under BullMQ (issue 5 "Acceptance": "Same with Redis
// restarted under BullMQ"). The test runs its own redis-server (no persistence, so a restart
// forgets every job, lock and order list) and a hub whose queue and notifier use it. Redis is
// killed in the middle of a burst while the appservice is failing, and restarted; every event
// whose send was acknowledged, and every to-device message, reaches the appservice exactly once
// per txnId, in order. PostgreSQL is the truth; BullMQ only wakes the senders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { AppserviceStandin } from '../../support/appservice-standin.ts';
import { burst, eventually, numbersByRoom, registrationYaml } from './support.ts';

const BURST = Number(process.env.AS_REDIS_EVENTS ?? 5_000);
const ROOMS = 16;
const TO_DEVICE = 100;

async function sparePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A throwaway redis-server on loopback, started and killed by the test. */
class TestRedis {
  #child: ChildProcess | null = null;
  readonly port: number;
  constructor(port: number) {
    this.port = port;
  }
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.#child = child;
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          const sock = connect(this.port, '127.0.0.1');
          sock.once('connect', () => (sock.destroy(), resolve(true)));
          sock.once('error', () => resolve(false));
        }),
      10_000,
    );
  }
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
  }
}

describe('appservice delivery across a Redis restart (BullMQ)', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let redis: TestRedis;
  const alpha = new AppserviceStandin('hs-alpha');

  before(async () => {
    redis = new TestRedis(await sparePort());
    await redis.start();
    await alpha.start();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-redis-'));
    await writeFile(join(dir, 'alpha.yaml'), registrationYaml({ id: 'alpha', url: alpha.url, rateLimited: false, extra: 'de.sorunome.msc2409.to_device: true' }));
    const cfg = join(dir, 'homeserver.yaml');
    await writeFile(cfg, 'appservices: { request_timeout_ms: 300, retry_base_ms: 50, retry_max_ms: 300 }\n');
    te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: cfg, REDIS_URL: redis.url } });
    hub = await startTestHub(te);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await alpha.stop();
    await redis?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  test(`Redis killed and restarted in the middle of a ${BURST}-event burst: nothing lost or duplicated`, { timeout: 240_000 }, async () => {
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${hub.url}${path}`, { method, headers: { authorization: 'Bearer as-alpha', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const rooms: string[] = [];
    for (let r = 0; r < ROOMS; r++) rooms.push((await call('POST', '/_matrix/client/v3/createRoom', {})).room_id as string);
    const ghost = `@_alpha_dev:${hub.config.serverName}`;
    await call('POST', '/_matrix/client/v3/register', { type: 'm.login.application_service', username: '_alpha_dev', inhibit_login: true });
    const send = (roomId: string, i: number) =>
      call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/r${i}`, { msgtype: 'm.text', body: `n${i}` });
    const sendToDevice = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await call('PUT', `/_matrix/client/v3/sendToDevice/org.example.redis/td${i}`, { messages: { [ghost]: { GHOSTDEV: { n: i } } } });
    };

    // First half while everything is up; then the appservice fails, Redis dies and comes back
    // empty while the second half is sent.
    await Promise.all([burst(send, rooms, BURST / 2), sendToDevice(0, TO_DEVICE / 2)]);
    await alpha.setMode('error500');
    const second = Promise.all([burst(send, rooms, BURST / 2, BURST / 2), sendToDevice(TO_DEVICE / 2, TO_DEVICE)]);
    await new Promise((r) => setTimeout(r, 300));
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.start();
    await second;
    await alpha.setMode('ok');

    const toDevice = () =>
      alpha.uniqueTxns().flatMap((t) => ((t.body['de.sorunome.msc2409.to_device'] ?? []) as { to_user_id: string; content: { n: number } }[]).filter((m) => m.to_user_id === ghost));
    const received = () => [...numbersByRoom(alpha.events(), rooms).values()].reduce((n, l) => n + l.length, 0);
    await eventually(() => received() >= BURST && toDevice().length >= TO_DEVICE, 120_000);
    const byRoom = numbersByRoom(alpha.events(), rooms);
    rooms.forEach((roomId, r) => {
      const want = Array.from({ length: Math.ceil((BURST - r) / ROOMS) }, (_, k) => r + k * ROOMS);
      assert.deepEqual(byRoom.get(roomId), want, `room ${r}: every event once, in order`);
    });
    assert.deepEqual(toDevice().map((m) => m.content.n), Array.from({ length: TO_DEVICE }, (_, i) => i));
    const bodies = new Map<string, string>();
    for (const t of alpha.accepted) {
      const body = JSON.stringify(t.body);
      const seen = bodies.get(t.txnId);
      if (seen !== undefined) assert.equal(body, seen, `txn ${t.txnId} was re-sent with another body`);
      bodies.set(t.txnId, body);
    }
    const ids = alpha.uniqueTxns().map((t) => Number(t.txnId));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'txnIds arrive in increasing order');
  });
});
