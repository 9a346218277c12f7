// Appservice delivery across a hub crash (issue 5 "Acceptance"): the hub is SIGKILLed in the
// middle of a burst while the appservice is slow to come back, and restarted; every event whose
// send was acknowledged reaches the appservice exactly once (per distinct txnId), in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnHub, testEnv, type HubProcess, type TestEnv } from '../../support/hub.ts';
import { AppserviceStandin } from '../../support/appservice-standin.ts';
import { eventually, registrationYaml } from './support.ts';

const BURST = Number(process.env.AS_CRASH_EVENTS ?? 600);

describe('appservice delivery across a hub crash', () => {
  let te: TestEnv;
  let dir: string;
  let hub: HubProcess | null = null;
  const alpha = new AppserviceStandin('hs-alpha');

  before(async () => {
    await alpha.start();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-crash-'));
    await writeFile(join(dir, 'alpha.yaml'), registrationYaml({ id: 'alpha', url: alpha.url, rateLimited: false }));
    const cfg = join(dir, 'homeserver.yaml');
    await writeFile(cfg, 'appservices: { request_timeout_ms: 300, retry_base_ms: 50, retry_max_ms: 300 }\n');
    te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: cfg } });
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await alpha.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test(`SIGKILL in the middle of a ${BURST}-event burst loses and duplicates nothing`, async () => {
    hub = await spawnHub(te);
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${hub!.url}${path}`, { method, headers: { authorization: 'Bearer as-alpha', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const room = (await call('POST', '/_matrix/client/v3/createRoom', {})).room_id as string;
    const send = (i: number) => call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/c${i}`, { msgtype: 'm.text', body: `n${i}` });
    const acked: number[] = [];
    // First half with the appservice up, the rest while it answers 500, then the crash.
    for (let i = 0; i < BURST / 2; i++) acked.push((await send(i), i));
    await alpha.setMode('error500');
    for (let i = BURST / 2; i < BURST; i++) acked.push((await send(i), i));
    await hub.kill('SIGKILL');
    await alpha.setMode('ok');
    hub = await spawnHub(te);
    const numbers = () =>
      alpha
        .events()
        .filter((e) => e.room_id === room && e.type === 'm.room.message')
        .map((e) => Number(String((e.content as { body: string }).body).slice(1)));
    // With BullMQ the crashed job keeps its per-appservice order until its lease expires (tuning.leaseMs).
    await eventually(() => numbers().length >= BURST, 180_000);
    assert.deepEqual(numbers(), acked);
    const bodies = new Map<string, string>();
    for (const t of alpha.accepted) {
      const seen = bodies.get(t.txnId);
      const body = JSON.stringify(t.body);
      if (seen !== undefined) assert.equal(body, seen, `txn ${t.txnId} was re-sent with another body`);
      bodies.set(t.txnId, body);
    }
  });
});
