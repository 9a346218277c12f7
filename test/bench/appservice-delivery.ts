// Appservice delivery benchmarks (issue 5): (b1) drain rate to one appservice that acks at once,
// and latency origin_server_ts → receipt at a paced send rate; (b2) a backlog built during an
// outage (the stand-in refuses connections) drained after it returns. Events are sent over HTTP
// with the AS token (the send rate, not delivery, bounds how large N can be in a short run).
// Prints figures, asserts nothing. BENCH_EVENTS (default 10000), BENCH_RATE (default 1000/s).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, testEnv } from '../support/hub.ts';
import { AppserviceStandin } from '../support/appservice-standin.ts';
import { registrationYaml } from '../integration/appservices/support.ts';

const N = Number(process.env.BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const as = new AppserviceStandin('hs-bench');
await as.start();
const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-as-'));
await writeFile(join(dir, 'bench.yaml'), registrationYaml({ id: 'bench', url: as.url, rateLimited: false }));
await writeFile(join(dir, 'hs.yaml'), 'log_level: error\nappservices: { retry_base_ms: 100, retry_max_ms: 500 }\n');
const te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: join(dir, 'hs.yaml'), LOG_LEVEL: 'error' } });
const hub = await startTestHub(te);
const call = async (method: string, path: string, body: unknown) => {
  const res = await fetch(`${hub.url}${path}`, { method, headers: { authorization: 'Bearer as-bench', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, string>;
};
const { room_id: roomId } = await call('POST', '/_matrix/client/v3/createRoom', {});
const messages = () => as.events().filter((e) => e.room_id === roomId && e.type === 'm.room.message').length;
const waitFor = async (n: number) => {
  while (messages() < n) await new Promise((r) => setTimeout(r, 5));
};
let sent = 0;
const sendMany = async (n: number, concurrency: number) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId!)}/send/m.room.message/b${sent + i}`, { msgtype: 'm.text', body: `n${i}` });
      }
    }),
  );
  sent += n;
};

// (b2) and the drain rate of (b1): queue N events while the appservice is down, then recover.
await as.setMode('refuse');
await sendMany(N, 16);
const t0 = performance.now();
await as.setMode('ok');
await waitFor(N);
const drainS = (performance.now() - t0) / 1000;
console.log(`(b1/b2) ${N} events queued during an outage drained in ${drainS.toFixed(2)} s = ${Math.round(N / drainS)} events/s`);

// (b1) latency at a paced rate: origin_server_ts → receipt by the appservice.
const latencies: number[] = [];
as.onTxn = (t) => {
  for (const e of t.body.events) if (e.room_id === roomId && e.type === 'm.room.message') latencies.push(t.receivedAt - Number(e.origin_server_ts));
};
const paced = Math.min(N, RATE * 5);
const start = performance.now();
for (let i = 0; i < paced; i += RATE / 100) {
  await sendMany(RATE / 100, 4);
  const due = start + ((i + RATE / 100) / RATE) * 1000;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await waitFor(sent);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
console.log(`(b1) ${latencies.length} events at ~${RATE}/s: persist→receipt p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
await hub.stop();
await as.stop();
await te.cleanup();
await rm(dir, { recursive: true, force: true });
