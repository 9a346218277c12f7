// Bad input on the account data, tags, filter, presence, typing, receipt and read marker
// endpoints over raw HTTP: malformed JSON, wrong types, other users' data, oversize content.
// Each gets its Matrix error, never a 5xx. Rooms come from a TestRooms membership port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../core/config/load.ts';
import { startHub, type Hub } from '../../../core/main.ts';
import { MAX_ACCOUNT_DATA_BYTES } from '../../../core/account-data/service.ts';
import { testEnv, type TestEnv } from '../../support/hub.ts';
import { TestRooms } from '../../support/room-membership.ts';

const V3 = '/_matrix/client/v3';
const ROOM = '!room:test.local';
const enc = encodeURIComponent;

describe('bad input on the ephemeral and per-user endpoints', () => {
  const rooms = new TestRooms().addEvent(ROOM, '$ev', 1);
  let te: TestEnv;
  let hub: Hub;
  const users: Record<string, { id: string; token: string }> = {};

  async function call(method: string, path: string, body: string | undefined, token: string) {
    const res = await fetch(hub.url + V3 + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    const text = await res.text();
    assert.ok(res.status < 500, `${method} ${path} → ${res.status} ${text}`);
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
  }

  async function expect(method: string, path: string, body: unknown, status: number, errcodes: string[], who = 'alice') {
    const raw = typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body);
    const r = await call(method, path, raw, users[who]!.token);
    assert.equal(r.status, status, `${method} ${path} ${String(raw).slice(0, 80)} → ${JSON.stringify(r.json)}`);
    assert.ok(errcodes.includes(r.json.errcode as string), `${method} ${path}: ${JSON.stringify(r.json)}`);
  }

  before(async () => {
    te = await testEnv();
    hub = await startHub(loadConfig({ env: te.env, path: te.env.SWITCHYARD_CONFIG }), undefined, { roomMembership: rooms });
    for (const name of ['alice', 'bob']) {
      const first = await fetch(`${hub.url}${V3}/register`, { method: 'POST', body: JSON.stringify({ username: name, password: 'a long enough password' }) });
      const { session } = (await first.json()) as { session: string };
      const reg = await fetch(`${hub.url}${V3}/register`, {
        method: 'POST',
        body: JSON.stringify({ username: name, password: 'a long enough password', auth: { type: 'm.login.dummy', session } }),
      });
      const j = (await reg.json()) as { user_id: string; access_token: string };
      users[name] = { id: j.user_id, token: j.access_token };
      rooms.join(j.user_id, ROOM);
    }
  });
  after(async () => {
    await hub?.close();
    await te?.cleanup();
  });

  const paths = () => {
    const me = enc(users.alice!.id);
    return {
      global: `/user/${me}/account_data/org.example.x`,
      room: `/user/${me}/rooms/${enc(ROOM)}/account_data/org.example.x`,
      tag: `/user/${me}/rooms/${enc(ROOM)}/tags/u.work`,
      tags: `/user/${me}/rooms/${enc(ROOM)}/tags`,
      filter: `/user/${me}/filter`,
      presence: `/presence/${me}/status`,
      typing: `/rooms/${enc(ROOM)}/typing/${me}`,
      receipt: `/rooms/${enc(ROOM)}/receipt/m.read/${enc('$ev')}`,
      markers: `/rooms/${enc(ROOM)}/read_markers`,
    };
  };

  test('malformed JSON and non-object bodies', async () => {
    const p = paths();
    for (const [method, path] of [
      ['PUT', p.global],
      ['PUT', p.room],
      ['PUT', p.tag],
      ['POST', p.filter],
      ['PUT', p.presence],
      ['PUT', p.typing],
      ['POST', p.receipt],
      ['POST', p.markers],
    ] as const) {
      await expect(method, path, '{"oops": ', 400, ['M_NOT_JSON']);
      await expect(method, path, '"a string"', 400, ['M_BAD_JSON']);
      await expect(method, path, 'null', 400, ['M_BAD_JSON']);
    }
  });

  test('wrong field types', async () => {
    const p = paths();
    await expect('PUT', p.tag, { order: [1] }, 400, ['M_BAD_JSON']);
    await expect('POST', p.filter, { room: { timeline: { limit: 'ten' } } }, 400, ['M_BAD_JSON']);
    await expect('POST', p.filter, { event_fields: 'type' }, 400, ['M_BAD_JSON']);
    await expect('POST', p.filter, { presence: { senders: [42] } }, 400, ['M_BAD_JSON']);
    await expect('PUT', p.presence, { presence: 7 }, 400, ['M_BAD_JSON']);
    await expect('PUT', p.presence, { presence: 'online', status_msg: { text: 'x' } }, 400, ['M_BAD_JSON']);
    await expect('PUT', p.typing, { typing: 1 }, 400, ['M_BAD_JSON']);
    await expect('PUT', p.typing, { typing: true, timeout: '30000' }, 400, ['M_BAD_JSON']);
    await expect('POST', p.receipt, { thread_id: ['main'] }, 400, ['M_INVALID_PARAM']);
    await expect('POST', p.markers, { 'm.read': { event_id: '$ev' } }, 400, ['M_BAD_JSON']);
    await expect('POST', p.markers, { 'm.read': 'not-an-event' }, 400, ['M_INVALID_PARAM']);
    await expect('POST', `/rooms/${enc(ROOM)}/receipt/m.read/not-an-event`, {}, 400, ['M_INVALID_PARAM']);
    await expect('PUT', `/rooms/not-a-room/typing/${enc(users.alice!.id)}`, { typing: true }, 400, ['M_INVALID_PARAM']);
    await expect('GET', `/presence/not-a-user/status`, undefined, 400, ['M_INVALID_PARAM']);
    await expect('GET', `/user/${enc(users.alice!.id)}/filter/not-a-number`, undefined, 404, ['M_NOT_FOUND']);
  });

  test("other users' data is forbidden", async () => {
    const p = paths();
    for (const [method, path, body] of [
      ['GET', p.global, undefined],
      ['PUT', p.global, {}],
      ['GET', p.room, undefined],
      ['PUT', p.room, {}],
      ['GET', p.tags, undefined],
      ['PUT', p.tag, {}],
      ['DELETE', p.tag, undefined],
      ['POST', p.filter, {}],
      ['GET', `${p.filter}/0`, undefined],
      ['PUT', p.presence, { presence: 'online' }],
      ['PUT', p.typing, { typing: true }],
    ] as const) {
      await expect(method, path, body, 403, ['M_FORBIDDEN'], 'bob');
    }
  });

  test('oversize account data and tags are M_TOO_LARGE; the data is unchanged', async () => {
    const p = paths();
    const big = { pad: 'x'.repeat(MAX_ACCOUNT_DATA_BYTES) };
    await expect('PUT', p.global, big, 413, ['M_TOO_LARGE']);
    await expect('PUT', p.room, big, 413, ['M_TOO_LARGE']);
    await expect('PUT', p.tag, big, 413, ['M_TOO_LARGE']);
    await expect('GET', p.global, undefined, 404, ['M_NOT_FOUND']);
    await expect('PUT', `/user/${enc(users.alice!.id)}/account_data/${'t'.repeat(300)}`, {}, 400, ['M_INVALID_PARAM']);
  });

  test('the hub still serves', async () => {
    const r = await call('PUT', paths().global, JSON.stringify({ ok: true }), users.alice!.token);
    assert.equal(r.status, 200);
  });
});
