// The m.room.member rules: rule 5 in v1–v5 and v12, rule 4 in v6–v11 (numbering shifts when
// m.room.aliases' rule 4 is dropped in v6 and rule 2 is added in v12). Spec: rooms/fragments
// v1-auth-rules, v3-auth-rules, v8-auth-rules; rooms/v6, v7, v10, v11, v12 "Authorisation rules".

import { JOIN_RULES, THIRD_PARTY_INVITE } from './auth-events.ts';
import {
  ALLOW,
  asObject,
  deny,
  domainOf,
  levelOf,
  membershipOf,
  originalCreator,
  type AuthResult,
  type RuleContext,
} from './auth-rules-common.ts';

export function authorizeMember(ctx: RuleContext): AuthResult {
  const { event, content, version } = ctx;
  // 5.1 / 4.1
  if (typeof event.state_key !== 'string') return deny('member: no state_key');
  const membership = content.membership;
  if (typeof membership !== 'string') return deny('member: no membership in content');
  // 4.2 (v8+): the authorising server must have signed the join.
  if (version.restrictedJoins && content.join_authorised_via_users_server !== undefined) {
    const via = content.join_authorised_via_users_server;
    const server = domainOf(via);
    if (server === null) return deny('member: join_authorised_via_users_server is not a user id');
    if (ctx.options.isSignedBy && !ctx.options.isSignedBy(event, server)) {
      return deny('member: not signed by the authorising server');
    }
  }
  switch (membership) {
    case 'join':
      return authorizeJoin(ctx, event.state_key);
    case 'invite':
      return authorizeInvite(ctx, event.state_key);
    case 'leave':
      return authorizeLeave(ctx, event.state_key);
    case 'ban':
      return authorizeBan(ctx, event.state_key);
    case 'knock':
      if (version.knocking) return authorizeKnock(ctx, event.state_key);
      return deny('member: unknown membership knock');
    default:
      return deny(`member: unknown membership ${membership.slice(0, 32)}`);
  }
}

function joinRule(ctx: RuleContext): string | undefined {
  const r = asObject(ctx.state(JOIN_RULES, '')?.content)?.join_rule;
  return typeof r === 'string' ? r : undefined;
}

function authorizeJoin(ctx: RuleContext, target: string): AuthResult {
  const { event, version, create } = ctx;
  // join.1: the creator's own first join, straight after the create event.
  if (
    create &&
    event.prev_events.length === 1 &&
    event.prev_events[0] === create.event_id &&
    target === originalCreator(create, version)
  ) {
    return ALLOW;
  }
  if (event.sender !== target) return deny('join: sender does not match state_key'); // join.2
  const current = membershipOf(ctx, target);
  if (current === 'ban') return deny('join: sender is banned'); // join.3
  const rule = joinRule(ctx);
  // join.4: invite (and knock from v7) rooms admit the invited and the joined.
  if (rule === 'invite' || (rule === 'knock' && version.knocking)) {
    return current === 'invite' || current === 'join' ? ALLOW : deny(`join: join_rule ${rule} needs an invite`);
  }
  // join.5 (v8+; knock_restricted from v10)
  if ((rule === 'restricted' && version.restrictedJoins) || (rule === 'knock_restricted' && version.knockRestricted)) {
    if (current === 'invite' || current === 'join') return ALLOW;
    const via = ctx.content.join_authorised_via_users_server;
    if (typeof via !== 'string') return deny('join: restricted room and no authorising user');
    if (membershipOf(ctx, via) !== 'join') return deny('join: authorising user is not joined');
    if (levelOf(ctx, via) < ctx.power.scalars.invite) return deny('join: authorising user cannot invite');
    return ALLOW;
  }
  if (rule === 'public') return ALLOW; // join.6
  return deny(`join: join_rule ${rule === undefined ? 'missing' : rule.slice(0, 32)} does not allow joining`);
}

