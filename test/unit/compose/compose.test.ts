// No Docker engine runs here, so the compose file is checked as data: it parses, references
// resolve, and the hub container runs the same command and environment the tests exercise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
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
    if (s.build) assert.ok(existsSync(`compose/${s.build.dockerfile.replace(/^compose\//, '')}`), `${name}: Dockerfile missing`);
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
