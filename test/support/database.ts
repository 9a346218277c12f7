// Isolated databases and Redis key spaces for tests, so concurrent test runs (and test files run
// in parallel by node --test) never see each other's data.
//
// - DATABASE_URL set: a fresh `switchyard_test_<random>` database on that server, dropped on
//   cleanup. Otherwise: a fresh embedded PGlite in a temp directory, deleted on cleanup.
// - REDIS_URL set: a random key prefix on that server, whose keys are deleted on cleanup.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { Db } from '../../core/storage/db.ts';
import { openDatabase, type DatabaseKind, type OpenDatabase } from '../../core/storage/open.ts';

export interface TestDatabase {
  kind: DatabaseKind;
  /** The currently open handle; replaced by restart(). */
  db: Db;
  /** What openDatabase() needs to reach this database (e.g. to open a second handle). */
  config: { database: { url: string | null; poolMax: number }; dataDir: string };
  /** Closes the database (embedded: shuts PGlite down) and opens it again: a process restart. */
  restart(): Promise<Db>;
  cleanup(): Promise<void>;
}

function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

export async function testDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-test-'));
  const fresh = serverUrl ? await freshPostgresDatabase(serverUrl) : null;
  const url = fresh?.url ?? null;
  const config = { database: { url, poolMax: 5 }, dataDir };
  let open: OpenDatabase | null = await openDatabase(config);
  const t: TestDatabase = {
    kind: open.kind,
    db: open.db,
    config,
    async restart() {
      await open?.close();
      open = null;
      open = await openDatabase(config);
      t.db = open.db;
      return open.db;
    },
    async cleanup() {
      await open?.close();
      open = null;
      await fresh?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A new, empty database on the PostgreSQL server at serverUrl; drop() removes it. */
export async function freshPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `switchyard_test_${randomSuffix()}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestRedis {
  url: string;
  /** Key prefix owned by this test (BullMQ `prefix`). */
  prefix: string;
  cleanup(): Promise<void>;
}

/** null when REDIS_URL is not set: the caller skips its Redis tests. */
export function testRedis(): TestRedis | null {
  const url = process.env.REDIS_URL;
  if (!url) return null;
  const prefix = `swtest-${randomSuffix()}`;
  return {
    url,
    prefix,
    async cleanup() {
      const redis = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
