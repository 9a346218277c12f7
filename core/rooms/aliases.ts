// Room aliases. Spec: client-server-api "Room aliases" (directory.yaml): PUT/GET/DELETE
// /directory/room/{roomAlias}, GET /rooms/{roomId}/aliases. Only aliases on this server are
// managed here; resolving remote aliases needs federation (a clear M_NOT_FOUND until then).
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseRoomAlias } from '../spec/ids.ts';
import { readPowerLevels, requiredLevel, userLevel } from '../events/power-levels.ts';
import { checkAliasNotReserved, lookupLocalAlias, requireHead, type RoomsContext } from './context.ts';
import { stateViewFor } from './state-access.ts';

function localAlias(ctx: RoomsContext, alias: string): string {
  if (!parseRoomAlias(alias)) throw new MatrixError('M_INVALID_PARAM', 'Room alias invalid');
  if (!alias.endsWith(`:${ctx.serverName}`)) throw new MatrixError('M_INVALID_PARAM', 'Room alias must be on this server');
  return alias;
}

export async function setAlias(ctx: RoomsContext, r: Requester, alias: string, roomId: string): Promise<void> {
  localAlias(ctx, alias);
  checkAliasNotReserved(ctx, r, alias);
  if (!(await ctx.input.head(roomId))) throw new MatrixError('M_NOT_FOUND', 'Unknown room');
  if (!(await ctx.store.insertAlias(alias, roomId, r.userId))) {
    // Spec: 409 for an alias that already exists.
    throw new MatrixError('M_UNKNOWN', `Room alias ${alias} already exists`, { status: 409 });
  }
}

export async function resolveAlias(ctx: RoomsContext, alias: string): Promise<{ room_id: string; servers: string[] }> {
  if (!parseRoomAlias(alias)) throw new MatrixError('M_INVALID_PARAM', 'Room alias invalid');
  if (!alias.endsWith(`:${ctx.serverName}`)) throw new MatrixError('M_NOT_FOUND', 'Remote room aliases cannot be resolved yet (no federation)');
  const found = await lookupLocalAlias(ctx, alias);
  if (!found) throw new MatrixError('M_NOT_FOUND', `Room alias ${alias} not found`);
  return { room_id: found.roomId, servers: [ctx.serverName] };
}

/** The alias's creator, or a member who may change m.room.canonical_alias, may delete it. */
export async function deleteAlias(ctx: RoomsContext, r: Requester, alias: string): Promise<void> {
  localAlias(ctx, alias);
  const found = await ctx.store.aliasRoom(alias);
  if (!found) throw new MatrixError('M_NOT_FOUND', `Room alias ${alias} not found`);
  if (found.creator !== r.userId) {
    const head = await requireHead(ctx, found.roomId);
    const pl = readPowerLevels(head.state.get('m.room.power_levels\u0000'), head.version);
    const level = userLevel(pl, r.userId, head.state.get('m.room.create\u0000'), head.version);
    const joined = head.state.get(`m.room.member\u0000${r.userId}`)?.content.membership === 'join';
    if (!joined || level < requiredLevel(pl, 'm.room.canonical_alias', true)) {
      throw new MatrixError('M_FORBIDDEN', 'You may not delete this alias');
    }
  }
  await ctx.store.deleteAlias(alias);
}

export async function roomAliases(ctx: RoomsContext, r: Requester, roomId: string): Promise<string[]> {
  await stateViewFor(ctx, r.userId, roomId);
  return ctx.store.aliasesOf(roomId);
}
