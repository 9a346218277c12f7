// Handlers for rooms, state, sending, redaction and upgrades (client-server-api "Rooms",
// "Events", "Redactions", "Room Upgrades").
import { route, type Route } from '../../http/route.ts';
import {
  createRoom, getJoinedMembersByRoom, getJoinedRooms, getMembersByRoom, getRoomState, getRoomStateWithKey,
  redactEvent, sendMessage, setRoomStateWithKey, upgradeRoom,
} from '../../spec/endpoints/rooms.ts';
import type { RoomsApi } from '../../rooms/api.ts';
import { toClientEvent } from '../../rooms/client-event.ts';

export function roomRoutes(deps: { rooms: RoomsApi }): Route[] {
  const { rooms } = deps;
  return [
    route(createRoom, async ({ requester, body }) =>
      rooms.createRoom(requester, {
        ...(body.preset !== undefined ? { preset: body.preset } : {}),
        ...(body.visibility !== undefined ? { visibility: body.visibility } : {}),
        ...(body.room_alias_name !== undefined ? { roomAliasName: body.room_alias_name } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.topic !== undefined ? { topic: body.topic } : {}),
        ...(body.invite !== undefined ? { invite: body.invite } : {}),
        ...(body.invite_3pid !== undefined ? { invite3pid: body.invite_3pid } : {}),
        ...(body.room_version !== undefined ? { roomVersion: body.room_version } : {}),
        ...(body.creation_content !== undefined ? { creationContent: body.creation_content } : {}),
        ...(body.initial_state !== undefined ? { initialState: body.initial_state } : {}),
        ...(body.is_direct !== undefined ? { isDirect: body.is_direct } : {}),
        ...(body.power_level_content_override !== undefined ? { powerLevelContentOverride: body.power_level_content_override } : {}),
      }),
    ),
    route(getJoinedRooms, async ({ requester }) => ({ joined_rooms: await rooms.joinedRooms(requester) })),
    route(getMembersByRoom, async ({ requester, params, query }) => ({
      chunk: await rooms.members(requester, params.roomId, {
        ...(query.at !== undefined ? { at: query.at } : {}),
        ...(query.membership !== undefined ? { membership: query.membership } : {}),
        ...(query.not_membership !== undefined ? { notMembership: query.not_membership } : {}),
      }),
    })),
    route(getJoinedMembersByRoom, async ({ requester, params }) => ({ joined: await rooms.joinedMembers(requester, params.roomId) })),
    route(sendMessage, async ({ requester, params, query, body }) =>
      rooms.send(requester, { roomId: params.roomId, type: params.eventType, content: body, txnId: params.txnId, ...(query.ts !== undefined ? { ts: query.ts } : {}) }),
    ),
    route(setRoomStateWithKey, async ({ requester, params, query, body }) =>
      rooms.send(requester, {
        roomId: params.roomId,
        type: params.eventType,
        content: body,
        stateKey: params.stateKey ?? '',
        ...(query.ts !== undefined ? { ts: query.ts } : {}),
      }),
    ),
    route(getRoomStateWithKey, async ({ requester, params, query }) => {
      const ev = await rooms.getStateEvent(requester, params.roomId, params.eventType, params.stateKey ?? '');
      return query.format === 'event' ? toClientEvent(ev) : ev.content;
    }),
    route(getRoomState, async ({ requester, params }) => {
      const now = Date.now();
      return (await rooms.getState(requester, params.roomId)).map((e) => toClientEvent(e, { now }));
    }),
    route(redactEvent, async ({ requester, params, body }) =>
      rooms.redact(requester, { roomId: params.roomId, eventId: params.eventId, txnId: params.txnId, ...(body.reason !== undefined ? { reason: body.reason } : {}) }),
    ),
    route(upgradeRoom, async ({ requester, params, body }) => rooms.upgrade(requester, params.roomId, body.new_version, body.additional_creators)),
  ];
}
