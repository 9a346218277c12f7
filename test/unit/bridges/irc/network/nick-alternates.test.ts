import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alternateNicks } from '../../../../../bridges/irc/network/nick-alternates.ts';

test('alternateNicks: underscores then numbers, within NICKLEN, never the nick itself', () => {
  assert.deepEqual(alternateNicks('alice', 30), ['alice_', 'alice__', 'alice1', 'alice2', 'alice3', 'alice4']);
  assert.deepEqual(alternateNicks('ninechars', 9, 4), ['ninechar_', 'ninecha__', 'ninechar1', 'ninechar2']);
  for (const n of alternateNicks('x'.repeat(20), 9)) assert.ok(n.length <= 9);
});
