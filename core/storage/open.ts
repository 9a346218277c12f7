// Chooses the database backend from the config: PostgreSQL when database.url is set, otherwise
// the embedded PGlite in dataDir. Both give the same Db (pg over a socket), so stores, tests
// and migrations do not know which one they run on.
import pg from 'pg';
import type { Config } from '../config/schema.ts';
import type { Db } from './db.ts';
import { createPgDb } from './pg-db.ts';

export type DatabaseKind = 'postgres' | 'embedded';

export interface OpenDatabase {
  db: Db;
  kind: DatabaseKind;
  /** Closes the pool, then (embedded) shuts PGlite down. */
  close(): Promise<void>;
}

/** How long start-up waits for PostgreSQL to accept a connection before giving up. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * PostgreSQL could not be reached at start-up. Its message is written for the operator (where,
 * and the driver's reason) and is the whole story: the stack is left out on purpose.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
    this.stack = `${this.name}: ${message}`;
  }
}

export async function openDatabase(config: Pick<Config, 'database' | 'dataDir'>): Promise<OpenDatabase> {
  const url = config.database.url;
  if (url !== null) {
    await probe(url);
    const db = createPgDb({ connectionString: url, max: config.database.poolMax });
    return { db, kind: 'postgres', close: () => db.close() };
  }
  // Loaded only when used: PGlite's wasm module costs a PostgreSQL-backed hub ~40 MB for nothing.
  const { startEmbeddedPostgres } = await import('./embedded.ts');
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
  // idleTimeoutMillis 0: the one connection stays open instead of being torn down and rebuilt
  // every 10 s of idleness.
  const db = createPgDb({ connectionString: embedded.connectionString, max: embedded.poolMax, idleTimeoutMillis: 0 });
  return {
    db,
    kind: 'embedded',
    async close() {
      try {
        await db.close();
      } finally {
        await embedded.close();
      }
    },
  };
}

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    const reason = e instanceof Error ? describe(e) : String(e);
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${redact(url)} (database.url): ${reason}`);
  } finally {
    await client.end().catch(() => {});
  }
}

function describe(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  // AggregateError (every address of a host refused) carries no message of its own.
  const message = e.message || (e instanceof AggregateError ? e.errors.map((x: Error) => x.message).join('; ') : '');
  // Socket errno codes (ECONNREFUSED) help; SQLSTATEs (3D000) read worse than the message.
  return code && /^E[A-Z]+$/.test(code) && !message.includes(code) ? `${code} ${message}`.trim() : message;
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable database.url>';
  }
}
