// The /sync endpoint (client-server-api "Syncing"; sync.yaml). `since` and `filter` are parsed
// by the feature (the token format is core/sync/token.ts; a filter is an id or inline JSON).
import { endpoint } from '../endpoint.ts';
import { bool, int, literal, object, optional, str } from '../shape.ts';

export const getSync = endpoint({
  name: 'getSync',
  method: 'GET',
  paths: ['/_matrix/client/v3/sync'],
  auth: 'user',
  query: object({
    filter: optional(str()),
    since: optional(str()),
    full_state: optional(bool()),
    set_presence: optional(literal('offline', 'online', 'unavailable')),
    timeout: optional(int({ min: 0 })),
  }),
});
