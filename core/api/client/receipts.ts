// Handler for receipts (client-server-api "Receipts").
import { route, type Route } from '../../http/route.ts';
import type { ReceiptsApi } from '../../receipts/api.ts';
import { postReceipt } from '../../spec/endpoints/receipts.ts';

export function receiptRoutes(deps: { receipts: ReceiptsApi }): Route[] {
  const { receipts } = deps;
  return [
    route(postReceipt, async ({ requester, params, body }) => {
      await receipts.postReceipt(requester, params.roomId, params.receiptType, params.eventId, body);
      return {};
    }),
  ];
}
