// Relations and threads (client-server-api "Relationship types", "Threading"; relations.yaml,
// threads_list.yaml).
import { endpoint } from '../endpoint.ts';
import { bool, int, literal, object, optional, str } from '../shape.ts';

const V1 = '/_matrix/client/v1';

export const getRelatingEvents = endpoint({
  name: 'getRelatingEvents',
  method: 'GET',
  paths: [
    `${V1}/rooms/:roomId/relations/:eventId/:relType/:eventType`,
    `${V1}/rooms/:roomId/relations/:eventId/:relType`,
    `${V1}/rooms/:roomId/relations/:eventId`,
  ],
  auth: 'user',
  params: object({ roomId: str(), eventId: str(), relType: optional(str()), eventType: optional(str()) }),
  query: object({
    from: optional(str()),
    to: optional(str()),
    limit: optional(int({ min: 0 })),
    dir: optional(literal('b', 'f')),
    recurse: optional(bool()),
  }),
});

export const getThreadRoots = endpoint({
  name: 'getThreadRoots',
  method: 'GET',
  paths: [`${V1}/rooms/:roomId/threads`],
  auth: 'user',
  params: object({ roomId: str() }),
  query: object({ include: optional(literal('all', 'participated')), from: optional(str()), limit: optional(int({ min: 0 })) }),
});
