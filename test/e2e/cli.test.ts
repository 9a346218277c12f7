// The switchyard command: help on each subcommand, and one-line errors (no stack traces) for bad
// config and unknown commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const cli = (...args: string[]) =>
  exec(process.execPath, ['core/cli.js', ...args], { env: { ...process.env, DATABASE_URL: '', SWITCHYARD_CONFIG: '' } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

test('--help on the command and each subcommand', async () => {
  for (const args of [['--help'], ['start', '--help'], ['generate-config', '--help'], ['register-user', '--help']]) {
    const r = await cli(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /Usage: switchyard/);
  }
});

test('unknown commands and flags exit 2 with usage', async () => {
  const a = await cli('frobnicate');
  assert.equal(a.code, 2);
  assert.match(a.stderr, /Unknown command: frobnicate/);
  const b = await cli('start', '--no-such-flag');
  assert.equal(b.code, 2);
  assert.doesNotMatch(b.stderr, /at .*\.ts:\d+/);
});

test('a bad config stops start-up with the key named and no stack', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  const path = join(dir, 'bad.yaml');
  writeFileSync(path, 'listen:\n  port: "eighty"\n');
  const r = await cli('start', '--config', path);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /listen\.port: expected number, got string/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});

test('generate-config writes a loadable, documented file and refuses to overwrite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  const out = join(dir, 'homeserver.yaml');
  assert.equal((await cli('generate-config', '--server-name', 'example.org', '-o', out)).code, 0);
  assert.match(readFileSync(out, 'utf8'), /^server_name: example\.org$/m);
  assert.equal((await cli('generate-config', '-o', out)).code, 2);
});
