// The user's room memberships for incremental /sync without a query per sync (issue #4).
//
// Contract: an entry holds the rows of RoomsForSync.roomsForUser that were all at or below the
// events position `asOf` when read, so they are the user's memberships at asOf. They are reused
// at another position only when the EventStreamTracker proves the user's membership did not
// change in between; otherwise (unknown range, a change, a restart) the caller reads the
// database. Forgetting a room writes no event, so callers that would show forgotten rooms
// (include_leave) must not use the cache; left rooms otherwise appear only when the leave is in
// the sync's range, which the tracker reports as a change.
import type { RoomMembershipRow } from '../rooms/api.ts';
import type { EventStreamTracker } from './event-tracker.ts';

export const CACHED_MEMBERSHIP_USERS = 50_000;

export class MembershipCache {
  readonly #users = new Map<string, { asOf: number; rows: RoomMembershipRow[] }>();

  get(tracker: EventStreamTracker, userId: string, at: number): RoomMembershipRow[] | null {
    const e = this.#users.get(userId);
    if (!e) return null;
    const unchanged = tracker.membershipChanged(userId, Math.min(e.asOf, at), Math.max(e.asOf, at)) === false;
    return unchanged ? e.rows : null;
  }

  set(userId: string, asOf: number, rows: RoomMembershipRow[]): void {
    this.#users.delete(userId);
    this.#users.set(userId, { asOf, rows });
    if (this.#users.size > CACHED_MEMBERSHIP_USERS) this.#users.delete(this.#users.keys().next().value!);
  }
}
