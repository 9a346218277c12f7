// Ephemeral and to-device delivery to appservices (MSC2409; issue 5 "Delivery"): an appservice
// with receive_ephemeral gets typing and receipts of rooms where its users are joined, presence of
// its users, m.read.private only of its own users; one without gets none; receipts made during an
// outage arrive after it exactly once; to-device messages for its users' devices arrive under
// de.sorunome.msc2409.to_device (through a test implementation of ToDeviceForAppservices).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv, type TestEnv } from '../../support/hub.ts';
import { AppserviceStandin } from '../../support/appservice-standin.ts';
import { loadConfig } from '../../../core/config/load.ts';
import { startHub, type Hub } from '../../../core/main.ts';
import { createLogger } from '../../../core/observability/log.ts';
import type { AppserviceToDeviceMessage, ToDeviceForAppservices } from '../../../core/ports/to-device-for-appservices.ts';
import { eventually, registrationYaml } from './support.ts';

const SECRET = 'shared-secret-for-ephemeral';
const PASSWORD = 'a perfectly long password';

/** An in-memory to-device stream: position = index + 1. */
class TestToDevice implements ToDeviceForAppservices {
  readonly messages: AppserviceToDeviceMessage[] = [];
  async currentPosition(): Promise<number> {
    return this.messages.length;
  }
  async messagesFor(userIds: readonly string[], since: number, upto: number): Promise<AppserviceToDeviceMessage[]> {
    return this.messages.slice(since, upto).filter((m) => userIds.includes(m.to_user_id));
  }
}

