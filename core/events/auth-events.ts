// Which state events a new event cites as its auth_events.
// Spec: server-server-api "Auth events selection"; rooms/v12 (the create event is never selected:
// the room id implies it).

import type { EventView, JsonObject, JsonValue } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';

export const CREATE = 'm.room.create';
export const MEMBER = 'm.room.member';
export const POWER_LEVELS = 'm.room.power_levels';
export const JOIN_RULES = 'm.room.join_rules';
export const THIRD_PARTY_INVITE = 'm.room.third_party_invite';

/** A (type, state_key) pair. */
export type StatePair = readonly [type: string, stateKey: string];

/** The fields of an event that decide its auth events (an EventView or an event being built). */
export interface AuthEventsInput {
  readonly type: string;
  readonly sender: string;
  readonly state_key?: string;
  readonly content: JsonObject;
}

const obj = (v: JsonValue | undefined): JsonObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;

/** The (type, state_key) pairs whose current state events become the new event's auth_events. */
export function authEventPairs(event: AuthEventsInput, version: RoomVersion): StatePair[] {
  if (event.type === CREATE) return [];
  const pairs: StatePair[] = [];
  if (!version.roomIdFromCreateEvent) pairs.push([CREATE, '']);
  pairs.push([POWER_LEVELS, ''], [MEMBER, event.sender]);
  if (event.type !== MEMBER || typeof event.state_key !== 'string') return pairs;
  const content = obj(event.content) ?? {};
  const membership = content.membership;
  if (event.state_key !== event.sender) pairs.push([MEMBER, event.state_key]);
  if (membership === 'join' || membership === 'invite' || membership === 'knock') pairs.push([JOIN_RULES, '']);
  if (membership === 'invite') {
    const token = obj(obj(content.third_party_invite)?.signed)?.token;
    if (typeof token === 'string') pairs.push([THIRD_PARTY_INVITE, token]);
  }
  if (membership === 'join' && version.restrictedJoins) {
    const via = content.join_authorised_via_users_server;
    if (typeof via === 'string' && via !== event.sender) pairs.push([MEMBER, via]);
  }
  return pairs;
}

/** The event ids of the auth events for a new event, looked up in the current state. */
export function selectAuthEvents(
  event: AuthEventsInput,
  current: (type: string, stateKey: string) => string | undefined,
  version: RoomVersion,
): string[] {
  const ids: string[] = [];
  for (const [type, key] of authEventPairs(event, version)) {
    const id = current(type, key);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** True when `candidate` (one of `event`'s auth events) is of a kind the selection allows. */
export function isSelectableAuthEvent(event: AuthEventsInput, candidate: EventView, version: RoomVersion): boolean {
  if (candidate.state_key === undefined) return false;
  return authEventPairs(event, version).some(([t, k]) => t === candidate.type && k === candidate.state_key);
}
