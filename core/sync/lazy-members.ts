// Lazy-loading room members (client-server-api "Lazy-loading room members"): with
// lazy_load_members the state sent holds only the member events of the timeline's senders (and
// the syncing user's own). Without include_redundant_members the server should not send a member
// event the client already has: this cache remembers, per device and room, which member events
// it sent. It lives in memory only — after a restart, or once evicted, members are sent again,
// which is redundant but never wrong.
import type { StoredEvent } from '../rooms/api.ts';

/** Devices remembered at once; the least recently syncing are forgotten first. */
export const LAZY_MEMBER_CACHE_DEVICES = 10_000;

export class LazyMemberCache {
  readonly #devices = new Map<string, Map<string, Map<string, string>>>();

  /** A fresh initial or full_state sync: the client starts over, so the cache does too. */
  reset(device: string): void {
    this.#devices.delete(device);
  }

  /** Drops member events this device already has in this room, and records the rest as sent. */
  unsent(device: string, roomId: string, members: readonly StoredEvent[]): StoredEvent[] {
    let rooms = this.#devices.get(device);
    if (rooms) this.#devices.delete(device);
    else rooms = new Map();
    this.#devices.set(device, rooms);
    if (this.#devices.size > LAZY_MEMBER_CACHE_DEVICES) this.#devices.delete(this.#devices.keys().next().value!);
    let sent = rooms.get(roomId);
    if (!sent) rooms.set(roomId, (sent = new Map()));
    const out: StoredEvent[] = [];
    for (const m of members) {
      if (sent.get(m.stateKey!) === m.eventId) continue;
      sent.set(m.stateKey!, m.eventId);
      out.push(m);
    }
    return out;
  }

  /** Member events seen in a timeline are the client's too. */
  remember(device: string, roomId: string, timeline: readonly StoredEvent[]): void {
    const sent = this.#devices.get(device)?.get(roomId);
    if (!sent) return;
    for (const e of timeline) if (e.type === 'm.room.member' && e.stateKey !== null) sent.set(e.stateKey, e.eventId);
  }
}

/** The member events a lazy-loading client needs: timeline senders' and the user's own. */
export function neededMembers(state: readonly StoredEvent[], timeline: readonly StoredEvent[], userId: string, includeSelf: boolean): StoredEvent[] {
  const wanted = new Set(timeline.map((e) => e.sender));
  if (includeSelf) wanted.add(userId);
  // A sender whose member event is in the timeline gets it from there.
  for (const e of timeline) if (e.type === 'm.room.member' && e.stateKey === e.sender) wanted.delete(e.sender);
  return state.filter((e) => e.type === 'm.room.member' && wanted.has(e.stateKey!));
}