describe('appservice ephemeral and to-device delivery', () => {
  let te: TestEnv;
  let hub: Hub;
  let dir: string;
  let alice = '';
  const eph = new AppserviceStandin('hs-eph');
  const plain = new AppserviceStandin('hs-plain');
  const toDevice = new TestToDevice();

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const ephemeralOf = (s: AppserviceStandin, type: string) =>
    s.uniqueTxns().flatMap((t) => (t.body.ephemeral ?? []).filter((e) => e.type === type));

  before(async () => {
    await eph.start();
    await plain.start();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-ephemeral-'));
    await writeFile(join(dir, 'eph.yaml'), registrationYaml({ id: 'eph', url: eph.url, rateLimited: false, extra: "receive_ephemeral: true\nde.sorunome.msc2409.to_device: true" }));
    await writeFile(join(dir, 'plain.yaml'), registrationYaml({ id: 'plain', url: plain.url, rateLimited: false, users: '@_plain_.*' }));
    const cfg = join(dir, 'homeserver.yaml');
    await writeFile(cfg, 'appservices: { request_timeout_ms: 300, retry_base_ms: 50, retry_max_ms: 200 }\n');
    te = await testEnv({ env: { APPSERVICES_DIR: dir, SWITCHYARD_CONFIG: cfg, REGISTRATION_SHARED_SECRET: SECRET } });
    hub = await startHub(loadConfig({ env: te.env, path: cfg }), createLogger('error'), { toDeviceForAppservices: toDevice });
    const nonce = ((await (await fetch(`${hub.url}/_synapse/admin/v1/register`)).json()) as { nonce: string }).nonce;
    const mac = createHmac('sha1', SECRET).update([nonce, 'alice', PASSWORD, 'notadmin'].join('\0')).digest('hex');
    alice = (await call('', 'POST', '/_synapse/admin/v1/register', { nonce, username: 'alice', password: PASSWORD, admin: false, mac })).access_token as string;
  });
  after(async () => {
    await hub?.close();
    await te?.cleanup();
    await eph.stop();
    await plain.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('typing, receipts (private only of its users), presence, to-device; none for an appservice without receive_ephemeral', async () => {
    const server = hub.config.serverName;
    const bob = `@_eph_bob:${server}`;
    await call('as-eph', 'POST', '/_matrix/client/v3/register', { type: 'm.login.application_service', username: '_eph_bob', inhibit_login: true });
    const room = (await call(alice, 'POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat' })).room_id as string;
    const r = encodeURIComponent(room);
    await call('as-eph', 'POST', `/_matrix/client/v3/join/${r}?user_id=${encodeURIComponent(bob)}`, {});
    const { event_id: ev } = (await call(alice, 'PUT', `/_matrix/client/v3/rooms/${r}/send/m.room.message/m1`, { msgtype: 'm.text', body: 'hi' })) as { event_id: string };
    await eventually(() => eph.events().some((e) => e.event_id === ev));

    await call(alice, 'PUT', `/_matrix/client/v3/rooms/${r}/typing/${encodeURIComponent(`@alice:${server}`)}`, { typing: true, timeout: 30_000 });
    await eventually(() => ephemeralOf(eph, 'm.typing').some((e) => (e.content as { user_ids: string[] }).user_ids.includes(`@alice:${server}`)));

    await call(alice, 'POST', `/_matrix/client/v3/rooms/${r}/receipt/m.read/${encodeURIComponent(ev)}`, {});
    await call(alice, 'POST', `/_matrix/client/v3/rooms/${r}/receipt/m.read.private/${encodeURIComponent(ev)}`, {});
    await call('as-eph', 'POST', `/_matrix/client/v3/rooms/${r}/receipt/m.read.private/${encodeURIComponent(ev)}?user_id=${encodeURIComponent(bob)}`, {});
    const receiptsFrom = (type: string) =>
      ephemeralOf(eph, 'm.receipt').flatMap((e) => Object.keys((e.content as Record<string, Record<string, Record<string, unknown>>>)[ev]?.[type] ?? {}));
    await eventually(() => receiptsFrom('m.read').includes(`@alice:${server}`) && receiptsFrom('m.read.private').includes(bob));
    assert.ok(!receiptsFrom('m.read.private').includes(`@alice:${server}`), 'another user\'s private receipt leaked');

    await call('as-eph', 'PUT', `/_matrix/client/v3/presence/${encodeURIComponent(bob)}/status?user_id=${encodeURIComponent(bob)}`, { presence: 'online', status_msg: 'bridging' });
    await eventually(() => ephemeralOf(eph, 'm.presence').some((e) => e.sender === bob && (e.content as { status_msg?: string }).status_msg === 'bridging'));

    // Receipts during an outage arrive after it, once.
    await eph.setMode('refuse');
    const { event_id: ev2 } = (await call(alice, 'PUT', `/_matrix/client/v3/rooms/${r}/send/m.room.message/m2`, { msgtype: 'm.text', body: 'again' })) as { event_id: string };
    await call(alice, 'POST', `/_matrix/client/v3/rooms/${r}/receipt/m.read/${encodeURIComponent(ev2)}`, {});
    await new Promise((res) => setTimeout(res, 300));
    await eph.setMode('ok');
    await eventually(() => ephemeralOf(eph, 'm.receipt').some((e) => (e.content as Record<string, unknown>)[ev2] !== undefined));
    assert.equal(ephemeralOf(eph, 'm.receipt').filter((e) => (e.content as Record<string, unknown>)[ev2] !== undefined).length, 1);

    // To-device for one of its users' devices, none for anyone else's.
    const msg = { type: 'm.room_key_request', sender: `@alice:${server}`, to_user_id: bob, to_device_id: 'BOBDEV', content: { n: 1 } };
    toDevice.messages.push({ ...msg, to_user_id: `@stranger:${server}` }, msg);
    hub.internals.appserviceDelivery.kickAll();
    await eventually(() => eph.uniqueTxns().some((t) => Array.isArray(t.body['de.sorunome.msc2409.to_device'])));
    const got = eph.uniqueTxns().flatMap((t) => (t.body['de.sorunome.msc2409.to_device'] as AppserviceToDeviceMessage[] | undefined) ?? []);
    assert.deepEqual(got, [msg]);

    // The appservice without receive_ephemeral got events only.
    assert.ok(plain.uniqueTxns().every((t) => (t.body.ephemeral ?? []).length === 0 && t.body['de.sorunome.msc2409.to_device'] === undefined));
  });
});
