// The room-version table: every rule that differs between room versions is a field here, so the
// rest of the kernel asks `version.x` instead of comparing version strings.
// Spec: rooms/_index.md "Feature matrix" and rooms/v1.md … v12.md.

export interface RoomVersion {
  readonly id: string;
  readonly stability: 'stable' | 'unstable';
  /** v1/v2: `$random:server`; v3: base64 reference hash; v4+: url-safe base64 reference hash. */
  readonly eventIdFormat: 'v1' | 'v3' | 'v4';
  /** v1 rooms use state resolution v1; v2–v11 use v2; v12 uses v2 with its changes ("v2.1"). */
  readonly stateRes: 'v1' | 'v2' | 'v2.1';
  /** Which redaction algorithm (rooms/fragments/v*-redactions.md; v8 adds join_rules `allow`, rooms/v8.md). */
  readonly redaction: 'v1' | 'v6' | 'v8' | 'v9' | 'v11';
  /** v1–v5: m.room.aliases has its own auth rule (fragments/v1-auth-rules.md). */
  readonly specialCaseAliasesAuth: boolean;
  /** v3+: the redaction sender's server check is deferred to the client (v3-handling-redactions). */
  readonly redactionCheckDeferred: boolean;
  /** v5+: signing keys must be valid at origin_server_ts (v5-signing-requirements). */
  readonly enforceKeyValidity: boolean;
  /** v6+: canonical JSON rejects floats and integers outside [-(2^53)+1, 2^53-1]. */
  readonly strictCanonicalJson: boolean;
  /** v6+: power-level checks cover the `notifications` key. */
  readonly notificationsPowerLevels: boolean;
  readonly knocking: boolean;
  readonly restrictedJoins: boolean;
  readonly knockRestricted: boolean;
  /** v10+: power levels must be integers (no stringy values). */
  readonly integerPowerLevels: boolean;
  /** v11+: `redacts` lives in content; create events have no `creator`. */
  readonly redactsInContent: boolean;
  readonly createEventHasCreator: boolean;
  /** v12: room id is derived from the create event, which has no room_id. */
  readonly roomIdFromCreateEvent: boolean;
  /** v12: the create event's sender and `additional_creators` have infinite power. */
  readonly privilegedCreators: boolean;
}

const base: Omit<RoomVersion, 'id'> = {
  stability: 'stable',
  eventIdFormat: 'v1',
  stateRes: 'v1',
  redaction: 'v1',
  specialCaseAliasesAuth: true,
  redactionCheckDeferred: false,
  enforceKeyValidity: false,
  strictCanonicalJson: false,
  notificationsPowerLevels: false,
  knocking: false,
  restrictedJoins: false,
  knockRestricted: false,
  integerPowerLevels: false,
  redactsInContent: false,
  createEventHasCreator: true,
  roomIdFromCreateEvent: false,
  privilegedCreators: false,
};

const v1: RoomVersion = { ...base, id: '1' };
const v2: RoomVersion = { ...v1, id: '2', stateRes: 'v2' };
const v3: RoomVersion = { ...v2, id: '3', eventIdFormat: 'v3', redactionCheckDeferred: true };
const v4: RoomVersion = { ...v3, id: '4', eventIdFormat: 'v4' };
const v5: RoomVersion = { ...v4, id: '5', enforceKeyValidity: true };
const v6: RoomVersion = {
  ...v5,
  id: '6',
  redaction: 'v6',
  specialCaseAliasesAuth: false,
  strictCanonicalJson: true,
  notificationsPowerLevels: true,
};
const v7: RoomVersion = { ...v6, id: '7', knocking: true };
const v8: RoomVersion = { ...v7, id: '8', restrictedJoins: true, redaction: 'v8' };
const v9: RoomVersion = { ...v8, id: '9', redaction: 'v9' };
const v10: RoomVersion = { ...v9, id: '10', knockRestricted: true, integerPowerLevels: true };
const v11: RoomVersion = { ...v10, id: '11', redaction: 'v11', redactsInContent: true, createEventHasCreator: false };
const v12: RoomVersion = { ...v11, id: '12', stateRes: 'v2.1', roomIdFromCreateEvent: true, privilegedCreators: true };

export const ROOM_VERSIONS: ReadonlyMap<string, RoomVersion> = new Map(
  [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12].map((v) => [v.id, v]),
);

/** Spec: rooms/_index.md — "Servers SHOULD use room version 12 as the default". */
export const SPEC_DEFAULT_ROOM_VERSION = '12';

export function roomVersion(id: unknown): RoomVersion | null {
  return typeof id === 'string' ? (ROOM_VERSIONS.get(id) ?? null) : null;
}
