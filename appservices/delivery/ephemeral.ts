// Ephemeral events and to-device messages for appservices (MSC2409, application-service-api
// "Pushing events": `ephemeral`, and `de.sorunome.msc2409.to_device` / `to_device`): typing and
// receipts of rooms where a user in the appservice's namespaces is joined, presence of those
// users, m.read.private only of the namespaced users themselves, to-device messages for their
// devices. Receipts, presence and to-device are read by stream position between the durable
// cursors and the streams' ends, and stored with the cursor move (builder.ts), so an outage
// loses none. Typing is a millisecond clock with nothing stored: its cursor lives in memory
// and a restart forgets who was typing, as every client does.
import type { TypingForSync } from '../../core/typing/api.ts';
import type { ReceiptContent, ReceiptsForSync } from '../../core/receipts/api.ts';
import type { PresenceForSync } from '../../core/presence/api.ts';
import type { AppserviceToDeviceMessage, ToDeviceForAppservices } from '../../core/ports/to-device-for-appservices.ts';
import type { Registration } from '../registry/registration.ts';

/** How long the namespaced users and their rooms are reused between builds. */
const INTEREST_TTL_MS = 5_000;

export interface EphemeralSources {
  /** Local users in the appservice's namespaces (the users it registered), its sender included. */
  namespacedUsers(reg: Registration): Promise<string[]>;
  /** Rooms where one of these users is joined. */
  joinedRooms(userIds: readonly string[]): Promise<string[]>;
  typing?: TypingForSync;
  receipts?: ReceiptsForSync;
  presence?: PresenceForSync;
  toDevice?: ToDeviceForAppservices;
}

/** The durable streams (cursor rows in appservice_cursors). */
export type EphemeralStream = 'receipts' | 'presence' | 'to_device';

export interface EphemeralRead {
  ephemeral: Record<string, unknown>[];
  toDevice: AppserviceToDeviceMessage[];
  /** New positions of the durable cursors (only the streams that were read). */
  to: Partial<Record<EphemeralStream, number>>;
  /** New typing position, to keep once the batch is stored. */
  typingTo: number | null;
}

export class EphemeralReader {
  readonly #src: EphemeralSources;
  readonly #now: () => number;
  readonly #interest = new Map<string, { at: number; users: string[]; rooms: string[] }>();
  readonly #typing = new Map<string, number>();

  constructor(src: EphemeralSources, now: () => number) {
    this.#src = src;
    this.#now = now;
  }

  /** The streams' ends now (the start of a new appservice's cursors). */
  async ends(): Promise<Record<EphemeralStream, number>> {
    const [receipts, presence, toDevice] = await Promise.all([
      this.#src.receipts?.currentPosition() ?? 0,
      this.#src.presence?.currentPosition() ?? 0,
      this.#src.toDevice?.currentPosition() ?? 0,
    ]);
    return { receipts, presence, to_device: toDevice };
  }

  /** Drops the cached users and rooms of an appservice (a membership changed). */
  forget(asId: string): void {
    this.#interest.delete(asId);
  }

  keepTyping(asId: string, position: number | null): void {
    if (position !== null) this.#typing.set(asId, position);
  }

  async read(reg: Registration, cursors: Record<EphemeralStream, number>, ends: Record<EphemeralStream, number>): Promise<EphemeralRead> {
    const out: EphemeralRead = { ephemeral: [], toDevice: [], to: {}, typingTo: null };
    const wantEphemeral = reg.receiveEphemeral && reg.url !== null;
    const wantToDevice = reg.receiveToDevice && reg.url !== null && this.#src.toDevice !== undefined;
    if (!wantEphemeral && !wantToDevice) return out;
    const { users, rooms } = await this.#interestOf(reg);
    if (wantEphemeral) {
      const { typing, receipts, presence } = this.#src;
      if (typing) {
        const end = typing.currentPosition();
        const since = this.#typing.get(reg.id) ?? end;
        if (since < end) for (const t of typing.typingSince(rooms, since)) out.ephemeral.push({ type: 'm.typing', room_id: t.roomId, content: { user_ids: t.userIds } });
        out.typingTo = end;
      }
      if (receipts && cursors.receipts < ends.receipts) {
        out.ephemeral.push(...(await this.#receipts(receipts, users, rooms, cursors.receipts, ends.receipts)));
        out.to.receipts = ends.receipts;
      }
      if (presence && cursors.presence < ends.presence) {
        out.ephemeral.push(...(await presence.changesSince(users, cursors.presence, ends.presence)).map((p) => ({ ...p })));
        out.to.presence = ends.presence;
      }
    }
    if (wantToDevice && cursors.to_device < ends.to_device) {
      out.toDevice.push(...(await this.#src.toDevice!.messagesFor(users, cursors.to_device, ends.to_device)));
      out.to.to_device = ends.to_device;
    }
    return out;
  }

  /** Public receipts of the rooms, plus each namespaced user's own m.read.private. */
  async #receipts(src: ReceiptsForSync, users: string[], rooms: string[], since: number, upto: number): Promise<Record<string, unknown>[]> {
    const byRoom = new Map<string, ReceiptContent>();
    const merge = (roomId: string, content: ReceiptContent, onlyPrivateOf?: string) => {
      const into = byRoom.get(roomId) ?? {};
      byRoom.set(roomId, into);
      for (const [eventId, types] of Object.entries(content)) {
        for (const [type, who] of Object.entries(types)) {
          const isPrivate = type === 'm.read.private';
          if (onlyPrivateOf === undefined ? isPrivate : !isPrivate) continue;
          for (const [userId, r] of Object.entries(who)) {
            if (onlyPrivateOf !== undefined && userId !== onlyPrivateOf) continue;
            ((into[eventId] ??= {})[type] ??= {})[userId] = r;
          }
        }
      }
    };
    // viewer '' sees no private receipts: the public ones of every interesting room.
    for (const r of await src.receiptsSince('', rooms, since, upto)) merge(r.roomId, r.event.content);
    for (const u of users) for (const r of await src.receiptsSince(u, rooms, since, upto)) merge(r.roomId, r.event.content, u);
    return [...byRoom].filter(([, c]) => Object.keys(c).length > 0).map(([roomId, content]) => ({ type: 'm.receipt', room_id: roomId, content }));
  }

  async #interestOf(reg: Registration): Promise<{ users: string[]; rooms: string[] }> {
    const cached = this.#interest.get(reg.id);
    if (cached && this.#now() - cached.at < INTEREST_TTL_MS) return cached;
    const users = await this.#src.namespacedUsers(reg);
    const rooms = await this.#src.joinedRooms(users);
    const fresh = { at: this.#now(), users, rooms };
    this.#interest.set(reg.id, fresh);
    return fresh;
  }
}
