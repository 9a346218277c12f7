// Appservice delivery benchmarks (issue 5), at the sizes:
// (b2) OUTAGE events (default 100,000) queued while the appservice refuses connections, then
//      drained after it returns (the hub is told at once, as a successful ping does); target
//      <= 15 s. The events are generated as fast as the write path takes them (in-process
//      rooms.send over many rooms, ~1-2k/s) rather than over a real 5-minute outage: the state at
//      recovery (cursor far behind, one transaction being retried) is the same.
// (b1) the drain rate of (b2) is the events/s delivered to one appservice that acks at once
//      (target >= 10,000/s); then latency from persisted (rooms.send resolved) to receipt with
//      events sent open-loop at RATE/s (default 1,000) for 5 s (target p99 <= 50 ms).
// Events go through the rooms service (no HTTP), so the figures measure delivery rather than
// sending. Prints figures, asserts nothing. BENCH_OUTAGE_EVENTS, BENCH_RATE, BENCH_ROOMS (64).
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

const N = Number(process.env.BENCH_OUTAGE_EVENTS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 64);
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
  onReceived();
};
let waiter: { n: number; resolve: () => void } | null = null;
const waitFor = (n: number) =>
  received >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve }));
const onReceived = () => {
  if (waiter && received >= waiter.n) {
    waiter.resolve();
    waiter = null;
  }
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
await sendMany(N, 2 * ROOMS);
const genS = (performance.now() - g0) / 1000;
console.log(`generated ${N} events in-process in ${genS.toFixed(2)} s (${Math.round(N / genS)}/s) while the appservice refused connections`);
const t0 = performance.now();
await as.setMode('ok');
await hub.internals.appserviceDelivery.forceRetry('bench');
await waitFor(1);
const firstS = (performance.now() - t0) / 1000;
await waitFor(N);
const drainS = (performance.now() - t0) / 1000;
const sizes = as.uniqueTxns().map((t) => t.body.events.length);
console.log(`  ${sizes.length} transactions, ${sizes.filter((n) => n === 100).length} of 100 events; ${as.accepted.length - sizes.length} re-sent after a lost answer; ${as.attempts} attempts`);
console.log(`(b1/b2) ${N} events queued during an outage drained in ${drainS.toFixed(2)} s = ${Math.round(N / drainS)} events/s (first receipt after ${firstS.toFixed(2)} s; ${Math.round(N / (drainS - firstS))} events/s from then)`);

// (b1) latency at a paced rate: persisted → receipt by the appservice.
measuring = true;
// Open loop: send i starts at start + i/RATE whatever the earlier sends are doing.
const paced = RATE * 5;
const start = performance.now();
const inFlight: Promise<void>[] = [];
for (let i = 0; i < paced; i++) {
  const wait = start + (i / RATE) * 1000 - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const n = sent++;
  inFlight.push(
    rooms.send(bot, { roomId: roomIds[n % ROOMS]!, type: 'm.room.message', content: { msgtype: 'm.text', body: `n${n}` } }).then(() => void persisted.set(`n${n}`, Date.now())),
  );
}
await Promise.all(inFlight);
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
