// A rooms feature on a test database (embedded PGlite, or PostgreSQL with DATABASE_URL), without
// HTTP: for store-level tests of the write path. Also re-verifies persisted events with the
// kernel, as a receiving server would.
import assert from 'node:assert/strict';
import { testDatabase, type TestDatabase } from './database.ts';
import { runMigrations } from '../../core/storage/migrate.ts';
import { USERS_MIGRATIONS_DIR } from '../../core/users/users.ts';
import { createRooms, ROOMS_MIGRATIONS_DIR, type Rooms } from '../../core/rooms/rooms.ts';
import { generateSigningKey } from '../../core/events/server-keys.ts';
import type { SigningKey } from '../../core/events/signing.ts';
import { createLogger } from '../../core/observability/log.ts';
import { checkReceivedPdu } from '../../core/events/pdu-checks.ts';
import { authorizeReceivedPdu } from '../../core/events/auth-checks.ts';
import { normaliseEvent } from '../../core/events/normalise.ts';
import { roomVersion } from '../../core/events/room-versions.ts';
import type { EventView, StateKey } from '../../core/events/pdu.ts';
import { stateKey } from '../../core/events/pdu.ts';
import type { Requester } from '../../core/spec/endpoint.ts';
import type { UserId } from '../../core/spec/ids.ts';
import { LocalNotifier } from '../../core/notifier/notifier.ts';

export const SERVER = 'rooms.test';

export interface RoomsFixture {
  t: TestDatabase;
  key: SigningKey;
  rooms: Rooms;
  notifier: LocalNotifier;
  /** Another rooms feature on the same database: a second hub process. */
  second(): Rooms;
  close(): Promise<void>;
}

export async function roomsFixture(opts: { singleWriter?: boolean } = {}): Promise<RoomsFixture> {
  const t = await testDatabase();
  await runMigrations(t.db, [
    { feature: 'users', dir: USERS_MIGRATIONS_DIR },
    { feature: 'rooms', dir: ROOMS_MIGRATIONS_DIR },
  ]);
  const key = generateSigningKey();
  const notifier = new LocalNotifier();
  const make = (n?: LocalNotifier) =>
    createRooms({ db: t.db, log: createLogger('error'), signer: { serverName: SERVER, key }, defaultRoomVersion: '12', singleWriter: opts.singleWriter ?? false, ...(n ? { notifier: n } : {}) });
  const rooms = make(notifier);
  const extra: Rooms[] = [];
  return {
    t,
    key,
    rooms,
    notifier,
    second() {
      const r = make();
      extra.push(r);
      return r;
    },
    async close() {
      for (const r of [rooms, ...extra]) await r.close();
      await t.cleanup();
    },
  };
}

export const requester = (localpart: string, deviceId = 'DEV'): Requester => ({
  userId: `@${localpart}:${SERVER}` as UserId,
  deviceId,
  tokenId: `tok-${localpart}-${deviceId}`,
  appserviceId: null,
  isGuest: false,
});

/**
 * Every event of the room passes the receiving checks: format, signature, content hash, and the
 * auth rules against its auth events, the state before it and the current state.
 */
export async function assertRoomVerifies(f: RoomsFixture, roomId: string): Promise<number> {
  const r = await f.t.db.query<{ event_id: string; json: string; room_version: string }>(
    'SELECT e.event_id, e.json, r.room_version FROM events e JOIN rooms r USING (room_id) WHERE e.room_id = $1 ORDER BY e.stream_ordering',
    [roomId],
  );
  const byId = new Map<string, EventView>();
  for (const row of r.rows) {
    const version = roomVersion(row.room_version)!;
    const pdu = JSON.parse(row.json) as unknown;
    const checked = checkReceivedPdu(pdu, version, (server, keyId) => (server === SERVER && keyId === f.key.keyId ? f.key.publicKey : null));
    assert.ok(checked.ok, `${row.event_id}: ${checked.ok ? '' : checked.reason}`);
    assert.equal(checked.eventId, row.event_id, 'stored event id is the reference hash');
    assert.equal(checked.redacted, false, 'content hash matches');
    const view = normaliseEvent(pdu, version, row.event_id);
    byId.set(view.event_id, view);
    const before = await f.rooms.reads.stateAtEvent(row.event_id, 'before');
    const stateBefore = new Map<StateKey, EventView>();
    for (const s of before ?? []) stateBefore.set(stateKey(s.type, s.stateKey!), byId.get(s.eventId)!);
    const lookup = (type: string, key: string) => stateBefore.get(stateKey(type, key));
    const create = [...byId.values()].find((e) => e.type === 'm.room.create');
    const outcome = authorizeReceivedPdu(
      view,
      { authEvents: view.auth_events.map((id) => byId.get(id)!), stateBefore: lookup, currentState: lookup, ...(create ? { create } : {}) },
      version,
    );
    assert.equal(outcome.outcome, 'accepted', `${row.event_id} (${view.type}): ${'reason' in outcome ? outcome.reason : ''}`);
  }
  return r.rows.length;
}
