import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, DatabaseUnavailableError, redact } from '../../../core/storage/open.ts';

test('an unreachable PostgreSQL gives a one-line operator error without the password', async () => {
  const url = 'postgres://switchyard:hunter2@127.0.0.1:1/switchyard';
  await assert.rejects(openDatabase({ database: { url, poolMax: 2 }, dataDir: '/nonexistent' }), (e: unknown) => {
    assert.ok(e instanceof DatabaseUnavailableError);
    assert.match(e.message, /cannot reach PostgreSQL at postgres:\/\/switchyard:\*\*\*@127\.0\.0\.1:1\/switchyard/);
    assert.match(e.message, /ECONNREFUSED/);
    assert.doesNotMatch(e.message, /hunter2/);
    assert.equal(e.stack, `DatabaseUnavailableError: ${e.message}`);
    return true;
  });
});

test('redact hides only the password', () => {
  assert.equal(redact('postgres://u:p@h:5/d?x=1'), 'postgres://u:***@h:5/d?x=1');
  assert.equal(redact('postgres://u@h/d'), 'postgres://u@h/d');
});

test('openDatabase picks the backend from database.url', { skip: !process.env.DATABASE_URL && 'DATABASE_URL not set' }, async () => {
  const opened = await openDatabase({ database: { url: process.env.DATABASE_URL!, poolMax: 2 }, dataDir: '/nonexistent' });
  try {
    assert.equal(opened.kind, 'postgres');
    assert.deepEqual((await opened.db.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  } finally {
    await opened.close();
  }
});
