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

export interface RoomsContext {
  readonly store: RoomsStore;
  readonly input: RoomInput;
  readonly txns: TxnCache;
  readonly serverName: string;
  readonly defaultRoomVersion: string;
  readonly profiles: ProfileSource | null;
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
