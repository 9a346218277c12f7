// No Docker engine runs here, so the compose file is checked as data: it parses, references
// resolve, and the hub container runs the same command and environment the tests exercise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}
const file = load(readFileSync('compose/docker-compose.yml', 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

test('every service has an image or a build, and dependencies wait on health checks that exist', () => {
  for (const [name, s] of Object.entries(file.services)) {
    assert.ok(s.image || s.build, `${name} has neither image nor build`);
    for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
      assert.ok(file.services[dep], `${name} depends on unknown ${dep}`);
      if (cond.condition === 'service_healthy') assert.ok(file.services[dep]!.healthcheck, `${dep} has no health check`);
    }
  }
});

test('named volumes are declared and the build context and Dockerfile exist', () => {
  for (const [name, s] of Object.entries(file.services)) {
    for (const v of s.volumes ?? []) {
      const source = v.split(':')[0]!;
      if (!source.startsWith('.') && !source.startsWith('/')) assert.ok(source in file.volumes, `${name}: volume ${source} not declared`);
    }
    // The Dockerfile path is relative to the build context, which is relative to compose/.
    if (s.build) assert.ok(existsSync(join('compose', s.build.context, s.build.dockerfile)), `${name}: Dockerfile missing`);
  }
});

test('the hub is configured through the environment variables core/config reads', () => {
  const hub = file.services.hub!;
  const known = readFileSync('core/config/load.ts', 'utf8');
  for (const key of Object.keys(hub.environment ?? {})) assert.match(known, new RegExp(`\\b${key}:`), `${key} is not read by core/config`);
  const dockerfile = readFileSync('compose/Dockerfile', 'utf8');
  assert.match(dockerfile, /CMD \["node", "core\/cli\.js", "start"\]/);
  assert.ok(existsSync('core/cli.js'));
});

test('the IRC bridge runs standalone, shares the registration folder, waits for the hub, and is health-checked', () => {
  const hub = file.services.hub!;
  const irc = file.services.irc!;
  assert.ok(irc, 'an irc service');
  const dockerfile = readFileSync(join('compose', irc.build!.context, irc.build!.dockerfile), 'utf8');
  assert.match(dockerfile, /^FROM node:24/m, 'on the same Node as the hub image');
  const cmd = ['node', 'core/cli.js', 'bridge', 'run', '--config', '/data/bridges/irc.yaml'];
  assert.match(dockerfile, new RegExp(`CMD ${JSON.stringify(cmd).replace(/[[\]]/g, '\\$&').replace(/,/g, ', ')}`));
  assert.deepEqual(irc.command, cmd);

  // The bridge config is mounted where the command reads it.
  const mounts = new Map((irc.volumes ?? []).map((v) => [v.split(':')[1]!, v.split(':')[0]!]));
  assert.equal(mounts.get('/data/bridges/irc.yaml'), '../config/bridges/irc.yaml');
  // The registration folder is the hub's APPSERVICES_DIR (the image sets it): same source, and
  // the bridge's own APPSERVICES_DIR (for `bridge add` inside the container) points at it.
  const hubDockerfile = readFileSync('compose/Dockerfile', 'utf8');
  const hubDir = /APPSERVICES_DIR=(\S+)/.exec(hubDockerfile)![1]!;
  const hubSource = (hub.volumes ?? []).find((v) => v.split(':')[1] === hubDir)?.split(':')[0];
  assert.ok(hubSource, `the hub mounts its APPSERVICES_DIR ${hubDir}`);
  assert.equal(mounts.get(irc.environment!.APPSERVICES_DIR!), hubSource);
  const known = readFileSync('core/config/load.ts', 'utf8');
  for (const key of Object.keys(irc.environment ?? {})) assert.match(known, new RegExp(`\\b${key}:`), `${key} is not read by core/config`);
  assert.equal(irc.environment!.PUBLIC_BASEURL, 'http://hub:8008');

  assert.deepEqual(irc.depends_on, { hub: { condition: 'service_healthy' } });
  assert.ok(hub.healthcheck, 'the hub has a health check to wait on');
  const health = irc.healthcheck!.test.join(' ');
  assert.match(health, /http:\/\/127\.0\.0\.1:29300\/health/);
  assert.match(dockerfile, /EXPOSE 29300/);
  assert.ok(existsSync('config/bridges/README.md'), 'the folder bridge configs are mounted from');
});
