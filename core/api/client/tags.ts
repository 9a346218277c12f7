// Handlers for room tags (client-server-api "Room Tagging").
import { route, type Route } from '../../http/route.ts';
import type { AccountDataApi } from '../../account-data/api.ts';
import { deleteRoomTag, getRoomTags, setRoomTag } from '../../spec/endpoints/tags.ts';

export function tagRoutes(deps: { accountData: AccountDataApi }): Route[] {
  const { accountData } = deps;
  return [
    route(getRoomTags, async ({ requester, params }) => ({ tags: await accountData.getTags(requester, params.userId, params.roomId) })),
    route(setRoomTag, async ({ requester, params, body }) => {
      await accountData.setTag(requester, params.userId, params.roomId, params.tag, body);
      return {};
    }),
    route(deleteRoomTag, async ({ requester, params }) => {
      await accountData.deleteTag(requester, params.userId, params.roomId, params.tag);
      return {};
    }),
  ];
}
