// Receipt endpoint (client-server-api "Receipts"; receipts.yaml). The receipt type and the
// thread_id are checked by the feature, which answers M_INVALID_PARAM as the spec shows.
import { endpoint } from '../endpoint.ts';
import { jsonObject, object, str } from '../shape.ts';

export const postReceipt = endpoint({
  name: 'postReceipt',
  method: 'POST',
  paths: ['/_matrix/client/v3/rooms/:roomId/receipt/:receiptType/:eventId'],
  auth: 'user',
  params: object({ roomId: str(), receiptType: str(), eventId: str() }),
  body: jsonObject(),
});
