import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PLAIN, normalizeSpans, parseIrc, renderIrc, stripIrcFormatting } from '../../../../../bridges/irc/convert/irc-format.ts';
import { spans } from './arbitraries.ts';

const S = (over: Partial<typeof PLAIN> = {}) => ({ ...PLAIN, ...over });

test('parseIrc: each control code, table-driven', () => {
  const cases: [string, { text: string; style: ReturnType<typeof S> }[]][] = [
    ['plain', [{ text: 'plain', style: S() }]],
    ['\x02bold\x02 no', [{ text: 'bold', style: S({ bold: true }) }, { text: ' no', style: S() }]],
    ['\x1dit', [{ text: 'it', style: S({ italic: true }) }]],
    ['\x1fun', [{ text: 'un', style: S({ underline: true }) }]],
    ['\x1estrike', [{ text: 'strike', style: S({ strike: true }) }]],
    ['\x11mono', [{ text: 'mono', style: S({ monospace: true }) }]],
    ['\x16rev', [{ text: 'rev', style: S({ reverse: true }) }]],
    ['\x02\x1dboth\x0fplain', [{ text: 'both', style: S({ bold: true, italic: true }) }, { text: 'plain', style: S() }]],
    ['\x034red', [{ text: 'red', style: S({ fg: '#ff0000' }) }]],
    ['\x0304,02red on blue', [{ text: 'red on blue', style: S({ fg: '#ff0000', bg: '#00007f' }) }]],
    ['\x034,5', [{ text: '', style: S() }].slice(1)],
    ['\x034red\x03 none', [{ text: 'red', style: S({ fg: '#ff0000' }) }, { text: ' none', style: S() }]],
    ['\x0399,04x', [{ text: 'x', style: S({ bg: '#ff0000' }) }]],
    ['\x03123', [{ text: '3', style: S({ fg: '#0000fc' }) }]],
    ['\x034,x', [{ text: ',x', style: S({ fg: '#ff0000' }) }]],
    ['\x04FF8800hex', [{ text: 'hex', style: S({ fg: '#ff8800' }) }]],
    ['a\x01b\x07c', [{ text: 'abc', style: S() }]],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseIrc(input), expected, JSON.stringify(input));
});

test('renderIrc: a digit or comma after a colour code is guarded', () => {
  const line = renderIrc([{ text: 'a', style: S({ fg: '#ff0000' }) }, { text: '5,6', style: S() }]);
  assert.deepEqual(parseIrc(line), [{ text: 'a', style: S({ fg: '#ff0000' }) }, { text: '5,6', style: S() }]);
  const line2 = renderIrc([{ text: ',x', style: S({ fg: '#ff0000' }) }]);
  assert.deepEqual(parseIrc(line2), [{ text: ',x', style: S({ fg: '#ff0000' }) }]);
});

test('stripIrcFormatting leaves only the text', () => {
  assert.equal(stripIrcFormatting('\x02\x0304,02hi\x0f \x1dthere\x1d'), 'hi there');
});

test('property: spans → IRC → spans is the identity (incl. reverse and hex colours)', () => {
  fc.assert(fc.property(spans(true), (s) => {
    assert.deepEqual(parseIrc(renderIrc(s)), normalizeSpans(s));
  }), { numRuns: 500 });
});
