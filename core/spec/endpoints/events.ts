// Reading a room's history (client-server-api "Getting events for a room"; room_event_by_id,
// room_context, message_pagination, timestamp_to_event in data/api/client-server).
import { endpoint } from '../endpoint.ts';
import { int, literal, object, optional, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const V1 = '/_matrix/client/v1';
const roomParams = object({ roomId: str() });
const eventParams = object({ roomId: str(), eventId: str() });

export const getOneRoomEvent = endpoint({
  name: 'getOneRoomEvent',
  method: 'GET',
  paths: [`${V3}/rooms/:roomId/event/:eventId`],
  auth: 'user',
  params: eventParams,
});

export const getEventContext = endpoint({
  name: 'getEventContext',
  method: 'GET',
  paths: [`${V3}/rooms/:roomId/context/:eventId`],
  auth: 'user',
  params: eventParams,
  // `filter` is a RoomEventFilter as JSON text, parsed by the handler.
  query: object({ limit: optional(int({ min: 0 })), filter: optional(str()) }),
});

export const getRoomEvents = endpoint({
  name: 'getRoomEvents',
  method: 'GET',
  paths: [`${V3}/rooms/:roomId/messages`],
  auth: 'user',
  params: roomParams,
  query: object({
    from: optional(str()),
    to: optional(str()),
    dir: literal('b', 'f'),
    limit: optional(int({ min: 0 })),
    filter: optional(str()),
  }),
});

export const getEventByTimestamp = endpoint({
  name: 'getEventByTimestamp',
  method: 'GET',
  paths: [`${V1}/rooms/:roomId/timestamp_to_event`],
  auth: 'user',
  params: roomParams,
  query: object({ ts: int({ min: 0 }), dir: literal('f', 'b') }),
});
