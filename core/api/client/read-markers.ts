// Handler for read markers (client-server-api "Read and unread markers").
import { route, type Route } from '../../http/route.ts';
import type { ReceiptsApi } from '../../receipts/api.ts';
import { setReadMarker } from '../../spec/endpoints/read-markers.ts';

export function readMarkerRoutes(deps: { receipts: ReceiptsApi }): Route[] {
  const { receipts } = deps;
  return [
    route(setReadMarker, async ({ requester, params, body }) => {
      await receipts.setReadMarkers(requester, params.roomId, {
        fullyRead: body['m.fully_read'],
        read: body['m.read'],
        readPrivate: body['m.read.private'],
      });
      return {};
    }),
  ];
}
