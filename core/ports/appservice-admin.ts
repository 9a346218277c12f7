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
}
