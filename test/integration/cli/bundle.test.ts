// The esbuild bundle (core/cli/bundle.ts) must run the same server as the sources: migrations
// found beside their source files, lazy chunks (embedded PGlite or BullMQ) still loadable, and
// its manifest listing the sources core/cli.js checks for freshness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../../../core/cli/bundle.ts';
import { testEnv } from '../../support/hub.ts';

const OUT = fileURLToPath(new URL(`../../../node_modules/.cache/switchyard-bundle-test-${process.pid}`, import.meta.url));

test('the bundled server migrates its database and serves clients', async (t) => {
  t.after(() => rm(OUT, { recursive: true, force: true }));
  await buildBundle(OUT);
  const manifest = JSON.parse(await readFile(`${OUT}/manifest.json`, 'utf8')) as { path: string }[];
  const paths = manifest.map((m) => m.path);
  assert.ok(paths.includes('core/main.ts') && paths.includes('node_modules/.package-lock.json'), 'manifest lists sources and the install');
  assert.ok(!paths.some((p) => p.startsWith('node_modules/') && p.endsWith('.js')), 'dependencies are covered by the lock file');

  const te = await testEnv();
  t.after(() => te.cleanup());
  const child = spawn(process.execPath, [`${OUT}/commands.js`, 'start'], { env: { ...process.env, ...te.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const j = JSON.parse(line) as { msg?: string; url?: string };
      if (j.msg === 'listening' && j.url) resolve(j.url);
    });
    child.once('exit', (code) => reject(new Error(`bundled hub exited with ${code}:\n${stderr}`)));
  });

  const versions = await fetch(`${url}/_matrix/client/versions`);
  assert.equal(versions.status, 200);
  // Registration writes to the users feature's tables: the migrations ran from the bundle.
  const reg = await fetch(`${url}/_matrix/client/v3/register`, { method: 'POST', body: JSON.stringify({ username: 'bundled', password: 'a long enough password', auth: { type: 'm.login.dummy' } }) });
  const body = (await reg.json()) as { user_id?: string };
  assert.equal(reg.status, 200, JSON.stringify(body));
  assert.equal(body.user_id, '@bundled:test.local');
});
