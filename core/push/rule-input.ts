// Checks of what clients send to the push rules API (pushrules.yaml setPushRule,
// setPushRuleActions; push_condition.yaml). Wrong JSON types or missing fields are M_BAD_JSON /
// M_MISSING_PARAM, like every body check (core/spec/shape.ts); well-typed values the server
// cannot accept (an unknown action, a bad rule id, a bad member count) are M_INVALID_PARAM.
import { MatrixError } from '../spec/errors.ts';
import { parseRoomId, parseUserId } from '../spec/ids.ts';
import { isMemberCountCondition } from './evaluate.ts';
import { isPredefinedId, type PushAction, type PushCondition, type PushRule, type RuleKind } from './rules.ts';

/** Not spec numbers: bounds that keep one user's m.push_rules reasonably small. */
export const MAX_RULE_ID_BYTES = 255;
export const MAX_ACTIONS = 20;
export const MAX_CONDITIONS = 20;
export const MAX_PATTERN_BYTES = 1024;

const badJson = (msg: string) => new MatrixError('M_BAD_JSON', msg);
const invalid = (msg: string) => new MatrixError('M_INVALID_PARAM', msg);

/** Spec setPushRule ruleId: a leading "." is reserved for server-default rules; no "/" or "\". */
export function checkNewRuleId(kind: RuleKind, ruleId: string): void {
  if (ruleId === '' || Buffer.byteLength(ruleId) > MAX_RULE_ID_BYTES) throw invalid(`Rule ids must be 1 to ${MAX_RULE_ID_BYTES} bytes`);
  if (isPredefinedId(ruleId)) throw invalid('Rule ids starting with "." are reserved for server-default rules');
  if (/[/\\]/.test(ruleId)) throw invalid('Rule ids may not contain "/" or "\\"');
  // Room and sender rules are keyed by the room or user they apply to (spec "Push Rules").
  if (kind === 'room' && !parseRoomId(ruleId)) throw invalid('The rule id of a room rule must be a room id');
  if (kind === 'sender' && !parseUserId(ruleId)) throw invalid('The rule id of a sender rule must be a user id');
}

/** Actions as stored: legacy dont_notify and coalesce stripped (spec "Historical Actions"). */
export function parseActions(v: unknown): PushAction[] {
  if (v === undefined) throw new MatrixError('M_MISSING_PARAM', 'Missing parameter: actions');
  if (!Array.isArray(v)) throw badJson('actions must be an array');
  if (v.length > MAX_ACTIONS) throw invalid(`At most ${MAX_ACTIONS} actions`);
  const out: PushAction[] = [];
  for (const [i, a] of v.entries()) {
    if (a === 'notify') out.push(a);
    else if (a === 'dont_notify' || a === 'coalesce') continue;
    else if (typeof a === 'string') throw invalid(`Unknown action: ${a}`);
    else if (typeof a !== 'object' || a === null || Array.isArray(a)) throw badJson(`actions[${i}] must be a string or an object`);
    else if (typeof (a as Record<string, unknown>).set_tweak !== 'string') throw invalid(`actions[${i}] is not a set_tweak action`);
    else {
      const tweak = a as Record<string, unknown>;
      if (tweak.set_tweak === 'highlight' && tweak.value !== undefined && typeof tweak.value !== 'boolean') throw badJson('The highlight tweak value must be a boolean');
      if (tweak.set_tweak === 'sound' && typeof tweak.value !== 'string') throw badJson('The sound tweak value must be a string');
      out.push({ ...tweak });
    }
  }
  return out;
}

/** Known condition kinds must be well formed; unknown kinds are kept (they never match). */
export function parseConditions(v: unknown): PushCondition[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw badJson('conditions must be an array');
  if (v.length > MAX_CONDITIONS) throw invalid(`At most ${MAX_CONDITIONS} conditions`);
  return v.map((c, i) => parseCondition(c, `conditions[${i}]`));
}

function parseCondition(v: unknown, at: string): PushCondition {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badJson(`${at} must be an object`);
  const c = v as Record<string, unknown>;
  if (typeof c.kind !== 'string') throw badJson(`${at}.kind must be a string`);
  const needString = (field: string) => {
    if (typeof c[field] !== 'string') throw badJson(`${at}.${field} must be a string`);
  };
  const needScalar = () => {
    const x = c.value;
    const ok = x === null || typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isSafeInteger(x));
    if (!ok) throw badJson(`${at}.value must be a string, an integer, a boolean or null`);
  };
  switch (c.kind) {
    case 'event_match':
      needString('key');
      needString('pattern');
      break;
    case 'event_property_is':
    case 'event_property_contains':
      needString('key');
      needScalar();
      break;
    case 'room_member_count':
      needString('is');
      if (!isMemberCountCondition(c.is as string)) throw invalid(`${at}.is must be a number optionally prefixed by ==, <, >, <= or >=`);
      break;
    case 'sender_notification_permission':
      needString('key');
      break;
  }
  return { ...c, kind: c.kind };
}

/** A user rule from a setPushRule body; `enabled` is the caller's to decide. */
export function parseRuleBody(kind: RuleKind, ruleId: string, body: Record<string, unknown>): Omit<PushRule, 'enabled'> {
  const rule: Omit<PushRule, 'enabled'> = { rule_id: ruleId, default: false, actions: parseActions(body.actions) };
  if (kind === 'override' || kind === 'underride') rule.conditions = parseConditions(body.conditions);
  if (kind === 'content') {
    if (body.pattern === undefined) throw new MatrixError('M_MISSING_PARAM', 'Content rules need a pattern');
    if (typeof body.pattern !== 'string') throw badJson('pattern must be a string');
    if (body.pattern === '' || Buffer.byteLength(body.pattern) > MAX_PATTERN_BYTES) throw invalid(`pattern must be 1 to ${MAX_PATTERN_BYTES} bytes`);
    rule.pattern = body.pattern;
  }
  return rule;
}
