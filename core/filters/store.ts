// All SQL of the filters feature.
import type { Db } from '../storage/db.ts';

/** First key of the two-key advisory lock that serialises id allocation per user ("FILT"). */
const USER_LOCK_CLASS = 0x4649_4c54;

export class FiltersStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores the filter and returns its id; an identical filter of the same user keeps its id. */
  async add(userId: string, filter: object): Promise<number> {
    const json = JSON.stringify(filter);
    return this.#db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [USER_LOCK_CLASS, userId]);
      const same = await q.query<{ filter_id: string }>(
        'SELECT filter_id FROM user_filters WHERE user_id = $1 AND filter_json = $2::jsonb LIMIT 1',
        [userId, json],
      );
      if (same.rows[0]) return Number(same.rows[0].filter_id);
      const r = await q.query<{ filter_id: string }>(
        `INSERT INTO user_filters (user_id, filter_id, filter_json)
         SELECT $1, COALESCE(MAX(filter_id) + 1, 0), $2::jsonb FROM user_filters WHERE user_id = $1
         RETURNING filter_id`,
        [userId, json],
      );
      return Number(r.rows[0]!.filter_id);
    });
  }

  async get(userId: string, filterId: number): Promise<unknown> {
    const r = await this.#db.query<{ filter_json: unknown }>('SELECT filter_json FROM user_filters WHERE user_id = $1 AND filter_id = $2', [
      userId,
      filterId,
    ]);
    return r.rows[0]?.filter_json;
  }
}
