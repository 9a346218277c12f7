// The authorisation rules of every room version, as one pure function over a state accessor.
// Spec: rooms/fragments/v1-auth-rules.md (v1, v2), v3-auth-rules.md (v3–v5), rooms/v6.md, v7.md,
// fragments/v8-auth-rules.md (v8, v9), rooms/v10.md, v11.md, v12.md "Authorisation rules".
// Rule numbers in comments follow v12 (create=1, room id=2, auth events=3, federate=4,
// member=5, …); older families number the same rules one lower from member onwards
// (v6–v11) or keep aliases as 4 and member as 5 (v1–v5).
// The checks on the auth_events list itself (v12 rule 3) are in auth-checks.ts because they
// need the list, not a state lookup.

import type { EventView } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { roomVersion } from './room-versions.ts';
import { CREATE, MEMBER, POWER_LEVELS, THIRD_PARTY_INVITE } from './auth-events.ts';
import {
  ALLOW,
  asObject,
  deny,
  domainOf,
  levelOf,
  makeContext,
  membershipOf,
  type AuthOptions,
  type AuthResult,
  type AuthState,
  type RuleContext,
} from './auth-rules-common.ts';
import { authorizeMember } from './auth-rules-member.ts';
import { authorizePowerLevels } from './auth-rules-power.ts';
import { requiredLevel } from './power-levels.ts';
import { parseUserId } from '../spec/ids.ts';

export type { AuthOptions, AuthResult, AuthState } from './auth-rules-common.ts';

const ALIASES = 'm.room.aliases';
const REDACTION = 'm.room.redaction';

/** v12: the room id is the create event's id with `!` for `$`. */
export const roomIdForCreateEvent = (createEventId: string): string => `!${createEventId.slice(1)}`;

/**
 * Decides whether `event` is allowed given `state` (the state the rules read: the auth events,
 * the state before the event, or the current state). Never throws on malformed events or state.
 */
export function authorize(
  event: EventView,
  state: AuthState,
  version: RoomVersion,
  options: AuthOptions = {},
): AuthResult {
  try {
    return authorizeUnsafe(event, state, version, options);
  } catch (e) {
    // Only a bug or an exotic input (a getter that throws) lands here: the rules treat it as a deny.
    return deny(`auth: malformed input (${e instanceof Error ? e.message.slice(0, 80) : 'unknown'})`);
  }
}

function authorizeUnsafe(event: EventView, state: AuthState, version: RoomVersion, options: AuthOptions): AuthResult {
  if (typeof event?.type !== 'string' || typeof event.sender !== 'string') return deny('event: no type or sender');
  if (!Array.isArray(event.prev_events)) return deny('event: prev_events is not a list');
  if (event.type === CREATE) return authorizeCreate(event, version);
  const ctx = makeContext(event, state, version, options);
  const { create } = ctx;
  if (!create) return deny('room: no m.room.create event in state'); // v1 2.4
  if (version.roomIdFromCreateEvent && event.room_id !== roomIdForCreateEvent(create.event_id)) {
    return deny('room: room_id is not derived from the create event'); // v12 2
  }
  // federate rule (v1 3, v12 4)
  if (asObject(create.content)?.['m.federate'] === false && domainOf(event.sender) !== domainOf(create.sender)) {
    return deny('room: m.federate is false and the sender is on another server');
  }
  // v1–v5 rule 4: m.room.aliases is authorised by the sender's domain alone.
  if (event.type === ALIASES && version.specialCaseAliasesAuth) {
    if (event.state_key === undefined) return deny('aliases: no state_key');
    return domainOf(event.sender) === event.state_key ? ALLOW : deny('aliases: state_key is not the sender domain');
  }
  if (event.type === MEMBER) return authorizeMember(ctx);
  return authorizeNonMember(ctx);
}

// Rule 1: m.room.create.
function authorizeCreate(event: EventView, version: RoomVersion): AuthResult {
  if (event.state_key !== '') return deny('create: state_key is not empty');
  if (event.prev_events.length > 0) return deny('create: has prev_events'); // 1.1
  if (version.roomIdFromCreateEvent) {
    // 1.2 (v12): no room_id. A normaliser may surface the derived id, which is equivalent.
    if (event.room_id !== '' && event.room_id !== roomIdForCreateEvent(event.event_id)) {
      return deny('create: has a room_id');
    }
  } else if (domainOf(event.room_id) === null || domainOf(event.room_id) !== domainOf(event.sender)) {
    return deny('create: room_id domain does not match the sender domain'); // 1.2
  }
  const content = asObject(event.content) ?? {};
  if (content.room_version !== undefined && !roomVersion(content.room_version)) {
    return deny('create: unrecognised room_version'); // 1.3
  }
  if (version.createEventHasCreator && content.creator === undefined) return deny('create: no creator'); // v1 1.4
  if (version.privilegedCreators && content.additional_creators !== undefined) {
    const extra = content.additional_creators; // v12 1.4
    if (!Array.isArray(extra) || !extra.every((u) => typeof u === 'string' && parseUserId(u) !== null)) {
      return deny('create: additional_creators is not a list of user ids');
    }
  }
  return ALLOW;
}

// Rules 6–11 (v12 numbering): everything after the membership rules.
function authorizeNonMember(ctx: RuleContext): AuthResult {
  const { event, version } = ctx;
  if (membershipOf(ctx, event.sender) !== 'join') return deny('sender is not joined'); // 6
  const senderLevel = levelOf(ctx, event.sender);
  if (event.type === THIRD_PARTY_INVITE) {
    // 7
    return senderLevel >= ctx.power.scalars.invite ? ALLOW : deny('third_party_invite: sender is below the invite level');
  }
  const isState = event.state_key !== undefined;
  if (requiredLevel(ctx.power, event.type, isState) > senderLevel) {
    return deny(`sender is below the level required for ${event.type.slice(0, 64)}`); // 8
  }
  if (isState && typeof event.state_key === 'string' && event.state_key.startsWith('@') && event.state_key !== event.sender) {
    return deny('state_key starting with @ must be the sender'); // 9
  }
  if (event.type === POWER_LEVELS && event.state_key === '') return authorizePowerLevels(ctx); // 10
  if (event.type === REDACTION && !version.redactionCheckDeferred) {
    // v1/v2 rule 11: redact level, or the redacted event comes from the redaction's own server.
    if (senderLevel >= ctx.power.scalars.redact) return ALLOW;
    const target = domainOf(event.redacts);
    if (target !== null && target === domainOf(event.event_id)) return ALLOW;
    return deny('redaction: below the redact level and the redacted event is from another server');
  }
  return ALLOW; // 11
}
