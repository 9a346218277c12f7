// The narrow interface of the sync feature (client-server-api "Syncing"): the /sync handler uses
// SyncApi. Everything /sync reads comes from other features' *ForSync interfaces.
import type { PresenceState } from '../presence/api.ts';
import type { Requester } from '../spec/endpoint.ts';

export interface SyncRequest {
  readonly requester: Requester;
  /** A stored filter id or inline filter JSON (FiltersForSync.resolveSyncFilter). */
  readonly filter?: string;
  readonly since?: string;
  readonly fullState: boolean;
  readonly setPresence?: PresenceState;
  /** Long-poll time: how long to wait for something to return when there is nothing yet. */
  readonly timeoutMs: number;
}

export interface SyncApi {
  /** The /sync response body (sync.yaml 200). */
  sync(req: SyncRequest, signal?: AbortSignal): Promise<Record<string, unknown>>;
}
