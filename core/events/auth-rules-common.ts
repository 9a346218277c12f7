// Shared vocabulary of the authorisation rules: the result type, the state accessor, and the
// small readers every rule family uses. Spec: rooms/v*.md "Authorisation rules".

import type { EventView, JsonObject, JsonValue } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { CREATE, MEMBER, POWER_LEVELS } from './auth-events.ts';
import { readPowerLevels, userLevel, type PowerLevels } from './power-levels.ts';

export type AuthResult = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Looks up a piece of state (or, for checks against auth events, one of the event's auth events). */
export type AuthState = (type: string, stateKey: string) => EventView | undefined;

/**
 * What the rules need from cryptography, injected so this module stays pure.
 * `isSignedBy`: whether `event` carries a valid signature from `server` (restricted joins, v8+);
 * when absent the caller vouches that signatures were checked on receipt (PDU check 2).
 * `verifyThirdPartyInvite`: whether any signature in `signed` verifies with one of the base64
 * `publicKeys`; when absent, third-party invites are denied.
 */
export interface AuthOptions {
  readonly isSignedBy?: (event: EventView, server: string) => boolean;
  readonly verifyThirdPartyInvite?: (signed: JsonObject, publicKeys: readonly string[]) => boolean;
}

export const ALLOW: AuthResult = Object.freeze({ allowed: true });
export const deny = (reason: string): AuthResult => ({ allowed: false, reason });

export const asObject = (v: JsonValue | undefined | unknown): JsonObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;

/** Domain part of a user or (v1/v2) event/room id; null when the id has none. */
export function domainOf(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  const colon = id.indexOf(':');
  return colon < 0 ? null : id.slice(colon + 1);
}

/** Everything the rules read about the room, gathered once per check. */
export interface RuleContext {
  readonly event: EventView;
  readonly content: JsonObject;
  readonly state: AuthState;
  readonly version: RoomVersion;
  readonly options: AuthOptions;
  readonly create: EventView | undefined;
  readonly powerEvent: EventView | undefined;
  readonly power: PowerLevels;
}

export function makeContext(event: EventView, state: AuthState, version: RoomVersion, options: AuthOptions): RuleContext {
  const powerEvent = state(POWER_LEVELS, '');
  return {
    event,
    content: asObject(event.content) ?? {},
    state,
    version,
    options,
    create: state(CREATE, ''),
    powerEvent,
    power: readPowerLevels(powerEvent, version),
  };
}

export function membershipOf(ctx: RuleContext, userId: string): string | undefined {
  const m = asObject(ctx.state(MEMBER, userId)?.content)?.membership;
  return typeof m === 'string' ? m : undefined;
}

export const levelOf = (ctx: RuleContext, userId: string): number => userLevel(ctx.power, userId, ctx.create, ctx.version);

/** The single "creator" of the first-join rule: content.creator (v1–v10) or the create sender (v11+). */
export function originalCreator(create: EventView, version: RoomVersion): string | undefined {
  if (!version.createEventHasCreator) return create.sender;
  const c = asObject(create.content)?.creator;
  return typeof c === 'string' ? c : undefined;
}
