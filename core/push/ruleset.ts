// A user's effective ruleset: the server-default rules (with the user's enabled/actions changes)
// and the user's own rules, in the order the spec checks them. The user's changes are kept as the
// server-managed m.push_rules global account data, holding the whole effective ruleset
// ({ global: ruleset }) exactly as /sync delivers it to clients, as Synapse does.
//
// Reading that content back, only the user's part is trusted: for a server-default rule only its
// `enabled` and `actions`; its definition always comes from predefined-rules.ts, so a server
// upgrade that changes or adds default rules reaches every user, and defaults the server no longer
// has are dropped. User rules keep their stored order. Ordering within a kind (spec "Predefined
// Rules"): .m.rule.master first, then the user's rules, then the other server-default rules.
import { predefinedRules } from './predefined-rules.ts';
import { isPredefinedId, RULE_KINDS, type PushAction, type PushCondition, type PushRule, type RuleKind, type Ruleset } from './rules.ts';

export const PUSH_RULES_TYPE = 'm.push_rules';
const MASTER = '.m.rule.master';

/** The ruleset split into what the user owns and the server defaults (with the user's changes). */
export interface SplitRuleset {
  user: Ruleset;
  defaults: Ruleset;
}

const emptyRuleset = (): Ruleset => ({ override: [], content: [], room: [], sender: [], underride: [] });

export function splitStored(userId: string, stored: Record<string, unknown> | null): SplitRuleset {
  const defaults = predefinedRules(userId);
  const user = emptyRuleset();
  const global = asObject(stored?.global);
  for (const kind of RULE_KINDS) {
    const list = global?.[kind];
    if (!Array.isArray(list)) continue;
    const seen = new Set<string>();
    for (const item of list) {
      const r = asObject(item);
      if (!r || typeof r.rule_id !== 'string' || seen.has(r.rule_id) || !Array.isArray(r.actions)) continue;
      seen.add(r.rule_id);
      const actions = r.actions as PushAction[];
      if (isPredefinedId(r.rule_id)) {
        const d = defaults[kind].find((x) => x.rule_id === r.rule_id);
        if (!d) continue;
        if (typeof r.enabled === 'boolean') d.enabled = r.enabled;
        d.actions = actions;
        continue;
      }
      const rule: PushRule = { rule_id: r.rule_id, default: false, enabled: r.enabled !== false, actions };
      if (kind === 'override' || kind === 'underride') rule.conditions = Array.isArray(r.conditions) ? (r.conditions as PushCondition[]) : [];
      if (kind === 'content') {
        if (typeof r.pattern !== 'string') continue;
        rule.pattern = r.pattern;
      }
      user[kind].push(rule);
    }
  }
  return { user, defaults };
}

export function compose(split: SplitRuleset): Ruleset {
  const out = emptyRuleset();
  for (const kind of RULE_KINDS) {
    const defaults = split.defaults[kind];
    const master = kind === 'override' ? defaults.filter((r) => r.rule_id === MASTER) : [];
    out[kind] = [...master, ...split.user[kind], ...defaults.filter((r) => r.rule_id !== MASTER)];
  }
  return out;
}

/** The user's effective ruleset from their stored m.push_rules content (null: none stored). */
export const effectiveRuleset = (userId: string, stored: Record<string, unknown> | null): Ruleset => compose(splitStored(userId, stored));

/** The m.push_rules account data content for a ruleset. */
export const toAccountData = (ruleset: Ruleset): Record<string, unknown> => ({ global: ruleset });

export function findRule(ruleset: Ruleset, kind: RuleKind, ruleId: string): PushRule | undefined {
  return ruleset[kind].find((r) => r.rule_id === ruleId);
}

function asObject(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
