import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableNetworks, importBridgeModule, moduleSpecifier, parseBridgeHeader } from '../../../../appservices/bridge-host/bridge-module.ts';

test('the header: network and module, with errors naming the file and key', () => {
  assert.deepEqual(parseBridgeHeader('network: irc\nother: 1\n', 'a.yaml'), { network: 'irc', module: null });
  assert.deepEqual(parseBridgeHeader('network: echo\nmodule: ./x.ts\n', 'a.yaml'), { network: 'echo', module: './x.ts' });
  const cases: [string, RegExp][] = [
    ['other: 1\n', /a\.yaml: network: must be a bridge name/],
    ['network: ../../etc\n', /a\.yaml: network: must be a bridge name/],
    ['network: IRC\n', /network: must be a bridge name/],
    ['network: irc\nmodule: 3\n', /a\.yaml: module: must be a path or a package name/],
    ['- a list\n', /a\.yaml: the file must hold a YAML mapping/],
    ['', /a\.yaml: not valid YAML: .*empty/],
    ['network: [unclosed\n', /a\.yaml: not valid YAML/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseBridgeHeader(text, 'a.yaml'), re, text);
});

test('built-in networks are bridges/<network>/index.ts; unknown ones list what exists', () => {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-bridge-root-'));
  for (const n of ['irc', 'kit', 'discord']) mkdirSync(join(root, 'bridges', n), { recursive: true });
  writeFileSync(join(root, 'bridges', 'irc', 'index.ts'), '');
  writeFileSync(join(root, 'bridges', 'kit', 'index.ts'), '');
  assert.deepEqual(availableNetworks(root), ['irc']);
  assert.equal(moduleSpecifier({ network: 'irc', module: null }, '/c/irc.yaml', root), pathToFileURL(join(root, 'bridges/irc/index.ts')).href);
  assert.throws(() => moduleSpecifier({ network: 'discord', module: null }, '/c/d.yaml', root), /\/c\/d\.yaml: network: unknown network "discord" \(available: irc;/);
  // module: paths are relative to the config file's folder; anything else is a package name.
  assert.equal(moduleSpecifier({ network: 'x', module: './b/x.ts' }, '/etc/bridges/x.yaml', root), 'file:///etc/bridges/b/x.ts');
  assert.equal(moduleSpecifier({ network: 'x', module: '/opt/x.ts' }, '/etc/bridges/x.yaml', root), 'file:///opt/x.ts');
  assert.equal(moduleSpecifier({ network: 'x', module: '@acme/bridge-x' }, '/etc/bridges/x.yaml', root), '@acme/bridge-x');
});

test('importing checks the export and the network', async () => {
  const fixtures = resolve('test/fixtures/bridges');
  const cfg = join(fixtures, 'x.yaml');
  const echo = await importBridgeModule({ network: 'echo', module: './echo/index.ts' }, cfg);
  assert.equal(echo.network, 'echo');
  await assert.rejects(importBridgeModule({ network: 'broken', module: './echo/index.ts' }, cfg), /x\.yaml: network: "broken" does not match the module's network "echo"/);
  await assert.rejects(importBridgeModule({ network: 'x', module: './throws-on-import.ts' }, cfg), /x\.yaml: module: cannot load \.\/throws-on-import\.ts: this module cannot be loaded/);
  await assert.rejects(importBridgeModule({ network: 'x', module: 'node:path' }, cfg), /x\.yaml: module: node:path does not export `bridge`/);
  await assert.rejects(importBridgeModule({ network: 'x', module: 'no-such-package-here' }, cfg), /module: cannot load no-such-package-here/);
});
