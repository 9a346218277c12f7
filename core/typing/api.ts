// The narrow interfaces of the typing feature (client-server-api "Typing Notifications"):
// handlers use TypingApi, /sync uses TypingForSync.
import type { Requester } from '../spec/endpoint.ts';

export interface TypingApi {
  /** PUT /rooms/{roomId}/typing/{userId}; timeoutMs defaults and is capped (service.ts). */
  setTyping(requester: Requester, roomId: string, userId: string, typing: boolean, timeoutMs: number | undefined): Promise<void>;
}

export interface RoomTyping {
  roomId: string;
  /** Everyone typing in the room now: the m.typing content's user_ids. */
  userIds: string[];
}

export interface TypingForSync {
  /** The typing stream's position now (a millisecond clock; see service.ts). */
  currentPosition(): number;
  /**
   * Rooms among `roomIds` whose typing list changed after `since`, each with its whole current
   * list (clients REPLACE their list). since 0 (initial sync): the rooms where someone types.
   */
  typingSince(roomIds: readonly string[], since: number): RoomTyping[];
}
