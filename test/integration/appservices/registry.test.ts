// The registry on a real folder and a real PostgreSQL database: hot reload of added, changed and
// removed files (fs.watch and the rescan fallback), refused bad files and collisions that leave
// the others working, stored registrations merged with folder ones, pause state, change events.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppserviceRegistry, type AppserviceChange } from '../../../appservices/registry/registry.ts';
import { AppservicesStore, APPSERVICES_MIGRATIONS_DIR } from '../../../appservices/store.ts';
import { createAppserviceAdmin } from '../../../appservices/registry/admin.ts';
import { PuppetRegistry } from '../../../appservices/puppets/registry.ts';
import { createLogger } from '../../../core/observability/log.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import { createTempDb, type TempDb } from '../../support/pg-temp.ts';
import { registrationYaml, eventually } from './support.ts';

describe('appservice registry', () => {
  let temp: TempDb;
  let dir: string;
  let registry: AppserviceRegistry;
  let store: AppservicesStore;
  let changes: string[];
  let logs: { level: string; msg: string; error?: string }[];

  before(async () => {
    temp = await createTempDb('asreg', [{ feature: 'appservices', dir: APPSERVICES_MIGRATIONS_DIR }]);
    store = new AppservicesStore(temp.db);
  });
  after(() => temp.drop());

  beforeEach(async () => {
    await temp.db.query('DELETE FROM appservice_registrations');
    await temp.db.query('DELETE FROM appservice_state');
    dir = await mkdtemp(join(tmpdir(), 'switchyard-as-'));
    logs = [];
    const log = createLogger('debug', {}, (line) => logs.push(JSON.parse(line) as { level: string; msg: string }));
    registry = new AppserviceRegistry({ dir, serverName: 'example.org', store, log, rescanIntervalMs: 300 });
    changes = [];
    registry.subscribe((c: AppserviceChange) => void changes.push(`${c.type}:${c.appservice.id}`));
    await registry.start();
  });
  afterEach(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a file dropped in is loaded, a changed token applies, a removed file unloads', async () => {
    await writeFile(join(dir, 'discord.yaml'), registrationYaml({ id: 'discord', asToken: 'as-1' }));
    await eventually(() => registry.byToken('as-1')?.id === 'discord');
    assert.deepEqual(changes, ['added:discord']);
    assert.equal(registry.entries()[0]!.state, 'loaded');

    await writeFile(join(dir, 'discord.yaml'), registrationYaml({ id: 'discord', asToken: 'as-2' }));
    await eventually(() => registry.byToken('as-2') !== null);
    assert.equal(registry.byToken('as-1'), null, 'the old token stops working');
    assert.deepEqual(changes, ['added:discord', 'updated:discord']);

    await unlink(join(dir, 'discord.yaml'));
    await eventually(() => registry.get('discord') === null);
    assert.equal(registry.byToken('as-2'), null);
    assert.deepEqual(changes, ['added:discord', 'updated:discord', 'removed:discord']);
  });

  test('an unchanged folder causes no events on rescans', async () => {
    await writeFile(join(dir, 'a.yaml'), registrationYaml({ id: 'a' }));
    await eventually(() => registry.get('a') !== null);
    await registry.reload();
    await registry.reload();
    assert.deepEqual(changes, ['added:a']);
  });

  test('a bad file is refused with its file and key named, the others are unaffected', async () => {
    await writeFile(join(dir, 'good.yaml'), registrationYaml({ id: 'good' }));
    await writeFile(join(dir, 'bad.yaml'), registrationYaml({ id: 'bad' }).replace('exclusive: true', 'exclusive: "yes"'));
    await writeFile(join(dir, 'broken.yml'), 'id: [oops');
    await writeFile(join(dir, 'README.md'), '# not a registration');
    await registry.reload();
    assert.ok(registry.get('good'));
    const bad = registry.entries().find((e) => e.id === 'bad')!;
    assert.equal(bad.state, 'error');
    assert.match(bad.error!, new RegExp(`${join(dir, 'bad.yaml')}: namespaces\\.users\\[0\\]\\.exclusive: must be true or false`));
    const broken = registry.entries().find((e) => e.key.endsWith('broken.yml'))!;
    assert.equal(broken.state, 'error');
    assert.match(broken.error!, /not valid YAML/);
    assert.equal(registry.entries().length, 3, 'README.md is ignored');
    const warned = logs.filter((l) => l.msg === 'appservice registration refused');
    assert.equal(warned.length, 2);
    await registry.reload();
    assert.equal(logs.filter((l) => l.msg === 'appservice registration refused').length, 2, 'not reported again while unchanged');
    assert.ok(!JSON.stringify(logs).includes('as-good'), 'tokens never reach the logs');
  });

  test('duplicate ids and tokens: the newcomer is refused, the loaded one keeps working', async () => {
    await writeFile(join(dir, 'a.yaml'), registrationYaml({ id: 'a', asToken: 'tok-a', hsToken: 'hs-a' }));
    await registry.reload();
    await writeFile(join(dir, '0-copy.yaml'), registrationYaml({ id: 'a2', asToken: 'tok-a', hsToken: 'hs-a2' }));
    await writeFile(join(dir, 'b.yaml'), registrationYaml({ id: 'a', asToken: 'tok-b', hsToken: 'hs-b' }));
    await writeFile(join(dir, 'c.yaml'), registrationYaml({ id: 'c', asToken: 'tok-c', hsToken: 'hs-a' }));
    await registry.reload();
    assert.equal(registry.byToken('tok-a')?.id, 'a', 'a sorts after 0-copy but was loaded first');
    const state = Object.fromEntries(registry.entries().map((e) => [e.key.split('/').pop(), e]));
    assert.match(state['0-copy.yaml']!.error!, /as_token is already used \(the as_token of a\)/);
    assert.match(state['b.yaml']!.error!, /id "a" is already used by .*a\.yaml/);
    assert.match(state['c.yaml']!.error!, /hs_token is already used/);
    assert.equal(registry.active().length, 1);
    // The refused copy takes over once the original is gone.
    await unlink(join(dir, 'a.yaml'));
    await registry.reload();
    assert.equal(registry.byToken('tok-a')?.id, 'a2');
  });

  test('a folder that appears later is watched from then on', async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
    registry = new AppserviceRegistry({ dir, serverName: 'example.org', store, log: createLogger('error'), rescanIntervalMs: 200 });
    await registry.start();
    assert.deepEqual(registry.entries(), []);
    await mkdir(dir);
    await writeFile(join(dir, 'late.yaml'), registrationYaml({ id: 'late' }));
    await eventually(() => registry.get('late') !== null);
  });

  test('stored registrations merge with folder ones; admin operations', async () => {
    const puppets = new PuppetRegistry({ users: { ensureAppserviceUser: async () => false, listAppserviceUsers: async () => [] } });
    const admin = createAppserviceAdmin({ registry, store, puppets });
    await writeFile(join(dir, 'file.yaml'), registrationYaml({ id: 'file', asToken: 'tok-file', hsToken: 'hs-file' }));
    await registry.reload();

    const posted = await admin.register(JSON.parse(JSON.stringify(registrationObject('stored', 'tok-stored', 'hs-stored'))) as Record<string, unknown>);
    assert.equal(posted.state, 'loaded');
    assert.equal(posted.source, 'database');
    assert.equal(registry.byToken('tok-stored')?.id, 'stored');

    const clash = async (raw: Record<string, unknown>, re: RegExp) => {
      await assert.rejects(() => admin.register(raw), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM' && re.test(e.message));
    };
    await clash(registrationObject('file', 'x1', 'y1'), /id "file" is already used by .*file\.yaml/);
    await clash(registrationObject('stored', 'x2', 'y2'), /id "stored" is already used by the admin API/);
    await clash(registrationObject('new', 'tok-file', 'y3'), /already used by appservice file/);
    await clash({ id: 'nourl', as_token: 'a', hs_token: 'b', sender_localpart: 'x' }, /posted registration: url: is required/);

    await assert.rejects(() => admin.remove('file'), /remove that file/);
    await assert.rejects(() => admin.remove('nope'), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_NOT_FOUND');

    const paused = await admin.setPaused('stored', true);
    assert.equal(paused.state, 'paused');
    assert.ok(registry.isPaused('stored'));
    assert.ok(registry.byToken('tok-stored'), 'a paused appservice still authenticates');
    assert.equal((await admin.setPaused('stored', false)).state, 'loaded');

    await admin.remove('stored');
    assert.equal(registry.get('stored'), null);
    assert.deepEqual(changes, ['added:file', 'added:stored', 'paused:stored', 'resumed:stored', 'removed:stored']);
    const listed = admin.list();
    assert.deepEqual(listed.appservices.map((a) => a.id), ['file']);
    assert.ok(!JSON.stringify(listed).includes('tok-file'), 'the admin API never shows tokens');
  });

  test('overlapping exclusive namespaces are reported', async () => {
    await writeFile(join(dir, 'one.yaml'), registrationYaml({ id: 'one', users: '@_bridge_.*' }));
    await writeFile(join(dir, 'two.yaml'), registrationYaml({ id: 'two', users: '@_bridge_tg_.*' }));
    await registry.reload();
    assert.equal(registry.overlaps().length, 1);
    assert.ok(logs.some((l) => l.msg === 'overlapping exclusive appservice namespaces'));
  });
});

function registrationObject(id: string, asToken: string, hsToken: string): Record<string, unknown> {
  return {
    id,
    url: null,
    as_token: asToken,
    hs_token: hsToken,
    sender_localpart: `${id}bot`,
    namespaces: { users: [{ regex: `@_${id}_.*`, exclusive: true }] },
  };
}
