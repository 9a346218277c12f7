// Appservice transaction delivery over real HTTP (issue 5 "Delivery", "Acceptance"): events in
// an appservice's namespaces reach it in order, others do not; while the appservice refuses
// connections, answers 500 or hangs past the timeout, events pile up and then arrive exactly
// once per txnId, in order, with the same body on every retry; the hs_token sent is always the
// registration's current one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { AppserviceStandin, type StandinMode } from '../../support/appservice-standin.ts';
import { validateResponse } from '../../support/openapi.ts';
import { eventually, registrationYaml } from './support.ts';

const FAULT_EVENTS = Number(process.env.AS_FAULT_EVENTS ?? 1_000);

describe('appservice delivery', () => {
  let te: TestEnv;
  let hub: TestHub;
  let dir: string;
  const alpha = new AppserviceStandin('hs-alpha');
  const beta = new AppserviceStandin('hs-beta');

  before(async () => {
    await alpha.start();
    await beta.start();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-delivery-'));
    await writeFile(join(dir, 'alpha.yaml'), registrationYaml({ id: 'alpha', url: alpha.url }));
    await writeFile(join(dir, 'beta.yaml'), registrationYaml({ id: 'beta', url: beta.url }));
    const cfg = join(dir, 'homeserver.yaml');
    await writeFile(
      cfg,
      [
        'rate_limits:',
        '  login: { per_second: 1000, burst: 1000 }',
        '  register: { per_second: 1000, burst: 1000 }',
        '  message: { per_second: 100000, burst: 100000 }',
        '  default: { per_second: 100000, burst: 100000 }',
        'appservices: { request_timeout_ms: 300, retry_base_ms: 50, retry_max_ms: 400 }',
        '',
      ].join('\n'),
    );
    te = await testEnv({ env: { APPSERVICES_DIR: join(dir), SWITCHYARD_CONFIG: cfg } });
    hub = await startTestHub(te);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
    await alpha.stop();
    await beta.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const send = (token: string, roomId: string, i: number) =>
    call(token, 'PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${i}-${Math.random()}`, { msgtype: 'm.text', body: `n${i}` });

  /** Message numbers of the events an appservice received (unique txns, first acceptance order). */
  const numbers = (s: AppserviceStandin, roomId: string) =>
    s
      .events()
      .filter((e) => e.room_id === roomId && e.type === 'm.room.message')
      .map((e) => Number(String((e.content as { body: string }).body).slice(1)));

  function assertExactlyOnceInOrder(s: AppserviceStandin, roomId: string, n: number): void {
    const got = numbers(s, roomId);
    assert.deepEqual(got, Array.from({ length: n }, (_, i) => i));
    // Same txnId, same body, every time it was sent.
    const bodies = new Map<string, string>();
    for (const t of s.accepted) {
      const b = JSON.stringify(t.body);
      if (bodies.has(t.txnId)) assert.equal(bodies.get(t.txnId), b, `txn ${t.txnId} changed between attempts`);
      bodies.set(t.txnId, b);
      assert.ok(t.body.events.length <= 100);
      const v = validateResponse('application-service', 'PUT', `/_matrix/app/v1/transactions/${t.txnId}`, 200, {});
      assert.ok(v.ok !== false || v, 'transaction path is a spec operation');
    }
    const ids = s.uniqueTxns().map((t) => Number(t.txnId));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'txnIds arrive in increasing order');
    assert.deepEqual(s.badTokens, []);
  }

  test('events in the namespaces are delivered in order, others are not', async () => {
    const { room_id } = (await call('as-alpha', 'POST', '/_matrix/client/v3/createRoom', {})) as { room_id: string };
    for (let i = 0; i < 5; i++) await send('as-alpha', room_id, i);
    await eventually(() => numbers(alpha, room_id).length === 5);
    assertExactlyOnceInOrder(alpha, room_id, 5);
    const types = alpha.events().filter((e) => e.room_id === room_id).map((e) => e.type);
    assert.equal(types[0], 'm.room.create');
    const { room_id: betaRoom } = (await call('as-beta', 'POST', '/_matrix/client/v3/createRoom', {})) as { room_id: string };
    await send('as-beta', betaRoom, 0);
    await eventually(() => numbers(beta, betaRoom).length === 1);
    assert.equal(beta.events().filter((e) => e.room_id === room_id).length, 0, 'beta got none of alpha’s room');
    assert.equal(alpha.events().filter((e) => e.room_id === betaRoom).length, 0, 'alpha got none of beta’s room');
  });

  for (const mode of ['refuse', 'error500', 'hang'] as StandinMode[]) {
    test(`while the appservice is down (${mode}) ${FAULT_EVENTS} events queue up and then arrive exactly once, in order`, { timeout: 120_000 }, async () => {
      const { room_id } = (await call('as-alpha', 'POST', '/_matrix/client/v3/createRoom', {})) as { room_id: string };
      await eventually(() => alpha.events().some((e) => e.room_id === room_id));
      await alpha.setMode(mode);
      for (let i = 0; i < FAULT_EVENTS; i++) await send('as-alpha', room_id, i);
      await new Promise((r) => setTimeout(r, 800)); // several failed attempts
      await alpha.setMode('ok');
      await eventually(() => numbers(alpha, room_id).length >= FAULT_EVENTS, 60_000);
      assertExactlyOnceInOrder(alpha, room_id, FAULT_EVENTS);
      // The backlog went out in full transactions, not one event at a time.
      const sizes = alpha.uniqueTxns().filter((t) => t.body.events.some((e) => e.room_id === room_id)).map((t) => t.body.events.length);
      assert.ok(sizes.filter((n) => n === 100).length >= Math.floor(FAULT_EVENTS / 100) - 3, `transaction sizes ${sizes.join(',')}`);
    });
  }

  test('a changed hs_token applies to queued transactions; a wrong one is never sent', async () => {
    const { room_id } = (await call('as-alpha', 'POST', '/_matrix/client/v3/createRoom', {})) as { room_id: string };
    await eventually(() => alpha.events().some((e) => e.room_id === room_id));
    await alpha.setMode('error500');
    await send('as-alpha', room_id, 0);
    await eventually(() => alpha.attempts > 0);
    alpha.hsToken = 'hs-alpha-2';
    await writeFile(join(dir, 'alpha.yaml'), registrationYaml({ id: 'alpha', url: alpha.url, hsToken: 'hs-alpha-2' }));
    const before = alpha.badTokens.length;
    await alpha.setMode('ok');
    await eventually(() => numbers(alpha, room_id).length === 1, 15_000);
    // Requests made with the old token between the edit and the reload are refused by the
    // stand-in, and after the reload only the new token is used.
    const after = alpha.badTokens.slice(before);
    assert.ok(after.every((t) => t === 'Bearer hs-alpha'), 'only the previous token, never anything else');
    const n = alpha.badTokens.length;
    await send('as-alpha', room_id, 1);
    await eventually(() => numbers(alpha, room_id).length === 2);
    assert.equal(alpha.badTokens.length, n);
  });

  test('ping: reaches the appservice with the hs_token, reports its errors, is refused for another appservice', async () => {
    const ping = (token: string, id: string) =>
      fetch(`${hub.url}/_matrix/client/v1/appservice/${id}/ping`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ transaction_id: 'p1' }),
      });
    await beta.setMode('ok');
    const ok = await ping('as-beta', 'beta');
    const okBody = (await ok.json()) as { duration_ms: number };
    assert.equal(ok.status, 200);
    assert.equal(typeof okBody.duration_ms, 'number');
    assert.deepEqual(beta.pings.at(-1), { transactionId: 'p1' });
    const other = await ping('as-alpha', 'beta');
    assert.equal(other.status, 403);
    await beta.setMode('error500');
    const bad = await ping('as-beta', 'beta');
    const badBody = (await bad.json()) as { errcode: string; status: number };
    assert.equal(bad.status, 502);
    assert.equal(badBody.errcode, 'M_BAD_STATUS');
    assert.equal(badBody.status, 500);
    await beta.setMode('refuse');
    const refused = await ping('as-beta', 'beta');
    assert.equal(((await refused.json()) as { errcode: string }).errcode, 'M_CONNECTION_FAILED');
    await beta.setMode('ok');
    assert.deepEqual(beta.badTokens, []);
  });

  test('ping: malformed JSON and wrong types are refused before anything is sent', async () => {
    await beta.setMode('ok');
    const before = beta.pings.length;
    const raw = (body: string) =>
      fetch(`${hub.url}/_matrix/client/v1/appservice/beta/ping`, {
        method: 'POST',
        headers: { authorization: 'Bearer as-beta', 'content-type': 'application/json' },
        body,
      });
    for (const [body, errcode] of [
      ['{"transaction_id": ', 'M_NOT_JSON'],
      ['not json at all', 'M_NOT_JSON'],
      ['{"transaction_id": 5}', 'M_BAD_JSON'],
      ['{"transaction_id": ["a"]}', 'M_BAD_JSON'],
      ['{"transaction_id": {"a": 1}}', 'M_BAD_JSON'],
      ['[]', 'M_BAD_JSON'],
      ['"a string"', 'M_BAD_JSON'],
    ] as const) {
      const res = await raw(body);
      const json = (await res.json()) as { errcode: string };
      assert.equal(res.status, 400, `${body}: ${JSON.stringify(json)}`);
      assert.equal(json.errcode, errcode, body);
    }
    assert.equal(beta.pings.length, before, 'a refused ping reached the appservice');
  });
});
