// The edits the push rules API makes (pushrules.yaml), as pure functions from one effective
// ruleset to the next; they throw MatrixError for requests the spec refuses. Statuses follow the
// spec's documented responses: setPushRule 400 (bad rule, bad before/after) and 404; the other
// operations 404 for a rule that does not exist.
import { MatrixError } from '../spec/errors.ts';
import { checkNewRuleId, parseActions, parseRuleBody } from './rule-input.ts';
import { compose, findRule, splitStored, toAccountData } from './ruleset.ts';
import { isPredefinedId, RULE_KINDS, type RuleKind, type Ruleset } from './rules.ts';

/** Not a spec number: how many rules of their own a user may keep. */
export const MAX_USER_RULES = 500;

export interface Placement {
  before?: string;
  after?: string;
}

const notFound = () => new MatrixError('M_NOT_FOUND', 'The push rule was not found.');

/** Reads the stored content, applies one edit, returns the content to store. */
export type Edit = (userId: string, stored: Record<string, unknown> | null) => Record<string, unknown>;

export function putRule(kind: RuleKind, ruleId: string, body: Record<string, unknown>, where: Placement): Edit {
  checkNewRuleId(kind, ruleId);
  const parsed = parseRuleBody(kind, ruleId, body);
  return (userId, stored) => {
    const split = splitStored(userId, stored);
    const list = split.user[kind];
    const at = list.findIndex((r) => r.rule_id === ruleId);
    const existing = at >= 0 ? list[at] : undefined;
    if (!existing && RULE_KINDS.reduce((n, k) => n + split.user[k].length, 0) >= MAX_USER_RULES) {
      throw new MatrixError('M_INVALID_PARAM', `A user may have at most ${MAX_USER_RULES} push rules`);
    }
    // Spec: "When creating push rules, they MUST be enabled by default"; an update keeps it.
    const rule = { ...parsed, enabled: existing?.enabled ?? true };
    const rest = list.filter((r) => r.rule_id !== ruleId);
    const anchor = where.before ?? where.after;
    let index: number;
    if (anchor !== undefined) {
      const i = rest.findIndex((r) => r.rule_id === anchor);
      // Relative to a server-default rule is refused too (spec setPushRule before/after).
      if (i < 0) throw new MatrixError('M_UNKNOWN', `before/after rule not found: ${anchor}`);
      index = where.before !== undefined ? i : i + 1;
    } else {
      index = existing ? at : 0;
    }
    rest.splice(index, 0, rule);
    split.user[kind] = rest;
    return toAccountData(compose(split));
  };
}

export function deleteRule(kind: RuleKind, ruleId: string): Edit {
  // Server-default rules cannot be deleted; there is no user rule by that id to remove.
  if (isPredefinedId(ruleId)) throw new MatrixError('M_NOT_FOUND', 'Server-default push rules cannot be deleted.');
  return (userId, stored) => {
    const split = splitStored(userId, stored);
    const list = split.user[kind];
    if (!list.some((r) => r.rule_id === ruleId)) throw notFound();
    split.user[kind] = list.filter((r) => r.rule_id !== ruleId);
    return toAccountData(compose(split));
  };
}

export function setEnabled(kind: RuleKind, ruleId: string, enabled: boolean): Edit {
  return (userId, stored) => {
    const ruleset = compose(splitStored(userId, stored));
    const rule = findRule(ruleset, kind, ruleId);
    if (!rule) throw notFound();
    rule.enabled = enabled;
    return toAccountData(ruleset);
  };
}

export function setActions(kind: RuleKind, ruleId: string, actionsJson: unknown): Edit {
  const actions = parseActions(actionsJson);
  return (userId, stored) => {
    const ruleset = compose(splitStored(userId, stored));
    const rule = findRule(ruleset, kind, ruleId);
    if (!rule) throw notFound();
    rule.actions = actions;
    return toAccountData(ruleset);
  };
}

/** The rule as GET returns it, or 404. */
export function getRule(ruleset: Ruleset, kind: RuleKind, ruleId: string) {
  const rule = findRule(ruleset, kind, ruleId);
  if (!rule) throw notFound();
  return rule;
}
