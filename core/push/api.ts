// The narrow interfaces of the push feature: handlers use PushRulesApi (client-server-api "Push
// Rules: API"), unread counts use PushRulesForCounts.
import type { Requester } from '../spec/endpoint.ts';
import type { Placement } from './rule-edits.ts';
import type { PushRule, RuleKind, Ruleset } from './rules.ts';

export interface PushRulesApi {
  getRuleset(requester: Requester): Promise<Ruleset>;
  getRule(requester: Requester, kind: RuleKind, ruleId: string): Promise<PushRule>;
  putRule(requester: Requester, kind: RuleKind, ruleId: string, body: Record<string, unknown>, where: Placement): Promise<void>;
  deleteRule(requester: Requester, kind: RuleKind, ruleId: string): Promise<void>;
  setEnabled(requester: Requester, kind: RuleKind, ruleId: string, enabled: boolean): Promise<void>;
  setActions(requester: Requester, kind: RuleKind, ruleId: string, actions: unknown): Promise<void>;
}

export interface PushRulesForCounts {
  /** The user's effective ruleset, for evaluatePush, and a key that changes whenever it does. */
  rulesetFor(userId: string): Promise<{ ruleset: Ruleset; version: string }>;
}
