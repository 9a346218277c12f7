// Presence on a real database with a fake clock: states, status messages, sync-driven online and
// offline, the idle timeout, currently_active, the /sync view and the disabled mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalNotifier, type StreamUpdate } from '../../../core/notifier/notifier.ts';
import {
  IDLE_TIMEOUT_MS,
  LAST_ACTIVE_GRANULARITY_MS,
  PresenceService,
  PRESENCE_MIGRATIONS_DIR,
  SYNC_OFFLINE_TIMEOUT_MS,
} from '../../../core/presence/service.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import type { UserId } from '../../../core/spec/ids.ts';
import { runMigrations } from '../../../core/storage/migrate.ts';
import { testDatabase, type TestDatabase } from '../../support/database.ts';

const A = '@a:test.x';
const B = '@b:test.x';
const as = (userId: string): Requester => ({ userId: userId as UserId, deviceId: 'D', tokenId: null, appserviceId: null, isGuest: false });

describe('presence service', () => {
  let t: TestDatabase;
  let presence: PresenceService;
  const clock = { now: 1_700_000_000_000 };
  const updates: StreamUpdate[] = [];

  before(async () => {
    t = await testDatabase();
    await runMigrations(t.db, [{ feature: 'presence', dir: PRESENCE_MIGRATIONS_DIR }]);
    const notifier = new LocalNotifier();
    notifier.subscribe((u) => updates.push(u));
    presence = new PresenceService({ db: t.db, notifier, enabled: true, now: () => clock.now });
  });
  after(() => t.cleanup());

  test('a user never seen is offline; set and get with a status message', async () => {
    assert.deepEqual(await presence.getPresence(as(B), A), { presence: 'offline' });
    await presence.setPresence(as(A), A, 'online', 'in a meeting');
    assert.deepEqual(await presence.getPresence(as(B), A), { presence: 'online', last_active_ago: 0, status_msg: 'in a meeting', currently_active: true });
    assert.deepEqual(updates.at(-1), { stream: 'presence', position: 1, users: [A] });
    clock.now += 1_000;
    await presence.setPresence(as(A), A, 'unavailable', undefined);
    assert.deepEqual(await presence.getPresence(as(A), A), { presence: 'unavailable', last_active_ago: 1_000 });
  });

  test('refusals: other users, long status messages, bad user ids', async () => {
    await assert.rejects(presence.setPresence(as(B), A, 'online', undefined), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_FORBIDDEN');
    await assert.rejects(presence.setPresence(as(A), A, 'online', 'x'.repeat(2000)), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM');
    await assert.rejects(presence.getPresence(as(A), 'nobody'), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM');
  });

  test('sync marks an offline user online, set_presence=offline does not, and the sync view follows', async () => {
    const p0 = await presence.currentPosition();
    const done = await presence.syncStarted(B, undefined);
    assert.equal((await presence.getPresence(as(A), B)).presence, 'online');
    const p1 = await presence.currentPosition();
    assert.equal(p1, p0 + 1);
    const events = await presence.changesSince([A, B], p0, p1);
    assert.deepEqual(events, [{ type: 'm.presence', sender: B, content: { presence: 'online', last_active_ago: 0, currently_active: true } }]);
    assert.deepEqual(await presence.changesSince([A], p0, p1), [], 'only the users asked for');
    // A second sync of an online user changes nothing visible.
    const again = await presence.syncStarted(B, 'online');
    assert.equal(await presence.currentPosition(), p1);
    again();
    done();
    const quiet = await presence.syncStarted('@c:test.x', 'offline');
    quiet();
    assert.deepEqual(await presence.getPresence(as(A), '@c:test.x'), { presence: 'offline' });
    const away = await presence.syncStarted('@d:test.x', 'unavailable');
    away();
    assert.equal((await presence.getPresence(as(A), '@d:test.x')).presence, 'unavailable');
  });

  test('timeouts: currently_active ends, idle → unavailable, no sync → offline', async () => {
    const done = await presence.syncStarted(A, 'online');
    await presence.userActive(A);
    assert.equal((await presence.getPresence(as(B), A)).currently_active, true);
    // Keep A syncing (this process serves the long-poll), so only the activity timeouts apply.
    clock.now += LAST_ACTIVE_GRANULARITY_MS + 1;
    await presence.sweep();
    assert.deepEqual(await presence.getPresence(as(B), A), { presence: 'online', last_active_ago: LAST_ACTIVE_GRANULARITY_MS + 1, currently_active: false });
    clock.now += IDLE_TIMEOUT_MS;
    const before = await presence.currentPosition();
    await presence.sweep();
    assert.equal((await presence.getPresence(as(B), A)).presence, 'unavailable');
    assert.equal(await presence.currentPosition(), before + 1);
    // Activity brings the user back online.
    await presence.userActive(A);
    assert.equal((await presence.getPresence(as(B), A)).presence, 'online');
    // The sync ends; 30 s later the user is offline, not before.
    done();
    await new Promise((r) => setTimeout(r, 20)); // the end-of-sync touch is fire-and-forget
    clock.now += SYNC_OFFLINE_TIMEOUT_MS;
    await presence.sweep();
    assert.equal((await presence.getPresence(as(B), A)).presence, 'online');
    clock.now += 1;
    await presence.sweep();
    assert.equal((await presence.getPresence(as(B), A)).presence, 'offline');
  });

  test('a second sweeper (another process) writes each timeout once', async () => {
    const other = new PresenceService({ db: t.db, notifier: new LocalNotifier(), enabled: true, now: () => clock.now });
    await presence.setPresence(as(B), B, 'online', undefined);
    clock.now += SYNC_OFFLINE_TIMEOUT_MS + IDLE_TIMEOUT_MS;
    const before = await presence.currentPosition();
    await Promise.all([presence.sweep(), other.sweep()]);
    assert.equal((await presence.getPresence(as(A), B)).presence, 'offline');
    assert.equal(await presence.currentPosition(), before + 1);
  });

  test('positions survive a restart', async () => {
    const p = await presence.currentPosition();
    const db = await t.restart();
    presence = new PresenceService({ db, notifier: new LocalNotifier(), enabled: true, now: () => clock.now });
    assert.equal(await presence.currentPosition(), p);
    assert.deepEqual(await presence.getPresence(as(A), B), { presence: 'offline', last_active_ago: SYNC_OFFLINE_TIMEOUT_MS + IDLE_TIMEOUT_MS });
  });

  test('with a visibility rule, strangers get 403 and oneself always sees', async () => {
    const shared = new PresenceService({
      db: t.db,
      notifier: new LocalNotifier(),
      enabled: true,
      now: () => clock.now,
      visibility: { canSee: async (observer, observed) => observer === B && observed === A },
    });
    assert.equal((await shared.getPresence(as(B), A)).presence, 'offline');
    assert.equal((await shared.getPresence(as(A), A)).presence, 'offline');
    await assert.rejects(shared.getPresence(as('@c:test.x'), A), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_FORBIDDEN');
  });

  test('disabled: accepted and ignored, everyone offline, nothing for sync', async () => {
    const off = new PresenceService({ db: t.db, notifier: new LocalNotifier(), enabled: false, now: () => clock.now });
    const p = await off.currentPosition();
    await off.setPresence(as(A), A, 'online', 'hi');
    (await off.syncStarted(A, 'online'))();
    await off.userActive(A);
    assert.deepEqual(await off.getPresence(as(B), A), { presence: 'offline' });
    assert.equal(await off.currentPosition(), p);
    assert.deepEqual(await off.changesSince([A, B], 0, p), []);
  });
});
