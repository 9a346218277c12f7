// What one /sync computation knows: its dependencies, the requester, the filter and the two ends
// of the range it covers (since → upto, one position per stream).
import type { AccountDataForSync } from '../account-data/api.ts';
import type { Filter } from '../filters/filter.ts';
import type { PresenceForSync } from '../presence/api.ts';
import type { PushRulesForCounts } from '../push/api.ts';
import type { ReceiptsForSync } from '../receipts/api.ts';
import type { RoomsForReads, RoomsForSync } from '../rooms/api.ts';
import type { ToDeviceForSync } from '../to-device/api.ts';
import type { TypingForSync } from '../typing/api.ts';
import type { FiltersForSync } from '../filters/api.ts';
import type { Notifier } from '../notifier/notifier.ts';
import type { SyncPosition } from './token.ts';
import type { LazyMemberCache } from './lazy-members.ts';
import type { CountsCache, OwnReceiptsCache } from './counts.ts';
import type { EventStreamTracker } from './event-tracker.ts';
import type { MembershipCache } from './membership-cache.ts';
import type { RoomEventsCache } from './room-events-cache.ts';
import type { Prefetched } from './prefetch.ts';

/** In-memory state shared by every sync of this process (each file states its own contract). */
export interface SyncCaches {
  readonly tracker: EventStreamTracker;
  readonly events: RoomEventsCache;
  readonly memberships: MembershipCache;
  readonly ownReceipts: OwnReceiptsCache;
}

export interface SyncDeps {
  rooms: RoomsForSync;
  reads: RoomsForReads;
  accountData: AccountDataForSync;
  receipts: ReceiptsForSync;
  typing: TypingForSync;
  presence: PresenceForSync;
  filters: FiltersForSync;
  toDevice: ToDeviceForSync;
  notifier: Notifier;
  /** Without it, unread counts follow the server-default push rules. */
  pushRules?: PushRulesForCounts;
  now?: () => number;
}

export interface SyncContext {
  readonly deps: SyncDeps;
  readonly userId: string;
  readonly deviceId: string | null;
  /** txnScope of the requester: transaction_id is shown only to the sending device. */
  readonly scope: string;
  readonly filter: Filter;
  /** null: an initial sync. */
  readonly since: SyncPosition | null;
  readonly upto: SyncPosition;
  readonly fullState: boolean;
  readonly now: number;
  readonly lazyCache: LazyMemberCache;
  readonly countsCache: CountsCache;
  readonly caches: SyncCaches;
  /** Reads made for all the response's rooms at once (prefetch.ts), when there are many. */
  readonly prefetched?: Prefetched | null;
}

/** Spec event_filter.yaml leaves the defaults to servers; Synapse's timeline default is 10. */
export const DEFAULT_TIMELINE_LIMIT = 10;
export const MAX_TIMELINE_LIMIT = 500;
