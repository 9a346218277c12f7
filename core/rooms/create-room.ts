// POST /createRoom. Spec: client-server-api "Creation" — the events are sent in this order:
// m.room.create (with creation_content), the creator's join, m.room.power_levels (with
// power_level_content_override), m.room.canonical_alias (room_alias_name), the preset's
// join_rules / history_visibility / guest_access, initial_state, m.room.name, m.room.topic, then
// the invites. All of them commit atomically.
import { randomBytes } from 'node:crypto';
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseRoomAlias, parseUserId } from '../spec/ids.ts';
import { roomVersion } from '../events/room-versions.ts';
import type { JsonObject } from '../events/pdu.ts';
import type { CreateRoomInput } from './api.ts';
import { checkAliasNotReserved, profileContent, type RoomsContext } from './context.ts';
import { validateEventType } from './validate.ts';

type Preset = NonNullable<CreateRoomInput['preset']>;

const PRESETS: Record<Preset, { join_rule: string; history_visibility: string; guest_access: string }> = {
  private_chat: { join_rule: 'invite', history_visibility: 'shared', guest_access: 'can_join' },
  trusted_private_chat: { join_rule: 'invite', history_visibility: 'shared', guest_access: 'can_join' },
  public_chat: { join_rule: 'public', history_visibility: 'shared', guest_access: 'forbidden' },
};

/** The levels Synapse and Element expect in a new room (client-server-api m.room.power_levels). */
function defaultPowerLevels(creatorLevels: Record<string, number>, preset: Preset): JsonObject {
  return {
    users: creatorLevels,
    users_default: 0,
    events: {
      'm.room.name': 50,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50,
      'm.room.avatar': 50,
      'm.room.tombstone': 100,
      'm.room.server_acl': 100,
      'm.room.encryption': 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: preset === 'public_chat' ? 50 : 0,
  };
}

/** PostgreSQL SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

const randomLocal = (): string => randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 18);

export async function createRoom(ctx: RoomsContext, requester: Requester, input: CreateRoomInput): Promise<{ room_id: string }> {
  const versionId = input.roomVersion ?? ctx.defaultRoomVersion;
  const version = roomVersion(versionId);
  if (!version) throw new MatrixError('M_UNSUPPORTED_ROOM_VERSION', `Room version ${versionId} is not supported`);
  if (input.invite3pid && input.invite3pid.length > 0) {
    throw new MatrixError('M_INVALID_PARAM', 'invite_3pid is not supported: this server does not use an identity server');
  }
  const preset: Preset = input.preset ?? (input.visibility === 'public' ? 'public_chat' : 'private_chat');
  const creator = requester.userId as string;
  const invites = [...new Set(input.invite ?? [])];
  for (const u of invites) if (!parseUserId(u)) throw new MatrixError('M_INVALID_PARAM', `Not a user id: ${u}`);

  let alias: string | null = null;
  if (input.roomAliasName !== undefined) {
    alias = `#${input.roomAliasName}:${ctx.serverName}`;
    if (!parseRoomAlias(alias) || input.roomAliasName.includes(':')) throw new MatrixError('M_INVALID_PARAM', 'Invalid room_alias_name');
    checkAliasNotReserved(ctx, requester, alias);
    if (await ctx.store.aliasRoom(alias)) throw new MatrixError('M_ROOM_IN_USE', 'Room alias already taken');
  }
  for (const s of input.initialState ?? []) validateEventType(s.type);

  const creationContent: JsonObject = { ...(input.creationContent as JsonObject | undefined), room_version: version.id };
  if (version.createEventHasCreator) creationContent.creator = creator;
  else delete creationContent.creator;
  const trusted = preset === 'trusted_private_chat';
  const creatorLevels: Record<string, number> = {};
  if (!version.privilegedCreators) creatorLevels[creator] = 100;
  if (trusted) {
    if (version.privilegedCreators) {
      const extra = Array.isArray(creationContent.additional_creators) ? creationContent.additional_creators : [];
      creationContent.additional_creators = [...new Set([...extra.filter((x) => typeof x === 'string'), ...invites])];
    } else for (const u of invites) creatorLevels[u] = 100;
  }
  const power = { ...defaultPowerLevels(creatorLevels, preset), ...(input.powerLevelContentOverride as JsonObject | undefined) };
  const member = { membership: 'join', ...(await profileContent(ctx, creator)) };
  const presetState = PRESETS[preset];
  const initial = (input.initialState ?? []).map((s) => ({ type: s.type, key: s.state_key ?? '', content: s.content as JsonObject }));
  const overridden = (type: string) => initial.some((s) => s.type === type && s.key === '');

  const provisional = `!${randomLocal()}:${ctx.serverName}`;
  const { roomId } = await ctx.input
    .create(
    version,
    provisional,
    (b) => {
      const state = (type: string, content: JsonObject, key = '') => b.add({ type, stateKey: key, sender: creator, content });
      state('m.room.create', creationContent);
      state('m.room.member', member, creator);
      if (!overridden('m.room.power_levels')) state('m.room.power_levels', power);
      if (alias) state('m.room.canonical_alias', { alias });
      if (!overridden('m.room.join_rules')) state('m.room.join_rules', { join_rule: presetState.join_rule });
      if (!overridden('m.room.history_visibility')) state('m.room.history_visibility', { history_visibility: presetState.history_visibility });
      if (!overridden('m.room.guest_access')) state('m.room.guest_access', { guest_access: presetState.guest_access });
      for (const s of initial) state(s.type, s.content, s.key);
      if (input.name !== undefined) state('m.room.name', { name: input.name });
      if (input.topic !== undefined) state('m.room.topic', { topic: input.topic });
      for (const u of invites) {
        state('m.room.member', { membership: 'invite', ...(input.isDirect ? { is_direct: true } : {}) }, u);
      }
    },
    {
      newRoom: { version: version.id, creator, isPublic: input.visibility === 'public' },
      ...(alias ? { aliases: [alias] } : {}),
    },
  )
    .catch((e: unknown) => {
      // Another request took the alias between the check above and the commit.
      if (alias && (e as { code?: string }).code === UNIQUE_VIOLATION) throw new MatrixError('M_ROOM_IN_USE', 'Room alias already taken');
      throw e;
    });
  return { room_id: roomId };
}
