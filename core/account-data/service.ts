// Account data and room tags (client-server-api "Client Config", "Room Tagging"). Tags are kept
// as the room's m.tag account data entry, which is exactly how clients receive them in /sync, so
// one table and one stream serve both. Writes commit, then the notifier wakes /sync.
//
// Room account data and tags need no membership check: like Synapse, a user may keep data for any
// well-formed room id (the spec lists only M_INVALID_PARAM for a malformed one). It is private to
// the user and never leaves the server.
import type { Notifier } from '../notifier/notifier.ts';
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseRoomId } from '../spec/ids.ts';
import type { Db } from '../storage/db.ts';
import type { AccountDataApi, AccountDataChanges, AccountDataForSync, ServerManagedAccountData, Tags } from './api.ts';
import { AccountDataStore } from './store.ts';

/** Not a spec number: the largest content we keep per entry (canonical-ish JSON bytes). */
export const MAX_ACCOUNT_DATA_BYTES = 64 * 1024;
/** Account data types are event types; the spec caps identifiers at 255 bytes. */
export const MAX_TYPE_BYTES = 255;
/** Spec "Room Tagging": "The name of a tag MUST NOT exceed 255 bytes." */
export const MAX_TAG_BYTES = 255;
/** Spec "Client Config" → Server Behaviour: types the server manages, refused with 405. */
export const SERVER_MANAGED_TYPES: readonly string[] = ['m.fully_read', 'm.push_rules'];
const TAG_TYPE = 'm.tag';

export interface AccountDataDeps {
  db: Db;
  notifier: Notifier;
}

export class AccountDataService implements AccountDataApi, AccountDataForSync, ServerManagedAccountData {
  readonly #store: AccountDataStore;
  readonly #notifier: Notifier;

  constructor(deps: AccountDataDeps) {
    this.#store = new AccountDataStore(deps.db);
    this.#notifier = deps.notifier;
  }

  async getGlobal(requester: Requester, userId: string, type: string): Promise<Record<string, unknown>> {
    ownData(requester, userId, 'get');
    return found(await this.#store.get(userId, '', checkType(type)));
  }

  async setGlobal(requester: Requester, userId: string, type: string, content: Record<string, unknown>): Promise<void> {
    ownData(requester, userId, 'add');
    clientSettable(checkType(type));
    await this.#write(userId, '', type, checkSize(content));
  }

  async getRoom(requester: Requester, userId: string, roomId: string, type: string): Promise<Record<string, unknown>> {
    ownData(requester, userId, 'get');
    return found(await this.#store.get(userId, checkRoom(roomId), checkType(type)));
  }

  async setRoom(requester: Requester, userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<void> {
    ownData(requester, userId, 'add');
    checkRoom(roomId);
    clientSettable(checkType(type));
    await this.#write(userId, roomId, type, checkSize(content));
  }

  async getTags(requester: Requester, userId: string, roomId: string): Promise<Tags> {
    ownData(requester, userId, 'get');
    return tagsOf(await this.#store.get(userId, checkRoom(roomId), TAG_TYPE));
  }

  async setTag(requester: Requester, userId: string, roomId: string, tag: string, info: Record<string, unknown>): Promise<void> {
    ownData(requester, userId, 'add');
    checkRoom(roomId);
    checkTag(tag);
    if (info.order !== undefined && typeof info.order !== 'number') throw new MatrixError('M_BAD_JSON', 'order must be a number');
    checkSize(info);
    await this.#update(userId, roomId, TAG_TYPE, (cur) => {
      const tags = { ...tagsOf(cur), [tag]: info };
      return checkSize({ tags });
    });
  }

  async deleteTag(requester: Requester, userId: string, roomId: string, tag: string): Promise<void> {
    ownData(requester, userId, 'add');
    checkRoom(roomId);
    checkTag(tag);
    await this.#update(userId, roomId, TAG_TYPE, (cur) => {
      const tags = tagsOf(cur);
      if (!(tag in tags)) return null; // deleting an absent tag succeeds and changes nothing
      delete tags[tag];
      return { tags };
    });
  }

