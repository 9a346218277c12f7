// Push rules as the spec writes them (client-server-api "Push Rules"; push_rule.yaml,
// push_ruleset.yaml, push_condition.yaml): the JSON that GET /pushrules/ returns, m.push_rules
// account data carries and the evaluator reads. Kinds are listed in the order they are checked.

export type RuleKind = 'override' | 'content' | 'room' | 'sender' | 'underride';
export const RULE_KINDS: readonly RuleKind[] = ['override', 'content', 'room', 'sender', 'underride'];

/** A string ("notify") or an object ({ set_tweak: "sound", value: "default" }). */
export type PushAction = string | Record<string, unknown>;

/** Known kinds are checked on input; unknown kinds are kept and never match (spec "Conditions"). */
export interface PushCondition {
  kind: string;
  [param: string]: unknown;
}

export interface PushRule {
  rule_id: string;
  default: boolean;
  enabled: boolean;
  actions: PushAction[];
  /** override and underride rules only. */
  conditions?: PushCondition[];
  /** content rules only. */
  pattern?: string;
}

export type Ruleset = Record<RuleKind, PushRule[]>;

export const isRuleKind = (s: string): s is RuleKind => (RULE_KINDS as readonly string[]).includes(s);

/** Server-default rule ids start with a dot (spec "Predefined Rules"). */
export const isPredefinedId = (ruleId: string): boolean => ruleId.startsWith('.');

/** A deep copy, so callers may edit what they get. */
export const cloneRuleset = (rs: Ruleset): Ruleset => structuredClone(rs);
