// Send-to-Device messaging (client-server-api "Send-to-Device messaging").
//
// Ordering and durability: messages commit with gap-free stream ids (store.ts), then the
// notifier wakes the recipients' /sync ('to_device' with the users). A device receives its
// messages in stream order, at most MAX_PER_SYNC per /sync; they stay stored until the device
// acknowledges them by syncing with a since token at or after their id ("the server SHOULD
// remove the message once the client has acknowledged it"), so a lost response loses nothing.
// Retries: (sender, device scope, txnId) is stored in the same transaction as the messages, so a
// retried PUT writes nothing twice. Messages to remote users are dropped until federation exists.
import type { Notifier } from '../notifier/notifier.ts';
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseUserId } from '../spec/ids.ts';
import type { Db } from '../storage/db.ts';
import type { DeviceDirectory, StoredToDevice, ToDeviceApi, ToDeviceForAppservices, ToDeviceForSync, ToDeviceMessages } from './api.ts';
import { ToDeviceStore, type NewToDevice } from './store.ts';

/** Messages handed to one /sync response (Synapse also sends 100). */
export const MAX_PER_SYNC = 100;
/** Bounds one request's fan-out; not a spec number. */
export const MAX_MESSAGES_PER_REQUEST = 10_000;
/** How long a txnId is remembered. */
const TXN_TTL_MS = 24 * 60 * 60 * 1000;

export const TO_DEVICE_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;

export interface ToDeviceDeps {
  db: Db;
  notifier: Notifier;
  serverName: string;
  devices: DeviceDirectory;
  now?: () => number;
}

export class ToDeviceService implements ToDeviceApi, ToDeviceForSync, ToDeviceForAppservices {
  readonly #store: ToDeviceStore;
  readonly #deps: ToDeviceDeps;
  readonly #now: () => number;
  #lastPurge = 0;

  constructor(deps: ToDeviceDeps) {
    this.#deps = deps;
    this.#store = new ToDeviceStore(deps.db);
    this.#now = deps.now ?? Date.now;
  }

  async send(requester: Requester, eventType: string, txnId: string, messages: ToDeviceMessages): Promise<void> {
    const rows: NewToDevice[] = [];
    for (const [userId, byDevice] of Object.entries(messages)) {
      const user = parseUserId(userId);
      if (!user) throw new MatrixError('M_INVALID_PARAM', `Not a user ID: ${userId}`);
      if (!user.endsWith(`:${this.#deps.serverName}`)) continue;
      for (const [deviceId, content] of Object.entries(byDevice)) {
        const targets = deviceId === '*' ? await this.#deps.devices.deviceIds(user) : [deviceId];
        for (const d of targets) rows.push({ userId: user, deviceId: d, sender: requester.userId, type: eventType, content });
      }
      if (rows.length > MAX_MESSAGES_PER_REQUEST) throw new MatrixError('M_TOO_LARGE', 'Too many to-device messages in one request');
    }
    const scope = requester.deviceId ?? `t:${requester.tokenId ?? requester.appserviceId ?? ''}`;
    const now = this.#now();
    const position = await this.#store.insert(requester.userId, scope, txnId, rows, now);
    if (position !== null) this.#deps.notifier.notify({ stream: 'to_device', position, users: [...new Set(rows.map((r) => r.userId))] });
    if (now - this.#lastPurge > TXN_TTL_MS / 24) {
      this.#lastPurge = now;
      await this.#store.purgeTxns(now - TXN_TTL_MS);
    }
  }

  currentPosition(): Promise<number> {
    return this.#store.currentPosition();
  }

  async takeForDevice(userId: string, deviceId: string, ackedUpTo: number, upto: number, limit: number): Promise<StoredToDevice[]> {
    if (ackedUpTo > 0) await this.#store.deleteUpTo(userId, deviceId, ackedUpTo);
    return this.#store.forDevice(userId, deviceId, ackedUpTo, upto, limit);
  }

  messagesForUsers(userIds: readonly string[], since: number, upto: number, limit: number): Promise<StoredToDevice[]> {
    return this.#store.forUsers(userIds, since, upto, limit);
  }
}
