// Appservice room lists (application-service-api "Room directories";
// data/api/client-server/appservice_room_directory.yaml: PUT
// /directory/list/appservice/{networkId}/{roomId}; `visibility: private` unlists). Appservice
// tokens only: auth is 'user' so request errors (bad JSON) come first, then the service's 403
// for callers that are not appservices.
import { endpoint } from '../endpoint.ts';
import { literal, object, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const params = object({ networkId: str(), roomId: str() });

export const updateAppserviceRoomDirectoryVisibility = endpoint({
  name: 'updateAppserviceRoomDirectoryVisibility',
  method: 'PUT',
  paths: [`${V3}/directory/list/appservice/:networkId/:roomId`],
  auth: 'user',
  params,
  body: object({ visibility: literal('public', 'private') }),
});
