// The bridge kit's pure rules: localpart escaping and templates, config validation (errors name
// file and key), command parsing, permissions and registration generation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'js-yaml';
import { escapeLocalpart, fillLocalpart, localpartRegex, relayText } from '../../../../bridges/kit/templates.ts';
import { parseBridgeConfig } from '../../../../bridges/kit/config.ts';
import { parseCommand } from '../../../../bridges/kit/commands.ts';
import { allows, permissionOf } from '../../../../bridges/kit/permissions.ts';
import { generateFiles } from '../../../../bridges/kit/registration.ts';

const OPTIONS = { name: 'libera', homeserverUrl: 'http://127.0.0.1:8008', serverName: 'example.org', listenHost: '127.0.0.1', listenPort: 9000, asToken: 'AS', hsToken: 'HS' };
const BASE = `
network: irc
homeserver: { url: "http://127.0.0.1:8008", server_name: example.org }
appservice: { port: 9000, as_token: AS, hs_token: HS }
`;

describe('templates', () => {
  test('escaping follows the user id grammar mapping', () => {
    assert.equal(escapeLocalpart('alice'), 'alice');
    assert.equal(escapeLocalpart('Bob_2'), '_bob__2');
    assert.equal(escapeLocalpart('a b'), 'a=20b');
    assert.equal(escapeLocalpart('é'), '=c3=a9');
    assert.equal(escapeLocalpart('[m]'), '=5bm=5d');
    assert.match(escapeLocalpart('Zoë|away'), /^[a-z0-9._=\-/+]+$/);
  });

  test('ghost template fills parts, and its regex matches what it fills and nothing outside', () => {
    const localpart = fillLocalpart('irc_{network}_{id}', { network: 'Libera', id: 'Nick|away' });
    assert.equal(localpart, 'irc__libera__nick=7caway');
    const re = new RegExp(`^${localpartRegex('irc_{network}_{id}')}$`);
    assert.ok(re.test(localpart));
    assert.ok(!re.test('other_libera_nick'));
    assert.throws(() => fillLocalpart('irc_{network}_{id}', { id: 'x' }), /no value for \{network\}/);
  });

  test('relay template', () => {
    assert.equal(relayText('<{displayname}> {message}', { displayname: 'Ann', userid: '@ann:x', message: 'hi' }), '<Ann> hi');
    assert.equal(relayText('{userid}: {message} {unknown}', { displayname: 'Ann', userid: '@ann:x', message: 'hi' }), '@ann:x: hi {unknown}');
  });
});

