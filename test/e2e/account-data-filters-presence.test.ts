// Account data, tags, filters and presence driven by matrix-js-sdk over real HTTP; every response
// is validated against the spec's OpenAPI schemas by specFetch. Typing, receipts and read markers
// are refused on this hub: it has no rooms (their own e2e test wires a membership port).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Method, type MatrixClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { SpecLog } from '../support/openapi.ts';
import { registerUser, rejectsWith, type TestUser } from '../support/matrix-clients.ts';

describe('account data, tags, filters and presence through matrix-js-sdk', () => {
  let te: TestEnv;
  let hub: TestHub;
  const log = new SpecLog();
  let a: TestUser;
  let b: TestUser;
  // Spec-checked clients for what the spec documents, raw ones for undocumented error statuses.
  let alice: MatrixClient;
  let bob: MatrixClient;
  let aliceRaw: MatrixClient;
  let bobRaw: MatrixClient;
  const ROOM = '!somewhere:test.local';

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    a = await registerUser(hub.url, 'alice', log);
    b = await registerUser(hub.url, 'bob', log);
    [alice, aliceRaw, bob, bobRaw] = [a.checked, a.raw, b.checked, b.raw];
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('global account data: put, get, replace, unknown type 404', async () => {
    assert.equal(await alice.getAccountDataFromServer('org.example.settings' as never), null);
    await alice.setAccountDataRaw('org.example.settings' as never, { theme: 'dark' } as never);
    assert.deepEqual(await alice.getAccountDataFromServer('org.example.settings' as never), { theme: 'dark' });
    await alice.setAccountDataRaw('org.example.settings' as never, { theme: 'light', n: [1, 2] } as never);
    assert.deepEqual(await alice.getAccountDataFromServer('org.example.settings' as never), { theme: 'light', n: [1, 2] });
    // Private: bob has none of alice's data, and may not read hers.
    assert.equal(await bob.getAccountDataFromServer('org.example.settings' as never), null);
    const path = `/user/${encodeURIComponent(alice.getUserId()!)}/account_data/org.example.settings`;
    await rejectsWith(bobRaw.http.authedRequest(Method.Get, path), 403, 'M_FORBIDDEN');
    await rejectsWith(bobRaw.http.authedRequest(Method.Put, path, undefined, { x: 1 }), 403, 'M_FORBIDDEN');
  });

  test('server-managed types are refused with 405 M_BAD_JSON', async () => {
    await rejectsWith(aliceRaw.setAccountDataRaw('m.push_rules' as never, {} as never), 405, 'M_BAD_JSON');
    await rejectsWith(aliceRaw.setAccountDataRaw('m.fully_read' as never, { event_id: '$x' } as never), 405, 'M_BAD_JSON');
    await rejectsWith(aliceRaw.setRoomAccountData(ROOM, 'm.fully_read' as never, { event_id: '$x' } as never), 405, 'M_BAD_JSON');
  });

  test('room account data: put and get; bad room ids are M_INVALID_PARAM', async () => {
    await alice.setRoomAccountData(ROOM, 'org.example.room' as never, { pinned: true } as never);
    const path = (room: string) => `/user/${encodeURIComponent(alice.getUserId()!)}/rooms/${encodeURIComponent(room)}/account_data/org.example.room`;
    assert.deepEqual(await alice.http.authedRequest(Method.Get, path(ROOM)), { pinned: true });
    await rejectsWith(aliceRaw.http.authedRequest(Method.Get, path('!other:test.local')), 404, 'M_NOT_FOUND');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Get, path('not-a-room')), 400, 'M_INVALID_PARAM');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Put, path('not-a-room'), undefined, {}), 400, 'M_INVALID_PARAM');
  });

  test('tags: set, list, delete', async () => {
    assert.deepEqual(await alice.getRoomTags(ROOM), { tags: {} });
    await alice.setRoomTag(ROOM, 'm.favourite', { order: 0.25 });
    await alice.setRoomTag(ROOM, 'u.work', {});
    assert.deepEqual(await alice.getRoomTags(ROOM), { tags: { 'm.favourite': { order: 0.25 }, 'u.work': {} } });
    await alice.deleteRoomTag(ROOM, 'u.work');
    assert.deepEqual(await alice.getRoomTags(ROOM), { tags: { 'm.favourite': { order: 0.25 } } });
    await alice.deleteRoomTag(ROOM, 'u.never');
    const other = `/user/${encodeURIComponent(alice.getUserId()!)}/rooms/${encodeURIComponent(ROOM)}/tags`;
    await rejectsWith(bobRaw.http.authedRequest(Method.Get, other), 403, 'M_FORBIDDEN');
    await rejectsWith(bobRaw.http.authedRequest(Method.Put, `${other}/u.x`, undefined, {}), 403, 'M_FORBIDDEN');
    await rejectsWith(aliceRaw.setRoomTag(ROOM, 'u.x', { order: 'first' } as never), 400, 'M_BAD_JSON');
  });

  test('filters: create, get (also uncached), others forbidden, unknown 404, invalid 400', async () => {
    const definition = { room: { timeline: { limit: 20, types: ['m.room.message'] }, state: { lazy_load_members: true } }, presence: { not_types: ['*'] } };
    const f = await alice.createFilter(definition);
    assert.equal(typeof f.filterId, 'string');
    const fetched = await alice.getFilter(alice.getUserId()!, f.filterId!, false);
    assert.deepEqual(fetched.getDefinition(), definition);
    await rejectsWith(bobRaw.getFilter(alice.getUserId()!, f.filterId!, false), 403, 'M_FORBIDDEN');
    await rejectsWith(aliceRaw.getFilter(alice.getUserId()!, '4242', false), 404, 'M_NOT_FOUND');
    await rejectsWith(aliceRaw.createFilter({ room: { timeline: { limit: 0 } } }), 400, 'M_BAD_JSON');
    await rejectsWith(aliceRaw.createFilter({ room: { rooms: 'not-a-list' } } as never), 400, 'M_BAD_JSON');
    const path = `/user/${encodeURIComponent(alice.getUserId()!)}/filter`;
    await rejectsWith(bobRaw.http.authedRequest(Method.Post, path, undefined, {}), 403, 'M_FORBIDDEN');
  });

  test('presence: set, get from another user, status message, other users forbidden', async () => {
    assert.equal((await bob.getPresence(alice.getUserId()!)).presence, 'offline');
    await alice.setPresence({ presence: 'online', status_msg: 'coding' });
    const seen = await bob.getPresence(alice.getUserId()!);
    assert.equal(seen.presence, 'online');
    assert.equal(seen.status_msg, 'coding');
    assert.equal(seen.currently_active, true);
    assert.equal(typeof seen.last_active_ago, 'number');
    await alice.setPresence({ presence: 'unavailable' });
    assert.equal((await bob.getPresence(alice.getUserId()!)).presence, 'unavailable');
    const path = `/presence/${encodeURIComponent(alice.getUserId()!)}/status`;
    await rejectsWith(bobRaw.http.authedRequest(Method.Put, path, undefined, { presence: 'offline' }), 403, 'M_FORBIDDEN');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Put, path, undefined, { presence: 'busy' }), 400, 'M_BAD_JSON');
    await rejectsWith(aliceRaw.http.authedRequest(Method.Put, path, undefined, { status_msg: 'no state' }), 400, 'M_MISSING_PARAM');
  });

  test('typing and receipts are refused in rooms the user is not joined to', async () => {
    await rejectsWith(aliceRaw.sendTyping(ROOM, true, 10_000), 403, 'M_FORBIDDEN');
    await rejectsWith(aliceRaw.setRoomReadMarkersHttpRequest(ROOM, '$event'), 403, 'M_FORBIDDEN');
    const receipt = `/rooms/${encodeURIComponent(ROOM)}/receipt/m.read/${encodeURIComponent('$event')}`;
    await rejectsWith(aliceRaw.http.authedRequest(Method.Post, receipt, undefined, {}), 403, 'M_FORBIDDEN');
  });

  test('every spec-checked response matched the spec, and every operation was exercised', () => {
    log.assertClean();
    log.assertExercised(
      [
        'GET /_matrix/client/v3/user/{userId}/account_data/{type}',
        'PUT /_matrix/client/v3/user/{userId}/account_data/{type}',
        'GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}',
        'PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}',
        'GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags',
        'PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}',
        'DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}',
        'POST /_matrix/client/v3/user/{userId}/filter',
        'GET /_matrix/client/v3/user/{userId}/filter/{filterId}',
        'GET /_matrix/client/v3/presence/{userId}/status',
        'PUT /_matrix/client/v3/presence/{userId}/status',
      ],
      { successOnly: true },
    );
  });
});
