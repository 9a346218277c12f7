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

/** Where the hub's migrations live, for runMigrations({ feature: 'appservices', dir }). */
export const APPSERVICES_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
