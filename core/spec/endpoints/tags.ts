// Room tag endpoints (client-server-api "Room Tagging"; tags.yaml).
import { endpoint } from '../endpoint.ts';
import { jsonObject, object, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const tagParams = object({ userId: str(), roomId: str(), tag: str() });

export const getRoomTags = endpoint({
  name: 'getRoomTags',
  method: 'GET',
  paths: [`${V3}/user/:userId/rooms/:roomId/tags`],
  auth: 'user',
  params: object({ userId: str(), roomId: str() }),
});

export const setRoomTag = endpoint({
  name: 'setRoomTag',
  method: 'PUT',
  paths: [`${V3}/user/:userId/rooms/:roomId/tags/:tag`],
  auth: 'user',
  params: tagParams,
  body: jsonObject(),
});

export const deleteRoomTag = endpoint({
  name: 'deleteRoomTag',
  method: 'DELETE',
  paths: [`${V3}/user/:userId/rooms/:roomId/tags/:tag`],
  auth: 'user',
  params: tagParams,
});
