// Handlers for presence (client-server-api "Presence").
import { route, type Route } from '../../http/route.ts';
import type { PresenceApi } from '../../presence/api.ts';
import { getPresence, setPresence } from '../../spec/endpoints/presence.ts';

export function presenceRoutes(deps: { presence: PresenceApi }): Route[] {
  const { presence } = deps;
  return [
    route(getPresence, ({ requester, params }) => presence.getPresence(requester, params.userId)),
    route(setPresence, async ({ requester, params, body }) => {
      await presence.setPresence(requester, params.userId, body.presence, body.status_msg);
      return {};
    }),
  ];
}
