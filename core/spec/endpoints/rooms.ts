// Room endpoints (client-server-api "Rooms", "Events", "Redactions", "Room Upgrades";
// create_room.yaml, rooms.yaml, room_state.yaml, room_send.yaml, redaction.yaml,
// room_upgrades.yaml, list_joined_rooms.yaml).
import { endpoint } from '../endpoint.ts';
import { array, bool, int, jsonObject, literal, object, optional, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const roomParams = object({ roomId: str() });
const MEMBERSHIPS = ['invite', 'join', 'leave', 'ban', 'knock'] as const;

export const createRoom = endpoint({
  name: 'createRoom',
  method: 'POST',
  paths: [`${V3}/createRoom`],
  auth: 'user',
  body: object({
    visibility: optional(literal('public', 'private')),
    room_alias_name: optional(str()),
    name: optional(str()),
    topic: optional(str()),
    invite: optional(array(str())),
    invite_3pid: optional(array(jsonObject())),
    room_version: optional(str()),
    creation_content: optional(jsonObject()),
    initial_state: optional(array(object({ type: str(), state_key: optional(str()), content: jsonObject() }))),
    preset: optional(literal('private_chat', 'public_chat', 'trusted_private_chat')),
    is_direct: optional(bool()),
    power_level_content_override: optional(jsonObject()),
  }),
});

export const getJoinedRooms = endpoint({ name: 'getJoinedRooms', method: 'GET', paths: [`${V3}/joined_rooms`], auth: 'user' });

export const getMembersByRoom = endpoint({
  name: 'getMembersByRoom',
  method: 'GET',
  paths: [`${V3}/rooms/:roomId/members`],
  auth: 'user',
  params: roomParams,
  query: object({
    at: optional(str()),
    membership: optional(literal(...MEMBERSHIPS)),
    not_membership: optional(literal(...MEMBERSHIPS)),
  }),
});

export const getJoinedMembersByRoom = endpoint({
  name: 'getJoinedMembersByRoom',
  method: 'GET',
  paths: [`${V3}/rooms/:roomId/joined_members`],
  auth: 'user',
  params: roomParams,
});

export const sendMessage = endpoint({
  name: 'sendMessage',
  method: 'PUT',
  paths: [`${V3}/rooms/:roomId/send/:eventType/:txnId`],
  auth: 'user',
  rateLimit: 'message',
  params: object({ roomId: str(), eventType: str(), txnId: str() }),
  // application-service-api "Timestamp massaging" (appservices only).
  query: object({ ts: optional(int({ min: 0 })) }),
  body: jsonObject(),
});

const stateParams = object({ roomId: str(), eventType: str(), stateKey: optional(str()) });
// The empty state key is the trailing-slash form (`/state/m.room.name/`), as clients send it.
const STATE_PATHS = [`${V3}/rooms/:roomId/state/:eventType/:stateKey`, `${V3}/rooms/:roomId/state/:eventType/`];

export const setRoomStateWithKey = endpoint({
  name: 'setRoomStateWithKey',
  method: 'PUT',
  paths: STATE_PATHS,
  auth: 'user',
  rateLimit: 'message',
  params: stateParams,
  query: object({ ts: optional(int({ min: 0 })) }),
  body: jsonObject(),
});

export const getRoomStateWithKey = endpoint({
  name: 'getRoomStateWithKey',
  method: 'GET',
  paths: STATE_PATHS,
  auth: 'user',
  params: stateParams,
  query: object({ format: optional(literal('content', 'event')) }),
});

export const getRoomState = endpoint({
  name: 'getRoomState',
  method: 'GET',
  paths: [`${V3}/rooms/:roomId/state`],
  auth: 'user',
  params: roomParams,
});

export const redactEvent = endpoint({
  name: 'redactEvent',
  method: 'PUT',
  paths: [`${V3}/rooms/:roomId/redact/:eventId/:txnId`],
  auth: 'user',
  rateLimit: 'message',
  params: object({ roomId: str(), eventId: str(), txnId: str() }),
  body: object({ reason: optional(str()) }),
});

export const upgradeRoom = endpoint({
  name: 'upgradeRoom',
  method: 'POST',
  paths: [`${V3}/rooms/:roomId/upgrade`],
  auth: 'user',
  params: roomParams,
  body: object({ new_version: str(), additional_creators: optional(array(str())) }),
});
