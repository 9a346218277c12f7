// Handlers for the room directory and reporting (client-server-api "Listing rooms",
// "Reporting content").
import { route, type Route } from '../../http/route.ts';
import { getPublicRooms, getRoomVisibilityOnDirectory, queryPublicRooms, setRoomVisibilityOnDirectory } from '../../spec/endpoints/directory.ts';
import { reportEvent, reportRoom } from '../../spec/endpoints/reports.ts';
import type { HistoryDeps } from '../../rooms/history-access.ts';
import type { RoomInput } from '../../rooms/room-input.ts';
import * as directory from '../../rooms/directory.ts';
import type { AppserviceRoomLists } from '../../ports/appservice-room-lists.ts';

export function directoryRoutes(deps: { history: HistoryDeps; input: RoomInput; roomLists: AppserviceRoomLists }): Route[] {
  const d = deps.history;
  return [
    route(getRoomVisibilityOnDirectory, async ({ params }) => directory.getDirectoryVisibility(d, params.roomId)),
    route(setRoomVisibilityOnDirectory, async ({ requester, params, body }) => {
      // Spec: visibility defaults to public.
      await directory.setDirectoryVisibility(d, deps.input, requester, params.roomId, body.visibility ?? 'public');
      return {};
    }),
    route(getPublicRooms, async ({ query }) =>
      directory.publicRooms(d, { ...(query.limit !== undefined ? { limit: query.limit } : {}), ...(query.since !== undefined ? { since: query.since } : {}) }),
    ),
    route(queryPublicRooms, async ({ body }) =>
      directory.publicRooms(d, {
        lists: await deps.roomLists.select({
          ...(body.third_party_instance_id !== undefined ? { thirdPartyInstanceId: body.third_party_instance_id } : {}),
          ...(body.include_all_networks !== undefined ? { includeAllNetworks: body.include_all_networks } : {}),
        }),
        ...(body.limit !== undefined ? { limit: body.limit } : {}),
        ...(body.since !== undefined ? { since: body.since } : {}),
        ...(body.filter?.generic_search_term !== undefined ? { searchTerm: body.filter.generic_search_term } : {}),
        ...(body.filter?.room_types !== undefined ? { roomTypes: body.filter.room_types } : {}),
      }),
    ),
    route(reportEvent, async ({ requester, params, body }) => {
      await directory.reportEvent(d, requester, params.roomId, params.eventId, body);
      return {};
    }),
    route(reportRoom, async ({ requester, params, body }) => {
      await directory.reportRoom(d, requester, params.roomId, body.reason);
      return {};
    }),
  ];
}
