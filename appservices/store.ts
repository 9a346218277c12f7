// All SQL of the appservice hub's registry (DESIGN §4.6): registrations posted through the admin
// API and the paused flag. Puppets are users rows (users.appservice_id), read through the users
// feature's api.ts, not here.
import type { Db } from '../core/storage/db.ts';

export interface StoredRegistration {
  id: string;
  registration: Record<string, unknown>;
  createdTs: number;
}

export class AppservicesStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async listRegistrations(): Promise<StoredRegistration[]> {
    const r = await this.#db.query<{ id: string; registration: Record<string, unknown>; created_ts: string }>(
      'SELECT id, registration, created_ts FROM appservice_registrations ORDER BY id',
    );
    return r.rows.map((x) => ({ id: x.id, registration: x.registration, createdTs: Number(x.created_ts) }));
  }

  /** false when a registration with this id is already stored. */
  async insertRegistration(id: string, registration: Record<string, unknown>, now: number): Promise<boolean> {
    const r = await this.#db.query(
      'INSERT INTO appservice_registrations (id, registration, created_ts) VALUES ($1, $2::jsonb, $3) ON CONFLICT (id) DO NOTHING',
      [id, JSON.stringify(registration), now],
    );
    return r.rowCount === 1;
  }

  async deleteRegistration(id: string): Promise<boolean> {
    const r = await this.#db.query('DELETE FROM appservice_registrations WHERE id = $1', [id]);
    return r.rowCount === 1;
  }

  async pausedIds(): Promise<Set<string>> {
    const r = await this.#db.query<{ id: string }>('SELECT id FROM appservice_state WHERE paused');
    return new Set(r.rows.map((x) => x.id));
  }

  async setPaused(id: string, paused: boolean, now: number): Promise<void> {
    await this.#db.query(
      `INSERT INTO appservice_state (id, paused, updated_ts) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET paused = EXCLUDED.paused, updated_ts = EXCLUDED.updated_ts`,
      [id, paused, now],
    );
  }
}

/** One room an appservice lists in a network's directory. */
export interface AppserviceRoomListEntry {
  appserviceId: string;
  networkId: string;
  roomId: string;
}

/** All SQL of appservice room lists (appservices/query/room-lists.ts). */
export class AppserviceRoomListStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async publish(e: AppserviceRoomListEntry, now: number): Promise<void> {
    await this.#db.query(
      `INSERT INTO appservice_room_lists (appservice_id, network_id, room_id, updated_ts) VALUES ($1, $2, $3, $4)
       ON CONFLICT (appservice_id, network_id, room_id) DO UPDATE SET updated_ts = EXCLUDED.updated_ts`,
      [e.appserviceId, e.networkId, e.roomId, now],
    );
  }

  async unpublish(e: AppserviceRoomListEntry): Promise<void> {
    await this.#db.query('DELETE FROM appservice_room_lists WHERE appservice_id = $1 AND network_id = $2 AND room_id = $3', [
      e.appserviceId,
      e.networkId,
      e.roomId,
    ]);
  }

  /** Rows of one network (both given) or of every network (neither), oldest first. */
  async list(filter: { appserviceId: string; networkId: string } | null): Promise<AppserviceRoomListEntry[]> {
    const r = filter
      ? await this.#db.query<{ appservice_id: string; network_id: string; room_id: string }>(
          'SELECT appservice_id, network_id, room_id FROM appservice_room_lists WHERE appservice_id = $1 AND network_id = $2 ORDER BY updated_ts, room_id',
          [filter.appserviceId, filter.networkId],
        )
      : await this.#db.query<{ appservice_id: string; network_id: string; room_id: string }>(
          'SELECT appservice_id, network_id, room_id FROM appservice_room_lists ORDER BY updated_ts, room_id',
        );
    return r.rows.map((x) => ({ appserviceId: x.appservice_id, networkId: x.network_id, roomId: x.room_id }));
  }
}

/** Where the hub's migrations live, for runMigrations({ feature: 'appservices', dir }). */
export const APPSERVICES_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
