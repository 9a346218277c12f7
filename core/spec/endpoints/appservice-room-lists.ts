// Appservice room lists (application-service-api "Room directories";
// data/api/client-server/appservice_room_directory.yaml: PUT
// /directory/list/appservice/{networkId}/{roomId}). DELETE is Synapse's, kept for the bridges
// that call it. Appservice tokens only.
import { endpoint } from '../endpoint.ts';
import { literal, object, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const params = object({ networkId: str(), roomId: str() });

export const updateAppserviceRoomDirectoryVisibility = endpoint({
  name: 'updateAppserviceRoomDirectoryVisibility',
  method: 'PUT',
  paths: [`${V3}/directory/list/appservice/:networkId/:roomId`],
  auth: 'appservice',
  params,
  body: object({ visibility: literal('public', 'private') }),
});

export const deleteAppserviceRoomDirectoryEntry = endpoint({
  name: 'deleteAppserviceRoomDirectoryEntry',
  method: 'DELETE',
  paths: [`${V3}/directory/list/appservice/:networkId/:roomId`],
  auth: 'appservice',
  params,
});
