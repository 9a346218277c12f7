// The delivery part of the appservice admin API and CLI (issue 5 "Observability"): last error,
// next retry time, lag and queue depth of a failing appservice; force retry; drop queue (the
// dropped transactions are never sent, later events are); admins only; unknown ids 404.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { AppserviceStandin } from '../../support/appservice-standin.ts';
import { appserviceCommand } from '../../../core/cli/appservice.ts';
import type { AppserviceDeliveryStatus } from '../../../core/ports/appservice-admin.ts';
import { eventually, registrationYaml } from './support.ts';

const SECRET = 'shared-secret-for-delivery-admin';
const PASSWORD = 'a perfectly long password';

describe('appservice delivery admin API and CLI', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  let adminToken = '';
  const alpha = new AppserviceStandin('hs-alpha');

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : method === 'POST' ? { body: '{}' } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const admin = (method: string, path: string) => call(adminToken, method, `/_switchyard/admin/v1/appservices${path}`);
  const status = async () => {
    const r = await admin('GET', '/alpha/delivery');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as unknown as AppserviceDeliveryStatus;
  };

  before(async () => {
    await alpha.start();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-delivery-admin-'));
    await writeFile(join(dir, 'alpha.yaml'), registrationYaml({ id: 'alpha', url: alpha.url, rateLimited: false }));
    const cfg = join(dir, 'homeserver.yaml');
    // A long backoff, so that only a forced retry can explain a prompt delivery.
    await writeFile(cfg, 'appservices: { request_timeout_ms: 300, retry_base_ms: 60000, retry_max_ms: 60000 }\n');
    te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: cfg, REGISTRATION_SHARED_SECRET: SECRET } });
    hub = await startTestHub(te);
    const nonce = ((await (await fetch(`${hub.url}/_synapse/admin/v1/register`)).json()) as { nonce: string }).nonce;
    const mac = createHmac('sha1', SECRET).update([nonce, 'root', PASSWORD, 'admin'].join('\0')).digest('hex');
    const r = await call('', 'POST', '/_synapse/admin/v1/register', { nonce, username: 'root', password: PASSWORD, admin: true, mac });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    adminToken = r.json.access_token as string;
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await alpha.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('state of a failing appservice, force retry, drop queue; CLI; admins only', async () => {
    const room = (await call('as-alpha', 'POST', '/_matrix/client/v3/createRoom', {})).json.room_id as string;
    await eventually(() => alpha.events().some((e) => e.room_id === room));
    const healthy = await status();
    assert.equal(healthy.state, 'up');
    assert.equal(healthy.queued_transactions, 0);
    assert.equal(healthy.last_error, null);

    await alpha.setMode('error500');
    const send = (body: string) =>
      call('as-alpha', 'PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${body}`, { msgtype: 'm.text', body });
    await send('dropped-1');
    await eventually(async () => (await status()).failures >= 1);
    await send('dropped-2');
    await eventually(async () => (await status()).queued_transactions >= 2);
    const failing = await status();
    assert.match(failing.last_error ?? '', /HTTP 500/);
    assert.ok(failing.last_error_ts !== null && failing.next_retry_ts !== null && failing.next_retry_ts > failing.last_error_ts);
    assert.ok(failing.lag_seconds >= 0);

    // Force retry: still 500, so one more failure is recorded long before the 60 s backoff.
    const before = failing.failures;
    assert.equal((await admin('POST', '/alpha/delivery/retry')).status, 200);
    await eventually(async () => (await status()).failures > before);

    // The CLI shows the same state.
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      assert.equal(await appserviceCommand(hub.config, ['delivery', 'alpha'], { url: hub.url, token: adminToken, json: false }), 0);
      assert.equal(await appserviceCommand(hub.config, ['drop-queue', 'alpha'], { url: hub.url, token: adminToken, json: false }), 0);
    } finally {
      console.log = log;
    }
    const shown = JSON.parse(lines[0]!) as AppserviceDeliveryStatus;
    assert.equal(shown.id, 'alpha');
    assert.ok(shown.queued_transactions >= 2);
    assert.match(lines[1]!, /^alpha: dropped \d+ queued transactions$/);
    assert.equal((await status()).queued_transactions, 0);

    // Dropped transactions are never sent; a later event is, promptly after a forced retry.
    await alpha.setMode('ok');
    await send('after-drop');
    assert.equal((await admin('POST', '/alpha/delivery/retry')).status, 200);
    await eventually(() => alpha.events().some((e) => (e.content as { body?: string } | undefined)?.body === 'after-drop'));
    const bodies = alpha.events().map((e) => (e.content as { body?: string } | undefined)?.body);
    assert.ok(!bodies.includes('dropped-1') && !bodies.includes('dropped-2'), JSON.stringify(bodies));
    await eventually(async () => (await status()).failures === 0);

    assert.equal((await admin('GET', '/nope/delivery')).json.errcode, 'M_NOT_FOUND');
    assert.equal((await admin('POST', '/nope/delivery/retry')).json.errcode, 'M_NOT_FOUND');
    assert.deepEqual((await admin('POST', '/nope/delivery/drop_queue')).json, { dropped: 0 });
    const asCaller = await call('as-alpha', 'GET', '/_switchyard/admin/v1/appservices/alpha/delivery');
    assert.equal(asCaller.status, 403);
  });
});
