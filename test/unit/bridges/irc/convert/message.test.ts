import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ircToMatrix, matrixToIrc, parseCtcpAction, stripReplyFallback } from '../../../../../bridges/irc/convert/message.ts';
import { matrixToUrl, userIdFromMatrixTo } from '../../../../../bridges/irc/convert/mentions.ts';

const nicks: Record<string, string> = { alice: '@irc_alice:hub.test', bob: '@bob:hub.test' };
const lookup = (nick: string) => nicks[nick.toLowerCase()];

test('ircToMatrix: kinds map to msgtypes; plain text has no formatted_body', () => {
  assert.deepEqual(ircToMatrix('privmsg', 'hi'), { msgtype: 'm.text', body: 'hi' });
  assert.deepEqual(ircToMatrix('action', 'waves'), { msgtype: 'm.emote', body: 'waves' });
  assert.deepEqual(ircToMatrix('notice', 'note'), { msgtype: 'm.notice', body: 'note' });
});

test('ircToMatrix: formatting and mentions become HTML, pills and m.mentions', () => {
  assert.deepEqual(ircToMatrix('privmsg', 'Bob: \x02look\x02 <here>', lookup), {
    msgtype: 'm.text',
    body: 'Bob: look <here>',
    format: 'org.matrix.custom.html',
    formatted_body: '<a href="https://matrix.to/#/@bob:hub.test">Bob</a>: <b>look</b> &lt;here&gt;',
    'm.mentions': { user_ids: ['@bob:hub.test'] },
  });
  // "bobby" is not "bob": whole nick tokens only.
  assert.deepEqual(ircToMatrix('privmsg', 'bobby', lookup), { msgtype: 'm.text', body: 'bobby' });
});

test('parseCtcpAction', () => {
  assert.deepEqual(parseCtcpAction('\x01ACTION waves\x01'), { kind: 'action', text: 'waves' });
  assert.deepEqual(parseCtcpAction('\x01ACTION waves'), { kind: 'action', text: 'waves' });
  assert.deepEqual(parseCtcpAction('hello'), { kind: 'privmsg', text: 'hello' });
  assert.equal(parseCtcpAction('\x01VERSION\x01'), undefined);
});

test('matrixToIrc: msgtypes, HTML formatting, pills to nicks, newlines to lines', () => {
  const toNick = (id: string) => (id === '@irc_alice:hub.test' ? 'alice' : undefined);
  assert.deepEqual(matrixToIrc({ msgtype: 'm.emote', body: 'waves' }, 400), { kind: 'action', lines: ['waves'] });
  assert.deepEqual(matrixToIrc({ msgtype: 'm.notice', body: 'n' }, 400), { kind: 'notice', lines: ['n'] });
  assert.deepEqual(matrixToIrc({
    msgtype: 'm.text', body: 'x', format: 'org.matrix.custom.html',
    formatted_body: `<a href="${matrixToUrl('@irc_alice:hub.test')}">Alice (IRC)</a>: <b>hi</b><br>line two <a href="https://matrix.to/#/@x:y">X</a>`,
  }, 400, toNick), { kind: 'privmsg', lines: ['alice: \x02hi', 'line two X'] });
  assert.deepEqual(matrixToIrc({ msgtype: 'm.text', body: 'a\nb\x02c\r\n\nd' }, 400), { kind: 'privmsg', lines: ['a', 'bc', 'd'] });
});

test('matrixToIrc: reply fallbacks are stripped from body and HTML', () => {
  assert.deepEqual(matrixToIrc({
    msgtype: 'm.text', body: '> <@a:b> quoted\n> more\n\nanswer', 'm.relates_to': { 'm.in_reply_to': { event_id: '$x' } },
  }, 400).lines, ['answer']);
  assert.equal(stripReplyFallback('no quote'), 'no quote');
  assert.deepEqual(matrixToIrc({
    msgtype: 'm.text', body: 'x', format: 'org.matrix.custom.html',
    formatted_body: '<mx-reply><blockquote>q</blockquote></mx-reply>answer',
  }, 400).lines, ['answer']);
});

test('matrixToIrc: a long message is split within the budget', () => {
  const { lines } = matrixToIrc({ msgtype: 'm.text', body: 'word '.repeat(200) }, 100);
  assert.ok(lines.length >= 10);
  assert.equal(lines.join(''), 'word '.repeat(200).trimEnd() + ' ');
});

test('matrix.to links', () => {
  assert.equal(userIdFromMatrixTo('https://matrix.to/#/%40bob%3Ahub.test'), '@bob:hub.test');
  assert.equal(userIdFromMatrixTo(matrixToUrl('@bob:hub.test')), '@bob:hub.test');
  assert.equal(userIdFromMatrixTo('https://matrix.to/#/!room:hub.test'), undefined);
  assert.equal(userIdFromMatrixTo('https://example.org/#/@bob:hub.test'), undefined);
});
