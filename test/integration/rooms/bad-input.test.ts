// Bad input on the rooms endpoints gives the right Matrix error (never a 5xx): unknown rooms,
// bad event types and state keys, oversized and non-canonical content, bad ids, replays of a
// transaction id from another device.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { csCall, loginAccount, registerAccount, type Account } from '../../support/rooms-clients.ts';
import { validateResponse } from '../../support/openapi.ts';

describe('rooms: bad input', () => {
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let roomId = '';
  const call = async (method: string, path: string, body?: unknown, token: string | null = alice.accessToken) => {
    const r = await csCall(hub.url, token, method, path, body);
    assert.ok(r.status < 500, `${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    const v = validateResponse('client-server', method, `/_matrix/client/v3${path.split('?')[0]}`, r.status, r.json);
    assert.ok(v.ok, `${method} ${path}: ${v.ok ? '' : v.errors.join('; ')}`);
    return r;
  };
  const expectError = async (status: number, errcode: string, method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.errcode, errcode, `${method} ${path}`);
  };
  const room = () => encodeURIComponent(roomId);

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    alice = await registerAccount(hub.url, 'alice');
    roomId = (await call('POST', '/createRoom', { preset: 'public_chat' })).json.room_id as string;
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('unknown rooms: 404 for writes and joins, 403 for reads', async () => {
    const unknown = encodeURIComponent('!nowhere:test.local');
    await expectError(404, 'M_NOT_FOUND', 'PUT', `/rooms/${unknown}/send/m.room.message/1`, { body: 'x' });
    await expectError(404, 'M_NOT_FOUND', 'PUT', `/rooms/${unknown}/state/m.room.topic/`, { topic: 'x' });
    await expectError(404, 'M_NOT_FOUND', 'POST', `/rooms/${unknown}/join`, {});
    await expectError(404, 'M_NOT_FOUND', 'POST', `/join/${encodeURIComponent('#nope:test.local')}`, {});
    await expectError(404, 'M_NOT_FOUND', 'POST', `/rooms/${unknown}/invite`, { user_id: '@bob:test.local' });
    await expectError(403, 'M_FORBIDDEN', 'GET', `/rooms/${unknown}/state`);
    await expectError(403, 'M_FORBIDDEN', 'GET', `/rooms/${unknown}/members`);
    await expectError(404, 'M_NOT_FOUND', 'PUT', `/rooms/not-a-room-id/send/m.room.message/1`, { body: 'x' });
  });

  test('oversized events are 413 M_TOO_LARGE; floats in v12 content are M_BAD_JSON', async () => {
    await expectError(413, 'M_TOO_LARGE', 'PUT', `/rooms/${room()}/send/m.room.message/big`, { body: 'x'.repeat(70_000) });
    await expectError(413, 'M_TOO_LARGE', 'PUT', `/rooms/${room()}/send/${'t'.repeat(256)}/long-type`, { body: 'x' });
    await expectError(413, 'M_TOO_LARGE', 'PUT', `/rooms/${room()}/state/m.custom/${'k'.repeat(256)}`, { a: 1 });
    await expectError(400, 'M_BAD_JSON', 'PUT', `/rooms/${room()}/send/m.room.message/float`, { body: 'x', n: 1.5 });
    // Just under the limit is fine.
    const ok = await call('PUT', `/rooms/${room()}/send/m.room.message/fits`, { body: 'x'.repeat(60_000) });
    assert.equal(ok.status, 200);
  });

  test('wrong types in bodies are M_BAD_JSON; bad ids M_INVALID_PARAM', async () => {
    await expectError(400, 'M_BAD_JSON', 'POST', '/createRoom', { initial_state: [{ type: 'm.custom', state_key: 5, content: {} }] });
    await expectError(400, 'M_BAD_JSON', 'POST', '/createRoom', { invite: 'not-a-list' });
    await expectError(400, 'M_BAD_JSON', 'POST', '/createRoom', { preset: 'everyone_welcome' });
    await expectError(400, 'M_INVALID_PARAM', 'POST', '/createRoom', { invite: ['not a user'] });
    await expectError(400, 'M_INVALID_PARAM', 'POST', '/createRoom', { invite_3pid: [{ id_server: 'x', medium: 'email', address: 'a@b' }] });
    await expectError(400, 'M_INVALID_PARAM', 'POST', `/rooms/${room()}/invite`, { user_id: 'bob' });
    await expectError(400, 'M_MISSING_PARAM', 'POST', `/rooms/${room()}/invite`, { medium: 'email', address: 'a@b', id_server: 'x' });
    await expectError(400, 'M_INVALID_PARAM', 'PUT', `/directory/room/${encodeURIComponent('no-sigil')}`, { room_id: roomId });
    await expectError(400, 'M_INVALID_PARAM', 'GET', `/rooms/${room()}/members?at=bogus`);
    await expectError(400, 'M_INVALID_PARAM', 'GET', `/rooms/${room()}/members?membership=married`);
    await expectError(400, 'M_UNSUPPORTED_ROOM_VERSION', 'POST', `/rooms/${room()}/upgrade`, { new_version: '0' });
  });

  test('missing state is 404 M_NOT_FOUND; forget while joined is refused', async () => {
    await expectError(404, 'M_NOT_FOUND', 'GET', `/rooms/${room()}/state/m.room.name/`);
    await expectError(400, 'M_UNKNOWN', 'POST', `/rooms/${room()}/forget`, {});
  });

  test('a txn id replayed from another device is not the original event', async () => {
    const first = await call('PUT', `/rooms/${room()}/send/m.room.message/shared-txn`, { body: 'original' });
    const again = await call('PUT', `/rooms/${room()}/send/m.room.message/shared-txn`, { body: 'original' });
    assert.equal(again.json.event_id, first.json.event_id);
    const laptop = await loginAccount(hub.url, alice.userId);
    const other = await csCall(hub.url, laptop.accessToken, 'PUT', `/rooms/${room()}/send/m.room.message/shared-txn`, { body: 'forged' });
    assert.equal(other.status, 200);
    assert.notEqual(other.json.event_id, first.json.event_id);
  });
});
