// /sync (client-server-api "Syncing"): initial and incremental sync with long-polling.
//
// Ordering and durability: a response covers (since, upto], where upto is read from every
// stream's committed position at the start of the computation; next_batch is upto (to-device:
// the last message handed out when more wait). Positions are stored data, never per-process
// counters, so a since token survives restarts and works on any hub process. Nothing is lost
// between two syncs: whatever commits after upto is read by the next one.
// Long-polling: when an incremental sync finds nothing, it waits on the notifier for an update
// concerning the user (their rooms, or them directly) and computes again, until `timeout`. A
// missed wake-up only delays the answer until the timeout.
import type { AccountDataChanges } from '../account-data/api.ts';
import { eventMatches } from '../filters/apply.ts';
import type { StreamUpdate } from '../notifier/notifier.ts';
import { txnScope } from '../rooms/context.ts';
import type { SyncApi, SyncRequest } from './api.ts';
import type { SyncContext, SyncDeps } from './context.ts';
import { LazyMemberCache } from './lazy-members.ts';
import { CountsCache } from './counts.ts';
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
  /** Aborted on close(): long-polls end at once rather than holding the process open. */
  readonly #closing = new AbortController();

  constructor(deps: SyncDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async sync(req: SyncRequest, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const { requester } = req;
    const since = req.since !== undefined ? parseSyncToken(req.since) : null;
    const filter = await this.#deps.filters.resolveSyncFilter(requester.userId, req.filter);
    signal = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    const presenceDone = await this.#deps.presence.syncStarted(requester.userId, req.setPresence);
    try {
      const deadline = this.#now() + Math.min(req.timeoutMs, MAX_SYNC_TIMEOUT_MS);
      const base = {
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
          result = await this.compute({ ...base, upto: await this.#positions(), now: this.#now() });
        } finally {
          unsubscribe();
        }
        const { body, empty, roomIds } = result;
        const left = deadline - this.#now();
        if (!empty || !since || req.fullState || left <= 0 || signal?.aborted) return body;
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
  }

  async #positions(): Promise<SyncPosition> {
    const d = this.#deps;
    const [events, receipts, accountData, presence, toDevice] = await Promise.all([
      d.rooms.currentPosition(),
      d.receipts.currentPosition(),
      d.accountData.currentPosition(),
      d.presence.currentPosition(),
      d.toDevice.currentPosition(),
    ]);
    return { events, receipts, accountData, presence, typing: d.typing.currentPosition(), toDevice, deviceLists: 0 };
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
    if (!since || since.presence < upto.presence) {
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
      const messages = await d.toDevice.takeForDevice(ctx.userId, ctx.deviceId, sinceToDevice, upto.toDevice, MAX_PER_SYNC);
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
