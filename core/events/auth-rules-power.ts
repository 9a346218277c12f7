// The m.room.power_levels rule: rule 10 in v1–v5 and v12, rule 9 in v6–v11.
// Spec: rooms/fragments v1-auth-rules, v8-auth-rules; rooms/v10 (10.1/10.2 integers only),
// rooms/v12 (10.4 creators may not appear in `users`); v1-stringy-power-levels.

import type { JsonObject } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { ALLOW, asObject, deny, levelOf, type AuthResult, type RuleContext } from './auth-rules-common.ts';
import { parseLevel, roomCreators, SCALAR_LEVEL_KEYS } from './power-levels.ts';
import { parseUserId } from '../spec/ids.ts';

/** The levels a power-levels content actually states (absent keys stay absent). */
interface StatedLevels {
  readonly scalars: Map<string, number>;
  readonly users: Map<string, number>;
  readonly events: Map<string, number>;
  readonly notifications: Map<string, number>;
}

/**
 * Parses content strictly (`strict`: the new event — any bad value is a reason to deny) or
 * leniently (the previous event — bad values are skipped, as when reading state).
 */
function stated(content: JsonObject, version: RoomVersion, strict: boolean): StatedLevels | string {
  const out: StatedLevels = { scalars: new Map(), users: new Map(), events: new Map(), notifications: new Map() };
  for (const key of SCALAR_LEVEL_KEYS) {
    if (content[key] === undefined) continue;
    const n = parseLevel(content[key], version);
    if (n !== null) out.scalars.set(key, n);
    else if (strict) return `power_levels: ${key} is not an integer`;
  }
  const maps: [string, Map<string, number>][] = [
    ['events', out.events],
    ['users', out.users],
  ];
  if (version.notificationsPowerLevels) maps.push(['notifications', out.notifications]);
  for (const [name, target] of maps) {
    const raw = content[name];
    if (raw === undefined) continue;
    const o = asObject(raw);
    if (!o) {
      if (strict) return `power_levels: ${name} is not an object`;
      continue;
    }
    for (const [k, v] of Object.entries(o)) {
      if (name === 'users' && !parseUserId(k)) {
        if (strict) return `power_levels: users key ${k.slice(0, 64)} is not a user id`;
        continue;
      }
      const n = parseLevel(v, version);
      if (n !== null) target.set(k, n);
      else if (strict) return `power_levels: ${name}.${k.slice(0, 64)} is not an integer`;
    }
  }
  return out;
}

export function authorizePowerLevels(ctx: RuleContext): AuthResult {
  const { event, version } = ctx;
  const next = stated(ctx.content, version, true); // 10.1–10.3
  if (typeof next === 'string') return deny(next);
  if (version.privilegedCreators) {
    for (const creator of roomCreators(ctx.create, version)) {
      if (next.users.has(creator)) return deny('power_levels: users may not list a room creator'); // 10.4
    }
  }
  if (!ctx.powerEvent) return ALLOW; // 10.5
  const prev = stated(asObject(ctx.powerEvent.content) ?? {}, version, false) as StatedLevels;
  const senderLevel = levelOf(ctx, event.sender);
  for (const key of SCALAR_LEVEL_KEYS) {
    // 10.6: an added, changed or removed key may not cross the sender's level either way.
    const before = prev.scalars.get(key);
    const after = next.scalars.get(key);
    if (before === after) continue;
    if (before !== undefined && before > senderLevel) return deny(`power_levels: old ${key} is above the sender`);
    if (after !== undefined && after > senderLevel) return deny(`power_levels: new ${key} is above the sender`);
  }
  const nested: [string, Map<string, number>, Map<string, number>][] = [['events', prev.events, next.events]];
  if (version.notificationsPowerLevels) nested.push(['notifications', prev.notifications, next.notifications]);
  for (const [name, before, after] of nested) {
    for (const [k, old] of before) {
      // 10.7: changed or removed entries
      if (after.get(k) !== old && old > senderLevel) return deny(`power_levels: old ${name}.${k} is above the sender`);
    }
    for (const [k, val] of after) {
      // 10.8: added or changed entries
      if (before.get(k) !== val && val > senderLevel) return deny(`power_levels: new ${name}.${k} is above the sender`);
    }
  }
  for (const [user, old] of prev.users) {
    // 10.9: changing or removing someone else's entry needs a strictly higher level than it
    if (user === event.sender || next.users.get(user) === old) continue;
    if (old >= senderLevel) return deny('power_levels: cannot change a user at or above the sender');
  }
  for (const [user, val] of next.users) {
    // 10.10
    if (prev.users.get(user) !== val && val > senderLevel) return deny('power_levels: cannot raise a user above the sender');
  }
  return ALLOW;
}
