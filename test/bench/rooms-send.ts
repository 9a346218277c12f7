// Bench (a1): the Romeo-and-Juliet workload — one room, 58 users, 3,287 messages sent one after
// another over HTTP — then a many-rooms variant (concurrent senders in separate rooms) that shows
// group commit. Prints sends/s and p50/p99 latency. Embedded PGlite by default; PostgreSQL when
// DATABASE_URL is set (a fresh database is created and dropped). The hub runs as its own
// process (as in production, so the client's CPU is not the server's); --in-process runs it in
// the bench's process instead.
//   node test/bench/rooms-send.ts [--messages N] [--rooms N] [--per-room N] [--in-process]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { spawnHub, startTestHub, testEnv } from '../support/hub.ts';
import { csCall, registerAccount, type Account } from '../support/rooms-clients.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg('messages', 3287);
const USERS = 58;
const ROOMS = arg('rooms', 50);
const PER_ROOM = arg('per-room', 40);


const WORDS = ('but soft what light through yonder window breaks it is the east and juliet is the sun arise fair sun and kill ' +
  'the envious moon who is already sick and pale with grief that thou her maid art far more fair than she').split(' ');
let seed = 42;
const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
const line = (): string => Array.from({ length: 4 + rand(12) }, () => WORDS[rand(WORDS.length)]).join(' ');

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
// CPU time of the hub process (user + system), from /proc: under a loaded machine wall-clock
// rates swing widely, CPU per send much less. null where /proc is missing (or in-process).
function hubCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

function report(name: string, latencies: number[], wallMs: number, cpuMs: number | null = null): void {
  const s = [...latencies].sort((a, b) => a - b);
  console.log(
    `${name}: ${latencies.length} sends in ${(wallMs / 1000).toFixed(2)} s = ${((latencies.length * 1000) / wallMs).toFixed(0)} sends/s, ` +
      `p50 ${pct(s, 50).toFixed(2)} ms, p99 ${pct(s, 99).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms, ` +
      `hub CPU ${cpuMs === null ? '?' : (cpuMs / latencies.length).toFixed(2)} ms/send ` +
      // Latency figures mean little on a busy machine: the 1-minute load average goes with them.
      `(load ${loadavg()[0]!.toFixed(2)})`,
  );
}

const te = await testEnv({ env: { LOG_LEVEL: 'error' } });
const inProcess = process.argv.includes('--in-process');
const hub = inProcess ? await startTestHub(te) : await spawnHub(te);
const hubPid = 'child' in hub ? hub.child.pid : undefined;
const cpuSince = (c0: number | null): number | null => {
  const c1 = hubCpuMs(hubPid);
  return c0 === null || c1 === null ? null : c1 - c0;
};
try {
  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; hub ${inProcess ? 'in this process' : 'in a child process'}`);
  const users: Account[] = [];
  for (let i = 0; i < USERS; i++) users.push(await registerAccount(hub.url, `player${i}`));
  const room = (await csCall(hub.url, users[0]!.accessToken, 'POST', '/createRoom', { preset: 'public_chat', name: 'Verona' })).json.room_id as string;
  const rid = encodeURIComponent(room);
  for (const u of users.slice(1)) await csCall(hub.url, u.accessToken, 'POST', `/rooms/${rid}/join`, {});

  // Warm-up (JIT, caches), not measured.
  for (let i = 0; i < 50; i++) await csCall(hub.url, users[i % USERS]!.accessToken, 'PUT', `/rooms/${rid}/send/m.room.message/warm${i}`, { msgtype: 'm.text', body: line() });

  const latencies: number[] = [];
  const c0 = hubCpuMs(hubPid);
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const u = users[rand(USERS)]!;
    const s = performance.now();
    const r = await csCall(hub.url, u.accessToken, 'PUT', `/rooms/${rid}/send/m.room.message/rj${i}`, { msgtype: 'm.text', body: line() });
    latencies.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`send failed: ${r.status} ${JSON.stringify(r.json)}`);
  }
  report('romeo-and-juliet (1 room, 58 users, sequential)', latencies, performance.now() - t0, cpuSince(c0));

  // Many rooms: one sender per room, all rooms at once; group commit batches across rooms.
  const rooms: { id: string; user: Account }[] = [];
  for (let i = 0; i < ROOMS; i++) {
    const user = users[i % USERS]!;
    rooms.push({ id: encodeURIComponent((await csCall(hub.url, user.accessToken, 'POST', '/createRoom', {})).json.room_id as string), user });
  }
  const many: number[] = [];
  const c1 = hubCpuMs(hubPid);
  const t1 = performance.now();
  await Promise.all(
    rooms.map(async ({ id, user }, k) => {
      for (let i = 0; i < PER_ROOM; i++) {
        const s = performance.now();
        const r = await csCall(hub.url, user.accessToken, 'PUT', `/rooms/${id}/send/m.room.message/many${k}-${i}`, { msgtype: 'm.text', body: line() });
        many.push(performance.now() - s);
        if (r.status !== 200) throw new Error(`send failed: ${r.status} ${JSON.stringify(r.json)}`);
      }
    }),
  );
  report(`many rooms (${ROOMS} rooms, ${ROOMS} concurrent senders)`, many, performance.now() - t1, cpuSince(c1));
} finally {
  await hub.stop();
  await te.cleanup();
}
