// The push rule evaluator (core/push/evaluate.ts) on the spec's own examples (client-server-api
// "Push Rules" → "Conditions", "Actions") and on user rules of every kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionMatches, decide, evaluateRuleset, splitPath, type PushContext, type PushEvent } from '../../../core/push/evaluate.ts';
import { predefinedRules } from '../../../core/push/predefined-rules.ts';
import type { PushCondition } from '../../../core/push/rules.ts';

const ME = '@bob:hs';
const ctx: PushContext = { userId: ME, displayName: 'Bobby', memberCount: 5, senderPowerLevel: 0, roomNotificationLevel: 50 };
const ev = (over: Partial<PushEvent>): PushEvent => ({ type: 'm.room.message', sender: '@alice:hs', stateKey: null, content: {}, roomId: '!r:hs', ...over });
const cond = (c: PushCondition, e: PushEvent, cx: Partial<PushContext> = {}) => conditionMatches(c, e, { ...ctx, ...cx });

test('event_match: the spec example lunc?* on content.topic', () => {
  const c = { kind: 'event_match', key: 'content.topic', pattern: 'lunc?*' };
  const topic = (t: unknown) => cond(c, ev({ type: 'm.room.topic', stateKey: '', content: { topic: t } }));
  assert.equal(topic('Lunch plans'), true);
  assert.equal(topic('LUNCH'), true, 'case-insensitive; * may match nothing');
  assert.equal(topic(' lunch'), false, 'leading space: the whole value must match');
  assert.equal(topic('lunc'), false, '? must match a character');
  assert.equal(topic(null), false, 'not a string');
  assert.equal(cond({ kind: 'event_match', key: 'content.topic', pattern: '*' }, ev({ content: {} })), false, 'absent never matches, even *');
});

test('event_match on content.body matches on word boundaries (spec ex*ple example)', () => {
  const c = { kind: 'event_match', key: 'content.body', pattern: 'ex*ple' };
  const body = (b: string) => cond(c, ev({ content: { body: b } }));
  assert.equal(body('An example event.'), true);
  assert.equal(body('exple'), true, 'at the start and end of the body');
  assert.equal(body('An exciting triple-whammy'), true, 'across words; - separates words');
  assert.equal(body('examples'), false, 'the match must end at a word boundary');
  assert.equal(body('reexample'), false, 'and start at one');
  assert.equal(cond({ kind: 'event_match', key: 'content.body', pattern: 'cake' }, ev({ content: { body: 'CAKE_time' } })), false, '_ is a word character');
  assert.equal(cond({ kind: 'event_match', key: 'content.body', pattern: 'a.b' }, ev({ content: { body: 'axb' } })), false, 'regex characters are literal');
});

test('event_property_is: exact scalar values, no casts (spec m.federate example)', () => {
  const c = { kind: 'event_property_is', key: 'content.m\\.federate', value: true };
  const fed = (v: unknown) => cond(c, ev({ type: 'm.room.create', stateKey: '', content: { 'm.federate': v } }));
  assert.equal(fed(true), true);
  assert.equal(fed('true'), false);
  assert.equal(fed(1), false);
  assert.equal(cond({ kind: 'event_property_is', key: 'content.x', value: null }, ev({ content: { x: null } })), true, 'null is a value');
  assert.equal(cond({ kind: 'event_property_is', key: 'content.x', value: null }, ev({ content: {} })), false, 'absent is not null');
  assert.equal(cond({ kind: 'event_property_is', key: 'content.x', value: { a: 1 } }, ev({ content: { x: { a: 1 } } })), false, 'compound values never match');
});

test('event_property_contains: exact array members (spec alt_aliases example)', () => {
  const c = { kind: 'event_property_contains', key: 'content.alt_aliases', value: '#myroom:example.com' };
  const aliases = (v: unknown) => cond(c, ev({ type: 'm.room.canonical_alias', stateKey: '', content: { alt_aliases: v } }));
  assert.equal(aliases(['#somewhere:example.org', '#myroom:example.com']), true);
  assert.equal(aliases([':example.com']), false, 'partial values do not match');
  assert.equal(aliases('#myroom:example.com'), false, 'not an array');
});

test('dot-separated paths: \\. is a literal dot, \\\\ a backslash', () => {
  assert.deepEqual(splitPath('content.m\\.relates_to.rel_type'), ['content', 'm.relates_to', 'rel_type']);
  assert.deepEqual(splitPath('content.a\\\\b'), ['content', 'a\\b']);
});

test('room_member_count: ==, <, >, <=, >= and bare numbers', () => {
  const count = (is: string, memberCount: number) => cond({ kind: 'room_member_count', is }, ev({}), { memberCount });
  assert.equal(count('2', 2), true);
  assert.equal(count('==2', 3), false);
  assert.equal(count('<3', 2), true);
  assert.equal(count('<3', 3), false);
  assert.equal(count('>3', 4), true);
  assert.equal(count('<=3', 3), true);
  assert.equal(count('>=3', 2), false);
  assert.equal(count('=>3', 4), false, 'malformed never matches');
});

