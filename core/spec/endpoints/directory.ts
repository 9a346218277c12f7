// The public room directory (client-server-api "Listing rooms"; list_public_rooms.yaml).
import { endpoint } from '../endpoint.ts';
import { array, bool, int, literal, object, optional, str, type Shape } from '../shape.ts';

const V3 = '/_matrix/client/v3';

export const getRoomVisibilityOnDirectory = endpoint({
  name: 'getRoomVisibilityOnDirectory',
  method: 'GET',
  paths: [`${V3}/directory/list/room/:roomId`],
  auth: 'none',
  params: object({ roomId: str() }),
});

export const setRoomVisibilityOnDirectory = endpoint({
  name: 'setRoomVisibilityOnDirectory',
  method: 'PUT',
  paths: [`${V3}/directory/list/room/:roomId`],
  auth: 'user',
  params: object({ roomId: str() }),
  body: object({ visibility: optional(literal('public', 'private')) }),
});

export const getPublicRooms = endpoint({
  name: 'getPublicRooms',
  method: 'GET',
  paths: [`${V3}/publicRooms`],
  auth: 'none',
  query: object({ limit: optional(int({ min: 0 })), since: optional(str()), server: optional(str()) }),
});

/** room_types entries are strings, or null for rooms without a type. */
const roomType: Shape<string | null> = (v, at, where) => (v === null ? null : str()(v, at, where));

export const queryPublicRooms = endpoint({
  name: 'queryPublicRooms',
  method: 'POST',
  paths: [`${V3}/publicRooms`],
  auth: 'user',
  query: object({ server: optional(str()) }),
  body: object({
    limit: optional(int({ min: 0 })),
    since: optional(str()),
    filter: optional(object({ generic_search_term: optional(str()), room_types: optional(array(roomType)) })),
    include_all_networks: optional(bool()),
    third_party_instance_id: optional(str()),
  }),
});
