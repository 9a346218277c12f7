// What the ephemeral features (typing, receipts, read markers) need to know about rooms, as a
// narrow port so they do not depend on core/rooms: core/main.ts wires the rooms feature's answer.
import type { EventId, RoomId, UserId } from '../spec/ids.ts';

export interface RoomMembershipCheck {
  /** True when the user's current membership in the room is `join`. */
  isJoined(userId: UserId, roomId: RoomId): Promise<boolean>;
  /**
   * The event's position in the room's stream (any number that orders the room's events the way
   * clients see them), or null when the server does not know that event in that room. Receipts
   * and read markers use it to refuse unknown events and to never move backwards.
   */
  eventPosition(roomId: RoomId, eventId: EventId): Promise<number | null>;
}

/**
 * The truthful answer of a server that has no rooms feature yet: nobody is joined to anything and
 * no event exists. core/main.ts uses it until core/rooms provides its own RoomMembershipCheck.
 */
export const NO_ROOMS: RoomMembershipCheck = {
  isJoined: async () => false,
  eventPosition: async () => null,
};
