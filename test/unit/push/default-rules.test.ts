// The default push rules as far as unread counts use them (core/push/default-rules.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePush, type PushContext, type PushEvent } from '../../../core/push/default-rules.ts';

const ctx: PushContext = { userId: '@bob:hs', displayName: 'Bobby T', memberCount: 3, senderPowerLevel: 0, roomNotificationLevel: 50 };
const msg = (content: Record<string, unknown>, over: Partial<PushEvent> = {}): PushEvent => ({ type: 'm.room.message', sender: '@alice:hs', stateKey: null, content, ...over });
const run = (e: PushEvent, c: Partial<PushContext> = {}) => {
  const r = evaluatePush(e, { ...ctx, ...c });
  return [r.notify, r.highlight, r.ruleId];
};

test('messages notify; one-to-one rooms too; own events never', () => {
  assert.deepEqual(run(msg({ msgtype: 'm.text', body: 'hello' })), [true, false, '.m.rule.message']);
  assert.deepEqual(run(msg({ msgtype: 'm.text', body: 'hello' }), { memberCount: 2 }), [true, false, '.m.rule.room_one_to_one']);
  assert.deepEqual(run(msg({ body: 'hi' }, { sender: '@bob:hs' })), [false, false, null]);
});

test('notices, member events, reactions and edits do not notify', () => {
  assert.deepEqual(run(msg({ msgtype: 'm.notice', body: 'bot says bob' })), [false, false, '.m.rule.suppress_notices']);
  assert.deepEqual(run({ type: 'm.room.member', sender: '@alice:hs', stateKey: '@alice:hs', content: { membership: 'join' } }), [false, false, '.m.rule.member_event']);
  assert.deepEqual(run({ type: 'm.reaction', sender: '@alice:hs', stateKey: null, content: {} }), [false, false, '.m.rule.reaction']);
  assert.deepEqual(run(msg({ body: '* fixed', 'm.relates_to': { rel_type: 'm.replace', event_id: '$x' } })), [false, false, '.m.rule.suppress_edits']);
});

test('invites for me notify', () => {
  assert.deepEqual(run({ type: 'm.room.member', sender: '@alice:hs', stateKey: '@bob:hs', content: { membership: 'invite' } }), [true, false, '.m.rule.invite_for_me']);
});

test('mentions highlight: user ids, display name, localpart, @room with power', () => {
  assert.deepEqual(run(msg({ body: 'x', 'm.mentions': { user_ids: ['@bob:hs'] } })), [true, true, '.m.rule.is_user_mention']);
  assert.deepEqual(run(msg({ body: 'hey Bobby T!' })), [true, true, '.m.rule.contains_display_name']);
  assert.deepEqual(run(msg({ body: 'where is BOB?' })), [true, true, '.m.rule.contains_user_name']);
  assert.deepEqual(run(msg({ body: 'bobcat' })), [true, false, '.m.rule.message'], 'word boundaries');
  // With m.mentions present the legacy body rules are off.
  assert.deepEqual(run(msg({ body: 'hey Bobby T', 'm.mentions': {} })), [true, false, '.m.rule.message']);
  assert.deepEqual(run(msg({ body: 'all', 'm.mentions': { room: true } })), [true, false, '.m.rule.message'], 'no power for @room');
  assert.deepEqual(run(msg({ body: 'all', 'm.mentions': { room: true } }), { senderPowerLevel: 50 }), [true, true, '.m.rule.is_room_mention']);
  assert.deepEqual(run(msg({ body: '@room wake up' }), { senderPowerLevel: 100 }), [true, true, '.m.rule.roomnotif']);
});

test('encrypted events notify; tombstones highlight', () => {
  assert.deepEqual(run({ type: 'm.room.encrypted', sender: '@alice:hs', stateKey: null, content: {} }), [true, false, '.m.rule.encrypted']);
  assert.deepEqual(run({ type: 'm.room.encrypted', sender: '@alice:hs', stateKey: null, content: {} }, { memberCount: 2 }), [true, false, '.m.rule.encrypted_room_one_to_one']);
  assert.deepEqual(run({ type: 'm.room.tombstone', sender: '@alice:hs', stateKey: '', content: {} }), [true, true, '.m.rule.tombstone']);
  assert.deepEqual(run({ type: 'org.example.custom', sender: '@alice:hs', stateKey: null, content: {} }), [false, false, null]);
});
