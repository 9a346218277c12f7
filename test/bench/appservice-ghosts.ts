// Bench (b3): an appservice registers 10,000 ghosts and joins them to 1,000 rooms, 100 ghosts per
// room, over HTTP with its as_token (`user_id` masquerading), as a bridge does when it first
// syncs a large network. Prints registrations/s, joins/s (target >= 1,500) and the hub's RSS
// (target <= 400 MB). The hub runs as its own process; embedded PGlite by default, PostgreSQL
// when DATABASE_URL is set (a fresh database, dropped afterwards).
//   node test/bench/appservice-ghosts.ts [--ghosts N] [--rooms N] [--per-room N] [--concurrency N]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnHub, testEnv } from '../support/hub.ts';
import { call, waitForAppservice } from '../support/appservice-frameworks.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const GHOSTS = arg('ghosts', 10_000);
const ROOMS = arg('rooms', 1_000);
const PER_ROOM = arg('per-room', 100);
const CONCURRENCY = arg('concurrency', 64);
const DOMAIN = 'bench.local';
const TOKEN = 'as-bench-token';

/** Runs `count` tasks with at most `concurrency` in flight; returns the wall time in ms. */
async function pool(count: number, task: (i: number) => Promise<void>, concurrency = CONCURRENCY): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - started;
}

// The hub's CPU time (user + system, /proc, USER_HZ = 100): steadier than wall clock on a busy machine.
async function cpuMs(pid: number): Promise<number> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const must = (r: { status: number; body: Record<string, unknown> }, what: string) => {
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-as-'));
await writeFile(
  join(dir, 'bench.yaml'),
  [
    'id: bench',
    'url: null',
    `as_token: ${TOKEN}`,
    'hs_token: hs-bench-token',
    'sender_localpart: benchbot',
    'rate_limited: false',
    'namespaces:',
    `  users: [{ regex: '@_bench_.*:${DOMAIN}', exclusive: true }]`,
    '  aliases: []',
    '  rooms: []',
    '',
  ].join('\n'),
);
const te = await testEnv({ serverName: DOMAIN, env: { LOG_LEVEL: 'error', APPSERVICES_DIR: dir } });
const hub = await spawnHub(te);
// The hub's own error log lines, so a failed request says why.
hub.child.stdout!.on('data', (d: Buffer) => {
  for (const l of d.toString().split('\n')) if (l.includes('"error"')) console.error(`hub: ${l.slice(0, 600)}`);
});
try {
  await waitForAppservice(hub.url, TOKEN);
  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; ${GHOSTS} ghosts, ${ROOMS} rooms x ${PER_ROOM}; concurrency ${CONCURRENCY}`);
  const ghost = (i: number) => `@_bench_${i}:${DOMAIN}`;

  const regMs = await pool(GHOSTS, async (i) => {
    must(
      await call(hub.url, 'POST', '/_matrix/client/v3/register', TOKEN, { type: 'm.login.application_service', username: `_bench_${i}`, inhibit_login: true }),
      'register',
    );
  });
  console.log(`registered ${GHOSTS} ghosts in ${(regMs / 1000).toFixed(2)} s = ${((GHOSTS * 1000) / regMs).toFixed(0)} registrations/s`);

  const rooms: string[] = [];
  const createMs = await pool(ROOMS, async (i) => {
    rooms[i] = must(await call(hub.url, 'POST', '/_matrix/client/v3/createRoom', TOKEN, { preset: 'public_chat', name: `portal ${i}` }), 'createRoom').room_id as string;
    // Sequential: concurrent createRoom on PostgreSQL currently fails with StaleRoomError
    // (core/rooms persister); the figure measured here is joins.
  }, 1);
  console.log(`created ${ROOMS} rooms in ${(createMs / 1000).toFixed(2)} s = ${((ROOMS * 1000) / createMs).toFixed(0)} rooms/s`);

  // Room r gets ghosts r*PER_ROOM .. r*PER_ROOM+PER_ROOM-1 (mod GHOSTS). Joins are interleaved
  // across rooms, as a bridge's parallel portal syncs are.
  const joins = ROOMS * PER_ROOM;
  const cpu0 = await cpuMs(hub.child.pid!);
  const joinMs = await pool(joins, async (k) => {
    const r = k % ROOMS;
    const g = (r * PER_ROOM + Math.floor(k / ROOMS)) % GHOSTS;
    must(await call(hub.url, 'POST', `/_matrix/client/v3/join/${encodeURIComponent(rooms[r]!)}?user_id=${encodeURIComponent(ghost(g))}`, TOKEN, {}), 'join');
  });
  const cpuPerJoin = ((await cpuMs(hub.child.pid!)) - cpu0) / joins;
  console.log(
    `joined ${joins} times in ${(joinMs / 1000).toFixed(2)} s = ${((joins * 1000) / joinMs).toFixed(0)} joins/s (target >= 1,500), ` +
      `hub CPU ${cpuPerJoin.toFixed(2)} ms/join (load ${loadavg()[0]!.toFixed(2)})`,
  );
  console.log(`hub RSS after the run: ${(await rssMb(hub.child.pid!)).toFixed(0)} MB (target <= 400 MB)`);
} finally {
  await hub.stop();
  await te.cleanup();
  await rm(dir, { recursive: true, force: true });
}
