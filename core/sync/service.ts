// /sync (client-server-api "Syncing"): initial and incremental sync with long-polling.
//
// Ordering and durability: a response covers (since, upto], where upto is read from every
// stream's committed position at the start of the computation; next_batch is upto (to-device:
// the last message handed out when more wait). Positions are stored data, never per-process
// counters, so a since token survives restarts and works on any hub process. Nothing is lost
// between two syncs: whatever commits after upto is read by the next one.
// Long-polling: when an incremental sync finds nothing, it waits on the notifier for an update
// concerning the user (their rooms, or them directly) and computes again, until `timeout`. A
// missed wake-up only delays the answer until the timeout. A computation that found nothing
// proves (since, upto] empty for this user, so the next one covers only (upto, new upto]: same
// answer, less to read.
// Caches (issue #4): stream positions, which rooms/users the events stream touched, recent room
// events, memberships and own receipts are kept in memory, fed by the notifier after commit;
// each answers only what it can prove and otherwise the database is read (see each module).
import type { AccountDataChanges } from '../account-data/api.ts';
import { eventMatches } from '../filters/apply.ts';
import type { StreamUpdate } from '../notifier/notifier.ts';
import { txnScope } from '../rooms/context.ts';
import type { SyncApi, SyncRequest } from './api.ts';
import type { SyncCaches, SyncContext, SyncDeps } from './context.ts';
import type { Filter } from '../filters/filter.ts';
import { LazyMemberCache } from './lazy-members.ts';
import { CountsCache, OwnReceiptsCache } from './counts.ts';
import { EventStreamTracker } from './event-tracker.ts';
import { MembershipCache } from './membership-cache.ts';
import { PositionCache } from './positions.ts';
import { RoomEventsCache } from './room-events-cache.ts';
import { membershipsAt, roomsSection } from './room-sections.ts';
import { formatSyncToken, parseSyncToken, type SyncPosition } from './token.ts';
import { MAX_PER_SYNC } from '../to-device/service.ts';

/** Longest long-poll honoured; clients ask for 30 s. Not a spec number. */
export const MAX_SYNC_TIMEOUT_MS = 5 * 60 * 1000;

export class SyncService implements SyncApi {
  readonly #deps: SyncDeps;
  readonly #now: () => number;
  readonly #lazyCache = new LazyMemberCache();
  readonly #countsCache = new CountsCache();
  readonly caches: SyncCaches = {
    tracker: new EventStreamTracker(),
    events: new RoomEventsCache(),
    memberships: new MembershipCache(),
    ownReceipts: new OwnReceiptsCache(),
  };
  readonly #positions: PositionCache;
  readonly #unsubscribe: () => void;
  /** Per device, the to-device position already deleted as acknowledged (saves a DELETE per sync). */
  readonly #toDeviceAcked = new Map<string, number>();
  /** Aborted on close(): long-polls end at once rather than holding the process open. */
  readonly #closing = new AbortController();

