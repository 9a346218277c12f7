// Builds transactions from the event stream for one appservice and stores them atomically with
// the cursor move (store.commitBatch). See delivery.ts for the contract.
import { toClientEvent } from '../../core/rooms/client-event.ts';
import type { StoredEvent } from '../../core/rooms/api.ts';
import type { Registration } from '../registry/registration.ts';
import type { InterestRouter, RoomsForAppservices } from './interest.ts';
import type { CursorStream, DeliveryStore, TxnDraft } from './store.ts';
import type { EphemeralReader } from './ephemeral.ts';

/** Issue 5 / Synapse: a transaction carries at most 100 events (and 100 ephemeral, 100 to-device). */
export const MAX_EVENTS_PER_TXN = 100;
/** Events read per query: several transactions' worth, most of which may concern nobody. */
const SCAN_LIMIT = 1_000;
/** Events one batch looks at at most, so one database transaction stays short. */
const MAX_SCAN_PER_BATCH = 20_000;

export interface BuildDeps {
  store: DeliveryStore;
  rooms: RoomsForAppservices;
  router: InterestRouter;
  now: () => number;
  ephemeral?: EphemeralReader;
}

export type Cursors = Record<CursorStream, number>;

export interface Built {
  txnIds: number[];
  /** The cursors after the batch (the caller keeps them to skip a read next time). */
  cursors: Cursors;
  /** Whether the cursor reached the stream's end (nothing more to build now). */
  caughtUp: boolean;
}

/**
 * Builds at most `maxTxns` transactions from the events after the cursor and stores them with
 * the cursor move in one database transaction. `known` is the caller's idea of the cursors (null:
 * read them). Returns null when another builder moved the cursor first (read and try again).
 */
export async function buildBatch(deps: BuildDeps, reg: Registration, maxTxns: number, known: Cursors | null): Promise<Built | null> {
  const end = await deps.rooms.currentPosition();
  const ephEnds = deps.ephemeral ? await deps.ephemeral.ends() : { receipts: 0, presence: 0, to_device: 0 };
  const cursors = known ?? (await deps.store.cursors(reg.id, { events: end, ...ephEnds }));
  const from = cursors.events;
  const want = maxTxns * MAX_EVENTS_PER_TXN;
  const chosen: StoredEvent[] = [];
  let to = from;
  while (chosen.length < want && to < end && to - from < MAX_SCAN_PER_BATCH) {
    const events = await deps.rooms.streamEvents(to, end, SCAN_LIMIT);
    for (const ev of events) {
      deps.router.observe(ev);
      // url: null appservices are never pushed to; their cursor moves on so that setting a url
      // later does not flood the appservice with history it never asked for.
      if (reg.url !== null && (await deps.router.isInterested(reg, ev))) chosen.push(ev);
      // A join or leave changes which rooms' typing and receipts concern the appservice.
      if (ev.type === 'm.room.member') deps.ephemeral?.forget(reg.id);
      to = ev.streamOrdering;
      if (chosen.length === want) break;
    }
    // A short read means nothing else is committed up to `end` (positions may have gaps).
    if (events.length < SCAN_LIMIT && chosen.length < want) to = end;
  }
  const eph = deps.ephemeral ? await deps.ephemeral.read(reg, cursors, ephEnds) : null;
  const ephemeral = eph?.ephemeral ?? [];
  const toDevice = eph?.toDevice ?? [];
  if (from >= end && ephemeral.length === 0 && toDevice.length === 0 && Object.keys(eph?.to ?? {}).length === 0) {
    deps.ephemeral?.keepTyping(reg.id, eph?.typingTo ?? null);
    return { txnIds: [], cursors, caughtUp: true };
  }
  const now = deps.now();
  const txns: TxnDraft[] = [];
  const count = Math.max(chosen.length, ephemeral.length, toDevice.length);
  for (let i = 0; i < count; i += MAX_EVENTS_PER_TXN) {
    const part = chosen.slice(i, i + MAX_EVENTS_PER_TXN);
    const eph = ephemeral.slice(i, i + MAX_EVENTS_PER_TXN);
    const td = toDevice.slice(i, i + MAX_EVENTS_PER_TXN);
    const body: Record<string, unknown> = { events: part.map((ev) => toClientEvent(ev, { now })), ephemeral: eph };
    // MSC2409's unstable names, which bridges still read, next to the stable `ephemeral`.
    if (eph.length > 0) body['de.sorunome.msc2409.ephemeral'] = eph;
    if (td.length > 0) body['de.sorunome.msc2409.to_device'] = td;
    txns.push({
      body: JSON.stringify(body),
      events: part.length,
      ephemeral: eph.length,
      toDevice: td.length,
      lastStream: part.length > 0 ? part[part.length - 1]!.streamOrdering : to,
      createdTs: now,
    });
  }
  const fromCursors = { events: from, receipts: cursors.receipts, presence: cursors.presence, to_device: cursors.to_device };
  const moved = { events: to, ...(eph?.to ?? {}) };
  const res = await deps.store.commitBatch({ asId: reg.id, from: fromCursors, to: moved, txns });
  if (!res) return null;
  deps.ephemeral?.keepTyping(reg.id, eph?.typingTo ?? null);
  return { txnIds: res.txnIds, cursors: { ...cursors, ...moved }, caughtUp: to >= end };
}