describe('config', () => {
  test('defaults', () => {
    const c = parseBridgeConfig('irc.yaml', BASE);
    assert.equal(c.name, 'irc');
    assert.equal(c.appservice.host, '127.0.0.1');
    assert.equal(c.appservice.url, 'http://127.0.0.1:9000');
    assert.equal(c.appservice.botLocalpart, 'ircbot');
    assert.equal(c.appservice.ghostTemplate, 'irc_{id}');
    assert.equal(c.bridge.commandPrefix, '!irc');
    assert.deepEqual(c.bridge.permissions, { 'example.org': 'user' });
    assert.equal(c.bridge.relay.enabled, false);
    assert.equal(c.bridge.relay.template, '<{displayname}> {message}');
    assert.equal(c.bridge.backfill.initialLimit, 50);
    assert.equal(c.dataDir, null);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['missing network', BASE.replace('network: irc', ''), /^irc\.yaml: network: required, missing$/],
    ['bad port', BASE.replace('port: 9000', 'port: 70000'), /^irc\.yaml: appservice\.port: expected an integer 1-65535, got 70000$/],
    ['missing token', BASE.replace('as_token: AS, ', ''), /^irc\.yaml: appservice\.as_token: required, missing$/],
    ['unknown top-level key', BASE + 'bridgee: {}\n', /^irc\.yaml: bridgee: unknown key/],
    ['bad permission', BASE + 'bridge: { permissions: { "*": superuser } }\n', /^irc\.yaml: bridge\.permissions\.\*: expected one of none, relay, user, admin/],
    ['double puppet secret', BASE + 'bridge: { double_puppet: { secrets: { example.org: plain } } }\n', /^irc\.yaml: bridge\.double_puppet\.secrets\.example\.org: expected "as_token:<token>"$/],
    ['ghost template without id', BASE.replace('hs_token: HS', 'hs_token: HS, ghost_template: "irc_{nick}"'), /^irc\.yaml: appservice\.ghost_template: must contain \{id\}$/],
    ['relay flag', BASE + 'bridge: { relay: { enabled: "yes" } }\n', /^irc\.yaml: bridge\.relay\.enabled: expected true or false, got "yes"$/],
    ['network section not a mapping', BASE + 'irc: 5\n', /^irc\.yaml: irc: expected a mapping, got 5$/],
    ['syntax', 'network: [', /^irc\.yaml: \(syntax\): not valid YAML/],
    ['homeserver url', BASE.replace('"http://127.0.0.1:8008"', 'ftp://x'), /^irc\.yaml: homeserver\.url: expected an http\(s\) URL/],
  ];
  for (const [name, text, error] of bad) {
    test(`bad config names file and key: ${name}`, () => {
      assert.throws(() => parseBridgeConfig('irc.yaml', text), (err: Error) => {
        assert.match(err.message, error);
        return true;
      });
    });
  }

  test('the wrong network for the module is named', () => {
    assert.throws(() => parseBridgeConfig('irc.yaml', BASE, 'discord'), { message: 'irc.yaml: network: this module runs "discord" bridges, the file says "irc"' });
  });
});

describe('commands', () => {
  test('management room: as typed; elsewhere only with the prefix', () => {
    const p = parseCommand('login password', '!irc', true);
    assert.equal(p.kind, 'command');
    assert.deepEqual(p.kind === 'command' && [p.spec.name, p.args], ['login', ['password']]);
    assert.deepEqual(parseCommand('hello there', '!irc', false), { kind: 'not_a_command' });
    const prefixed = parseCommand('!IRC  Set-Relay off', '!irc', false);
    assert.deepEqual(prefixed.kind === 'command' && [prefixed.spec.name, prefixed.args], ['set-relay', ['off']]);
    assert.deepEqual(parseCommand('frob', '!irc', true), { kind: 'unknown', name: 'frob' });
    assert.deepEqual(parseCommand('!irc', '!irc', false), { kind: 'unknown', name: '' });
    const missing = parseCommand('bridge', '!irc', true);
    assert.equal(missing.kind, 'missing_args');
  });
});

describe('permissions', () => {
  const map = { '*': 'relay', 'example.org': 'user', '@boss:example.org': 'admin', '@troll:example.org': 'none' } as const;
  test('most specific key wins', () => {
    assert.equal(permissionOf(map, '@boss:example.org'), 'admin');
    assert.equal(permissionOf(map, '@troll:example.org'), 'none');
    assert.equal(permissionOf(map, '@ann:example.org'), 'user');
    assert.equal(permissionOf(map, '@ann:elsewhere.net'), 'relay');
    assert.equal(permissionOf({}, '@ann:example.org'), 'none');
    assert.ok(allows('admin', 'user') && allows('user', 'relay') && !allows('relay', 'user') && !allows('none', 'relay'));
  });
});

describe('generate', () => {
  test('config and registration share fresh tokens; namespaces cover ghosts, bot and aliases', () => {
    const files = generateFiles({ network: 'irc', networkDefaults: { servers: [] }, ghostTemplate: 'irc_{network}_{id}' }, OPTIONS);
    const reg = load(files.registrationYaml) as { id: string; url: string; as_token: string; hs_token: string; sender_localpart: string; namespaces: { users: Array<{ regex: string; exclusive: boolean }>; aliases: Array<{ regex: string }> } };
    assert.equal(reg.id, 'libera');
    assert.equal(reg.url, 'http://127.0.0.1:9000');
    assert.equal(reg.as_token, 'AS');
    assert.equal(reg.hs_token, 'HS');
    assert.equal(reg.sender_localpart, 'liberabot');
    const users = reg.namespaces.users.map((u) => new RegExp(`^${u.regex}$`));
    assert.ok(users.some((r) => r.test('@irc_libera_nick:example.org')));
    assert.ok(users.some((r) => r.test('@liberabot:example.org')));
    assert.ok(!users.some((r) => r.test('@alice:example.org')));
    assert.ok(reg.namespaces.users.every((u) => u.exclusive));
    assert.ok(new RegExp(`^${reg.namespaces.aliases[0]!.regex}$`).test('#irc_libera:example.org'));
    // The generated config parses, with the same tokens.
    const config = parseBridgeConfig('libera.yaml', files.configYaml);
    assert.equal(config.appservice.asToken, 'AS');
    assert.equal(config.appservice.hsToken, 'HS');
    assert.equal(config.name, 'libera');
    assert.deepEqual(config.networkSection.raw, { servers: [] });
  });
});
