// Bench (a2): delivery latency from send to the other users' /sync responses. USERS users in
// rooms of ROOM_SIZE, each long-polling /sync over raw HTTP (not matrix-js-sdk, to keep the
// client light); RATE messages/s are sent for SECONDS seconds by random members of random
// rooms. Prints p50/p99 of (time a member's /sync returned the message − time the send started),
// and of (that − time the send was acknowledged), which leaves out the write path's own latency.
// Embedded PGlite by default; PostgreSQL when DATABASE_URL is set. The hub runs in a child process.
//   node test/bench/sync-latency.ts [--users N] [--room-size N] [--rate N] [--seconds N]
import { Agent, request } from 'node:http';
import { spawnHub, testEnv } from '../support/hub.ts';
import { csCall, registerAccount, type Account } from '../support/rooms-clients.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = arg('users', 1000);
const ROOM_SIZE = arg('room-size', 10);
const RATE = arg('rate', 200);
const SECONDS = arg('seconds', 10);

// Plain node:http with keep-alive and no socket cap: one connection per long-poll.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
function http(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${base}/_matrix/client/v3${path}`, { method, agent, headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(data);
  });
}
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const te = await testEnv({ env: { LOG_LEVEL: 'error' } });
const hub = await spawnHub(te);
let running = true;
try {
  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; ${USERS} users, rooms of ${ROOM_SIZE}, ${RATE} msg/s for ${SECONDS} s`);
  const t0 = performance.now();
  const users: Account[] = [];
  for (let i = 0; i < USERS; i += 20) {
    users.push(...(await Promise.all(Array.from({ length: Math.min(20, USERS - i) }, (_, j) => registerAccount(hub.url, `u${i + j}`)))));
  }
  const rooms: { id: string; members: Account[] }[] = [];
  for (let i = 0; i < USERS; i += ROOM_SIZE) {
    const members = users.slice(i, i + ROOM_SIZE);
    const id = (await csCall(hub.url, members[0]!.accessToken, 'POST', '/createRoom', { preset: 'public_chat' })).json.room_id as string;
    await Promise.all(members.slice(1).map((m) => csCall(hub.url, m.accessToken, 'POST', `/join/${encodeURIComponent(id)}`, {})));
    rooms.push({ id, members });
  }
  console.log(`setup: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const sentAt = new Map<string, number>();
  const ackedAt = new Map<string, number>();
  const latencies: number[] = [];
  const received: { body: string; at: number }[] = [];
  let expected = 0;
  const poll = async (u: Account) => {
    let since = (await csCall(hub.url, u.accessToken, 'GET', '/sync?filter=' + encodeURIComponent('{"room":{"timeline":{"limit":50}}}'))).json.next_batch as string;
    while (running) {
      const r = await http(hub.url, u.accessToken, 'GET', `/sync?timeout=30000&since=${since}&filter=${encodeURIComponent('{"room":{"timeline":{"limit":50}},"presence":{"types":[]}}')}`);
      const now = performance.now();
      if (r.status !== 200) throw new Error(`sync ${r.status}`);
      since = r.json.next_batch as string;
      for (const room of Object.values((r.json.rooms as { join: Record<string, { timeline: { events: { sender: string; content: { body?: string } }[] } }> }).join)) {
        for (const e of room.timeline.events) {
          const at = e.content.body ? sentAt.get(e.content.body) : undefined;
          if (at !== undefined && e.sender !== u.userId) {
            latencies.push(now - at);
            received.push({ body: e.content.body!, at: now });
          }
        }
      }
    }
  };
  const pollers = users.map((u) => poll(u).catch((e: unknown) => (running ? console.error('poller failed', e) : undefined)));
  await new Promise((r) => setTimeout(r, 2000));

  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const sends: Promise<void>[] = [];
  const sendLatency: number[] = [];
  const total = RATE * SECONDS;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const room = rooms[rand(rooms.length)]!;
    const sender = room.members[rand(room.members.length)]!;
    const body = `bench ${i}`;
    expected += room.members.length - 1;
    const s = performance.now();
    sentAt.set(body, s);
    sends.push(
      http(hub.url, sender.accessToken, 'PUT', `/rooms/${encodeURIComponent(room.id)}/send/m.room.message/b${i}`, { msgtype: 'm.text', body }).then((r) => {
        if (r.status !== 200) throw new Error(`send ${r.status}`);
        sendLatency.push(performance.now() - s);
        ackedAt.set(body, performance.now());
      }),
    );
  }
  await Promise.all(sends);
  const sendWall = performance.now() - start;
  const deadline = performance.now() + 30_000;
  while (latencies.length < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const s = [...latencies].sort((a, b) => a - b);
  const sl = [...sendLatency].sort((a, b) => a - b);
  console.log(`sent ${total} messages in ${(sendWall / 1000).toFixed(2)} s (${((total * 1000) / sendWall).toFixed(0)}/s); send p50 ${pct(sl, 50).toFixed(2)} ms p99 ${pct(sl, 99).toFixed(2)} ms`);
  const afterAck = received.map((r) => r.at - ackedAt.get(r.body)!).sort((a, b) => a - b);
  console.log(`deliveries ${latencies.length}/${expected}: send→other members' /sync p50 ${pct(s, 50).toFixed(2)} ms, p99 ${pct(s, 99).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms`);
  // Negative: the member's /sync returned before the sender's own HTTP response did.
  console.log(`send acknowledged→other members' /sync p50 ${pct(afterAck, 50).toFixed(2)} ms, p99 ${pct(afterAck, 99).toFixed(2)} ms`);
  running = false;
  void pollers;
} finally {
  running = false;
  await hub.stop();
  await te.cleanup();
  process.exit(0);
}
