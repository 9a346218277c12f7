// Room alias endpoints (client-server-api "Room aliases"; directory.yaml).
import { endpoint } from '../endpoint.ts';
import { object, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const aliasParams = object({ roomAlias: str() });

export const setRoomAlias = endpoint({
  name: 'setRoomAlias',
  method: 'PUT',
  paths: [`${V3}/directory/room/:roomAlias`],
  auth: 'user',
  params: aliasParams,
  body: object({ room_id: str() }),
});

export const getRoomIdByAlias = endpoint({
  name: 'getRoomIdByAlias',
  method: 'GET',
  paths: [`${V3}/directory/room/:roomAlias`],
  auth: 'none',
  params: aliasParams,
});

export const deleteRoomAlias = endpoint({
  name: 'deleteRoomAlias',
  method: 'DELETE',
  paths: [`${V3}/directory/room/:roomAlias`],
  auth: 'user',
  params: aliasParams,
});

export const getLocalAliases = endpoint({
  name: 'getLocalAliases',
  method: 'GET',
  paths: [`${V3}/rooms/:roomId/aliases`],
  auth: 'user',
  params: object({ roomId: str() }),
});
