// The narrow interfaces of the account data feature (client-server-api "Client Config" and
// "Room Tagging"): handlers use AccountDataApi, /sync uses AccountDataForSync, read markers use
// ServerManagedAccountData to write m.fully_read, which clients may not set themselves.
import type { Requester } from '../spec/endpoint.ts';

export interface AccountDataEvent {
  type: string;
  content: Record<string, unknown>;
}

export interface AccountDataChanges {
  /** Global account data written in the range, oldest first; only the latest per type. */
  global: AccountDataEvent[];
  /** Room account data (m.tag and m.fully_read included) by room id. */
  rooms: Record<string, AccountDataEvent[]>;
}

export interface AccountDataForSync {
  /** The newest committed position of the account_data stream. */
  currentPosition(): Promise<number>;
  /** The user's entries written after `since` up to and including `upto` (since 0: all). */
  changesSince(userId: string, since: number, upto: number): Promise<AccountDataChanges>;
}

/** Tag name → tag info (tag.yaml: an optional `order` in [0, 1] plus any other keys). */
export type Tags = Record<string, Record<string, unknown>>;

export interface AccountDataApi {
  getGlobal(requester: Requester, userId: string, type: string): Promise<Record<string, unknown>>;
  setGlobal(requester: Requester, userId: string, type: string, content: Record<string, unknown>): Promise<void>;
  getRoom(requester: Requester, userId: string, roomId: string, type: string): Promise<Record<string, unknown>>;
  setRoom(requester: Requester, userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<void>;
  getTags(requester: Requester, userId: string, roomId: string): Promise<Tags>;
  setTag(requester: Requester, userId: string, roomId: string, tag: string, info: Record<string, unknown>): Promise<void>;
  deleteTag(requester: Requester, userId: string, roomId: string, tag: string): Promise<void>;
}

/** For features that own a server-managed type (read markers: m.fully_read; push: m.push_rules). */
export interface ServerManagedAccountData {
  get(userId: string, roomId: string | null, type: string): Promise<Record<string, unknown> | null>;
  set(userId: string, roomId: string | null, type: string, content: Record<string, unknown>): Promise<void>;
  /** Read-modify-write in one transaction, serialised with every other account data write; an
   *  exception thrown by `update` aborts it and reaches the caller. */
  update(userId: string, roomId: string | null, type: string, update: (current: Record<string, unknown> | null) => Record<string, unknown>): Promise<void>;
}
