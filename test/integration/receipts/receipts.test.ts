// Receipts and read markers on a real database (embedded by default, PostgreSQL with
// DATABASE_URL), with the room membership port played by TestRooms.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountDataService, ACCOUNT_DATA_MIGRATIONS_DIR } from '../../../core/account-data/service.ts';
import { LocalNotifier, type StreamUpdate } from '../../../core/notifier/notifier.ts';
import { ReceiptsService, RECEIPTS_MIGRATIONS_DIR } from '../../../core/receipts/service.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import type { UserId } from '../../../core/spec/ids.ts';
import { runMigrations } from '../../../core/storage/migrate.ts';
import { testDatabase, type TestDatabase } from '../../support/database.ts';
import { TestRooms } from '../../support/room-membership.ts';

const ROOM = '!room:test.x';
const as = (userId: string): Requester => ({ userId: userId as UserId, deviceId: 'D', tokenId: null, appserviceId: null, isGuest: false });
const A = '@a:test.x';
const B = '@b:test.x';

async function rejects(p: Promise<unknown>, errcode: string) {
  await assert.rejects(p, (e: unknown) => e instanceof MatrixError && e.errcode === errcode, errcode);
}

describe('receipts and read markers', () => {
  let t: TestDatabase;
  let receipts: ReceiptsService;
  let accountData: AccountDataService;
  const rooms = new TestRooms().join(A, ROOM).join(B, ROOM);
  for (let i = 1; i <= 9; i++) rooms.addEvent(ROOM, `$e${i}`, i * 10);
  const updates: StreamUpdate[] = [];
  let clock = 1_700_000_000_000;

  before(async () => {
    t = await testDatabase();
    await runMigrations(t.db, [
      { feature: 'account_data', dir: ACCOUNT_DATA_MIGRATIONS_DIR },
      { feature: 'receipts', dir: RECEIPTS_MIGRATIONS_DIR },
    ]);
    const notifier = new LocalNotifier();
    notifier.subscribe((u) => updates.push(u));
    accountData = new AccountDataService({ db: t.db, notifier });
    receipts = new ReceiptsService({ db: t.db, notifier, membership: rooms, accountData, now: () => clock });
  });
  after(() => t.cleanup());

  test('m.read is seen by everyone in m.receipt, with ts; positions are gap-free', async () => {
    const p0 = await receipts.currentPosition();
    await receipts.postReceipt(as(A), ROOM, 'm.read', '$e1', {});
    assert.equal(await receipts.currentPosition(), p0 + 1);
    assert.deepEqual(updates.at(-1), { stream: 'receipts', position: p0 + 1, rooms: [ROOM], users: [A] });
    for (const viewer of [A, B]) {
      assert.deepEqual(await receipts.receiptsSince(viewer, [ROOM], p0, p0 + 1), [
        { roomId: ROOM, event: { type: 'm.receipt', content: { $e1: { 'm.read': { [A]: { ts: clock } } } } } },
      ]);
    }
    assert.deepEqual(await receipts.receiptsSince(A, ['!elsewhere:test.x'], 0, p0 + 1), []);
    assert.deepEqual(await receipts.receiptsSince(A, [ROOM], p0 + 1, p0 + 1), []);
  });

  test('m.read.private is shown to its owner only', async () => {
    const p0 = await receipts.currentPosition();
    await receipts.postReceipt(as(B), ROOM, 'm.read.private', '$e2', {});
    const mine = await receipts.receiptsSince(B, [ROOM], p0, p0 + 1);
    assert.deepEqual(mine[0]!.event.content, { $e2: { 'm.read.private': { [B]: { ts: clock } } } });
    assert.deepEqual(await receipts.receiptsSince(A, [ROOM], p0, p0 + 1), []);
  });

  test('receipts never move backwards; later ones replace', async () => {
    await receipts.postReceipt(as(A), ROOM, 'm.read', '$e5', {});
    const p = await receipts.currentPosition();
    await receipts.postReceipt(as(A), ROOM, 'm.read', '$e3', {});
    await receipts.postReceipt(as(A), ROOM, 'm.read', '$e5', {});
    assert.equal(await receipts.currentPosition(), p, 'older or equal receipts are accepted and ignored');
    clock += 1000;
    await receipts.postReceipt(as(A), ROOM, 'm.read', '$e6', {});
    const all = await receipts.receiptsSince(A, [ROOM], 0, await receipts.currentPosition());
    const reads = Object.entries(all[0]!.event.content).filter(([, v]) => v['m.read']?.[A]);
    assert.deepEqual(reads.map(([id]) => id), ['$e6'], 'one unthreaded m.read per user');
  });

  test('threaded receipts are separate from unthreaded ones and from each other', async () => {
    const p0 = await receipts.currentPosition();
    await receipts.postReceipt(as(B), ROOM, 'm.read', '$e4', { thread_id: 'main' });
    await receipts.postReceipt(as(B), ROOM, 'm.read', '$e7', { thread_id: '$e1' });
    await receipts.postReceipt(as(B), ROOM, 'm.read', '$e3', {});
    const content = (await receipts.receiptsSince(A, [ROOM], p0, p0 + 3))[0]!.event.content;
    assert.deepEqual(content, {
      $e4: { 'm.read': { [B]: { ts: clock, thread_id: 'main' } } },
      $e7: { 'm.read': { [B]: { ts: clock, thread_id: '$e1' } } },
      $e3: { 'm.read': { [B]: { ts: clock } } },
    });
    // An older receipt in the main thread is still older there.
    await receipts.postReceipt(as(B), ROOM, 'm.read', '$e2', { thread_id: 'main' });
    assert.equal(await receipts.currentPosition(), p0 + 3);
  });

  test('bad receipts: type, thread_id, unknown event, not joined, bad ids', async () => {
    await rejects(receipts.postReceipt(as(A), ROOM, 'm.unread', '$e1', {}), 'M_INVALID_PARAM');
    await rejects(receipts.postReceipt(as(A), ROOM, 'm.read', '$e1', { thread_id: '' }), 'M_INVALID_PARAM');
    await rejects(receipts.postReceipt(as(A), ROOM, 'm.read', '$e1', { thread_id: 7 }), 'M_INVALID_PARAM');
    await rejects(receipts.postReceipt(as(A), ROOM, 'm.read', '$e1', { thread_id: 'not-an-event' }), 'M_INVALID_PARAM');
    await rejects(receipts.postReceipt(as(A), ROOM, 'm.fully_read', '$e1', { thread_id: 'main' }), 'M_INVALID_PARAM');
    await rejects(receipts.postReceipt(as(A), ROOM, 'm.read', '$nope', {}), 'M_NOT_FOUND');
    await rejects(receipts.postReceipt(as(A), ROOM, 'm.read', 'no-dollar', {}), 'M_INVALID_PARAM');
    await rejects(receipts.postReceipt(as('@c:test.x'), ROOM, 'm.read', '$e1', {}), 'M_FORBIDDEN');
    await rejects(receipts.postReceipt(as(A), 'not-a-room', 'm.read', '$e1', {}), 'M_INVALID_PARAM');
  });

  test('read markers: m.fully_read goes to room account data, forward only; m.read and m.read.private are receipts', async () => {
    const ad0 = await accountData.currentPosition();
    const r0 = await receipts.currentPosition();
    await receipts.setReadMarkers(as(A), ROOM, { fullyRead: '$e7', read: '$e8', readPrivate: '$e9' });
    assert.deepEqual(await accountData.get(A, ROOM, 'm.fully_read'), { event_id: '$e7' });
    const ad = await accountData.changesSince(A, ad0, await accountData.currentPosition());
    assert.deepEqual(ad.rooms[ROOM], [{ type: 'm.fully_read', content: { event_id: '$e7' } }]);
    assert.equal(await receipts.currentPosition(), r0 + 2);
    const mine = (await receipts.receiptsSince(A, [ROOM], r0, r0 + 2))[0]!.event.content;
    assert.deepEqual(Object.keys(mine).sort(), ['$e8', '$e9']);
    assert.deepEqual((await receipts.receiptsSince(B, [ROOM], r0, r0 + 2))[0]!.event.content, { $e8: { 'm.read': { [A]: { ts: clock } } } });
    // Backwards: ignored. Through /receipt with m.fully_read: same marker.
    await receipts.setReadMarkers(as(A), ROOM, { fullyRead: '$e2' });
    assert.deepEqual(await accountData.get(A, ROOM, 'm.fully_read'), { event_id: '$e7' });
    await receipts.postReceipt(as(A), ROOM, 'm.fully_read', '$e9', {});
    assert.deepEqual(await accountData.get(A, ROOM, 'm.fully_read'), { event_id: '$e9' });
    assert.equal(updates.at(-1)!.stream, 'account_data');
  });

  test('read markers are checked before anything is written', async () => {
    const r0 = await receipts.currentPosition();
    await rejects(receipts.setReadMarkers(as(B), ROOM, { read: '$e9', fullyRead: '$unknown' }), 'M_NOT_FOUND');
    assert.equal(await receipts.currentPosition(), r0);
    await rejects(receipts.setReadMarkers(as('@c:test.x'), ROOM, { read: '$e9' }), 'M_FORBIDDEN');
    await receipts.setReadMarkers(as(B), ROOM, {});
    assert.equal(await receipts.currentPosition(), r0);
  });

  test('positions survive a restart and concurrent writers get distinct, gap-free ids', async () => {
    const before = await receipts.currentPosition();
    const users = Array.from({ length: 8 }, (_, i) => `@u${i}:test.x`);
    users.forEach((u) => rooms.join(u, ROOM));
    await Promise.all(users.map((u) => receipts.postReceipt(as(u), ROOM, 'm.read', '$e9', {})));
    assert.equal(await receipts.currentPosition(), before + users.length);
    const db = await t.restart();
    const again = new ReceiptsService({ db, notifier: new LocalNotifier(), membership: rooms, accountData: new AccountDataService({ db, notifier: new LocalNotifier() }) });
    assert.equal(await again.currentPosition(), before + users.length);
    const changed = await again.receiptsSince(A, [ROOM], before, before + users.length);
    assert.deepEqual(Object.keys(changed[0]!.event.content.$e9!['m.read']!).sort(), [...users].sort());
    receipts = again;
  });
});
