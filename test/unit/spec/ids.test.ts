import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isCompliantUserId,
  isEventIdOfFormat,
  isNamespacedIdentifier,
  isValidLocalpart,
  isValidUserIdForNewUser,
  localpartOf,
  parseEventId,
  parseRoomAlias,
  parseRoomId,
  parseServerName,
  parseUserId,
  serverOf,
  userIdOf,
} from '../../../core/spec/ids.ts';
import type { UserId } from '../../../core/spec/ids.ts';

test('server names: the spec examples are valid', () => {
  for (const s of ['matrix.org', 'matrix.org:8888', '1.2.3.4', '1.2.3.4:1234', '[1234:5678::abcd]', '[1234:5678::abcd]:5678']) {
    assert.equal(parseServerName(s), s, s);
  }
  for (const s of ['localhost', 'a', 'MATRIX.ORG', 'a-b.c', '[::1]', '[::ffff:1.2.3.4]:1', '[2001:db8::1]:65535', 'x:0', '255.255.255.255']) {
    assert.equal(parseServerName(s), s, s);
  }
});

test('server names: invalid ones are rejected', () => {
  for (const s of [
    '', ':8448', 'matrix.org:', 'matrix.org:abc', 'matrix.org:123456', 'matrix.org:65536', 'mat rix.org', 'matrix_org', 'matrix.org/x',
    'ünicode.org', '256.1.1.1', '1.2.3.4.5:', '[1234:5678::abcd', '1234:5678::abcd', '[1234:5678::abcd]x', '[1234:5678::abcd]:',
    '[zz::1]', '[1:2:3:4:5:6:7:8:9]', '[:::]', '[]', 'a'.repeat(256), 'matrix.org:8448:1',
    null, 42, undefined,
  ] as unknown[]) {
    assert.equal(parseServerName(s), null, String(s));
  }
});

test('user ids: current grammar, historical ids and compliance', () => {
  assert.equal(parseUserId('@alice:example.org'), '@alice:example.org');
  assert.ok(isValidUserIdForNewUser('@a.b_c=d-e/f+g:example.org'));
  assert.ok(!isValidUserIdForNewUser('@Alice:example.org'));
  assert.ok(!isValidUserIdForNewUser('@:example.org'));
  // Historical: any non-surrogate code points except ':' and NUL, including the empty string.
  for (const s of ['@Alice:example.org', '@!"#$%&\'()*:example.org', '@:example.org', '@é日本:example.org', '@a\u0001b:example.org', '@u:[::1]:8448']) {
    assert.equal(parseUserId(s), s, s);
  }
  assert.ok(isCompliantUserId('@Alice~:example.org'));
  assert.ok(!isCompliantUserId('@:example.org'));
  assert.ok(!isCompliantUserId('@é:example.org'));
  assert.ok(!isCompliantUserId('@a b:example.org'));
  for (const s of ['alice:example.org', '@alice', '@alice:', '@a\0b:example.org', '@\ud800:example.org', '@alice:bad_host', `@${'a'.repeat(250)}:example.org`, '#alice:example.org', 7, null]) {
    assert.equal(parseUserId(s), null, String(s));
  }
  // Exactly 255 bytes is fine; multi-byte characters count in bytes.
  assert.ok(parseUserId(`@${'a'.repeat(255 - 13)}:example.org`));
  assert.equal(parseUserId(`@${'é'.repeat(122)}:example.org`), null);
  assert.equal(localpartOf('@alice:example.org:8448' as UserId), 'alice');
  assert.equal(serverOf('@alice:example.org:8448' as UserId), 'example.org:8448');
  assert.equal(userIdOf('bob', 'hs.test'), '@bob:hs.test');
  assert.ok(isValidLocalpart('bob') && !isValidLocalpart('') && !isValidLocalpart('Bob'));
});

test('room ids: with a domain (v1–v11) and hash-only (v12)', () => {
  for (const s of ['!abc:example.org', '!Ab9:[::1]:80', '!é:x', '!' + 'a'.repeat(43), '!' + 'A_-z'.repeat(10) + 'abc']) assert.equal(parseRoomId(s), s, s);
  for (const s of ['abc:example.org', '!', '!abc', '!' + 'a'.repeat(42), '!' + '+'.repeat(43), '!a\0:x', '!a:bad_host', `!${'a'.repeat(250)}:example.org`, null]) {
    assert.equal(parseRoomId(s), null, String(s));
  }
});

test('room aliases', () => {
  for (const s of ['#room:example.org', '#Room é!:example.org:1']) assert.equal(parseRoomAlias(s), s);
  for (const s of ['room:example.org', '#:example.org', '#room', '#ro\0om:x', '#room:bad host', 1]) assert.equal(parseRoomAlias(s), null, String(s));
});

test('event ids: generic parse and per-format shape', () => {
  const v3 = '$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o';
  const v4 = '$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg';
  for (const s of ['$abc:example.org', v3, v4, '$a/b+c']) assert.equal(parseEventId(s), s);
  for (const s of ['$', 'abc', '$a\0', '$\udc00', '$' + 'a'.repeat(255), 5]) assert.equal(parseEventId(s), null, String(s));
  assert.ok(isEventIdOfFormat('$abc:example.org', 'v1'));
  assert.ok(!isEventIdOfFormat(v4, 'v1'));
  assert.ok(!isEventIdOfFormat('$:example.org', 'v1'));
  assert.ok(isEventIdOfFormat(v3, 'v3') && !isEventIdOfFormat(v4, 'v3'));
  assert.ok(isEventIdOfFormat(v4, 'v4') && !isEventIdOfFormat('$a+b/' + 'c'.repeat(39), 'v4'));
  assert.ok(!isEventIdOfFormat('$abc:example.org', 'v4'));
});

test('common namespaced identifiers', () => {
  for (const s of ['m.login.password', 'com.example.thing', 'a', 'a-b_c.9']) assert.ok(isNamespacedIdentifier(s), s);
  for (const s of ['', 'M.login', '9abc', '.a', 'a b', 'a'.repeat(256), 'é', null]) assert.ok(!isNamespacedIdentifier(s), String(s));
});

test('property: every user id built from a valid localpart and DNS name parses, round-trips its parts', () => {
  const localpart = fc.stringMatching(/^[a-z0-9._=\-/+]{1,20}$/);
  const host = fc.domain();
  fc.assert(
    fc.property(localpart, host, fc.option(fc.integer({ min: 0, max: 65535 })), (local, h, port) => {
      const server = port === null ? h : `${h}:${port}`;
      const id = userIdOf(local, server);
      assert.equal(parseUserId(id), id);
      assert.ok(isValidUserIdForNewUser(id));
      assert.equal(localpartOf(id), local);
      assert.equal(serverOf(id), server);
    }),
  );
});
