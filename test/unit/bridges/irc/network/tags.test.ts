import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeTagValue, formatTags } from '../../../../../bridges/irc/network/tags.ts';

test('tag values are escaped as the message-tags spec says', () => {
  assert.equal(escapeTagValue('a;b c\\d\r\ne'), 'a\\:b\\sc\\\\d\\r\\ne');
  assert.equal(formatTags({ '+draft/reply': 'abc', '+draft/react': '👍 ok' }), '@+draft/reply=abc;+draft/react=👍\\sok ');
  assert.equal(formatTags({ '+typing': true }), '@+typing ');
  assert.equal(formatTags({}), '');
});
