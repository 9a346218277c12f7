// Reading m.room.power_levels with the spec's defaults. Spec: client-server-api m.room.power_levels
// (defaults), server-server-api "Definitions" (invite/kick/ban/redact levels), rooms/fragments
// v1-stringy-power-levels + v1-floaty-power-levels (v1–v9 leniency), rooms/v10 (integers only),
// rooms/v12 (room creators have infinite power).

import type { EventView, JsonValue } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { parseUserId } from '../spec/ids.ts';

/** Spec defaults when the key (or the whole event) is absent. */
export const DEFAULT_USERS_LEVEL = 0;
export const DEFAULT_EVENTS_LEVEL = 0;
export const DEFAULT_STATE_LEVEL = 50;
export const DEFAULT_BAN_LEVEL = 50;
export const DEFAULT_KICK_LEVEL = 50;
export const DEFAULT_REDACT_LEVEL = 50;
export const DEFAULT_INVITE_LEVEL = 0;
export const DEFAULT_ROOM_NOTIFICATION_LEVEL = 50;
/** v1–v11: with no m.room.power_levels event the creator has level 100. */
export const CREATOR_DEFAULT_LEVEL = 100;
/** v12: creators' level; compares above every integer. */
export const CREATOR_INFINITE_LEVEL = Number.POSITIVE_INFINITY;

export const SCALAR_LEVEL_KEYS = [
  'users_default',
  'events_default',
  'state_default',
  'ban',
  'redact',
  'kick',
  'invite',
] as const;
export type ScalarLevelKey = (typeof SCALAR_LEVEL_KEYS)[number];

const SCALAR_DEFAULTS: Record<ScalarLevelKey, number> = {
  users_default: DEFAULT_USERS_LEVEL,
  events_default: DEFAULT_EVENTS_LEVEL,
  state_default: DEFAULT_STATE_LEVEL,
  ban: DEFAULT_BAN_LEVEL,
  redact: DEFAULT_REDACT_LEVEL,
  kick: DEFAULT_KICK_LEVEL,
  invite: DEFAULT_INVITE_LEVEL,
};

// Spec v1-stringy: optional whitespace, one optional sign, base-10 digits (leading zeroes ok).
const STRINGY_INT = /^\s*[+-]?\d+\s*$/;

/**
 * One power-level value, or null if this room version does not accept it.
 * v10+: JSON integers only. v1–v9: integers, integer strings, and finite floats truncated.
 */
export function parseLevel(value: unknown, version: RoomVersion): number | null {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    if (version.integerPowerLevels || !Number.isFinite(value)) return null;
    return Math.trunc(value);
  }
  if (typeof value === 'string' && !version.integerPowerLevels && STRINGY_INT.test(value)) {
    const n = Number.parseInt(value.trim(), 10);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const isPlainObject = (v: unknown): v is Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed power-levels map; `present` is false when there is no m.room.power_levels event. */
export interface PowerLevels {
  readonly present: boolean;
  readonly scalars: Readonly<Record<ScalarLevelKey, number>>;
  readonly users: ReadonlyMap<string, number>;
  readonly events: ReadonlyMap<string, number>;
  readonly notifications: ReadonlyMap<string, number>;
}

function levelMap(v: JsonValue | undefined, version: RoomVersion): Map<string, number> {
  const out = new Map<string, number>();
  if (!isPlainObject(v)) return out;
  for (const [k, raw] of Object.entries(v)) {
    const n = parseLevel(raw, version);
    if (n !== null) out.set(k, n);
  }
  return out;
}

const EMPTY: PowerLevels = {
  present: false,
  scalars: SCALAR_DEFAULTS,
  users: new Map(),
  events: new Map(),
  notifications: new Map(),
};

// Parsing is memoised per event object: auth checks read the same power levels many times.
const cache = new WeakMap<EventView, { lenient?: PowerLevels; strict?: PowerLevels }>();

/**
 * Power levels from an m.room.power_levels event (or its absence), read leniently: a value this
 * room version cannot parse falls back to the default, so reading state never fails. Whether a
 * *new* power-levels event is well formed is decided by the auth rules (validatePowerLevels).
 */
export function readPowerLevels(event: EventView | undefined, version: RoomVersion): PowerLevels {
  if (!event) return EMPTY;
  const slot = version.integerPowerLevels ? 'strict' : 'lenient';
  let entry = cache.get(event);
  const hit = entry?.[slot];
  if (hit) return hit;
  const content = isPlainObject(event.content) ? event.content : {};
  const scalars = { ...SCALAR_DEFAULTS };
  for (const key of SCALAR_LEVEL_KEYS) {
    const n = parseLevel(content[key], version);
    if (n !== null) scalars[key] = n;
  }
  const pl: PowerLevels = {
    present: true,
    scalars,
    users: levelMap(content.users, version),
    events: levelMap(content.events, version),
    notifications: levelMap(content.notifications, version),
  };
  if (!entry) cache.set(event, (entry = {}));
  entry[slot] = pl;
  return pl;
}

/**
 * The room creators. v12: the create event's sender plus valid `additional_creators`.
 * v11: the sender. v1–v10: `content.creator` (the sender is the fallback for malformed events).
 */
const creatorsCache = new WeakMap<EventView, { v11?: ReadonlySet<string>; v12?: ReadonlySet<string>; old?: ReadonlySet<string> }>();
const NO_CREATORS: ReadonlySet<string> = new Set();

export function roomCreators(create: EventView | undefined, version: RoomVersion): ReadonlySet<string> {
  if (!create) return NO_CREATORS;
  const slot = version.createEventHasCreator ? 'old' : version.privilegedCreators ? 'v12' : 'v11';
  let entry = creatorsCache.get(create);
  const hit = entry?.[slot];
  if (hit) return hit;
  const out = computeCreators(create, version);
  if (!entry) creatorsCache.set(create, (entry = {}));
  entry[slot] = out;
  return out;
}

function computeCreators(create: EventView, version: RoomVersion): ReadonlySet<string> {
  const out = new Set<string>();
  if (version.createEventHasCreator) {
    const c = create.content?.creator;
    out.add(typeof c === 'string' ? c : create.sender);
    return out;
  }
  out.add(create.sender);
  if (version.privilegedCreators) {
    const extra = create.content?.additional_creators;
    if (Array.isArray(extra)) for (const u of extra) if (typeof u === 'string' && parseUserId(u)) out.add(u);
  }
  return out;
}

/** The power level of a user (spec: m.room.power_levels description; v12 creators infinite). */
export function userLevel(
  pl: PowerLevels,
  userId: string,
  create: EventView | undefined,
  version: RoomVersion,
): number {
  if (version.privilegedCreators && roomCreators(create, version).has(userId)) return CREATOR_INFINITE_LEVEL;
  if (!pl.present) return roomCreators(create, version).has(userId) ? CREATOR_DEFAULT_LEVEL : DEFAULT_USERS_LEVEL;
  return pl.users.get(userId) ?? pl.scalars.users_default;
}

/** The *required power level* for sending an event of `type` (server-server-api "Definitions"). */
export function requiredLevel(pl: PowerLevels, type: string, isState: boolean): number {
  return pl.events.get(type) ?? (isState ? pl.scalars.state_default : pl.scalars.events_default);
}

/** The level needed for a notification key such as `room` (client-server-api m.room.power_levels). */
export function notificationLevel(pl: PowerLevels, key: string): number {
  // The spec defines only `room`; unknown keys get the same conservative default.
  return pl.notifications.get(key) ?? DEFAULT_ROOM_NOTIFICATION_LEVEL;
}
