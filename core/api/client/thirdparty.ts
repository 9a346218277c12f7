// Handlers for third-party networks (client-server-api "Third-party Networks") and appservice
// room lists (application-service-api "Room directories").
import { route, type Route } from '../../http/route.ts';
import type { ThirdPartyLookups } from '../../ports/thirdparty.ts';
import type { AppserviceRoomLists } from '../../ports/appservice-room-lists.ts';
import {
  getProtocolMetadata,
  getProtocols,
  queryLocationByAlias,
  queryLocationByProtocol,
  queryUserByID,
  queryUserByProtocol,
} from '../../spec/endpoints/thirdparty.ts';
import { updateAppserviceRoomDirectoryVisibility } from '../../spec/endpoints/appservice-room-lists.ts';

/** Query parameters that are the request's own, not the remote network's search fields. */
const NOT_FIELDS = new Set(['access_token', 'user_id', 'device_id', 'org.matrix.msc3202.device_id']);
const searchFields = (q: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(q).filter(([k]) => !NOT_FIELDS.has(k)));

export function thirdPartyRoutes(deps: { thirdParty: ThirdPartyLookups }): Route[] {
  const { thirdParty } = deps;
  return [
    route(getProtocols, async () => thirdParty.protocols()),
    route(getProtocolMetadata, async ({ params }) => thirdParty.protocol(params.protocol)),
    route(queryLocationByProtocol, async ({ params, query }) => thirdParty.locations(params.protocol, searchFields(query))),
    route(queryUserByProtocol, async ({ params, query }) => thirdParty.users(params.protocol, searchFields(query))),
    route(queryLocationByAlias, async ({ query }) => thirdParty.locationsByAlias(query.alias)),
    route(queryUserByID, async ({ query }) => thirdParty.usersByUserId(query.userid)),
  ];
}

export function appserviceRoomListRoutes(deps: { roomLists: AppserviceRoomLists }): Route[] {
  const { roomLists } = deps;
  return [
    route(updateAppserviceRoomDirectoryVisibility, async ({ requester, params, body }) => {
      await roomLists.setVisibility(requester, params.networkId, params.roomId, body.visibility);
      return {};
    }),
  ];
}