  constructor(deps: SyncDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    const { tracker } = this.caches;
    // Subscribed (below) before any read, so a position read is a boundary the tracker can extend.
    this.#positions = new PositionCache(deps, (p) => tracker.seed(p));
    const positions = this.#positions;
    this.#unsubscribe = deps.notifier.subscribe((u) => {
      tracker.onUpdate(u);
      positions.onUpdate(u);
    });
  }

  async sync(req: SyncRequest, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const { requester } = req;
    let since = req.since !== undefined ? parseSyncToken(req.since) : null;
    const filter = await this.#deps.filters.resolveSyncFilter(requester.userId, req.filter);
    signal = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    const presenceDone = await this.#deps.presence.syncStarted(requester.userId, req.setPresence);
    try {
      const deadline = this.#now() + Math.min(req.timeoutMs, MAX_SYNC_TIMEOUT_MS);
      const base = {
        caches: this.caches,
        deps: this.#deps,
        userId: requester.userId,
        deviceId: requester.deviceId,
        scope: txnScope(requester),
        filter,
        since,
        fullState: req.fullState,
        lazyCache: this.#lazyCache,
        countsCache: this.#countsCache,
      };
      if (!since || req.fullState) this.#lazyCache.reset(`${requester.userId}|${base.scope}`);
      for (;;) {
        // Updates announced while computing are kept: one that lands after the positions were
        // read but before the wait starts would otherwise be missed until the timeout.
        const during: StreamUpdate[] = [];
        const unsubscribe = this.#deps.notifier.subscribe((u) => during.push(u));
        let result: Awaited<ReturnType<SyncService['compute']>>;
        try {
          result = await this.compute({ ...base, since, upto: await this.#positions.current(since), now: this.#now() });
        } finally {
          unsubscribe();
        }
        const { body, empty, roomIds } = result;
        const left = deadline - this.#now();
        if (!empty || !since || req.fullState || left <= 0 || signal?.aborted) return body;
        since = parseSyncToken(body.next_batch as string);
        const rooms = new Set(roomIds);
        const interested = (u: StreamUpdate) =>
          (u.users?.includes(requester.userId) ?? false) || (u.rooms?.some((r) => rooms.has(r)) ?? false);
        if (during.some(interested)) continue;
        const woke = await this.#deps.notifier.wait(interested, left, signal);
        if (!woke) return body;
      }
    } finally {
      presenceDone();
    }
  }

  close(): void {
    this.#closing.abort();
    this.#unsubscribe();
  }

  #rememberAck(device: string, position: number): void {
    this.#toDeviceAcked.delete(device);
    this.#toDeviceAcked.set(device, position);
    if (this.#toDeviceAcked.size > 100_000) this.#toDeviceAcked.delete(this.#toDeviceAcked.keys().next().value!);
  }

  /** One response for the range since → ctx.upto (exposed for the wait loop's type only). */
  private async compute(ctx: SyncContext): Promise<{ body: Record<string, unknown>; empty: boolean; roomIds: string[] }> {
    const { since, upto, filter } = ctx;
    const d = this.#deps;
    const memberships = await membershipsAt(ctx);
    const accountData: AccountDataChanges =
      !since || since.accountData < upto.accountData || ctx.fullState
        ? await d.accountData.changesSince(ctx.userId, ctx.fullState ? 0 : (since?.accountData ?? 0), upto.accountData)
        : { global: [], rooms: {} };
    const rooms = await roomsSection(ctx, memberships, accountData);

    let presence: Record<string, unknown>[] = [];
    if ((!since || since.presence < upto.presence) && wantsPresence(filter)) {
      const joinedIds = memberships.filter((m) => m.membership === 'join').map((m) => m.roomId);
      const users = new Set(await d.rooms.joinedUsersIn(joinedIds));
      users.add(ctx.userId);
      const events = await d.presence.changesSince([...users], since?.presence ?? 0, upto.presence);
      presence = events.filter((e) => eventMatches(filter.presence, { type: e.type, sender: e.sender }) && filter.presence?.limit !== 0) as unknown as Record<string, unknown>[];
    }

    const next: SyncPosition = { ...upto };
    let toDevice: Record<string, unknown>[] = [];
    if (ctx.deviceId !== null) {
      const sinceToDevice = since?.toDevice ?? 0;
      const device = `${ctx.userId}|${ctx.deviceId}`;
      const acked = this.#toDeviceAcked.get(device) ?? 0;
      // Nothing new and the acknowledgement already applied: no query.
      const messages = sinceToDevice < upto.toDevice || sinceToDevice > acked
        ? await d.toDevice.takeForDevice(ctx.userId, ctx.deviceId, sinceToDevice, upto.toDevice, MAX_PER_SYNC)
        : [];
      if (sinceToDevice > acked) this.#rememberAck(device, sinceToDevice);
      if (messages.length === MAX_PER_SYNC) next.toDevice = messages[messages.length - 1]!.streamId;
      toDevice = messages.map((m) => ({ sender: m.sender, type: m.type, content: m.content }));
    }

    const globalData = accountData.global.filter((e) => eventMatches(filter.account_data, e) && filter.account_data?.limit !== 0);
    const body = {
      next_batch: formatSyncToken(next),
      rooms,
      presence: { events: presence },
      account_data: { events: globalData },
      to_device: { events: toDevice },
      device_lists: { changed: [], left: [] },
      device_one_time_keys_count: {},
    };
    const roomCount = Object.keys(rooms.join).length + Object.keys(rooms.invite).length + Object.keys(rooms.knock).length + Object.keys(rooms.leave).length;
    const empty = roomCount === 0 && presence.length === 0 && globalData.length === 0 && toDevice.length === 0;
    return { body, empty, roomIds: memberships.map((m) => m.roomId) };
  }
}

/** False when the filter can match no presence event, so the presence stream need not be read. */
function wantsPresence(filter: Filter): boolean {
  const f = filter.presence;
  return !(f?.limit === 0 || (Array.isArray(f?.types) && f.types.length === 0));
}
