// Account data endpoints (client-server-api "Client Config"; account-data.yaml).
import { endpoint } from '../endpoint.ts';
import { jsonObject, object, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const globalParams = object({ userId: str(), type: str() });
const roomParams = object({ userId: str(), roomId: str(), type: str() });

export const getGlobalAccountData = endpoint({
  name: 'getGlobalAccountData',
  method: 'GET',
  paths: [`${V3}/user/:userId/account_data/:type`],
  auth: 'user',
  params: globalParams,
});

export const setGlobalAccountData = endpoint({
  name: 'setGlobalAccountData',
  method: 'PUT',
  paths: [`${V3}/user/:userId/account_data/:type`],
  auth: 'user',
  params: globalParams,
  body: jsonObject(),
});

export const getRoomAccountData = endpoint({
  name: 'getRoomAccountData',
  method: 'GET',
  paths: [`${V3}/user/:userId/rooms/:roomId/account_data/:type`],
  auth: 'user',
  params: roomParams,
});

export const setRoomAccountData = endpoint({
  name: 'setRoomAccountData',
  method: 'PUT',
  paths: [`${V3}/user/:userId/rooms/:roomId/account_data/:type`],
  auth: 'user',
  params: roomParams,
  body: jsonObject(),
});
