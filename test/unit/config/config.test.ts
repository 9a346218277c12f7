import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../../../core/config/load.ts';
import { renderExampleConfig } from '../../../core/config/example.ts';
import { DEFAULTS } from '../../../core/config/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('the committed example config is what the code generates', () => {
  assert.equal(readFileSync('config/homeserver.example.yaml', 'utf8'), renderExampleConfig());
});

test('the example config loads back to the defaults', () => {
  const c = loadConfig({ path: file('example.yaml', renderExampleConfig()), env: {} });
  assert.equal(c.serverName, DEFAULTS.serverName);
  assert.deepEqual(c.rateLimits, DEFAULTS.rateLimits);
  assert.equal(c.registration.mode, 'disabled');
});

test('environment variables override the file', () => {
  const p = file('a.yaml', 'server_name: file.example\nlisten:\n  port: 9000\n');
  const c = loadConfig({ path: p, env: { SERVER_NAME: 'env.example', LISTEN_PORT: '0', DATABASE_URL: 'postgres://x@h/db', REDIS_URL: 'redis://h:6379' } });
  assert.equal(c.serverName, 'env.example');
  assert.equal(c.listen.port, 0);
  assert.equal(c.database.url, 'postgres://x@h/db');
  assert.equal(c.redisUrl, 'redis://h:6379');
  assert.equal(c.publicBaseurl, 'http://127.0.0.1:0');
});

test('errors name the bad key', () => {
  const cases: [string, RegExp][] = [
    ['listen:\n  port: "eighty"\n', /listen\.port: expected number, got string/],
    ['no_such_option: 1\n', /no_such_option: unknown option/],
    ['registration:\n  mode: sometimes\n', /registration\.mode: must be one of/],
    ['rate_limits:\n  login:\n    burst: [1]\n', /rate_limits\.login\.burst: expected number, got array/],
    ['admins: [1, 2]\n', /admins: must be a list of strings/],
    ['server_name: "bad name!"\n', /server_name: not a valid server name/],
    ['- just\n- a list\n', /must hold a YAML mapping/],
    ['key: [unclosed\n', /yaml\.yaml/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => loadConfig({ path: file('yaml.yaml', text), env: {} }), (e: unknown) => e instanceof ConfigError && re.test(e.message), text);
  }
});

test('nullable options accept null and their type', () => {
  const c = loadConfig({ path: file('n.yaml', 'database:\n  url: null\nwell_known:\n  server: "matrix.example:443"\n  client:\n    m.identity_server: { base_url: "https://id.example" }\n'), env: {} });
  assert.equal(c.database.url, null);
  assert.equal(c.wellKnown.server, 'matrix.example:443');
  assert.deepEqual(c.wellKnown.client, { 'm.identity_server': { base_url: 'https://id.example' } });
});

test('bridges: defaults, file values and BRIDGES_DIR', () => {
  const d = loadConfig({ path: file('b0.yaml', 'data_dir: /srv/sy\n'), env: {} });
  assert.deepEqual(d.bridges, { dir: 'config/bridges', inProcess: false, dataDir: '/srv/sy/bridges' });
  const p = file('b.yaml', 'bridges:\n  dir: /etc/bridges\n  in_process: true\n  data_dir: /var/lib/bridges\n');
  assert.deepEqual(loadConfig({ path: p, env: {} }).bridges, { dir: '/etc/bridges', inProcess: true, dataDir: '/var/lib/bridges' });
  assert.equal(loadConfig({ path: p, env: { BRIDGES_DIR: '/env/bridges' } }).bridges.dir, '/env/bridges');
  assert.throws(() => loadConfig({ path: file('b2.yaml', 'bridges:\n  in_process: "yes"\n'), env: {} }), /bridges\.in_process: expected boolean, got string/);
});
