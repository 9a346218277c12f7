// Appservice delivery benchmarks (issue 5): (b1) drain rate to one appservice that acks at once,
// and latency from persisted (rooms.send resolved) to receipt at a paced rate; (b2) a backlog built during an outage
// (the stand-in refuses connections) drained after it returns. Events are generated in-process
// through the rooms service (no HTTP), so the figures measure delivery rather than sending.
// Prints figures, asserts nothing. BENCH_EVENTS (default 10000), BENCH_RATE (default 1000/s),
// BENCH_ROOMS (default 8: persisting is serialised per room).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv } from '../support/hub.ts';
import { AppserviceStandin } from '../support/appservice-standin.ts';
import { registrationYaml } from '../integration/appservices/support.ts';
import { loadConfig } from '../../core/config/load.ts';
import { startHub } from '../../core/main.ts';
import { createLogger } from '../../core/observability/log.ts';
import type { Requester } from '../../core/spec/endpoint.ts';
import type { UserId } from '../../core/spec/ids.ts';

const N = Number(process.env.BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 8);
const as = new AppserviceStandin('hs-bench');
await as.start();
const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-as-'));
await writeFile(join(dir, 'bench.yaml'), registrationYaml({ id: 'bench', url: as.url, rateLimited: false }));
await writeFile(join(dir, 'hs.yaml'), 'log_level: error\nappservices: { retry_base_ms: 100, retry_max_ms: 500 }\n');
const te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: join(dir, 'hs.yaml'), LOG_LEVEL: 'error' } });
const config = loadConfig({ env: te.env, path: te.env.SWITCHYARD_CONFIG });
const hub = await startHub(config, createLogger('error'));
const rooms = hub.internals.rooms.service;
const bot: Requester = { userId: `@benchbot:${config.serverName}` as UserId, deviceId: null, tokenId: null, appserviceId: 'bench', isGuest: false };
const roomIds: string[] = [];
for (let i = 0; i < ROOMS; i++) roomIds.push((await rooms.createRoom(bot, {})).room_id);
const inRooms = new Set(roomIds);
const isMessage = (e: { room_id?: unknown; type?: unknown }) => inRooms.has(e.room_id as string) && e.type === 'm.room.message';
let received = 0;
const latencies: number[] = [];
let measuring = false;
/** Message body → when rooms.send resolved (persisted) / when the appservice received it. */
const persisted = new Map<string, number>();
const arrived = new Map<string, number>();
const seen = new Set<string>();
as.onTxn = (t) => {
  if (seen.has(t.txnId)) return;
  seen.add(t.txnId);
  for (const e of t.body.events) {
    if (!isMessage(e)) continue;
    received++;
    if (measuring) arrived.set((e.content as { body: string }).body, t.receivedAt);
  }
};
const waitFor = async (n: number) => {
  while (received < n) await new Promise((r) => setTimeout(r, 2));
};
let sent = 0;
/** n messages spread over the rooms, `concurrency` sends at a time. */
const sendMany = async (n: number, concurrency: number) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = sent + next++;
        await rooms.send(bot, { roomId: roomIds[i % ROOMS]!, type: 'm.room.message', content: { msgtype: 'm.text', body: `n${i}` } });
        if (measuring) persisted.set(`n${i}`, Date.now());
      }
    }),
  );
  sent += n;
};

// (b2) and the drain rate of (b1): queue N events while the appservice is down, then recover.
await as.setMode('refuse');
const g0 = performance.now();
await sendMany(N, 32);
const genS = (performance.now() - g0) / 1000;
console.log(`generated ${N} events in-process in ${genS.toFixed(2)} s (${Math.round(N / genS)}/s) while the appservice refused connections`);
const t0 = performance.now();
await as.setMode('ok');
await hub.internals.appserviceDelivery.forceRetry('bench');
await waitFor(1);
const firstS = (performance.now() - t0) / 1000;
await waitFor(N);
const drainS = (performance.now() - t0) / 1000;
console.log(`(b1/b2) ${N} events queued during an outage drained in ${drainS.toFixed(2)} s = ${Math.round(N / drainS)} events/s (first receipt after ${firstS.toFixed(2)} s; ${Math.round(N / (drainS - firstS))} events/s from then)`);

// (b1) latency at a paced rate: persisted → receipt by the appservice.
measuring = true;
const paced = Math.min(N, RATE * 5);
const step = Math.max(1, RATE / 100);
const start = performance.now();
for (let i = 0; i < paced; i += step) {
  await sendMany(step, 4);
  const wait = start + ((i + step) / RATE) * 1000 - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await waitFor(sent);
// A transaction can arrive before send() has returned to its caller: that counts as 0 ms.
for (const [body, at] of persisted) latencies.push(Math.max(0, arrived.get(body)! - at));
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const actual = Math.round(paced / ((performance.now() - start) / 1000));
console.log(`(b1) ${latencies.length} events at ~${RATE}/s (achieved ~${actual}/s): persist→receipt p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
await hub.close();
await as.stop();
await te.cleanup();
await rm(dir, { recursive: true, force: true });
