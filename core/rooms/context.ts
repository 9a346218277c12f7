// The pieces every rooms service shares, built once by createRooms (rooms.ts).
import { MatrixError } from '../spec/errors.ts';
import type { Requester } from '../spec/endpoint.ts';
import type { EventView, JsonObject } from '../events/pdu.ts';
import type { RoomInput } from './room-input.ts';
import type { RoomsStore } from './store.ts';
import type { TxnCache } from './txn-cache.ts';
import type { RoomHead } from './types.ts';

/** The parts of the users feature rooms reads: displayname and avatar for membership events. */
export interface ProfileSource {
  getProfile(userId: string): Promise<Record<string, unknown>>;
}

/**
 * What rooms asks of the appservice hub about aliases (wired by core/main.ts over the gate and
 * appservices/query). application-service-api "Registration": an exclusive aliases namespace
 * reserves its aliases for that appservice; "Querying": an alias in a namespace that does not
 * exist yet is first asked for.
 */
export interface AliasNamespaces {
  /** The appservice that claims the alias exclusively, or null. */
  exclusiveAliasOwner(alias: string): string | null;
  /** Asks the interested appservice to create the alias; true when it says it did. */
  queryAlias(alias: string): Promise<boolean>;
}

export interface RoomsContext {
  readonly store: RoomsStore;
  readonly input: RoomInput;
  readonly txns: TxnCache;
  readonly serverName: string;
  readonly defaultRoomVersion: string;
  readonly profiles: ProfileSource | null;
  readonly aliasNamespaces: AliasNamespaces | null;
  readonly now: () => number;
}

export async function requireHead(ctx: RoomsContext, roomId: string): Promise<RoomHead> {
  const head = await ctx.input.head(roomId);
  if (!head) throw new MatrixError('M_NOT_FOUND', 'Unknown room');
  return head;
}

export const membershipIn = (head: { state: ReadonlyMap<string, EventView> }, userId: string): string | null => {
  const ev = head.state.get(`m.room.member\u0000${userId}`);
  const m = ev?.content.membership;
  return typeof m === 'string' ? m : null;
};

/** displayname and avatar_url of a local user, for the content of their membership events. */
export async function profileContent(ctx: RoomsContext, userId: string): Promise<JsonObject> {
  if (!ctx.profiles || !userId.endsWith(`:${ctx.serverName}`)) return {};
  try {
    const p = await ctx.profiles.getProfile(userId);
    const out: JsonObject = {};
    if (typeof p.displayname === 'string') out.displayname = p.displayname;
    if (typeof p.avatar_url === 'string') out.avatar_url = p.avatar_url;
    return out;
  } catch {
    return {};
  }
}

/** The device (or, without one, access token) scope of transaction ids. */
export const txnScope = (r: Requester): string => (r.deviceId !== null ? `d:${r.deviceId}` : `t:${r.tokenId ?? r.appserviceId ?? ''}`);

/** M_EXCLUSIVE unless nobody or the requesting appservice itself claims the alias exclusively. */
export function checkAliasNotReserved(ctx: RoomsContext, r: Requester, alias: string): void {
  const owner = ctx.aliasNamespaces?.exclusiveAliasOwner(alias) ?? null;
  if (owner !== null && owner !== r.appserviceId) throw new MatrixError('M_EXCLUSIVE', `${alias} is reserved by an application service`);
}

/** A local alias's room, asking an interested appservice once when the alias does not exist. */
export async function lookupLocalAlias(ctx: RoomsContext, alias: string): Promise<{ roomId: string; creator: string } | null> {
  const found = await ctx.store.aliasRoom(alias);
  if (found || !ctx.aliasNamespaces || !(await ctx.aliasNamespaces.queryAlias(alias))) return found;
  return ctx.store.aliasRoom(alias);
}
