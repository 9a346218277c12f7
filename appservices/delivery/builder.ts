// Builds transactions from the event stream for one appservice and stores them atomically with
// the cursor move (store.commitBatch). See delivery.ts for the contract.
import { toClientEvent } from '../../core/rooms/client-event.ts';
import type { StoredEvent } from '../../core/rooms/api.ts';
import type { Registration } from '../registry/registration.ts';
import type { InterestRouter, RoomsForAppservices } from './interest.ts';
import type { DeliveryStore } from './store.ts';

/** Issue 5 / Synapse: a transaction carries at most 100 events (and 100 ephemeral, 100 to-device). */
export const MAX_EVENTS_PER_TXN = 100;
/** Events read per scan: several transactions' worth, most of which may concern nobody. */
const SCAN_LIMIT = 1_000;

export interface BuildDeps {
  store: DeliveryStore;
  rooms: RoomsForAppservices;
  router: InterestRouter;
  now: () => number;
}

export interface Built {
  txnId: number | null;
  /** Whether the cursor reached the stream's end (nothing more to build now). */
  caughtUp: boolean;
}

/**
 * Builds and stores at most one transaction. Returns null when another builder moved the
 * cursor first (the caller simply tries again).
 */
export async function buildOne(deps: BuildDeps, reg: Registration): Promise<Built | null> {
  const end = await deps.rooms.currentPosition();
  const cursors = await deps.store.cursors(reg.id, { events: end, receipts: 0, presence: 0 });
  const from = cursors.events;
  if (from >= end) return { txnId: null, caughtUp: true };
  const chosen: StoredEvent[] = [];
  let to = from;
  let scanned = from;
  while (chosen.length < MAX_EVENTS_PER_TXN && scanned < end) {
    const events = await deps.rooms.streamEvents(scanned, end, SCAN_LIMIT);
    if (events.length === 0) {
      to = end;
      break;
    }
    for (const ev of events) {
      deps.router.observe(ev);
      // url: null appservices are never pushed to; their cursor moves on so that setting a url
      // later does not flood the appservice with history it never asked for.
      if (reg.url !== null && (await deps.router.isInterested(reg, ev))) chosen.push(ev);
      to = ev.streamOrdering;
      if (chosen.length === MAX_EVENTS_PER_TXN) break;
    }
    scanned = to;
    if (events.length < SCAN_LIMIT && chosen.length < MAX_EVENTS_PER_TXN) {
      to = end;
      scanned = end;
    }
  }
  const now = deps.now();
  const txn =
    chosen.length === 0
      ? null
      : {
          body: JSON.stringify({ events: chosen.map((ev) => toClientEvent(ev, { now })), ephemeral: [] }),
          events: chosen.length,
          ephemeral: 0,
          toDevice: 0,
          lastStream: chosen[chosen.length - 1]!.streamOrdering,
          createdTs: now,
        };
  const res = await deps.store.commitBatch({ asId: reg.id, from: { events: from }, to: { events: to }, txn });
  if (!res) return null;
  return { txnId: res.txnId, caughtUp: to >= end };
}
