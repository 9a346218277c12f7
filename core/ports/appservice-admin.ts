// The operator's view of the appservice hub, for the admin API handlers
// (core/api/admin/appservices.ts) and through them the `switchyard appservice` CLI.
// appservices/registry/admin.ts implements it. Shapes are the JSON the admin API returns; tokens
// are never part of them.

export type AppserviceAdminState = 'loaded' | 'paused' | 'error';

export interface AppserviceStatus {
  /** null when the file is too broken to tell. */
  id: string | null;
  source: 'file' | 'database';
  /** The registration file, for source "file". */
  file?: string;
  state: AppserviceAdminState;
  /** Why the registration was refused (state "error"); null otherwise. */
  error: string | null;
  /** When this version of the registration was loaded (ms since the epoch). */
  loaded_at: number | null;
  url?: string | null;
  sender?: string;
  rate_limited?: boolean;
  namespaces?: Record<'users' | 'aliases' | 'rooms', { regex: string; exclusive: boolean }[]>;
  protocols?: string[];
  receive_ephemeral?: boolean;
  receive_to_device?: boolean;
  msc3202?: boolean;
  msc4190?: boolean;
  /** Registration key `switchyard.ghosts_in_user_directory` (default false). */
  ghosts_in_user_directory?: boolean;
  /** Registration key `switchyard.propagate_ghost_profiles` (default true). */
  propagate_ghost_profiles?: boolean;
}

export interface AppservicePuppet {
  user_id: string;
  created_ts: number;
  deactivated: boolean;
  displayname: string | null;
  avatar_url: string | null;
}

export interface AppserviceAdmin {
  /** Every registration source, loaded or refused, and overlapping exclusive claims. */
  list(): { appservices: AppserviceStatus[]; warnings: string[] };
  /** Throws M_NOT_FOUND. */
  get(id: string): AppserviceStatus;
  /** Validates, stores and loads a registration (Synapse's format as JSON); M_INVALID_PARAM naming the key or collision. */
  register(registration: Record<string, unknown>): Promise<AppserviceStatus>;
  /** Stored registrations only; a file-based one answers M_INVALID_PARAM naming the file to remove. */
  remove(id: string): Promise<void>;
  setPaused(id: string, paused: boolean): Promise<AppserviceStatus>;
  /** Users the appservice registered, in user-id order; next_batch continues after the last. */
  listPuppets(id: string, opts: { prefix?: string; from?: string; limit: number }): Promise<{ puppets: AppservicePuppet[]; next_batch?: string }>;
  /** Delivery state; throws M_NOT_FOUND for an unknown id. */
  deliveryStatus(id: string): Promise<AppserviceDeliveryStatus>;
  /** Throws M_NOT_FOUND for an unknown id. */
  retryNow(id: string): Promise<void>;
  /** Also for a removed appservice whose queue is left over. */
  dropQueue(id: string): Promise<{ dropped: number }>;
}

/** Delivery state of one appservice (GET .../appservices/{id}/delivery). */
export interface AppserviceDeliveryStatus {
  id: string;
  /** down: DOWN_AFTER_FAILURES failed attempts in a row; paused: an operator paused it. */
  state: 'up' | 'down' | 'paused';
  /** Failed attempts in a row (0 after a 2xx). */
  failures: number;
  last_error: string | null;
  last_error_ts: number | null;
  /** When the sender tries again (ms since the epoch), while failing. */
  next_retry_ts: number | null;
  /** Events after the delivery cursor. */
  lag_events: number;
  /** Age of the oldest queued transaction. */
  lag_seconds: number;
  /** Stored transactions not yet acknowledged. */
  queued_transactions: number;
}

/** The delivery side of the admin API (appservices/delivery implements it). */
export interface AppserviceDeliveryControl {
  status(id: string): Promise<AppserviceDeliveryStatus>;
  /** Retry the head transaction now instead of after the backoff. */
  retryNow(id: string): Promise<void>;
  /** Forget the queued transactions (the cursor stays; nothing is rebuilt). */
  dropQueue(id: string): Promise<{ dropped: number }>;
}