test('sender_notification_permission uses notifications.<key> of the power levels', () => {
  const c = { kind: 'sender_notification_permission', key: 'room' };
  assert.equal(cond(c, ev({}), { senderPowerLevel: 49 }), false);
  assert.equal(cond(c, ev({}), { senderPowerLevel: 50 }), true);
  const custom = { kind: 'sender_notification_permission', key: 'org.example' };
  assert.equal(cond(custom, ev({}), { senderPowerLevel: 10, notificationLevels: { 'org.example': 10 } }), true);
  assert.equal(cond(custom, ev({}), { senderPowerLevel: 10 }), false, 'other keys default to 50');
});

test('contains_display_name and unknown conditions', () => {
  assert.equal(cond({ kind: 'contains_display_name' }, ev({ content: { body: 'hi bobby!' } })), true);
  assert.equal(cond({ kind: 'contains_display_name' }, ev({ content: { body: 'hi bobbyx' } })), false);
  assert.equal(cond({ kind: 'contains_display_name' }, ev({ content: { body: 'hi b.bby' } }), { displayName: 'b.bby*' }), false, 'display names are literal');
  assert.equal(cond({ kind: 'org.example.future' }, ev({})), false, 'unknown conditions never match');
});

test('actions: notify, highlight tweak with and without value, legacy actions ignored', () => {
  assert.deepEqual(decide(['notify', { set_tweak: 'highlight' }]).highlight, true);
  assert.deepEqual(decide(['notify', { set_tweak: 'highlight', value: false }]).highlight, false);
  assert.deepEqual(decide([{ set_tweak: 'highlight' }]), { notify: false, highlight: false, actions: [{ set_tweak: 'highlight' }] });
  assert.deepEqual(decide(['dont_notify']), { notify: false, highlight: false, actions: [] }, 'dont_notify ≡ []');
  assert.deepEqual(decide(['coalesce', 'notify']).actions, ['notify']);
});

test('user rules: kind order, disabled rules, master, room/sender/content rules', () => {
  const rs = predefinedRules(ME);
  const run = (e: PushEvent) => {
    const d = evaluateRuleset(rs, e, ctx);
    return [d.ruleId, d.notify, d.highlight];
  };
  const msg = ev({ content: { msgtype: 'm.text', body: 'I like cake' } });
  assert.deepEqual(run(msg), ['.m.rule.message', true, false]);
  rs.content.unshift({ rule_id: 'cake', default: false, enabled: true, pattern: 'cake', actions: ['notify', { set_tweak: 'highlight' }] });
  assert.deepEqual(run(msg), ['cake', true, true]);
  rs.room.push({ rule_id: '!r:hs', default: false, enabled: true, actions: [] });
  assert.deepEqual(run(msg), ['cake', true, true], 'content rules come before room rules');
  assert.deepEqual(run(ev({ content: { body: 'no match' } })), ['!r:hs', false, false]);
  assert.deepEqual(run(ev({ roomId: '!other:hs', content: { body: 'no match' } })), ['.m.rule.message', true, false]);
  rs.sender.push({ rule_id: '@carol:hs', default: false, enabled: true, actions: ['notify', { set_tweak: 'highlight' }] });
  assert.deepEqual(run(ev({ sender: '@carol:hs', roomId: '!other:hs', content: { body: 'x' } })), ['@carol:hs', true, true]);
  rs.content[0]!.enabled = false;
  assert.deepEqual(run(msg), ['!r:hs', false, false], 'disabled rules never match');
  rs.override[0]!.enabled = true;
  assert.deepEqual(run(msg), ['.m.rule.master', false, false], 'master beats everything when enabled');
  assert.deepEqual(run(ev({ sender: ME, content: { body: 'mine' } })), [null, false, false], 'own events never notify');
});

test('predefined rules: current spec rules in spec order, each default and well formed', () => {
  const rs = predefinedRules(ME);
  const specOverride = ['.m.rule.master', '.m.rule.suppress_notices', '.m.rule.invite_for_me', '.m.rule.member_event', '.m.rule.is_user_mention', '.m.rule.is_room_mention', '.m.rule.tombstone', '.m.rule.reaction', '.m.rule.room.server_acl', '.m.rule.suppress_edits'];
  const specUnderride = ['.m.rule.call', '.m.rule.encrypted_room_one_to_one', '.m.rule.room_one_to_one', '.m.rule.message', '.m.rule.encrypted'];
  const ids = (list: { rule_id: string }[], only: string[]) => list.map((r) => r.rule_id).filter((id) => only.includes(id));
  assert.deepEqual(ids(rs.override, specOverride), specOverride);
  assert.deepEqual(ids(rs.underride, specUnderride), specUnderride);
  for (const list of Object.values(rs)) for (const r of list) assert.equal(r.default, true);
  assert.equal(rs.override[0]!.enabled, false, 'master is disabled by default');
  assert.deepEqual(rs.override[2]!.conditions![2], { kind: 'event_match', key: 'state_key', pattern: ME }, 'invite_for_me names the user');
});
