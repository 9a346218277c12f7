// Handlers for room aliases (client-server-api "Room aliases").
import { route, type Route } from '../../http/route.ts';
import { deleteRoomAlias, getLocalAliases, getRoomIdByAlias, setRoomAlias } from '../../spec/endpoints/aliases.ts';
import type { RoomsApi } from '../../rooms/api.ts';

export function aliasRoutes(deps: { rooms: RoomsApi }): Route[] {
  const { rooms } = deps;
  return [
    route(setRoomAlias, async ({ requester, params, body }) => {
      await rooms.setAlias(requester, params.roomAlias, body.room_id);
      return {};
    }),
    route(getRoomIdByAlias, async ({ params }) => rooms.resolveAlias(params.roomAlias)),
    route(deleteRoomAlias, async ({ requester, params }) => {
      await rooms.deleteAlias(requester, params.roomAlias);
      return {};
    }),
    route(getLocalAliases, async ({ requester, params }) => ({ aliases: await rooms.roomAliases(requester, params.roomId) })),
  ];
}
