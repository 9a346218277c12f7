// Handler for the appservice ping (client-server-api "POST /_matrix/client/v1/appservice/{appserviceId}/ping").
import { route, type Route } from '../../http/route.ts';
import type { AppservicePing } from '../../ports/appservice-ping.ts';
import { pingAppservice } from '../../spec/endpoints/appservice-ping.ts';

export function appservicePingRoutes(deps: { ping: AppservicePing }): Route[] {
  return [
    route(pingAppservice, async ({ requester, params, body }) =>
      deps.ping.ping(requester.appserviceId ?? '', params.appserviceId, body.transaction_id),
    ),
  ];
}
