// Receipts and read markers (client-server-api "Receipts", "Read and unread markers").
//
// - A receipt is an "up to" marker: one per (room, user, type, thread), and it only moves
//   forward — one for an event at or before the stored one is accepted and changes nothing, as
//   Synapse does. Positions come from the rooms feature through RoomMembershipCheck.
// - Threads: no thread_id is unthreaded; `main` is the main timeline; otherwise the thread
//   root's event id. Each is its own receipt. (Whether the event belongs to that thread is not
//   checked: the port does not expose relations.)
// - m.read.private is shown to its owner only.
// - m.fully_read is room account data written by the server (clients may not set it through
//   the account data API); /receipt with m.fully_read and /read_markers both set it, and it too
//   only moves forward.
// - The sender must be joined to the room; the event must be known in that room (M_NOT_FOUND).
// Writes commit, then the notifier wakes /sync ('receipts', or 'account_data' for m.fully_read).
import type { ServerManagedAccountData } from '../account-data/api.ts';
import type { Notifier } from '../notifier/notifier.ts';
import type { RoomMembershipCheck } from '../ports/room-membership.ts';
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseEventId, parseRoomId, type EventId, type RoomId } from '../spec/ids.ts';
import type { Db } from '../storage/db.ts';
import type { ReadMarkers, ReceiptContent, ReceiptsApi, ReceiptsForSync, ReceiptType, RoomReceipts } from './api.ts';
import { ReceiptsStore } from './store.ts';

export const RECEIPT_TYPES: readonly string[] = ['m.read', 'm.read.private'];
export const FULLY_READ = 'm.fully_read';
/** Spec "Threaded read receipts": the main timeline's thread id. */
export const MAIN_THREAD = 'main';

export interface ReceiptsDeps {
  db: Db;
  notifier: Notifier;
  membership: RoomMembershipCheck;
  accountData: ServerManagedAccountData;
  now?: () => number;
}

export class ReceiptsService implements ReceiptsApi, ReceiptsForSync {
  readonly #store: ReceiptsStore;
  readonly #notifier: Notifier;
  readonly #membership: RoomMembershipCheck;
  readonly #accountData: ServerManagedAccountData;
  readonly #now: () => number;

  constructor(deps: ReceiptsDeps) {
    this.#store = new ReceiptsStore(deps.db);
    this.#notifier = deps.notifier;
    this.#membership = deps.membership;
    this.#accountData = deps.accountData;
    this.#now = deps.now ?? Date.now;
  }

  async postReceipt(requester: Requester, roomId: string, receiptType: string, eventId: string, body: Record<string, unknown>): Promise<void> {
    if (receiptType !== FULLY_READ && !RECEIPT_TYPES.includes(receiptType)) {
      throw new MatrixError('M_INVALID_PARAM', `Receipt type must be one of ${[...RECEIPT_TYPES, FULLY_READ].join(', ')}`);
    }
    const threadId = parseThreadId(body.thread_id);
    if (threadId !== '' && receiptType === FULLY_READ) throw new MatrixError('M_INVALID_PARAM', 'thread_id is not allowed for m.fully_read');
    const room = await this.#joinedRoom(requester, roomId);
    const position = await this.#position(room, eventId);
    if (receiptType === FULLY_READ) await this.#setFullyRead(requester.userId, room, eventId, position);
    else await this.#advance(requester.userId, room, receiptType as ReceiptType, threadId, eventId, position);
  }

  async setReadMarkers(requester: Requester, roomId: string, markers: ReadMarkers): Promise<void> {
    const room = await this.#joinedRoom(requester, roomId);
    // Check every event before writing anything, so a bad one leaves all markers as they were.
    const fully = markers.fullyRead !== undefined ? await this.#position(room, markers.fullyRead) : null;
    const read = markers.read !== undefined ? await this.#position(room, markers.read) : null;
    const priv = markers.readPrivate !== undefined ? await this.#position(room, markers.readPrivate) : null;
    if (fully !== null) await this.#setFullyRead(requester.userId, room, markers.fullyRead!, fully);
    if (read !== null) await this.#advance(requester.userId, room, 'm.read', '', markers.read!, read);
    if (priv !== null) await this.#advance(requester.userId, room, 'm.read.private', '', markers.readPrivate!, priv);
  }

  async currentPosition(): Promise<number> {
    return this.#store.currentPosition();
  }

  async receiptsSince(viewer: string, roomIds: readonly string[], since: number, upto: number): Promise<RoomReceipts[]> {
    const byRoom = new Map<string, ReceiptContent>();
    for (const r of await this.#store.changes(roomIds, since, upto)) {
      if (r.receiptType === 'm.read.private' && r.userId !== viewer) continue;
      const content = byRoom.get(r.roomId) ?? {};
      byRoom.set(r.roomId, content);
      const byType = (content[r.eventId] ??= {});
      const byUser = (byType[r.receiptType] ??= {});
      byUser[r.userId] = r.threadId === '' ? { ts: r.ts } : { ts: r.ts, thread_id: r.threadId };
    }
    return [...byRoom].map(([roomId, content]) => ({ roomId, event: { type: 'm.receipt', content } }));
  }

  async #joinedRoom(requester: Requester, roomId: string): Promise<RoomId> {
    const room = parseRoomId(roomId);
    if (!room) throw new MatrixError('M_INVALID_PARAM', `${roomId} is not a valid room ID`);
    if (!(await this.#membership.isJoined(requester.userId, room))) throw new MatrixError('M_FORBIDDEN', 'You are not joined to this room');
    return room;
  }

  async #position(room: RoomId, eventId: string): Promise<number> {
    const id = parseEventId(eventId);
    if (!id) throw new MatrixError('M_INVALID_PARAM', `${eventId} is not a valid event ID`);
    const position = await this.#membership.eventPosition(room, id);
    if (position === null) throw new MatrixError('M_NOT_FOUND', `Event ${eventId} not found in ${room}`);
    return position;
  }

  async #advance(userId: string, roomId: RoomId, receiptType: ReceiptType, threadId: string, eventId: string, eventPosition: number): Promise<void> {
    const position = await this.#store.advance({ roomId, userId, receiptType, threadId, eventId, eventPosition, ts: this.#now() });
    if (position !== null) this.#notifier.notify({ stream: 'receipts', position, rooms: [roomId], users: [userId] });
  }

  async #setFullyRead(userId: string, roomId: RoomId, eventId: string, position: number): Promise<void> {
    const current = await this.#accountData.get(userId, roomId, FULLY_READ);
    const currentId = typeof current?.event_id === 'string' ? parseEventId(current.event_id) : null;
    if (currentId) {
      const currentPosition = await this.#membership.eventPosition(roomId, currentId as EventId);
      if (currentPosition !== null && currentPosition >= position) return;
    }
    await this.#accountData.set(userId, roomId, FULLY_READ, { event_id: eventId });
  }
}

/** receipts.yaml 400: thread_id must be a non-empty string — here `main` or an event id. */
function parseThreadId(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v !== 'string' || v === '') throw new MatrixError('M_INVALID_PARAM', 'thread_id field must be a non-empty string');
  if (v !== MAIN_THREAD && !parseEventId(v)) throw new MatrixError('M_INVALID_PARAM', 'thread_id must be "main" or a thread root event ID');
  return v;
}

export const RECEIPTS_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
