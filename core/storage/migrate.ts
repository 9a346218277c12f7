// Forward-only migrations (DESIGN §4.6). Each feature keeps numbered SQL files in its own
// `migrations/` folder (`001-accounts.sql`, ...). core/main.ts lists the features in dependency
// order; everything runs in one transaction under an advisory lock, so several hub processes
// starting together apply each migration exactly once and a failed start leaves no half schema.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.ts';

export interface MigrationSource {
  feature: string;
  dir: string;
}

const MIGRATION_FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;
const LOCK_KEY = 0x5357_4954; // "SWIT": any constant shared by all hub processes

export async function runMigrations(db: Db, sources: readonly MigrationSource[]): Promise<string[]> {
  const applied: string[] = [];
  await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await q.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      feature TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (feature, version))`);
    const done = await q.query<{ feature: string; version: number }>('SELECT feature, version FROM schema_migrations');
    const seen = new Set(done.rows.map((r) => `${r.feature}/${r.version}`));
    for (const { feature, dir } of sources) {
      const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
      const versions = files.map((f) => f.slice(0, 3));
      const twice = versions.find((v, i) => versions.indexOf(v) !== i);
      // Two files with one number would leave the second silently unapplied.
      if (twice !== undefined) throw new Error(`${feature} has two migrations numbered ${twice} in ${dir}`);
      for (const file of files) {
        const version = Number(MIGRATION_FILE.exec(file)![1]);
        if (seen.has(`${feature}/${version}`)) continue;
        await q.query(await readFile(join(dir, file), 'utf8'));
        await q.query('INSERT INTO schema_migrations (feature, version, name) VALUES ($1, $2, $3)', [feature, version, file]);
        applied.push(`${feature}/${file}`);
      }
    }
  });
  return applied;
}
