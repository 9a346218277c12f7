// A Db over a `pg` pool. Used for both backends: the embedded PGlite is served over a socket, so
// the same driver and SQL run against it.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Db, PreparedStatement, Queryable, QueryResult } from './db.ts';

// BIGINT columns (stream positions, timestamps) come back as numbers: they stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PgDbOptions {
  connectionString: string;
  max: number;
  /** How long an idle connection stays open; 0 = forever. pg's default (10 s) when omitted. */
  idleTimeoutMillis?: number;
}

/**
 * Thrown when code inside `tx(fn)` calls `db.query` or `db.tx` instead of the Queryable it was
 * given. That statement would run outside the transaction, and with the embedded database (one
 * connection) it would wait for the connection `fn` itself holds: a deadlock. Refusing it on
 * every backend keeps code that passes on PostgreSQL correct on PGlite.
 */
export class NestedTransactionError extends Error {
  constructor(method: string) {
    super(`db.${method}() called inside db.tx(): use the Queryable passed to the transaction callback`);
    this.name = 'NestedTransactionError';
  }
}

export function createPgDb(opts: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max,
    ...(opts.idleTimeoutMillis === undefined ? {} : { idleTimeoutMillis: opts.idleTimeoutMillis }),
  });
  // An idle client's error (the server went away) must not crash the process; the next query
  // gets a fresh connection or a clear error.
  pool.on('error', () => {});
  // The store is a flag object closed when the transaction ends, so work that fn started but did
  // not await (and that outlives the transaction) may still use db.query.
  const inTx = new AsyncLocalStorage<{ open: boolean }>();
  const query = async <R>(sql: string | PreparedStatement, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    if (inTx.getStore()?.open) throw new NestedTransactionError('query');
    const r = typeof sql === 'string' ? await pool.query(sql, params as unknown[] | undefined) : await pool.query({ ...sql, values: params as unknown[] | undefined });
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };
  return {
    query,
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      if (inTx.getStore()?.open) throw new NestedTransactionError('tx');
      const client = await pool.connect();
      const q: Queryable = {
        async query<R>(sql: string | PreparedStatement, params?: readonly unknown[]) {
          const r = typeof sql === 'string' ? await client.query(sql, params as unknown[] | undefined) : await client.query({ ...sql, values: params as unknown[] | undefined });
          return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
        },
      };
      const scope = { open: true };
      try {
        await client.query('BEGIN');
        const result = await inTx.run(scope, () => fn(q));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        scope.open = false;
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
