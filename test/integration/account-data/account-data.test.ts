// Account data and tags at the service level on a real database: the /sync view (changesSince),
// stream positions, limits and refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountDataService, ACCOUNT_DATA_MIGRATIONS_DIR, MAX_ACCOUNT_DATA_BYTES } from '../../../core/account-data/service.ts';
import { LocalNotifier, type StreamUpdate } from '../../../core/notifier/notifier.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import type { UserId } from '../../../core/spec/ids.ts';
import { runMigrations } from '../../../core/storage/migrate.ts';
import { testDatabase, type TestDatabase } from '../../support/database.ts';

const A = '@a:test.x';
const B = '@b:test.x';
const ROOM = '!room:test.x';
const as = (userId: string): Requester => ({ userId: userId as UserId, deviceId: 'D', tokenId: null, appserviceId: null, isGuest: false });

async function rejects(p: Promise<unknown>, errcode: string, status?: number) {
  await assert.rejects(p, (e: unknown) => e instanceof MatrixError && e.errcode === errcode && (status === undefined || e.status === status), errcode);
}

describe('account data service', () => {
  let t: TestDatabase;
  let ad: AccountDataService;
  const updates: StreamUpdate[] = [];

  before(async () => {
    t = await testDatabase();
    await runMigrations(t.db, [{ feature: 'account_data', dir: ACCOUNT_DATA_MIGRATIONS_DIR }]);
    const notifier = new LocalNotifier();
    notifier.subscribe((u) => updates.push(u));
    ad = new AccountDataService({ db: t.db, notifier });
  });
  after(() => t.cleanup());

  test('changesSince gives global and room entries written in the range, latest content only', async () => {
    assert.equal(await ad.currentPosition(), 0);
    await ad.setGlobal(as(A), A, 'org.example.a', { v: 1 });
    await ad.setRoom(as(A), A, ROOM, 'org.example.r', { v: 1 });
    await ad.setGlobal(as(B), B, 'org.example.a', { other: true });
    const p3 = await ad.currentPosition();
    assert.equal(p3, 3);
    assert.deepEqual(updates.at(-1), { stream: 'account_data', position: 3, users: [B] });
    assert.deepEqual(updates.at(-2), { stream: 'account_data', position: 2, users: [A], rooms: [ROOM] });
    await ad.setGlobal(as(A), A, 'org.example.a', { v: 2 });
    assert.deepEqual(await ad.changesSince(A, 0, await ad.currentPosition()), {
      global: [{ type: 'org.example.a', content: { v: 2 } }],
      rooms: { [ROOM]: [{ type: 'org.example.r', content: { v: 1 } }] },
    });
    assert.deepEqual(await ad.changesSince(A, p3, p3), { global: [], rooms: {} }, 'upto bounds the range');
    assert.deepEqual(await ad.changesSince(A, p3, 4), { global: [{ type: 'org.example.a', content: { v: 2 } }], rooms: {} });
  });

  test('tags are the room m.tag entry; put, replace and delete', async () => {
    await ad.setTag(as(A), A, ROOM, 'm.favourite', { order: 0.5 });
    await ad.setTag(as(A), A, ROOM, 'u.work', {});
    await ad.setTag(as(A), A, ROOM, 'm.favourite', { order: 0.1 });
    assert.deepEqual(await ad.getTags(as(A), A, ROOM), { 'm.favourite': { order: 0.1 }, 'u.work': {} });
    assert.deepEqual(await ad.getRoom(as(A), A, ROOM, 'm.tag'), { tags: { 'm.favourite': { order: 0.1 }, 'u.work': {} } });
    const p = await ad.currentPosition();
    await ad.deleteTag(as(A), A, ROOM, 'u.work');
    await ad.deleteTag(as(A), A, ROOM, 'u.never-set');
    assert.equal(await ad.currentPosition(), p + 1, 'deleting an absent tag writes nothing');
    const changes = await ad.changesSince(A, p, p + 1);
    assert.deepEqual(changes.rooms[ROOM], [{ type: 'm.tag', content: { tags: { 'm.favourite': { order: 0.1 } } } }]);
    assert.deepEqual(await ad.getTags(as(A), A, '!untagged:test.x'), {});
  });

  test('refusals: other users, server-managed types (405 M_BAD_JSON), oversize, unknown, bad ids', async () => {
    await rejects(ad.setGlobal(as(B), A, 'x.y', {}), 'M_FORBIDDEN');
    await rejects(ad.getGlobal(as(B), A, 'org.example.a'), 'M_FORBIDDEN');
    await rejects(ad.getRoom(as(B), A, ROOM, 'org.example.r'), 'M_FORBIDDEN');
    await rejects(ad.setTag(as(B), A, ROOM, 'u.x', {}), 'M_FORBIDDEN');
    await rejects(ad.getTags(as(B), A, ROOM), 'M_FORBIDDEN');
    for (const type of ['m.fully_read', 'm.push_rules']) {
      await rejects(ad.setGlobal(as(A), A, type, {}), 'M_BAD_JSON', 405);
      await rejects(ad.setRoom(as(A), A, ROOM, type, { event_id: '$x' }), 'M_BAD_JSON', 405);
    }
    await rejects(ad.setGlobal(as(A), A, 'x.big', { pad: 'x'.repeat(MAX_ACCOUNT_DATA_BYTES) }), 'M_TOO_LARGE');
    await rejects(ad.setGlobal(as(A), A, 'x'.repeat(256), {}), 'M_INVALID_PARAM');
    await rejects(ad.getGlobal(as(A), A, 'org.example.unknown'), 'M_NOT_FOUND');
    await rejects(ad.getRoom(as(A), A, ROOM, 'org.example.a'), 'M_NOT_FOUND', 404);
    await rejects(ad.setRoom(as(A), A, 'not-a-room', 'x.y', {}), 'M_INVALID_PARAM');
    await rejects(ad.setTag(as(A), A, ROOM, 'x'.repeat(256), {}), 'M_INVALID_PARAM');
    await rejects(ad.setTag(as(A), A, ROOM, 'u.x', { order: 'first' }), 'M_BAD_JSON');
  });

  test('server-managed types are written by features and readable by clients', async () => {
    await ad.set(A, ROOM, 'm.fully_read', { event_id: '$e' });
    await ad.set(A, null, 'm.push_rules', { global: {} });
    assert.deepEqual(await ad.getRoom(as(A), A, ROOM, 'm.fully_read'), { event_id: '$e' });
    assert.deepEqual(await ad.getGlobal(as(A), A, 'm.push_rules'), { global: {} });
  });

  test('concurrent writes take distinct gap-free positions and survive a restart', async () => {
    const p = await ad.currentPosition();
    await Promise.all(Array.from({ length: 10 }, (_, i) => ad.setGlobal(as(A), A, `x.c${i}`, { i })));
    assert.equal(await ad.currentPosition(), p + 10);
    const db = await t.restart();
    ad = new AccountDataService({ db, notifier: new LocalNotifier() });
    assert.equal(await ad.currentPosition(), p + 10);
    assert.equal((await ad.changesSince(A, p, p + 10)).global.length, 10);
  });
});
