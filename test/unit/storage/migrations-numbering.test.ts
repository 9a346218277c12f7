// Every feature's migrations are numbered once each: the runner refuses a folder with two files
// of one number (the second would never run), and the repository's own folders pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../../../core/storage/migrate.ts';
import type { Db } from '../../../core/storage/db.ts';

const fakeDb: Db = {
  query: async () => ({ rows: [], rowCount: 0 }),
  tx: async (fn) => fn({ query: async () => ({ rows: [], rowCount: 0 }) }),
  close: async () => {},
};

test('two migrations with one number are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mig-'));
  writeFileSync(join(dir, '001-a.sql'), 'SELECT 1');
  writeFileSync(join(dir, '002-b.sql'), 'SELECT 1');
  writeFileSync(join(dir, '002-c.sql'), 'SELECT 1');
  await assert.rejects(runMigrations(fakeDb, [{ feature: 'x', dir }]), /two migrations numbered 002/);
});

test("the repository's migration folders number each file once", () => {
  const folders = ['core', 'appservices'].flatMap((root) =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name === 'migrations')
      .map((d) => join(d.parentPath, d.name)),
  );
  assert.ok(folders.length >= 5);
  for (const f of folders) {
    const numbers = readdirSync(f).filter((n) => n.endsWith('.sql')).map((n) => n.slice(0, 3));
    assert.equal(new Set(numbers).size, numbers.length, f);
  }
});
