// Send-to-Device endpoint (client-server-api "Send-to-Device messaging"; to_device.yaml).
import { endpoint } from '../endpoint.ts';
import { jsonObject, object, record, str } from '../shape.ts';

export const sendToDevice = endpoint({
  name: 'sendToDevice',
  method: 'PUT',
  paths: ['/_matrix/client/v3/sendToDevice/:eventType/:txnId'],
  auth: 'user',
  rateLimit: 'message',
  params: object({ eventType: str({ minLength: 1, maxLength: 255 }), txnId: str({ minLength: 1, maxLength: 255 }) }),
  body: object({ messages: record(record(jsonObject())) }),
});
