// Room membership. Spec: client-server-api "Room membership" (joining.yaml, inviting.yaml,
// leaving.yaml, kicking.yaml, banning.yaml, knocking.yaml). Every change is an m.room.member
// event; whether it is allowed is decided by the room version's auth rules (their reason is the
// M_FORBIDDEN message). Only rooms this server knows can be joined: joins over federation come
// with the federation feature.
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseRoomAlias, parseRoomId, parseUserId } from '../spec/ids.ts';
import type { JsonObject } from '../events/pdu.ts';
import type { MembershipInput } from './api.ts';
import { lookupLocalAlias, membershipIn, profileContent, requireHead, type RoomsContext } from './context.ts';
import type { CommittedEvent } from './room-input.ts';

/** Resolves a room id or a local alias to a known room id. */
export async function resolveRoom(ctx: RoomsContext, roomIdOrAlias: string): Promise<string> {
  if (roomIdOrAlias.startsWith('#')) {
    const alias = parseRoomAlias(roomIdOrAlias);
    if (!alias) throw new MatrixError('M_INVALID_PARAM', 'Invalid room alias');
    if (!alias.endsWith(`:${ctx.serverName}`)) {
      throw new MatrixError('M_NOT_FOUND', 'Remote room aliases cannot be resolved yet (no federation)');
    }
    const found = await lookupLocalAlias(ctx, alias);
    if (!found) throw new MatrixError('M_NOT_FOUND', 'Room alias not found');
    return found.roomId;
  }
  if (!parseRoomId(roomIdOrAlias)) throw new MatrixError('M_INVALID_PARAM', 'Not a room id or alias');
  return roomIdOrAlias;
}

function withReason(content: JsonObject, reason: string | undefined): JsonObject {
  return reason !== undefined ? { ...content, reason } : content;
}

/** Sends one m.room.member event (target's membership becomes `membership`). */
export async function setMembership(
  ctx: RoomsContext,
  sender: string,
  roomId: string,
  target: string,
  membership: string,
  content: JsonObject,
  skipIf?: (current: string | null) => boolean,
): Promise<CommittedEvent | null> {
  await requireHead(ctx, roomId);
  const { events } = await ctx.input.run(roomId, (b) => {
    if (skipIf?.(membershipIn({ state: b.stateMap }, target))) return;
    b.add({ type: 'm.room.member', stateKey: target, sender, content: { ...content, membership } });
  });
  return events[0] ?? null;
}

export async function join(
  ctx: RoomsContext,
  r: Requester,
  roomIdOrAlias: string,
  opts: { reason?: string; extraContent?: Record<string, unknown> } = {},
): Promise<{ room_id: string }> {
  const roomId = await resolveRoom(ctx, roomIdOrAlias);
  const head = await ctx.input.head(roomId);
  if (!head) throw new MatrixError('M_NOT_FOUND', 'Unknown room: joining rooms on other servers needs federation');
  const profile = await profileContent(ctx, r.userId);
  const content = withReason({ ...(opts.extraContent as JsonObject | undefined), ...profile }, opts.reason);
  // Joining again with the same profile changes nothing: no new event.
  const same = (current: string | null) => {
    if (current !== 'join') return false;
    const ev = head.state.get(`m.room.member\u0000${r.userId}`);
    return ev?.content.displayname === profile.displayname && ev?.content.avatar_url === profile.avatar_url && opts.reason === undefined;
  };
  await setMembership(ctx, r.userId, roomId, r.userId, 'join', content, same);
  return { room_id: roomId };
}

export async function knock(ctx: RoomsContext, r: Requester, roomIdOrAlias: string, reason?: string): Promise<{ room_id: string }> {
  const roomId = await resolveRoom(ctx, roomIdOrAlias);
  const head = await ctx.input.head(roomId);
  if (!head) throw new MatrixError('M_NOT_FOUND', 'Unknown room: knocking on rooms on other servers needs federation');
  if (!head.version.knocking) throw new MatrixError('M_FORBIDDEN', `Room version ${head.version.id} does not support knocking`);
  await setMembership(ctx, r.userId, roomId, r.userId, 'knock', withReason(await profileContent(ctx, r.userId), reason));
  return { room_id: roomId };
}

function requireTarget(target: string): string {
  if (!parseUserId(target)) throw new MatrixError('M_INVALID_PARAM', 'user_id is not a user id');
  return target;
}

export async function invite(ctx: RoomsContext, r: Requester, input: MembershipInput & { target: string }): Promise<void> {
  const target = requireTarget(input.target);
  const head = await requireHead(ctx, input.roomId);
  if (membershipIn(head, r.userId) !== 'join') throw new MatrixError('M_FORBIDDEN', 'You are not joined to this room');
  const content = withReason(await profileContent(ctx, target), input.reason);
  await setMembership(ctx, r.userId, input.roomId, target, 'invite', content);
}

export async function leave(ctx: RoomsContext, r: Requester, input: MembershipInput): Promise<void> {
  const head = await requireHead(ctx, input.roomId);
  const current = membershipIn(head, r.userId);
  if (current === null) throw new MatrixError('M_FORBIDDEN', 'You are not a member of this room');
  // Leaving twice is a no-op, as Synapse does.
  await setMembership(ctx, r.userId, input.roomId, r.userId, 'leave', withReason({}, input.reason), (m) => m === 'leave');
}

export async function kick(ctx: RoomsContext, r: Requester, input: MembershipInput & { target: string }): Promise<void> {
  const target = requireTarget(input.target);
  const head = await requireHead(ctx, input.roomId);
  const current = membershipIn(head, target);
  if (current === null || current === 'leave' || current === 'ban') {
    throw new MatrixError('M_FORBIDDEN', 'The user is not in the room');
  }
  await setMembership(ctx, r.userId, input.roomId, target, 'leave', withReason({}, input.reason));
}

export async function ban(ctx: RoomsContext, r: Requester, input: MembershipInput & { target: string }): Promise<void> {
  const target = requireTarget(input.target);
  await setMembership(ctx, r.userId, input.roomId, target, 'ban', withReason({}, input.reason));
}

export async function unban(ctx: RoomsContext, r: Requester, input: MembershipInput & { target: string }): Promise<void> {
  const target = requireTarget(input.target);
  const head = await requireHead(ctx, input.roomId);
  if (membershipIn(head, target) !== 'ban') throw new MatrixError('M_FORBIDDEN', 'The user is not banned');
  await setMembership(ctx, r.userId, input.roomId, target, 'leave', withReason({}, input.reason));
}

export async function forget(ctx: RoomsContext, r: Requester, roomId: string): Promise<void> {
  const head = await requireHead(ctx, roomId);
  const m = membershipIn(head, r.userId);
  if (m === null) throw new MatrixError('M_NOT_FOUND', 'You were never in this room');
  if (m !== 'leave' && m !== 'ban') throw new MatrixError('M_UNKNOWN', `User ${r.userId} is in room ${roomId}`);
  await ctx.store.forget(roomId, r.userId);
}
