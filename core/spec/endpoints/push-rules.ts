// Push rules endpoints (client-server-api "Push Rules: API"; pushrules.yaml). Only the `global`
// scope exists, so it is part of the paths; kinds outside the spec's enum are M_INVALID_PARAM.
import { endpoint } from '../endpoint.ts';
import { bool, jsonObject, literal, object, optional, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const RULE = `${V3}/pushrules/global/:kind/:ruleId`;
const ruleParams = object({ kind: literal('override', 'underride', 'sender', 'room', 'content'), ruleId: str() });

export const getPushRules = endpoint({ name: 'getPushRules', method: 'GET', paths: [`${V3}/pushrules/`], auth: 'user' });

export const getPushRulesGlobal = endpoint({ name: 'getPushRulesGlobal', method: 'GET', paths: [`${V3}/pushrules/global/`], auth: 'user' });

export const getPushRule = endpoint({ name: 'getPushRule', method: 'GET', paths: [RULE], auth: 'user', params: ruleParams });

export const deletePushRule = endpoint({ name: 'deletePushRule', method: 'DELETE', paths: [RULE], auth: 'user', params: ruleParams });

export const setPushRule = endpoint({
  name: 'setPushRule',
  method: 'PUT',
  paths: [RULE],
  auth: 'user',
  rateLimit: 'message',
  params: ruleParams,
  query: object({ before: optional(str()), after: optional(str()) }),
  body: jsonObject(),
});

export const getPushRuleEnabled = endpoint({ name: 'getPushRuleEnabled', method: 'GET', paths: [`${RULE}/enabled`], auth: 'user', params: ruleParams });

export const setPushRuleEnabled = endpoint({
  name: 'setPushRuleEnabled',
  method: 'PUT',
  paths: [`${RULE}/enabled`],
  auth: 'user',
  params: ruleParams,
  body: object({ enabled: bool() }),
});

export const getPushRuleActions = endpoint({ name: 'getPushRuleActions', method: 'GET', paths: [`${RULE}/actions`], auth: 'user', params: ruleParams });

export const setPushRuleActions = endpoint({
  name: 'setPushRuleActions',
  method: 'PUT',
  paths: [`${RULE}/actions`],
  auth: 'user',
  params: ruleParams,
  body: jsonObject(),
});
