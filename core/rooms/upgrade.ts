// Room upgrades. Spec: client-server-api "Room Upgrades" (room_upgrades.yaml): the requester
// needs the power to send m.room.tombstone; a new room is created with `predecessor` in its
// create event and the old room's important state copied; the old room gets the tombstone and
// its power levels are raised so ordinary users can no longer talk or invite there; local
// aliases move to the new room.
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import type { JsonObject } from '../events/pdu.ts';
import { readPowerLevels, requiredLevel, userLevel } from '../events/power-levels.ts';
import { roomVersion } from '../events/room-versions.ts';
import { parseUserId } from '../spec/ids.ts';
import { membershipIn, profileContent, requireHead, type RoomsContext } from './context.ts';

/** State copied to the new room (Synapse's list). */
const COPIED_STATE = [
  'm.room.server_acl', 'm.room.encryption', 'm.room.name', 'm.room.avatar', 'm.room.topic', 'm.room.guest_access',
  'm.room.history_visibility', 'm.room.join_rules', 'm.room.canonical_alias',
];

export async function upgradeRoom(
  ctx: RoomsContext,
  r: Requester,
  roomId: string,
  newVersionId: string,
  additionalCreators: readonly string[] = [],
): Promise<{ replacement_room: string }> {
  const version = roomVersion(newVersionId);
  if (!version) throw new MatrixError('M_UNSUPPORTED_ROOM_VERSION', `Room version ${newVersionId} is not supported`);
  const old = await requireHead(ctx, roomId);
  if (membershipIn(old, r.userId) !== 'join') throw new MatrixError('M_FORBIDDEN', 'You are not joined to this room');
  const create = old.state.get('m.room.create\u0000');
  const oldPl = readPowerLevels(old.state.get('m.room.power_levels\u0000'), old.version);
  if (userLevel(oldPl, r.userId, create, old.version) < requiredLevel(oldPl, 'm.room.tombstone', true)) {
    throw new MatrixError('M_FORBIDDEN', 'You need the power to send m.room.tombstone to upgrade this room');
  }
  const lastEvent = old.extremities[0]!;
  const creationContent: JsonObject = { predecessor: { room_id: roomId, event_id: lastEvent } };
  for (const k of ['m.federate', 'type']) if (create?.content[k] !== undefined) creationContent[k] = create.content[k]!;
  creationContent.room_version = version.id;
  if (additionalCreators.length > 0) {
    // Spec (v1.16 room_upgrades.yaml): only for room versions with privileged creators.
    if (!version.privilegedCreators) throw new MatrixError('M_INVALID_PARAM', `additional_creators needs a room version with room creators (12+)`);
    for (const u of additionalCreators) if (!parseUserId(u)) throw new MatrixError('M_INVALID_PARAM', `Not a user id: ${u}`);
    creationContent.additional_creators = [...new Set(additionalCreators)];
  }
  if (version.createEventHasCreator) creationContent.creator = r.userId;

  // Power levels: the old room's, with the upgrading user at the top while state is copied,
  // then the old levels exactly (v12 creators need no entry: they have infinite power).
  const oldPlContent = (old.state.get('m.room.power_levels\u0000')?.content ?? {}) as JsonObject;
  const users = { ...((oldPlContent.users ?? {}) as JsonObject) };
  if (version.privilegedCreators) for (const u of [r.userId, ...additionalCreators]) delete users[u];
  const finalPl: JsonObject = { ...oldPlContent, users };
  const maxNeeded = Math.max(100, ...Object.values((oldPlContent.events ?? {}) as Record<string, number>).filter((n) => typeof n === 'number'));
  const bootstrapPl: JsonObject = version.privilegedCreators ? finalPl : { ...finalPl, users: { ...users, [r.userId]: maxNeeded } };
  const member = { membership: 'join', ...(await profileContent(ctx, r.userId)) };
  const copied = COPIED_STATE.flatMap((t) => {
    const ev = old.state.get(`${t}\u0000`);
    return ev ? [{ type: t, content: ev.content }] : [];
  });
  const aliases = await ctx.store.aliasesOf(roomId);

  const { roomId: newRoomId } = await ctx.input.create(
    version,
    `!${Math.random().toString(36).slice(2, 20)}:${ctx.serverName}`,
    (b) => {
      const add = (type: string, content: JsonObject, key = '') => b.add({ type, stateKey: key, sender: r.userId, content });
      add('m.room.create', creationContent);
      add('m.room.member', member, r.userId);
      add('m.room.power_levels', bootstrapPl);
      for (const s of copied) if (s.type !== 'm.room.canonical_alias') add(s.type, s.content);
      if (bootstrapPl !== finalPl) add('m.room.power_levels', finalPl);
    },
    { newRoom: { version: version.id, creator: r.userId, isPublic: false } },
  );
  // Aliases move first so the canonical alias in the new room points at it.
  for (const a of aliases) {
    await ctx.store.deleteAlias(a);
    await ctx.store.insertAlias(a, newRoomId, r.userId);
  }
  const canonical = copied.find((s) => s.type === 'm.room.canonical_alias');
  if (canonical) {
    await ctx.input.run(newRoomId, (b) => {
      b.add({ type: 'm.room.canonical_alias', stateKey: '', sender: r.userId, content: canonical.content });
    });
  }
  await ctx.input.run(roomId, (b) => {
    b.add({ type: 'm.room.tombstone', stateKey: '', sender: r.userId, content: { body: 'This room has been replaced', replacement_room: newRoomId } });
    // Restrict the old room: talking and inviting need moderator power from now on (as Synapse).
    const current = (b.state('m.room.power_levels')?.content ?? {}) as JsonObject;
    const restricted = Math.max(50, (typeof current.users_default === 'number' ? current.users_default : 0) + 1);
    try {
      b.add({ type: 'm.room.power_levels', stateKey: '', sender: r.userId, content: { ...current, events_default: restricted, invite: restricted } });
    } catch (e) {
      // Best effort: an upgrader who may tombstone but not change power levels still upgrades.
      if (!(e instanceof MatrixError)) throw e;
    }
  });
  return { replacement_room: newRoomId };
}
