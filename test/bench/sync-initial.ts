// Bench (c1): initial /sync of a user in ROOMS rooms with lazy-loaded members. Each room has a
// few members and some messages. Prints the time of the initial sync (the first, cold, and a
// repeat). Embedded PGlite by default; PostgreSQL when DATABASE_URL is set. Hub in a child process.
//   node test/bench/sync-initial.ts [--rooms N] [--messages N]
import { spawnHub, testEnv } from '../support/hub.ts';
import { csCall, registerAccount } from '../support/rooms-clients.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROOMS = arg('rooms', 1000);
const MESSAGES = arg('messages', 3);

const te = await testEnv({ env: { LOG_LEVEL: 'error' } });
const hub = await spawnHub(te);
try {
  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; ${ROOMS} rooms, ${MESSAGES} messages each`);
  const me = await registerAccount(hub.url, 'me');
  const friends = await Promise.all([1, 2, 3].map((i) => registerAccount(hub.url, `friend${i}`)));
  const t0 = performance.now();
  for (let i = 0; i < ROOMS; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, ROOMS - i) }, async (_, j) => {
        const n = i + j;
        const owner = friends[n % friends.length]!;
        const id = encodeURIComponent((await csCall(hub.url, owner.accessToken, 'POST', '/createRoom', { preset: 'public_chat', name: `room ${n}` })).json.room_id as string);
        await csCall(hub.url, me.accessToken, 'POST', `/join/${id}`, {});
        for (let m = 0; m < MESSAGES; m++) await csCall(hub.url, owner.accessToken, 'PUT', `/rooms/${id}/send/m.room.message/m${m}`, { msgtype: 'm.text', body: `hello ${m}` });
      }),
    );
  }
  console.log(`setup: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const filter = encodeURIComponent(JSON.stringify({ room: { state: { lazy_load_members: true }, timeline: { limit: 10 } } }));
  for (const run of ['cold', 'warm']) {
    const s = performance.now();
    const r = await csCall(hub.url, me.accessToken, 'GET', `/sync?filter=${filter}`);
    const ms = performance.now() - s;
    if (r.status !== 200) throw new Error(`sync ${r.status}`);
    const joined = Object.keys((r.json.rooms as { join: object }).join).length;
    console.log(`initial sync (${run}): ${ms.toFixed(0)} ms for ${joined} joined rooms, ${(JSON.stringify(r.json).length / 1024).toFixed(0)} KiB`);
  }
} finally {
  await hub.stop();
  await te.cleanup();
}
