import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { localpartToNick, nickToLocalpart } from '../../../../../bridges/irc/convert/nick-localpart.ts';

test('nickToLocalpart: the spec examples and IRC specials', () => {
  const cases: [string, string, string][] = [
    // nick, case-folded, case-kept
    ['alice', 'alice', 'alice'],
    ['Alice', 'alice', '_alice'],
    ['[m]bob', '=5bm=5dbob', '=5bm=5dbob'],
    ['a_b', 'a_b', 'a__b'],
    ['x=y', 'x=3dy', 'x=3dy'],
    ['a|b^c`d{e}f\\', 'a=7cb=5ec=60d=7be=7df=5c', 'a=7cb=5ec=60d=7be=7df=5c'],
    ['á', '=c3=a1', '=c3=a1'],
    ['#', '=23', '=23'],
  ];
  for (const [nick, folded, kept] of cases) {
    assert.equal(nickToLocalpart(nick), folded, nick);
    assert.equal(nickToLocalpart(nick, { keepCase: true }), kept, nick);
    assert.equal(localpartToNick(kept, { keepCase: true }), nick);
    assert.equal(localpartToNick(folded), nick.toLowerCase());
  }
});

test('localpartToNick: invalid encodings are undefined', () => {
  for (const lp of ['=zz', '=4', 'A', '=c3', '_', '_1']) {
    assert.equal(localpartToNick(lp, { keepCase: true }), undefined, lp);
  }
  assert.equal(localpartToNick('=c3'), undefined);
});

test('property: localparts use only the user-id grammar and map back', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (nick) => {
    const kept = nickToLocalpart(nick, { keepCase: true });
    assert.match(kept, /^[a-z0-9._=\-/]+$/);
    assert.equal(localpartToNick(kept, { keepCase: true }), nick);
    const folded = nickToLocalpart(nick);
    assert.match(folded, /^[a-z0-9._=\-/]+$/);
    assert.equal(localpartToNick(folded), nick.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  }), { numRuns: 500 });
});
