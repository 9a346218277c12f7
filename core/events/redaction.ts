// The redaction algorithm per room version. Spec: rooms/fragments/v1-redactions.md (v1–v5),
// v6-redactions.md (v6, v7: m.room.aliases loses its protection), rooms/v8.md (v8 keeps
// join_rules `allow`), v9-redactions.md (v9, v10: member keeps join_authorised_via_users_server),
// v11-redactions.md (v11+: top-level origin/membership/prev_state go; create keeps all content;
// power_levels keeps `invite`; redaction keeps content.redacts; member keeps
// third_party_invite.signed).
//
// Pure and idempotent: the result is a new object sharing untouched sub-values with the input.

import { MatrixError } from '../spec/errors.ts';
import type { JsonObject, JsonValue } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';

type Algorithm = RoomVersion['redaction'];

const TOP_LEVEL_V1 = new Set([
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'prev_state',
  'auth_events',
  'origin',
  'origin_server_ts',
  'membership',
]);
const TOP_LEVEL_V11 = new Set([
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'auth_events',
  'origin_server_ts',
]);

const POWER_LEVELS_V1 = ['ban', 'events', 'events_default', 'kick', 'redact', 'state_default', 'users', 'users_default'];

/** Content keys kept per event type; `'*'` keeps the whole content. */
type ContentRules = Readonly<Record<string, readonly string[] | '*'>>;

const CONTENT_V1: ContentRules = {
  'm.room.member': ['membership'],
  'm.room.create': ['creator'],
  'm.room.join_rules': ['join_rule'],
  'm.room.power_levels': POWER_LEVELS_V1,
  'm.room.aliases': ['aliases'],
  'm.room.history_visibility': ['history_visibility'],
};
const CONTENT_V6: ContentRules = {
  'm.room.member': ['membership'],
  'm.room.create': ['creator'],
  'm.room.join_rules': ['join_rule'],
  'm.room.power_levels': POWER_LEVELS_V1,
  'm.room.history_visibility': ['history_visibility'],
};
const CONTENT_V8: ContentRules = { ...CONTENT_V6, 'm.room.join_rules': ['join_rule', 'allow'] };
const CONTENT_V9: ContentRules = {
  ...CONTENT_V8,
  'm.room.member': ['membership', 'join_authorised_via_users_server'],
};
const CONTENT_V11: ContentRules = {
  'm.room.member': ['membership', 'join_authorised_via_users_server'],
  'm.room.create': '*',
  'm.room.join_rules': ['join_rule', 'allow'],
  'm.room.power_levels': [...POWER_LEVELS_V1, 'invite'],
  'm.room.history_visibility': ['history_visibility'],
  'm.room.redaction': ['redacts'],
};

const RULES: Readonly<Record<Algorithm, { top: ReadonlySet<string>; content: ContentRules }>> = {
  v1: { top: TOP_LEVEL_V1, content: CONTENT_V1 },
  v6: { top: TOP_LEVEL_V1, content: CONTENT_V6 },
  v8: { top: TOP_LEVEL_V1, content: CONTENT_V8 },
  v9: { top: TOP_LEVEL_V1, content: CONTENT_V9 },
  v11: { top: TOP_LEVEL_V11, content: CONTENT_V11 },
};

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function rulesFor(version: RoomVersion): { top: ReadonlySet<string>; content: ContentRules } {
  const rules = RULES[version.redaction];
  if (rules === undefined) throw new MatrixError('M_UNSUPPORTED_ROOM_VERSION', `redaction: unknown algorithm`);
  return rules;
}

/** The top-level keys the room version's redaction algorithm keeps. */
export const redactionKeepsTopLevel = (version: RoomVersion): ReadonlySet<string> => rulesFor(version).top;

/**
 * The `content` of the redacted copy of `event` (a new object), or `content` itself when
 * the algorithm keeps all of it (`'*'`) — callers that only encode it may reuse its encoding.
 */
export function redactedContent(event: JsonObject, version: RoomVersion): { content: JsonObject; whole: boolean } {
  const rules = rulesFor(version);
  const content = event.content;
  const type = event.type;
  const keep = typeof type === 'string' && Object.hasOwn(rules.content, type) ? rules.content[type] : undefined;
  const kept: JsonObject = {};
  if (isObject(content) && keep !== undefined) {
    if (keep === '*') {
      Object.assign(kept, content);
      return { content: kept, whole: true };
    }
    for (const k of keep) if (Object.hasOwn(content, k)) kept[k] = content[k] as JsonValue;
    if (version.redaction === 'v11' && type === 'm.room.member') {
      // Spec (v11): "allows the `signed` key of the `third_party_invite` key".
      const tpi = content.third_party_invite;
      if (isObject(tpi) && Object.hasOwn(tpi, 'signed')) kept.third_party_invite = { signed: tpi.signed as JsonValue };
    }
  }
  return { content: kept, whole: false };
}

/**
 * Returns the redacted copy of `event`. Throws MatrixError(M_BAD_JSON) when `event` is not an
 * object. A missing or non-object `content` becomes `{}` (there is nothing in it to keep).
 */
export function redactEvent(event: unknown, version: RoomVersion): JsonObject {
  if (!isObject(event)) throw new MatrixError('M_BAD_JSON', 'redaction: event is not an object');
  const rules = rulesFor(version);
  const out: JsonObject = {};
  for (const key of Object.keys(event)) {
    if (rules.top.has(key)) out[key] = event[key] as JsonValue;
  }
  // Synapse and the spec's signing examples always carry `content`, so a redacted event does too.
  out.content = redactedContent(event, version).content;
  return out;
}
