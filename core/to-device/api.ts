// The narrow interfaces of the to-device feature (client-server-api "Send-to-Device messaging"):
// handlers use ToDeviceApi, /sync uses ToDeviceForSync, appservice delivery (MSC2409-style
// to-device pushes) uses ToDeviceForAppservices.
import type { Requester } from '../spec/endpoint.ts';

/** The event a device receives (to_device.events[] in /sync: sender, type, content). */
export interface ToDeviceEvent {
  sender: string;
  type: string;
  content: Record<string, unknown>;
}

export interface StoredToDevice extends ToDeviceEvent {
  streamId: number;
  userId: string;
  deviceId: string;
}

/** userId → deviceId (or `*` for all the user's devices) → content. */
export type ToDeviceMessages = Record<string, Record<string, Record<string, unknown>>>;

export interface ToDeviceApi {
  /** PUT /sendToDevice/{eventType}/{txnId}; a repeated txnId from the same device does nothing. */
  send(requester: Requester, eventType: string, txnId: string, messages: ToDeviceMessages): Promise<void>;
}

export interface ToDeviceForSync {
  currentPosition(): Promise<number>;
  /**
   * Acknowledges everything up to `ackedUpTo` (deletes it), then returns the device's messages
   * after it up to `upto`, oldest first, at most `limit`.
   */
  takeForDevice(userId: string, deviceId: string, ackedUpTo: number, upto: number, limit: number): Promise<StoredToDevice[]>;
}

export interface ToDeviceForAppservices {
  currentPosition(): Promise<number>;
  /** Messages to any device of these users with since < stream_id <= upto, oldest first. */
  messagesForUsers(userIds: readonly string[], since: number, upto: number, limit: number): Promise<StoredToDevice[]>;
}

/** Lists a local user's devices (for the `*` target); the users feature provides it. */
export interface DeviceDirectory {
  deviceIds(userId: string): Promise<string[]>;
}
