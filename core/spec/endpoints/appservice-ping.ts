// Appservice ping (client-server-api "POST /_matrix/client/v1/appservice/{appserviceId}/ping",
// v1.7; appservice_ping.yaml): an appservice asks the homeserver to ping it back.
import { endpoint } from '../endpoint.ts';
import { object, optional, str } from '../shape.ts';

export const pingAppservice = endpoint({
  name: 'pingAppservice',
  method: 'POST',
  paths: ['/_matrix/client/v1/appservice/:appserviceId/ping'],
  auth: 'appservice',
  params: object({ appserviceId: str() }),
  body: object({ transaction_id: optional(str()) }),
});
