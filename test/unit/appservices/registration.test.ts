// Parsing and validating registrations in Synapse's format: defaults, legacy key spellings,
// and errors that name the source and the key without echoing tokens.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistration, RegistrationError } from '../../../appservices/registry/registration.ts';
import { parseText } from '../../../appservices/registry/folder.ts';

const base = (over: Record<string, unknown> = {}) => ({
  id: 'discord',
  url: 'http://127.0.0.1:29334',
  as_token: 'as-secret-1',
  hs_token: 'hs-secret-1',
  sender_localpart: 'discordbot',
  namespaces: { users: [{ regex: '@_discord_.*:example\\.org', exclusive: true }] },
  ...over,
});

const refused = (raw: unknown, key: RegExp) => {
  assert.throws(
    () => parseRegistration(raw, '/etc/as/discord.yaml', 'example.org'),
    (e: unknown) => e instanceof RegistrationError && /^\/etc\/as\/discord\.yaml: /.test(e.message) && key.test(e.message),
  );
};

describe('parseRegistration', () => {
  test('a minimal registration with Synapse defaults', () => {
    const r = parseRegistration(base(), 'x.yaml', 'example.org');
    assert.equal(r.id, 'discord');
    assert.equal(r.senderUserId, '@discordbot:example.org');
    assert.equal(r.rateLimited, true);
    assert.equal(r.receiveEphemeral, false);
    assert.equal(r.receiveToDevice, false);
    assert.equal(r.msc3202, false);
    assert.equal(r.msc4190, false);
    assert.deepEqual(r.protocols, []);
    assert.deepEqual(r.namespaces.spec.aliases, []);
    assert.ok(r.namespaces.isInterestedInUser('@_discord_1:example.org'));
  });

  test('url null, flags and the legacy ephemeral spellings', () => {
    const r = parseRegistration(
      base({ url: null, rate_limited: false, 'org.matrix.msc3202': true, 'io.element.msc4190': true, 'de.sorunome.msc2409.to_device': true, protocols: ['discord'] }),
      'x.yaml',
      'example.org',
    );
    assert.equal(r.url, null);
    assert.equal(r.rateLimited, false);
    assert.ok(r.msc3202 && r.msc4190 && r.receiveToDevice);
    assert.deepEqual(r.protocols, ['discord']);
    for (const key of ['receive_ephemeral', 'de.sorunome.msc2409.push_ephemeral', 'push_ephemeral']) {
      assert.equal(parseRegistration(base({ [key]: true }), 'x.yaml', 'example.org').receiveEphemeral, true, key);
    }
  });

  test('errors name the file and the key', () => {
    refused(base({ id: '' }), /id: must be a non-empty string/);
    refused({ ...base(), url: undefined }, /url: must be a URL or null/);
    const noUrl: Record<string, unknown> = base();
    delete noUrl.url;
    refused(noUrl, /url: is required/);
    refused(base({ url: 'ftp://x' }), /url: must be http or https/);
    refused(base({ sender_localpart: 'Bad Bot' }), /sender_localpart: is not a valid user localpart/);
    refused(base({ rate_limited: 'no' }), /rate_limited: must be true or false/);
    refused(base({ namespaces: { users: [{ regex: '@_x_(.*', exclusive: true }] } }), /namespaces\.users\[0\]\.regex: is not a valid regular expression/);
    refused(base({ namespaces: { users: [{ regex: '@_x_.*' }] } }), /namespaces\.users\[0\]\.exclusive: must be true or false/);
    refused(base({ namespaces: { rooms: 'all' } }), /namespaces\.rooms: must be a list/);
    refused(base({ protocols: 'irc' }), /protocols: must be a list/);
    refused(base({ hs_token: 'as-secret-1' }), /hs_token: must differ from as_token/);
    refused([1, 2], /a registration must be a YAML mapping/);
  });

  test('a token of the wrong type is reported without its value', () => {
    assert.throws(
      () => parseRegistration(base({ as_token: 123456789 }), 'x.yaml', 'example.org'),
      (e: unknown) => e instanceof Error && /as_token: must be a non-empty string, got number/.test(e.message) && !e.message.includes('123456789'),
    );
  });

  test('YAML errors name the file', () => {
    const p = parseText('id: [unclosed', '/etc/as/broken.yaml', 'example.org');
    assert.equal(p.ok, false);
    assert.match(!p.ok ? p.error : '', /^\/etc\/as\/broken\.yaml: not valid YAML/);
  });
});
