// The narrow interfaces of the presence feature (client-server-api "Presence"): handlers use
// PresenceApi, /sync uses PresenceForSync, features that see a user act (sending events) use
// PresenceActivity.
import type { Requester } from '../spec/endpoint.ts';

export type PresenceState = 'online' | 'unavailable' | 'offline';

/** The content of m.presence and the body of GET /presence/{userId}/status. */
export interface PresenceContent {
  presence: PresenceState;
  last_active_ago?: number;
  status_msg?: string | null;
  currently_active?: boolean;
}

export interface PresenceEvent {
  type: 'm.presence';
  sender: string;
  content: PresenceContent;
}

export interface PresenceApi {
  setPresence(requester: Requester, userId: string, state: PresenceState, statusMsg: string | undefined): Promise<void>;
  getPresence(requester: Requester, userId: string): Promise<PresenceContent>;
}

export interface PresenceForSync {
  /** The newest committed position of the presence stream. */
  currentPosition(): Promise<number>;
  /**
   * m.presence events of these users (the caller passes the users sharing a room with the
   * syncing user, and the user themself) whose presence changed after `since` up to `upto`.
   */
  changesSince(userIds: readonly string[], since: number, upto: number): Promise<PresenceEvent[]>;
  /**
   * Called when a /sync request starts, with its `set_presence` (absent = online). The user counts
   * as connected until the returned function is called at the end of the request, and for
   * SYNC_OFFLINE_TIMEOUT_MS after.
   */
  syncStarted(userId: string, setPresence: PresenceState | undefined): Promise<() => void>;
}

export interface PresenceActivity {
  /** A pro-active action (sending an event): bumps last active and sets the user online. */
  userActive(userId: string): Promise<void>;
}

/** Who may see whose presence: spec "Presence" → "Security considerations" (users sharing a room). */
export interface PresenceVisibility {
  canSee(observer: string, observed: string): Promise<boolean>;
}
