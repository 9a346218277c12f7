// Presence endpoints (client-server-api "Presence"; presence.yaml).
import { endpoint } from '../endpoint.ts';
import { literal, object, optional, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';

export const getPresence = endpoint({
  name: 'getPresence',
  method: 'GET',
  paths: [`${V3}/presence/:userId/status`],
  auth: 'user',
  params: object({ userId: str() }),
});

export const setPresence = endpoint({
  name: 'setPresence',
  method: 'PUT',
  paths: [`${V3}/presence/:userId/status`],
  auth: 'user',
  params: object({ userId: str() }),
  body: object({ presence: literal('online', 'unavailable', 'offline'), status_msg: optional(str()) }),
});
