// Who may read a room's state, and which state (client-server-api GET /rooms/{roomId}/state,
// /members, /joined_members, /aliases): members read the current state; former members the state
// as it was when they left; anyone the current state of a world_readable room. Others, and rooms
// this server does not know, get 403 (a 404 would tell strangers the room exists).
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import type { StoredEvent } from './api.ts';
import { toClientEvent } from './client-event.ts';
import type { RoomsContext } from './context.ts';
import { parseStreamToken, type Membership } from './api.ts';

export type StateView = { readonly kind: 'current' } | { readonly kind: 'at'; readonly position: number };

export async function stateViewFor(ctx: RoomsContext, userId: string, roomId: string): Promise<StateView> {
  const forbidden = new MatrixError('M_FORBIDDEN', "You aren't a member of the room and weren't previously a member of the room");
  const head = await ctx.input.head(roomId);
  if (!head) throw forbidden;
  const m = await ctx.store.currentMembership(roomId, userId);
  if (m?.membership === 'join') return { kind: 'current' };
  const hv = head.state.get('m.room.history_visibility\u0000')?.content.history_visibility;
  if (hv === 'world_readable') return { kind: 'current' };
  if (m && (m.membership === 'leave' || m.membership === 'ban')) {
    // Only if they had joined at some point: a rejected invite shows nothing.
    const joinedBefore = await ctx.store.membershipAt(roomId, userId, m.streamOrdering - 1);
    if (joinedBefore === 'join') return { kind: 'at', position: m.streamOrdering };
  }
  throw forbidden;
}

export async function readableState(ctx: RoomsContext, userId: string, roomId: string): Promise<StoredEvent[]> {
  const view = await stateViewFor(ctx, userId, roomId);
  return view.kind === 'current'
    ? ctx.store.currentStateEvents(roomId)
    : ctx.store.stateGroupEvents(await ctx.store.stateGroupAtPosition(roomId, view.position));
}

export async function readableStateEvent(ctx: RoomsContext, userId: string, roomId: string, type: string, key: string): Promise<StoredEvent> {
  const view = await stateViewFor(ctx, userId, roomId);
  const found =
    view.kind === 'current'
      ? (await ctx.store.currentStateEvents(roomId, type, key))[0]
      : (await readableState(ctx, userId, roomId)).find((e) => e.type === type && e.stateKey === key);
  if (!found) throw new MatrixError('M_NOT_FOUND', 'Event not found');
  return found;
}

/** GET /members: `at` (a stream or sync token), `membership`, `not_membership`. */
export async function members(
  ctx: RoomsContext,
  r: Requester,
  roomId: string,
  q: { at?: string; membership?: Membership; notMembership?: Membership },
): Promise<Record<string, unknown>[]> {
  const view = await stateViewFor(ctx, r.userId, roomId);
  let position = view.kind === 'at' ? view.position : null;
  if (q.at !== undefined) {
    const at = parseStreamToken(q.at);
    if (at === null) throw new MatrixError('M_INVALID_PARAM', 'Unknown `at` token');
    position = position === null ? at : Math.min(position, at);
  }
  const state =
    position === null ? await ctx.store.currentStateEvents(roomId, 'm.room.member') : await ctx.store.stateGroupEvents(await ctx.store.stateGroupAtPosition(roomId, position));
  const now = ctx.now();
  return state
    .filter((e) => e.type === 'm.room.member')
    .filter((e) => q.membership === undefined || e.content.membership === q.membership)
    .filter((e) => q.notMembership === undefined || e.content.membership !== q.notMembership)
    .map((e) => toClientEvent(e, { now }));
}

export async function joinedMembers(ctx: RoomsContext, r: Requester, roomId: string): Promise<Record<string, { display_name?: string; avatar_url?: string }>> {
  const view = await stateViewFor(ctx, r.userId, roomId);
  if (view.kind !== 'current') throw new MatrixError('M_FORBIDDEN', "You aren't a member of the room");
  const out: Record<string, { display_name?: string; avatar_url?: string }> = {};
  for (const e of await ctx.store.currentStateEvents(roomId, 'm.room.member')) {
    if (e.content.membership !== 'join' || e.stateKey === null) continue;
    const entry: { display_name?: string; avatar_url?: string } = {};
    if (typeof e.content.displayname === 'string') entry.display_name = e.content.displayname;
    if (typeof e.content.avatar_url === 'string') entry.avatar_url = e.content.avatar_url;
    out[e.stateKey] = entry;
  }
  return out;
}
