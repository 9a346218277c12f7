// How the embedded PGlite is started: shared by the launcher (core/storage/embedded.ts) and the
// one-off initdb child process (core/storage/pglite-initdb.ts).
//
// Memory (measured on Node 24, x64, idle hub = Node + PGlite + socket server):
// - As shipped PGlite uses shared_buffers=128MB and V8 tiers the ~25 MB postgres wasm up to
//   TurboFan as it runs: RSS ~330 MB idle, and each newly hot code path costs a burst of
//   compiler memory (700+ MB peaks during the first few thousand statements).
// - Liftoff only (no wasm tier-up) keeps RSS at ~120-140 MB under the same work. Simple OLTP
//   statements are as fast or faster (no compile pauses); CPU-heavy queries are ~1.7x slower,
//   which suits the small single-process deployments the embedded database is for.
// - Smaller buffers and per-session limits: PGlite is one backend, so max_connections and the
//   parallel-worker settings only size shared memory. shared_buffers 8MB instead of 16MB saves
//   ~10 MB at rest; the OS page cache still holds the data files.
// Result (test/bench/storage-startup.ts): ~137 MB RSS after opening an existing directory
// (~0.4 s), ~165-180 MB after 1000 inserts; a fresh directory opens in ~3.5 s (initdb).
// - initdb peaks near 1 GB (it runs a second PGlite instance and unpacks a tarball), so it runs
//   once, in a short-lived child process, and the hub never carries that peak.
import v8 from 'node:v8';

/** PostgreSQL settings passed as `-c name=value` to the single-user backend. */
export const PGLITE_GUCS: readonly string[] = [
  'shared_buffers=8MB',
  'work_mem=2MB',
  'maintenance_work_mem=16MB',
  'temp_buffers=2MB',
  'wal_buffers=512kB',
  'max_connections=4',
  'max_locks_per_transaction=64',
  'max_prepared_transactions=0',
];

// PGlite's own defaults (PGlite.defaultStartParams in 0.5): single-user mode, fsync off (-F),
// no parallel workers. Repeated here because passing startParams replaces them.
const PGLITE_DEFAULT_START_PARAMS: readonly string[] = [
  '--single', '-F', '-O', '-j',
  '-c', 'search_path=public',
  '-c', 'exit_on_error=false',
  '-c', 'log_checkpoints=false',
  '-c', 'max_worker_processes=0',
  '-c', 'max_parallel_workers=0',
  '-c', 'max_parallel_workers_per_gather=0',
  '-c', 'io_method=sync',
  '-c', 'max_parallel_maintenance_workers=0',
];

export function pgliteStartParams(): string[] {
  return [...PGLITE_DEFAULT_START_PARAMS, ...PGLITE_GUCS.flatMap((g) => ['-c', g])];
}

/**
 * Keeps V8 from tiering wasm up to TurboFan (see above). Process-wide and only effective for
 * modules compiled afterwards, so it is called before PGlite is first created.
 */
export function useLiftoffOnly(): void {
  v8.setFlagsFromString('--no-wasm-tier-up');
  v8.setFlagsFromString('--no-wasm-dynamic-tiering');
}
