// Namespace matching with Synapse's regex semantics (Python re.match: anchored at the start, not
// at the end), the Python-only syntax registrations carry, and overlap detection.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePythonRegex, findExclusiveOverlaps, Namespaces, NamespaceRegexError, sampleOf, type NamespaceSpec } from '../../../appservices/namespaces.ts';

const ns = (spec: Partial<NamespaceSpec>) => Namespaces.compile({ users: [], aliases: [], rooms: [], ...spec });

describe('compilePythonRegex (re.match semantics)', () => {
  test('anchored at the start only', () => {
    const re = compilePythonRegex('@_irc_.*');
    assert.ok(re.test('@_irc_bob:example.org'));
    assert.ok(!re.test('x@_irc_bob:example.org'), 'no match in the middle');
    // Not anchored at the end: a prefix pattern matches longer ids, as in Synapse.
    assert.ok(compilePythonRegex('@_irc_').test('@_irc_bob:example.org'));
    assert.ok(compilePythonRegex('@bot:example\\.org').test('@bot:example.org.evil'));
  });

  test('alternation is grouped so the anchor covers every branch', () => {
    const re = compilePythonRegex('@a_.*|@b_.*');
    assert.ok(re.test('@a_1:x'));
    assert.ok(re.test('@b_1:x'));
    assert.ok(!re.test('@c_1:x@b_1'), 'the second branch is anchored too');
  });

  test('an explicit $ anchors the end', () => {
    const re = compilePythonRegex('@_irc_[a-z]+:example\\.org$');
    assert.ok(re.test('@_irc_bob:example.org'));
    assert.ok(!re.test('@_irc_bob:example.org.evil'));
  });

  test('Python-only syntax: named groups, \\Z, inline (?i)', () => {
    assert.ok(compilePythonRegex('@(?P<net>[a-z]+)_(?P=net):x').test('@irc_irc:x'));
    assert.ok(!compilePythonRegex('@(?P<net>[a-z]+)_(?P=net):x').test('@irc_xmpp:x'));
    assert.ok(!compilePythonRegex('@a:x\\Z').test('@a:x\n'));
    assert.ok(compilePythonRegex('(?i)@BRIDGE_.*').test('@bridge_1:x'));
  });

  test('a broken pattern is a NamespaceRegexError', () => {
    assert.throws(() => compilePythonRegex('@_irc_(.*'), NamespaceRegexError);
    assert.throws(() => compilePythonRegex('(?L)x'), NamespaceRegexError);
  });
});

describe('Namespaces', () => {
  const n = ns({
    users: [
      { regex: '@_discord_.*:example\\.org', exclusive: true },
      { regex: '@.*:example\\.org', exclusive: false },
    ],
    aliases: [{ regex: '#_discord_.*:example\\.org', exclusive: true }],
    rooms: [{ regex: '!portal.*', exclusive: false }],
  });

  test('interest by kind, exclusive or not', () => {
    assert.ok(n.isInterestedInUser('@alice:example.org'));
    assert.ok(n.isInterestedInUser('@_discord_1:example.org'));
    assert.ok(!n.isInterestedInUser('@alice:other.org'));
    assert.ok(n.isInterestedInAlias('#_discord_chan:example.org'));
    assert.ok(!n.isInterestedInAlias('#general:example.org'));
    assert.ok(n.isInterestedInRoom('!portal123:example.org'));
    assert.ok(!n.isInterestedInRoom('!other:example.org'));
  });

  test('exclusivity only from exclusive entries', () => {
    assert.ok(n.matchesExclusive('users', '@_discord_1:example.org'));
    assert.ok(!n.matchesExclusive('users', '@alice:example.org'));
    assert.ok(n.matchesExclusive('aliases', '#_discord_x:example.org'));
    assert.ok(!n.matchesExclusive('rooms', '!portal1:example.org'));
  });

  test('a bad regex names its place', () => {
    assert.throws(() => ns({ aliases: [{ regex: 'ok', exclusive: true }, { regex: '[', exclusive: true }] }), /namespaces\.aliases\[1\]\.regex/);
  });
});

describe('overlapping exclusive claims', () => {
  const entry = (regex: string, exclusive = true) => [{ regex, exclusive }];

  test('sampleOf gives a string its pattern matches', () => {
    for (const re of ['@_irc_.*:example\\.org', '@_tg_[0-9]+:x', '@(?:a|b)_.+:x', '#_wa_\\d+:x', '@bot:x']) {
      assert.ok(compilePythonRegex(re).test(sampleOf(re)), `${re} → ${sampleOf(re)}`);
    }
  });

  test('the same pattern, and one inside another, are reported', () => {
    const a = { id: 'irc', namespaces: ns({ users: entry('@_irc_.*:example\\.org') }) };
    const b = { id: 'irc2', namespaces: ns({ users: entry('@_irc_.*:example\\.org') }) };
    const c = { id: 'ircnet', namespaces: ns({ users: entry('@_irc_net_.*') }) };
    const overlaps = findExclusiveOverlaps([a, b, c]);
    assert.deepEqual(
      overlaps.map((o) => o.appservices),
      [
        ['irc', 'irc2'],
        ['irc', 'ircnet'],
        ['irc2', 'ircnet'],
      ],
    );
    assert.equal(overlaps[0]!.kind, 'users');
  });

  test('disjoint or non-exclusive claims are not', () => {
    const a = { id: 'discord', namespaces: ns({ users: entry('@_discord_.*') }) };
    const b = { id: 'telegram', namespaces: ns({ users: entry('@_telegram_.*') }) };
    const c = { id: 'puppet', namespaces: ns({ users: entry('@.*', false) }) };
    assert.deepEqual(findExclusiveOverlaps([a, b, c]), []);
  });
});
