// Typing notifications (client-server-api "Typing Notifications"), held in memory: they live
// for seconds, so a restart that forgets them costs one timeout at most.
//
// Positions. The typing stream position is a millisecond clock: each change takes
// max(previous + 1, now). It is monotonic within a process, and across restarts as long as the
// wall clock does not step back by more than the restart took, so /sync tokens from before a
// restart stay valid without storing anything.
//
// Several hub processes (Redis). A change is published through the notifier as a TypingUpdate: a
// StreamUpdate with one extra `typing` field (the Redis notifier sends the whole update as JSON,
// so it arrives intact). Every process applies every update — its own ones through the same local
// delivery — so all hold the same typing lists; a process adopts a larger position it hears
// about, so positions stay comparable between processes with nearly synchronous clocks. Expiry
// runs in each process at the same `until` time; the expiring process also publishes it, and an
// expiry removes an entry only if its `until` still matches, so it never cancels a renewal.
//
// Ordering: a change is visible to this process's /sync once setTyping resolves; in others when
// the Redis message arrives.
import type { Notifier, StreamUpdate } from '../notifier/notifier.ts';
import type { RoomMembershipCheck } from '../ports/room-membership.ts';
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseRoomId, type RoomId, type UserId } from '../spec/ids.ts';
import type { RoomTyping, TypingApi, TypingForSync } from './api.ts';

/** Not spec numbers: the spec leaves timeouts to the server (clients re-send every 20–30 s). */
export const DEFAULT_TYPING_TIMEOUT_MS = 30_000;
export const MAX_TYPING_TIMEOUT_MS = 120_000;
/** How long a room with nobody typing keeps its last change position for incremental syncs. */
export const EMPTY_ROOM_RETENTION_MS = 60 * 60_000;
const EXPIRY_CHECK_INTERVAL_MS = 1_000;

/** A typing change as carried by the notifier. until null: stopped; expired: the until it had. */
export interface TypingUpdate extends StreamUpdate {
  readonly stream: 'typing';
  readonly typing: { readonly roomId: string; readonly userId: string; readonly until: number | null; readonly expired?: number };
}

const isTypingUpdate = (u: StreamUpdate): u is TypingUpdate =>
  u.stream === 'typing' && typeof (u as Partial<TypingUpdate>).typing === 'object' && (u as Partial<TypingUpdate>).typing !== null;

interface RoomState {
  users: Map<string, number>;
  changed: number;
}

export interface TypingDeps {
  membership: RoomMembershipCheck;
  notifier: Notifier;
  now?: () => number;
}

export class TypingService implements TypingApi, TypingForSync {
  readonly #membership: RoomMembershipCheck;
  readonly #notifier: Notifier;
  readonly #now: () => number;
  readonly #rooms = new Map<string, RoomState>();
  #position: number;
  readonly #unsubscribe: () => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(deps: TypingDeps) {
    this.#membership = deps.membership;
    this.#notifier = deps.notifier;
    this.#now = deps.now ?? Date.now;
    this.#position = this.#now();
    this.#unsubscribe = deps.notifier.subscribe((u) => {
      if (isTypingUpdate(u)) this.#apply(u);
    });
  }

  /** Starts the expiry timer; close() stops it and the notifier subscription. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.expire(), EXPIRY_CHECK_INTERVAL_MS);
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#unsubscribe();
  }

  async setTyping(requester: Requester, roomId: string, userId: string, typing: boolean, timeoutMs: number | undefined): Promise<void> {
    if (requester.userId !== userId) throw new MatrixError('M_FORBIDDEN', 'Cannot set typing for other users');
    if (!parseRoomId(roomId)) throw new MatrixError('M_INVALID_PARAM', `${roomId} is not a valid room ID`);
    if (!(await this.#membership.isJoined(userId as UserId, roomId as RoomId))) {
      throw new MatrixError('M_FORBIDDEN', 'You are not joined to this room');
    }
    this.expire();
    const current = this.#rooms.get(roomId)?.users.get(userId);
    if (!typing) {
      if (current !== undefined) this.#publish(roomId, userId, null);
      return;
    }
    const until = this.#now() + Math.min(Math.max(timeoutMs ?? DEFAULT_TYPING_TIMEOUT_MS, 0), MAX_TYPING_TIMEOUT_MS);
    if (current === undefined) this.#publish(roomId, userId, until);
    // A renewal changes nobody's list: it is applied (and shared) without a new position.
    else this.#notifier.notify({ stream: 'typing', position: this.#position, typing: { roomId, userId, until } } as TypingUpdate);
  }

  currentPosition(): number {
    this.expire();
    return this.#position;
  }

  typingSince(roomIds: readonly string[], since: number): RoomTyping[] {
    this.expire();
    const out: RoomTyping[] = [];
    for (const roomId of roomIds) {
      const room = this.#rooms.get(roomId);
      if (!room) continue;
      if (since === 0 ? room.users.size === 0 : room.changed <= since) continue;
      out.push({ roomId, userIds: [...room.users.keys()] });
    }
    return out;
  }

  /** Ends typing whose time is up (the timer calls this; tests call it with a fake clock). */
  expire(): void {
    const now = this.#now();
    for (const [roomId, room] of this.#rooms) {
      for (const [userId, until] of room.users) {
        if (until <= now) this.#publish(roomId, userId, null, until);
      }
      if (room.users.size === 0 && now - room.changed > EMPTY_ROOM_RETENTION_MS && room.changed < this.#position) this.#rooms.delete(roomId);
    }
  }

  #publish(roomId: string, userId: string, until: number | null, expired?: number): void {
    const position = Math.max(this.#position + 1, this.#now());
    const update: TypingUpdate = {
      stream: 'typing',
      position,
      rooms: [roomId],
      users: [userId],
      typing: { roomId, userId, until, ...(expired !== undefined ? { expired } : {}) },
    };
    this.#notifier.notify(update);
  }

  #apply(u: TypingUpdate): void {
    const { roomId, userId, until, expired } = u.typing;
    let room = this.#rooms.get(roomId);
    const had = room?.users.get(userId);
    if (until === null) {
      if (had === undefined || (expired !== undefined && had !== expired)) return;
      room!.users.delete(userId);
    } else {
      room ??= this.#newRoom(roomId);
      room.users.set(userId, until);
      if (had !== undefined) return; // a renewal: the list is unchanged
    }
    this.#position = Math.max(this.#position, u.position);
    room!.changed = Math.max(room!.changed, u.position);
  }

  #newRoom(roomId: string): RoomState {
    const room = { users: new Map<string, number>(), changed: 0 };
    this.#rooms.set(roomId, room);
    return room;
  }
}
