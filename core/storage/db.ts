// The database handle every store uses. Whatever the backend (PostgreSQL or the embedded PGlite
// served over a socket), stores see only this: parameterised queries and transactions.

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * A named prepared statement: parsed and planned once per connection, then executed by name.
 * The name must be unique per text. If its first run fails, `pg` forgets it was prepared while
 * the server keeps it, so a caller that can fail on a first run must move to a new name.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string | PreparedStatement, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The database's name: with the server name it identifies which hubs share one database. */
export async function databaseName(db: Queryable): Promise<string> {
  return (await db.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
}
