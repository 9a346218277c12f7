// Room membership endpoints (client-server-api "Room membership"; joining.yaml, inviting.yaml,
// leaving.yaml, kicking.yaml, banning.yaml, knocking.yaml).
import { endpoint } from '../endpoint.ts';
import { jsonObject, object, optional, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const roomParams = object({ roomId: str() });
const aliasParams = object({ roomIdOrAlias: str() });
const query = object({ server_name: optional(str()), via: optional(str()) });
const joinBody = object({ reason: optional(str()), third_party_signed: optional(jsonObject()) });
const targetBody = object({ user_id: str(), reason: optional(str()) });

export const joinRoomById = endpoint({
  name: 'joinRoomById',
  method: 'POST',
  paths: [`${V3}/rooms/:roomId/join`],
  auth: 'user',
  params: roomParams,
  body: joinBody,
});

export const joinRoom = endpoint({
  name: 'joinRoom',
  method: 'POST',
  paths: [`${V3}/join/:roomIdOrAlias`],
  auth: 'user',
  params: aliasParams,
  query,
  body: joinBody,
});

export const knockRoom = endpoint({
  name: 'knockRoom',
  method: 'POST',
  paths: [`${V3}/knock/:roomIdOrAlias`],
  auth: 'user',
  params: aliasParams,
  query,
  body: object({ reason: optional(str()) }),
});

export const inviteUser = endpoint({
  name: 'inviteUser',
  method: 'POST',
  paths: [`${V3}/rooms/:roomId/invite`],
  auth: 'user',
  params: roomParams,
  // The third-party form ({id_server, medium, address}) has no user_id: M_MISSING_PARAM.
  body: targetBody,
});

export const leaveRoom = endpoint({
  name: 'leaveRoom',
  method: 'POST',
  paths: [`${V3}/rooms/:roomId/leave`],
  auth: 'user',
  params: roomParams,
  body: object({ reason: optional(str()) }),
});

export const forgetRoom = endpoint({
  name: 'forgetRoom',
  method: 'POST',
  paths: [`${V3}/rooms/:roomId/forget`],
  auth: 'user',
  params: roomParams,
  body: jsonObject(),
});

export const kick = endpoint({ name: 'kick', method: 'POST', paths: [`${V3}/rooms/:roomId/kick`], auth: 'user', params: roomParams, body: targetBody });
export const ban = endpoint({ name: 'ban', method: 'POST', paths: [`${V3}/rooms/:roomId/ban`], auth: 'user', params: roomParams, body: targetBody });
export const unban = endpoint({ name: 'unban', method: 'POST', paths: [`${V3}/rooms/:roomId/unban`], auth: 'user', params: roomParams, body: targetBody });