  // ServerManagedAccountData: no ownership or type checks; callers are features, not clients.
  async get(userId: string, roomId: string | null, type: string): Promise<Record<string, unknown> | null> {
    return this.#store.get(userId, roomId ?? '', type);
  }

  async set(userId: string, roomId: string | null, type: string, content: Record<string, unknown>): Promise<void> {
    await this.#write(userId, roomId ?? '', type, content);
  }

  async update(userId: string, roomId: string | null, type: string, update: (cur: Record<string, unknown> | null) => Record<string, unknown>): Promise<void> {
    await this.#update(userId, roomId ?? '', type, update);
  }

  async currentPosition(): Promise<number> {
    return this.#store.currentPosition();
  }

  async changesSince(userId: string, since: number, upto: number): Promise<AccountDataChanges> {
    const out: AccountDataChanges = { global: [], rooms: {} };
    // One row per (room, type) exists, so each appears at most once.
    for (const row of await this.#store.changes(userId, since, upto)) {
      const event = { type: row.type, content: row.content };
      if (row.roomId === '') out.global.push(event);
      else (out.rooms[row.roomId] ??= []).push(event);
    }
    return out;
  }

  async #write(userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<void> {
    await this.#update(userId, roomId, type, () => content);
  }

  async #update(
    userId: string,
    roomId: string,
    type: string,
    update: (cur: Record<string, unknown> | null) => Record<string, unknown> | null,
  ): Promise<void> {
    const position = await this.#store.update(userId, roomId, type, update);
    if (position === null) return;
    this.#notifier.notify({ stream: 'account_data', position, users: [userId], ...(roomId ? { rooms: [roomId] } : {}) });
  }
}

function ownData(requester: Requester, userId: string, verb: 'get' | 'add'): void {
  if (requester.userId !== userId) {
    throw new MatrixError('M_FORBIDDEN', verb === 'get' ? 'Cannot get account data for other users.' : 'Cannot add account data for other users.');
  }
}

function clientSettable(type: string): void {
  if (SERVER_MANAGED_TYPES.includes(type)) {
    throw new MatrixError('M_BAD_JSON', `Cannot set ${type} through this API.`, { status: 405 });
  }
}

function checkType(type: string): string {
  if (type.length === 0 || Buffer.byteLength(type) > MAX_TYPE_BYTES) {
    throw new MatrixError('M_INVALID_PARAM', `Account data type must be 1 to ${MAX_TYPE_BYTES} bytes`);
  }
  return type;
}

function checkTag(tag: string): void {
  if (tag.length === 0 || Buffer.byteLength(tag) > MAX_TAG_BYTES) {
    throw new MatrixError('M_INVALID_PARAM', `Tag names must be 1 to ${MAX_TAG_BYTES} bytes`);
  }
}

function checkRoom(roomId: string): string {
  if (!parseRoomId(roomId)) throw new MatrixError('M_INVALID_PARAM', `${roomId} is not a valid room ID`);
  return roomId;
}

function checkSize(content: Record<string, unknown>): Record<string, unknown> {
  if (Buffer.byteLength(JSON.stringify(content)) > MAX_ACCOUNT_DATA_BYTES) {
    throw new MatrixError('M_TOO_LARGE', `Account data content is larger than ${MAX_ACCOUNT_DATA_BYTES} bytes`);
  }
  return content;
}

function found(content: Record<string, unknown> | null): Record<string, unknown> {
  if (content === null) throw new MatrixError('M_NOT_FOUND', 'Account data not found');
  return content;
}

function tagsOf(content: Record<string, unknown> | null): Tags {
  const tags = content?.tags;
  return typeof tags === 'object' && tags !== null && !Array.isArray(tags) ? { ...(tags as Tags) } : {};
}

/** Where the feature's migrations live, for runMigrations({ feature: 'account_data', dir }). */
export const ACCOUNT_DATA_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
