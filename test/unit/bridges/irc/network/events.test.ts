import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapEvent, type MapContext } from '../../../../../bridges/irc/network/events.ts';

const ctx: MapContext = {
  ownNick: 'Me',
  isChannel: (t) => t.startsWith('#'),
  caseEqual: (a, b) => a.toLowerCase() === b.toLowerCase(),
  now: () => 42,
};

test('messages: conversation, echo, server-time, msgid and reply tags', () => {
  assert.deepEqual(mapEvent('privmsg', { nick: 'bob', target: 'me', message: 'hi', tags: {} }, ctx), {
    time: 42, serverTime: false, tags: {}, type: 'message', kind: 'privmsg', from: 'bob', target: 'me',
    isChannel: false, text: 'hi', echo: false, conversation: 'bob',
  });
  const echo = mapEvent('privmsg', { nick: 'me', target: 'bob', message: 'yo', time: 1000, tags: { msgid: 'm1', '+draft/reply': 'm0', time: 'x' } }, ctx);
  assert.ok(echo?.type === 'message');
  assert.deepEqual([echo.echo, echo.conversation, echo.time, echo.serverTime, echo.msgid, echo.replyTo], [true, 'bob', 1000, true, 'm1', 'm0']);
  const action = mapEvent('privmsg', { nick: 'bob', target: '#c', message: '\x01ACTION waves\x01' }, ctx);
  assert.ok(action?.type === 'message' && action.kind === 'action' && action.text === 'waves');
  assert.equal(mapEvent('privmsg', { nick: 'bob', target: '#c', message: '\x01VERSION\x01' }, ctx), undefined);
  assert.equal(mapEvent('notice', { target: '*', message: 'server notice' }, ctx), undefined);
});

test('reactions come from TAGMSG with +draft/react and +draft/reply', () => {
  const r = mapEvent('tagmsg', { nick: 'bob', target: '#c', tags: { '+draft/react': '👍', '+draft/reply': 'm1' } }, ctx);
  assert.ok(r?.type === 'react');
  assert.deepEqual([r.key, r.reactTo, r.conversation], ['👍', 'm1', '#c']);
  assert.equal(mapEvent('tagmsg', { nick: 'bob', target: '#c', tags: { '+typing': 'active' } }, ctx), undefined);
});

test('membership, kicks (flood detection), nick, topic, modes, names', () => {
  const kick = mapEvent('kick', { nick: 'op', kicked: 'me', channel: '#c', message: 'Channel flood triggered (limit is 5 lines in 10 secs)' }, ctx);
  assert.ok(kick?.type === 'kick' && kick.self && kick.flood && kick.by === 'op');
  const kick2 = mapEvent('kick', { nick: 'op', kicked: 'bob', channel: '#c', message: 'bye' }, ctx);
  assert.ok(kick2?.type === 'kick' && !kick2.self && !kick2.flood);
  const nick = mapEvent('nick', { nick: 'me', new_nick: 'me2' }, ctx);
  assert.ok(nick?.type === 'nick' && nick.self && nick.newNick === 'me2');
  const mode = mapEvent('mode', { nick: 'op', target: '#c', modes: [{ mode: '+o', param: 'bob' }, { mode: '-v', param: 'eve' }, { mode: '+n' }] }, ctx);
  assert.ok(mode?.type === 'mode');
  assert.deepEqual(mode.changes, [{ add: true, mode: 'o', param: 'bob' }, { add: false, mode: 'v', param: 'eve' }, { add: true, mode: 'n' }]);
  assert.deepEqual(mapEvent('userlist', { channel: '#c', users: [{ nick: 'op', modes: ['o'] }] }, ctx), { type: 'names', channel: '#c', members: [{ nick: 'op', modes: ['o'] }] });
  const topic = mapEvent('topic', { nick: 'op', channel: '#c', topic: 't' }, ctx);
  assert.ok(topic?.type === 'topic' && topic.by === 'op' && topic.topic === 't');
  assert.equal(mapEvent('unknown', {}, ctx), undefined);
});
