// Presence (client-server-api "Presence": states, last_active_ago, currently_active, idle
// timeout). State lives in PostgreSQL (table presence) so it survives restarts and is shared by
// every hub process; each visible change takes the next presence stream id, then the notifier
// wakes /sync.
//
// Timeouts, applied by a sweep every SWEEP_INTERVAL_MS in each process (idempotent: every change
// is re-checked under the stream lock, so two processes sweeping together write it once):
// - idle: online with no pro-active action for IDLE_TIMEOUT_MS → unavailable;
// - offline: not online/unavailable → offline when no /sync request was running for
//   SYNC_OFFLINE_TIMEOUT_MS. A process refreshes last_sync_ts of the users it is serving a sync
//   for at every sweep, so a long-poll on any process keeps the user connected everywhere;
// - currently_active turns false LAST_ACTIVE_GRANULARITY_MS after the last action; while it is
//   true, further actions update last_active silently (the spec's way to spare updates).
// With `enabled: false` PUT is accepted and ignored, GET answers offline and /sync gets nothing.
import type { Notifier } from '../notifier/notifier.ts';
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseUserId } from '../spec/ids.ts';
import type { Db } from '../storage/db.ts';
import type { PresenceActivity, PresenceApi, PresenceContent, PresenceEvent, PresenceForSync, PresenceState, PresenceVisibility } from './api.ts';
import { PresenceStore, type PresenceChange, type PresenceRow } from './store.ts';

/** Spec "Idle timeout" gives 5 minutes as its example threshold. */
export const IDLE_TIMEOUT_MS = 5 * 60_000;
/** Synapse's SYNC_ONLINE_TIMEOUT: how long after its last sync a user still counts as connected. */
export const SYNC_OFFLINE_TIMEOUT_MS = 30_000;
/** Synapse's LAST_ACTIVE_GRANULARITY: the currently_active window. */
export const LAST_ACTIVE_GRANULARITY_MS = 60_000;
export const SWEEP_INTERVAL_MS = 5_000;
/** Not a spec number: bounds what every member of a user's rooms receives. */
export const MAX_STATUS_MSG_LENGTH = 1024;

export interface PresenceDeps {
  db: Db;
  notifier: Notifier;
  enabled: boolean;
  /**
   * Who may GET whose presence (403 otherwise). core/main.ts wires the rooms feature's "shares a
   * room" here once it exists; absent, any user may read anyone's presence.
   */
  visibility?: PresenceVisibility;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

export class PresenceService implements PresenceApi, PresenceForSync, PresenceActivity {
  readonly #store: PresenceStore;
  readonly #notifier: Notifier;
  readonly #enabled: boolean;
  readonly #now: () => number;
  readonly #visibility: PresenceVisibility | null;
  /** Users with a /sync request running in this process, with how many. */
  readonly #syncing = new Map<string, number>();
  /**
   * Per user, the state last read or written here and when (syncStarted's fast path: a client
   * long-polling in a loop would otherwise cost two queries per request). Dropped on any presence
   * update for the user, from any process; trusted for SWEEP_INTERVAL_MS at most.
   */
  readonly #seen = new Map<string, { state: PresenceState; at: number; touchedAt?: number }>();
  #timer: NodeJS.Timeout | null = null;

  constructor(deps: PresenceDeps) {
    this.#store = new PresenceStore(deps.db);
    this.#notifier = deps.notifier;
    this.#enabled = deps.enabled;
    this.#now = deps.now ?? Date.now;
    this.#visibility = deps.visibility ?? null;
    deps.notifier.subscribe((u) => {
      if (u.stream === 'presence') for (const user of u.users ?? []) this.#seen.delete(user);
    });
  }

  /** Starts the timeout sweep (core/main.ts); close() stops it. */
  start(onError: (err: unknown) => void): void {
    if (!this.#enabled || this.#timer) return;
    this.#timer = setInterval(() => this.sweep().catch(onError), SWEEP_INTERVAL_MS);
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async setPresence(requester: Requester, userId: string, state: PresenceState, statusMsg: string | undefined): Promise<void> {
    if (requester.userId !== userId) throw new MatrixError('M_FORBIDDEN', 'Cannot set presence for other users');
    if (statusMsg !== undefined && statusMsg.length > MAX_STATUS_MSG_LENGTH) {
      throw new MatrixError('M_INVALID_PARAM', `status_msg must be at most ${MAX_STATUS_MSG_LENGTH} characters`);
    }
    if (!this.#enabled) return;
    const now = this.#now();
    await this.#update(userId, (cur) => ({
      state,
      statusMsg: statusMsg ?? null,
      // Spec "Last active ago": changing presence to online is a pro-active event.
      lastActiveTs: state === 'online' ? now : (cur?.lastActiveTs ?? now),
      lastSyncTs: cur?.lastSyncTs ?? now,
      currentlyActive: state === 'online',
    }));
  }

  async getPresence(requester: Requester, userId: string): Promise<PresenceContent> {
    if (!parseUserId(userId)) throw new MatrixError('M_INVALID_PARAM', `${userId} is not a valid user ID`);
    if (this.#visibility && requester.userId !== userId && !(await this.#visibility.canSee(requester.userId, userId))) {
      throw new MatrixError('M_FORBIDDEN', 'You are not allowed to see their presence');
    }
    const row = this.#enabled ? await this.#store.get(userId) : null;
    return row ? this.#content(row) : { presence: 'offline' };
  }

