// Handlers for push rules (client-server-api "Push Rules: API").
import { route, type Route } from '../../http/route.ts';
import type { PushRulesApi } from '../../push/api.ts';
import {
  deletePushRule, getPushRule, getPushRuleActions, getPushRuleEnabled, getPushRules, getPushRulesGlobal,
  setPushRule, setPushRuleActions, setPushRuleEnabled,
} from '../../spec/endpoints/push-rules.ts';

export function pushRuleRoutes(deps: { pushRules: PushRulesApi }): Route[] {
  const { pushRules } = deps;
  return [
    route(getPushRules, async ({ requester }) => ({ global: await pushRules.getRuleset(requester) })),
    route(getPushRulesGlobal, ({ requester }) => pushRules.getRuleset(requester)),
    route(getPushRule, ({ requester, params }) => pushRules.getRule(requester, params.kind, params.ruleId)),
    route(setPushRule, async ({ requester, params, query, body }) => {
      await pushRules.putRule(requester, params.kind, params.ruleId, body, query);
      return {};
    }),
    route(deletePushRule, async ({ requester, params }) => {
      await pushRules.deleteRule(requester, params.kind, params.ruleId);
      return {};
    }),
    route(getPushRuleEnabled, async ({ requester, params }) => ({ enabled: (await pushRules.getRule(requester, params.kind, params.ruleId)).enabled })),
    route(setPushRuleEnabled, async ({ requester, params, body }) => {
      await pushRules.setEnabled(requester, params.kind, params.ruleId, body.enabled);
      return {};
    }),
    route(getPushRuleActions, async ({ requester, params }) => ({ actions: (await pushRules.getRule(requester, params.kind, params.ruleId)).actions })),
    route(setPushRuleActions, async ({ requester, params, body }) => {
      await pushRules.setActions(requester, params.kind, params.ruleId, body.actions);
      return {};
    }),
  ];
}
