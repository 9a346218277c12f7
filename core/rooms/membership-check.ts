// The rooms feature's answer to core/ports/room-membership.ts, for typing and receipts.
import type { RoomMembershipCheck } from '../ports/room-membership.ts';
import type { RoomsStore } from './store.ts';
import type { RoomReads } from './reads.ts';

export function roomMembershipCheck(store: RoomsStore, reads: RoomReads): RoomMembershipCheck {
  return {
    async isJoined(userId, roomId) {
      return (await store.currentMembership(roomId, userId))?.membership === 'join';
    },
    async eventPosition(roomId, eventId) {
      const ev = await reads.getEvent(eventId);
      return ev && ev.roomId === roomId ? ev.streamOrdering : null;
    },
  };
}
