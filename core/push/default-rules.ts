// evaluatePush: the entry point unread counts use (core/sync/counts.ts). It evaluates the user's
// effective ruleset when the caller has it (PushRulesForCounts.rulesetFor) and the server-default
// rules otherwise. The rules are in predefined-rules.ts, the evaluator in evaluate.ts.
import { evaluateRuleset, type PushContext, type PushEvent } from './evaluate.ts';
import { predefinedRules } from './predefined-rules.ts';
import type { Ruleset } from './rules.ts';

export type { PushContext, PushEvent } from './evaluate.ts';

export interface PushResult {
  notify: boolean;
  highlight: boolean;
}

/** Server-default rulesets are per user (some rules name the user); kept for the last users seen. */
const DEFAULTS_CACHE_MAX = 10_000;
const defaults = new Map<string, Ruleset>();

export function serverDefaultRuleset(userId: string): Ruleset {
  let rs = defaults.get(userId);
  if (!rs) {
    rs = predefinedRules(userId);
    if (defaults.size >= DEFAULTS_CACHE_MAX) defaults.delete(defaults.keys().next().value!);
    defaults.set(userId, rs);
  }
  return rs;
}

/** The first matching rule decides; no match → no notification. A user's own events never notify. */
export function evaluatePush(event: PushEvent, ctx: PushContext, ruleset?: Ruleset): PushResult & { ruleId: string | null } {
  const d = evaluateRuleset(ruleset ?? serverDefaultRuleset(ctx.userId), event, ctx);
  return { notify: d.notify, highlight: d.highlight, ruleId: d.ruleId };
}
