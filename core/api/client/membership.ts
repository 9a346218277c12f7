// Handlers for room membership (client-server-api "Room membership").
import { route, type Route } from '../../http/route.ts';
import { ban, forgetRoom, inviteUser, joinRoom, joinRoomById, kick, knockRoom, leaveRoom, unban } from '../../spec/endpoints/membership.ts';
import type { RoomsApi } from '../../rooms/api.ts';

const reasonOf = (body: { reason?: string }) => (body.reason !== undefined ? { reason: body.reason } : {});

export function membershipRoutes(deps: { rooms: RoomsApi }): Route[] {
  const { rooms } = deps;
  const target = (roomId: string, body: { user_id: string; reason?: string }) => ({ roomId, target: body.user_id, ...reasonOf(body) });
  return [
    route(joinRoomById, async ({ requester, params, body }) => rooms.join(requester, params.roomId, reasonOf(body))),
    route(joinRoom, async ({ requester, params, body }) => rooms.join(requester, params.roomIdOrAlias, reasonOf(body))),
    route(knockRoom, async ({ requester, params, body }) => rooms.knock(requester, params.roomIdOrAlias, body.reason)),
    route(inviteUser, async ({ requester, params, body }) => {
      await rooms.invite(requester, target(params.roomId, body));
      return {};
    }),
    route(leaveRoom, async ({ requester, params, body }) => {
      await rooms.leave(requester, { roomId: params.roomId, ...reasonOf(body) });
      return {};
    }),
    route(forgetRoom, async ({ requester, params }) => {
      await rooms.forget(requester, params.roomId);
      return {};
    }),
    route(kick, async ({ requester, params, body }) => {
      await rooms.kick(requester, target(params.roomId, body));
      return {};
    }),
    route(ban, async ({ requester, params, body }) => {
      await rooms.ban(requester, target(params.roomId, body));
      return {};
    }),
    route(unban, async ({ requester, params, body }) => {
      await rooms.unban(requester, target(params.roomId, body));
      return {};
    }),
  ];
}
