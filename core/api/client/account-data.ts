// Handlers for account data (client-server-api "Client Config").
import { route, type Route } from '../../http/route.ts';
import type { AccountDataApi } from '../../account-data/api.ts';
import { getGlobalAccountData, getRoomAccountData, setGlobalAccountData, setRoomAccountData } from '../../spec/endpoints/account-data.ts';

export function accountDataRoutes(deps: { accountData: AccountDataApi }): Route[] {
  const { accountData } = deps;
  return [
    route(getGlobalAccountData, ({ requester, params }) => accountData.getGlobal(requester, params.userId, params.type)),
    route(setGlobalAccountData, async ({ requester, params, body }) => {
      await accountData.setGlobal(requester, params.userId, params.type, body);
      return {};
    }),
    route(getRoomAccountData, ({ requester, params }) => accountData.getRoom(requester, params.userId, params.roomId, params.type)),
    route(setRoomAccountData, async ({ requester, params, body }) => {
      await accountData.setRoom(requester, params.userId, params.roomId, params.type, body);
      return {};
    }),
  ];
}
