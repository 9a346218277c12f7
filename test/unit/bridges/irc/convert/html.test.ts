import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeEntities, htmlToSpans, spansToHtml } from '../../../../../bridges/irc/convert/html.ts';
import { PLAIN, normalizeSpans, parseIrc } from '../../../../../bridges/irc/convert/irc-format.ts';
import { spans } from './arbitraries.ts';

const S = (over: Partial<typeof PLAIN> = {}) => ({ ...PLAIN, ...over });

test('spansToHtml: tags from the spec set, escaped text', () => {
  const cases: [string, string][] = [
    ['\x02b\x02', '<b>b</b>'],
    ['\x1di', '<i>i</i>'],
    ['\x1fu', '<u>u</u>'],
    ['\x1es', '<del>s</del>'],
    ['\x11m', '<code>m</code>'],
    ['\x0304,01c', '<span data-mx-color="#ff0000" data-mx-bg-color="#000000">c</span>'],
    ['<a & "b">', '&lt;a &amp; &quot;b&quot;&gt;'],
    ['\x16rev', 'rev'],
  ];
  for (const [irc, html] of cases) assert.equal(spansToHtml(parseIrc(irc)), html, JSON.stringify(irc));
});

test('htmlToSpans: common client HTML', () => {
  const cases: [string, { text: string; style: ReturnType<typeof S> }[]][] = [
    ['<strong>b</strong> <em>i</em>', [{ text: 'b', style: S({ bold: true }) }, { text: ' ', style: S() }, { text: 'i', style: S({ italic: true }) }]],
    ['<s>x</s><strike>y</strike>', [{ text: 'xy', style: S({ strike: true }) }]],
    ['<font color="#FF0000">r</font>', [{ text: 'r', style: S({ fg: '#ff0000' }) }]],
    ['<span data-mx-color="red">bad colour</span>', [{ text: 'bad colour', style: S() }]],
    ['<p>one</p><p>two</p>', [{ text: 'one\ntwo', style: S() }]],
    ['a<br/>b<br>c', [{ text: 'a\nb\nc', style: S() }]],
    ['<pre><code>x = 1\ny</code></pre>', [{ text: 'x = 1\ny', style: S({ monospace: true }) }]],
    ['<mx-reply><blockquote>quoted</blockquote></mx-reply>answer', [{ text: 'answer', style: S() }]],
    ['<a href="https://example.org">site</a>', [{ text: 'site <https://example.org>', style: S() }]],
    ['<a href="https://example.org">https://example.org</a>', [{ text: 'https://example.org', style: S() }]],
    ['&lt;&amp;&#x1F600;&#128512;&bogus;', [{ text: '<&😀😀&bogus;', style: S() }]],
    ['unclosed <b>bold', [{ text: 'unclosed ', style: S() }, { text: 'bold', style: S({ bold: true }) }]],
    ['stray </i> < 3', [{ text: 'stray  < 3', style: S() }]],
    ['<script>alert(1)</script>', [{ text: 'alert(1)', style: S() }]],
  ];
  for (const [html, expected] of cases) assert.deepEqual(htmlToSpans(html), expected, html);
});

test('decodeEntities keeps invalid code points as written', () => {
  assert.equal(decodeEntities('&#xD800;&#0;&#x110000;'), '&#xD800;&#0;&#x110000;');
});

test('property: spans → HTML → spans is the identity (reverse has no HTML form)', () => {
  fc.assert(fc.property(spans(false), (s) => {
    assert.deepEqual(htmlToSpans(spansToHtml(s)), normalizeSpans(s));
  }), { numRuns: 500 });
});
