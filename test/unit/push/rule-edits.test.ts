// Push rule edits (core/push/rule-edits.ts) and how the stored m.push_rules content is read back
// (core/push/ruleset.ts): placement, refusals with their errcodes, and trust in stored content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteRule, putRule, setActions, setEnabled, type Edit } from '../../../core/push/rule-edits.ts';
import { effectiveRuleset } from '../../../core/push/ruleset.ts';
import type { Ruleset } from '../../../core/push/rules.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

const ME = '@bob:hs';
const apply = (stored: Record<string, unknown> | null, ...edits: Edit[]) => edits.reduce<Record<string, unknown> | null>((s, e) => e(ME, s), stored);
const rules = (stored: Record<string, unknown> | null): Ruleset => effectiveRuleset(ME, stored);
const ids = (rs: Ruleset, kind: keyof Ruleset) => rs[kind].filter((r) => !r.default).map((r) => r.rule_id);
const refuses = (fn: () => unknown, errcode: string, status: number) =>
  assert.throws(fn, (e: unknown) => e instanceof MatrixError && e.errcode === errcode && e.status === status, `${errcode} ${status}`);

test('new rules go first among user rules, after master; before/after place them; updates keep their place', () => {
  const kw = (p: string) => ({ pattern: p, actions: ['notify'] });
  let s = apply(null, putRule('content', 'a', kw('a'), {}), putRule('content', 'b', kw('b'), {}));
  assert.deepEqual(ids(rules(s), 'content'), ['b', 'a']);
  s = apply(s, putRule('content', 'c', kw('c'), { after: 'b' }), putRule('content', 'd', kw('d'), { before: 'b' }));
  assert.deepEqual(ids(rules(s), 'content'), ['d', 'b', 'c', 'a']);
  s = apply(s, putRule('content', 'c', kw('cc'), {}));
  assert.deepEqual(ids(rules(s), 'content'), ['d', 'b', 'c', 'a'], 'an update keeps its position');
  assert.equal(rules(s).content.find((r) => r.rule_id === 'c')!.pattern, 'cc');
  s = apply(s, putRule('content', 'a', kw('a'), { before: 'd', after: 'c' }));
  assert.deepEqual(ids(rules(s), 'content'), ['a', 'd', 'b', 'c'], 'before wins over after');
  assert.equal(rules(s).content.at(-1)!.rule_id, '.m.rule.contains_user_name', 'server defaults come after user rules');
  s = apply(s, putRule('override', 'o', { conditions: [], actions: [] }, {}));
  assert.deepEqual(rules(s).override.slice(0, 2).map((r) => r.rule_id), ['.m.rule.master', 'o']);
});

test('refusals: reserved or malformed ids, bad before/after, malformed actions and conditions', () => {
  refuses(() => putRule('override', '.m.rule.master', { actions: [] }, {}), 'M_INVALID_PARAM', 400);
  refuses(() => putRule('override', 'a/b', { actions: [] }, {}), 'M_INVALID_PARAM', 400);
  refuses(() => putRule('room', 'not-a-room', { actions: [] }, {}), 'M_INVALID_PARAM', 400);
  refuses(() => putRule('sender', '!room:hs', { actions: [] }, {}), 'M_INVALID_PARAM', 400);
  refuses(() => putRule('content', 'k', { actions: ['notify'] }, {}), 'M_MISSING_PARAM', 400);
  refuses(() => putRule('override', 'x', {}, {}), 'M_MISSING_PARAM', 400);
  refuses(() => putRule('override', 'x', { actions: 'notify' }, {}), 'M_BAD_JSON', 400);
  refuses(() => putRule('override', 'x', { actions: ['explode'] }, {}), 'M_INVALID_PARAM', 400);
  refuses(() => putRule('override', 'x', { actions: [{ tweak: 'x' }] }, {}), 'M_INVALID_PARAM', 400);
  refuses(() => putRule('override', 'x', { actions: [{ set_tweak: 'highlight', value: 'yes' }] }, {}), 'M_BAD_JSON', 400);
  refuses(() => putRule('override', 'x', { actions: [], conditions: [{ kind: 'event_match', key: 'type' }] }, {}), 'M_BAD_JSON', 400);
  refuses(() => putRule('override', 'x', { actions: [], conditions: [{ kind: 'room_member_count', is: 'many' }] }, {}), 'M_INVALID_PARAM', 400);
  refuses(() => putRule('override', 'x', { actions: [], conditions: {} }, {}), 'M_BAD_JSON', 400);
  refuses(() => apply(null, putRule('content', 'k', { pattern: 'k', actions: [] }, { before: 'nope' })), 'M_UNKNOWN', 400);
  refuses(() => apply(null, putRule('content', 'k', { pattern: 'k', actions: [] }, { after: '.m.rule.contains_user_name' })), 'M_UNKNOWN', 400);
  refuses(() => deleteRule('override', '.m.rule.suppress_notices'), 'M_NOT_FOUND', 404);
  refuses(() => apply(null, deleteRule('override', 'nope')), 'M_NOT_FOUND', 404);
  refuses(() => apply(null, setEnabled('content', '.m.rule.message', false)), 'M_NOT_FOUND', 404);
  refuses(() => setActions('underride', '.m.rule.message', ['bogus']), 'M_INVALID_PARAM', 400);
  // Unknown condition kinds are kept: they never match (spec "Conditions").
  const s = apply(null, putRule('override', 'future', { actions: ['notify'], conditions: [{ kind: 'org.example.future', x: 1 }] }, {}));
  assert.deepEqual(rules(s).override[1]!.conditions, [{ kind: 'org.example.future', x: 1 }]);
});

test('predefined rules: enabled and actions change, definitions stay the server\'s', () => {
  let s = apply(null, setEnabled('underride', '.m.rule.message', false), setActions('override', '.m.rule.tombstone', ['dont_notify']));
  const rs = rules(s);
  assert.equal(rs.underride.find((r) => r.rule_id === '.m.rule.message')!.enabled, false);
  assert.deepEqual(rs.override.find((r) => r.rule_id === '.m.rule.tombstone')!.actions, [], 'legacy actions are stripped');
  // Stored content is trusted only for enabled/actions of defaults; unknown defaults are dropped.
  const global = s!.global as Ruleset;
  global.underride.find((r) => r.rule_id === '.m.rule.message')!.conditions = [];
  global.underride.push({ rule_id: '.m.rule.gone', default: true, enabled: true, actions: ['notify'], conditions: [] });
  s = { global };
  const back = rules(s).underride;
  assert.deepEqual(back.find((r) => r.rule_id === '.m.rule.message')!.conditions, [{ kind: 'event_match', key: 'type', pattern: 'm.room.message' }]);
  assert.equal(back.some((r) => r.rule_id === '.m.rule.gone'), false);
});

test('delete removes a user rule; new rules are enabled and updates keep enabled', () => {
  let s = apply(null, putRule('room', '!r:hs', { actions: [] }, {}), setEnabled('room', '!r:hs', false));
  s = apply(s, putRule('room', '!r:hs', { actions: ['notify'] }, {}));
  assert.equal(rules(s).room[0]!.enabled, false);
  assert.equal(rules(apply(null, putRule('room', '!r:hs', { actions: [] }, {}))).room[0]!.enabled, true);
  s = apply(s, deleteRule('room', '!r:hs'));
  assert.deepEqual(rules(s).room, []);
});