function thirdPartyInvite(ctx: RuleContext, target: string): AuthResult {
  const { event, content } = ctx;
  if (membershipOf(ctx, target) === 'ban') return deny('3pid invite: target is banned'); // 1.1
  const signed = asObject(asObject(content.third_party_invite)?.signed);
  if (!signed) return deny('3pid invite: no signed block'); // 1.2
  const { mxid, token } = signed;
  if (typeof mxid !== 'string' || typeof token !== 'string') return deny('3pid invite: signed lacks mxid or token'); // 1.3
  if (mxid !== target) return deny('3pid invite: mxid does not match state_key'); // 1.4
  const tpi = ctx.state(THIRD_PARTY_INVITE, token);
  if (!tpi) return deny('3pid invite: no m.room.third_party_invite for token'); // 1.5
  if (tpi.sender !== event.sender) return deny('3pid invite: sender differs from the invite sender'); // 1.6
  const keys: string[] = [];
  const tpiContent = asObject(tpi.content) ?? {};
  if (typeof tpiContent.public_key === 'string') keys.push(tpiContent.public_key);
  if (Array.isArray(tpiContent.public_keys)) {
    for (const k of tpiContent.public_keys) {
      const key = asObject(k)?.public_key;
      if (typeof key === 'string') keys.push(key);
    }
  }
  const verify = ctx.options.verifyThirdPartyInvite;
  if (!verify) return deny('3pid invite: no signature verifier available');
  return verify(signed, keys) ? ALLOW : deny('3pid invite: no signature matches a public key'); // 1.7, 1.8
}

function authorizeInvite(ctx: RuleContext, target: string): AuthResult {
  if (ctx.content.third_party_invite !== undefined) return thirdPartyInvite(ctx, target);
  if (membershipOf(ctx, ctx.event.sender) !== 'join') return deny('invite: sender is not joined');
  const current = membershipOf(ctx, target);
  if (current === 'join' || current === 'ban') return deny(`invite: target is already ${current}`);
  if (levelOf(ctx, ctx.event.sender) >= ctx.power.scalars.invite) return ALLOW;
  return deny('invite: sender is below the invite level');
}

function authorizeLeave(ctx: RuleContext, target: string): AuthResult {
  const { event, version } = ctx;
  if (event.sender === target) {
    const current = membershipOf(ctx, target);
    const ok = current === 'invite' || current === 'join' || (current === 'knock' && version.knocking);
    return ok ? ALLOW : deny(`leave: cannot leave from membership ${current ?? 'none'}`);
  }
  if (membershipOf(ctx, event.sender) !== 'join') return deny('kick: sender is not joined');
  const senderLevel = levelOf(ctx, event.sender);
  if (membershipOf(ctx, target) === 'ban' && senderLevel < ctx.power.scalars.ban) {
    return deny('unban: sender is below the ban level');
  }
  if (senderLevel >= ctx.power.scalars.kick && levelOf(ctx, target) < senderLevel) return ALLOW;
  return deny('kick: sender is below the kick level or the target level');
}

function authorizeBan(ctx: RuleContext, target: string): AuthResult {
  const { event } = ctx;
  if (membershipOf(ctx, event.sender) !== 'join') return deny('ban: sender is not joined');
  const senderLevel = levelOf(ctx, event.sender);
  if (senderLevel >= ctx.power.scalars.ban && levelOf(ctx, target) < senderLevel) return ALLOW;
  return deny('ban: sender is below the ban level or the target level');
}

function authorizeKnock(ctx: RuleContext, target: string): AuthResult {
  const { event, version } = ctx;
  const rule = joinRule(ctx);
  if (!(rule === 'knock' || (rule === 'knock_restricted' && version.knockRestricted))) {
    return deny('knock: join_rule does not allow knocking');
  }
  if (event.sender !== target) return deny('knock: sender does not match state_key');
  const current = membershipOf(ctx, event.sender);
  if (current === 'ban' || current === 'invite' || current === 'join') return deny(`knock: sender is already ${current}`);
  return ALLOW;
}
