// A Db over a `pg` pool. Used for both backends: the embedded PGlite is served over a socket, so
// the same driver and SQL run against it.
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.ts';

// BIGINT columns (stream positions, timestamps) come back as numbers: they stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PgDbOptions {
  connectionString: string;
  max: number;
}

export function createPgDb(opts: PgDbOptions): Db {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max });
  // An idle client's error (the server went away) must not crash the process; the next query
  // gets a fresh connection or a clear error.
  pool.on('error', () => {});
  const query = async <R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const r = await pool.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };
  return {
    query,
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const q: Queryable = {
        async query<R>(sql: string, params?: readonly unknown[]) {
          const r = await client.query(sql, params as unknown[] | undefined);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
        },
      };
      try {
        await client.query('BEGIN');
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
