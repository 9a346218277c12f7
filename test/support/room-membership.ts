// A RoomMembershipCheck for tests of features that take the port: the test says who is joined
// where and which events exist at which position.
import type { RoomMembershipCheck } from '../../core/ports/room-membership.ts';

export class TestRooms implements RoomMembershipCheck {
  readonly #joined = new Set<string>();
  readonly #events = new Map<string, number>();

  join(userId: string, roomId: string): this {
    this.#joined.add(`${userId} ${roomId}`);
    return this;
  }

  leave(userId: string, roomId: string): this {
    this.#joined.delete(`${userId} ${roomId}`);
    return this;
  }

  addEvent(roomId: string, eventId: string, position: number): this {
    this.#events.set(`${roomId} ${eventId}`, position);
    return this;
  }

  async isJoined(userId: string, roomId: string): Promise<boolean> {
    return this.#joined.has(`${userId} ${roomId}`);
  }

  async eventPosition(roomId: string, eventId: string): Promise<number | null> {
    return this.#events.get(`${roomId} ${eventId}`) ?? null;
  }
}
