// The operator's view of the bridges the hub runs in process (appservices/bridge-host), for
// GET /_switchyard/admin/v1/bridges. Shapes are the JSON the admin API returns.

/**
 * starting: start() is running. running: the bridge is up. retrying: start() rejected and the
 * host tries again after a capped backoff. failed: the config or the module cannot be used
 * (bad YAML, unknown network, a module without a `bridge` export); retried when the file changes.
 */
export type BridgeState = 'starting' | 'running' | 'retrying' | 'failed';

export interface BridgeStatus {
  /** The config file's stem: the instance name. */
  name: string;
  file: string;
  /** null when the file is too broken to tell. */
  network: string | null;
  /** The config's `module` key; null for the built-in bridges/<network>/index.ts. */
  module: string | null;
  state: BridgeState;
  /** The bridge's appservice listener, while it runs. */
  url: string | null;
  /** The last failure (kept while running after a retry succeeded, until the next change). */
  error: string | null;
  /** When the running bridge started (ms since the epoch). */
  started_at: number | null;
  /** Failed start attempts since the config last changed. */
  failures: number;
  /** When the next attempt is due (state "retrying"). */
  next_retry_at: number | null;
}

export interface BridgeList {
  /** bridges.in_process: false means the hub runs none itself (they run with `switchyard bridge run`). */
  in_process: boolean;
  dir: string;
  bridges: BridgeStatus[];
}

export interface BridgeAdmin {
  list(): BridgeList;
}
