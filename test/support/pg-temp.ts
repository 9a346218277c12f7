// A fresh PostgreSQL database per test file, with the given features' migrations applied, and
// dropped at the end. Needs PostgreSQL at 127.0.0.1:5432 (trust auth), or SWITCHYARD_TEST_PG_ADMIN.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../core/storage/db.ts';
import { createPgDb } from '../../core/storage/pg-db.ts';
import { runMigrations, type MigrationSource } from '../../core/storage/migrate.ts';

const ADMIN_URL = process.env.SWITCHYARD_TEST_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TempDb {
  db: Db;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTempDb(prefix: string, migrations: readonly MigrationSource[]): Promise<TempDb> {
  const name = `${prefix}_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = createPgDb({ connectionString: url.toString(), max: 4 });
  await runMigrations(db, migrations);
  return {
    db,
    name,
    async drop() {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