  async userActive(userId: string): Promise<void> {
    if (!this.#enabled) return;
    const now = this.#now();
    const cur = await this.#store.get(userId);
    if (cur && cur.state === 'online' && cur.currentlyActive) {
      await this.#store.touch([userId], { lastActiveTs: now });
      return;
    }
    await this.#update(userId, (c) => ({
      state: 'online',
      statusMsg: c?.statusMsg ?? null,
      lastActiveTs: now,
      lastSyncTs: c?.lastSyncTs ?? now,
      currentlyActive: true,
    }));
  }

  async syncStarted(userId: string, setPresence: PresenceState | undefined): Promise<() => void> {
    if (!this.#enabled) return () => {};
    const wanted = setPresence ?? 'online';
    const now = this.#now();
    this.#syncing.set(userId, (this.#syncing.get(userId) ?? 0) + 1);
    // set_presence=offline: "the client is not marked as being online when it uses this API".
    const seen = this.#seen.get(userId);
    if (seen && now - seen.at < SWEEP_INTERVAL_MS && wanted !== 'offline' && (wanted === 'online' ? seen.state !== 'offline' : seen.state === 'unavailable')) {
      // No change to make, and last_sync_ts was written less than a sweep ago (the sweep keeps it
      // fresh for the syncs running here), well inside SYNC_OFFLINE_TIMEOUT_MS.
      return this.#syncEnded(userId, wanted);
    }
    const cur = await this.#store.get(userId);
    const becomes = wanted === 'offline' ? null : wanted === 'online' ? (!cur || cur.state === 'offline' ? 'online' : null) : cur?.state === 'unavailable' ? null : 'unavailable';
    if (becomes) {
      await this.#update(userId, (c) => ({
        state: becomes,
        statusMsg: c?.statusMsg ?? null,
        lastActiveTs: becomes === 'online' ? now : (c?.lastActiveTs ?? now),
        lastSyncTs: now,
        currentlyActive: becomes === 'online',
      }));
    } else if (wanted !== 'offline') {
      await this.#store.touch([userId], { lastSyncTs: now });
    }
    const state = becomes ?? cur?.state ?? 'offline';
    this.#seen.delete(userId);
    this.#seen.set(userId, { state, at: now, ...(wanted !== 'offline' ? { touchedAt: now } : {}) });
    if (this.#seen.size > 100_000) this.#seen.delete(this.#seen.keys().next().value!);
    return this.#syncEnded(userId, wanted);
  }

  #syncEnded(userId: string, wanted: PresenceState): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.#syncing.get(userId) ?? 1) - 1;
      if (n > 0) this.#syncing.set(userId, n);
      else this.#syncing.delete(userId);
      // The connected window runs from the end of the request. A client re-polling at once is
      // written at most once per sweep interval (last_sync_ts then lags by less than that).
      const now = this.#now();
      const seen = this.#seen.get(userId);
      if (wanted === 'offline' || (seen && now - seen.at < SWEEP_INTERVAL_MS && now - (seen.touchedAt ?? -Infinity) < SWEEP_INTERVAL_MS)) return;
      if (seen) seen.touchedAt = now;
      void this.#store.touch([userId], { lastSyncTs: now }).catch(() => {});
    };
  }

  async currentPosition(): Promise<number> {
    return this.#store.currentPosition();
  }

  async changesSince(userIds: readonly string[], since: number, upto: number): Promise<PresenceEvent[]> {
    if (!this.#enabled) return [];
    const rows = await this.#store.changes(userIds, since, upto);
    return rows.map((row) => ({ type: 'm.presence', sender: row.userId, content: this.#content(row) }));
  }

  /** Applies the timeouts once (the interval calls this; tests call it with a fake clock). */
  async sweep(): Promise<void> {
    if (!this.#enabled) return;
    const now = this.#now();
    await this.#store.touch([...this.#syncing.keys()], { lastSyncTs: now });
    for (const row of await this.#store.notOffline()) {
      if (!timeoutOf(row, now, this.#syncing.has(row.userId))) continue;
      await this.#update(row.userId, (cur) => (cur ? timeoutOf(cur, now, this.#syncing.has(cur.userId)) : null));
    }
  }

  #content(row: PresenceRow): PresenceContent {
    const content: PresenceContent = { presence: row.state, last_active_ago: Math.max(0, this.#now() - row.lastActiveTs) };
    if (row.statusMsg !== null) content.status_msg = row.statusMsg;
    if (row.state === 'online') content.currently_active = row.currentlyActive;
    return content;
  }

  async #update(userId: string, change: (cur: PresenceRow | null) => PresenceChange | null): Promise<void> {
    const position = await this.#store.update(userId, change);
    if (position !== null) this.#notifier.notify({ stream: 'presence', position, users: [userId] });
  }
}

/** The change a timeout makes to this row now, or null. */
function timeoutOf(row: PresenceRow, now: number, syncingHere: boolean): PresenceChange | null {
  const base = { statusMsg: row.statusMsg, lastActiveTs: row.lastActiveTs, lastSyncTs: row.lastSyncTs };
  if (row.state !== 'offline' && !syncingHere && now - row.lastSyncTs > SYNC_OFFLINE_TIMEOUT_MS) {
    return { ...base, state: 'offline', currentlyActive: false };
  }
  if (row.state === 'online' && now - row.lastActiveTs > IDLE_TIMEOUT_MS) {
    return { ...base, state: 'unavailable', currentlyActive: false };
  }
  if (row.currentlyActive && now - row.lastActiveTs > LAST_ACTIVE_GRANULARITY_MS) {
    return { ...base, state: row.state, currentlyActive: false };
  }
  return null;
}

export const PRESENCE_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
