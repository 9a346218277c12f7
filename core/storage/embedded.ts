// The embedded database: PGlite (PostgreSQL compiled to wasm, in this process) with its data in
// `<dataDir>/pglite`, served over the PostgreSQL wire protocol by @electric-sql/pglite-socket so
// `pg` and every store talk to it exactly as to a PostgreSQL server.
//
// Concurrency. PGlite is a single PostgreSQL backend in single-user mode: one session. The
// socket server accepts several connections but funnels every protocol message into a global
// queue onto that one session; while the session is inside an explicit transaction block it
// only takes messages from the connection that opened it. That gives no parallelism, and it is
// not a full guarantee either: PGlite's `isInTransaction()` (IsTransactionBlock) is false during
// the implicit transaction of one extended-protocol query (Parse/Bind/Execute/Sync), so messages
// of two connections' parameterised queries could interleave when a large message is split
// across socket reads, and one could bind the other's unnamed statement. So the pool gets ONE
// connection (poolMax = 1): `pg.Pool` then hands that connection to one `tx()` at a time, which
// makes transactions strictly serial, and other callers wait for it in the pool's queue.
//
// Durability. PGlite writes straight to the files in the data directory (Emscripten NODEFS) and
// runs with fsync off (-F, as shipped). A process crash (SIGKILL, OOM kill) loses nothing that
// was committed: the writes are in the OS page cache and PostgreSQL's WAL recovery runs at the
// next start (tested: committed rows survive a SIGKILL mid-write; no half transactions). An OS
// crash or power loss can lose recent commits or corrupt the directory: production deployments
// that need that guarantee use PostgreSQL (database.url). A stale postmaster.pid left by a
// killed process is ignored by PGlite; our own lock file (data-dir-lock.ts) keeps a second
// process from opening the same directory.
import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initDataDir } from './pglite-template.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { pgliteStartParams, useLiftoffOnly } from './pglite-options.ts';

export interface EmbeddedPostgres {
  /** A `pg` connection string for the served database (unix socket, or loopback TCP). */
  connectionString: string;
  /** The pool size `pg` must use: 1 (see the note at the top of this file). */
  poolMax: number;
  /** Stops serving and shuts PostgreSQL down cleanly (a checkpoint, no recovery at next start). */
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
}

const EMBEDDED_POOL_MAX = 1;
// Room for a reconnect to overlap the old connection's teardown; the pool uses only one.
const SERVER_MAX_CONNECTIONS = 2;
// sun_path is 108 bytes on Linux (104 on macOS); stay below both.
const MAX_SOCKET_PATH = 100;
// libpq and pg look for the socket file `<dir>/.s.PGSQL.<port>`.
const SOCKET_PORT = 5432;

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(opts.dataDir);
  const pgData = join(dataDir, 'pglite');
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(join(dataDir, 'pglite.lock'), `embedded database ${pgData}`);
  try {
    if (!existsSync(join(pgData, 'PG_VERSION'))) await initDataDir(pgData);
    useLiftoffOnly();
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create({ dataDir: pgData, startParams: pgliteStartParams() });
    const endpoint = socketEndpoint(dataDir);
    const server = endpoint.path === null
      ? new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: SERVER_MAX_CONNECTIONS })
      : new PGLiteSocketServer({ db, path: endpoint.path, maxConnections: SERVER_MAX_CONNECTIONS });
    try {
      await server.start();
    } catch (e) {
      await db.close();
      throw e;
    }
    const connectionString = endpoint.path === null
      ? `postgresql://postgres@${server.getServerConn()}/postgres`
      : `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(endpoint.dir)}&port=${SOCKET_PORT}`;
    let closing: Promise<void> | null = null;
    return {
      connectionString,
      poolMax: EMBEDDED_POOL_MAX,
      close() {
        closing ??= (async () => {
          try {
            await server.stop();
            await db.close();
          } finally {
            endpoint.cleanup();
            lock.release();
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

interface SocketEndpoint {
  /** null = use loopback TCP. */
  path: string | null;
  dir: string;
  cleanup(): void;
}

// A unix socket in the data directory: only this user can reach it (no TCP port any local
// process could connect to), and its name is stable. Falls back to a private temp directory
// when the path would be too long, and to loopback TCP on Windows.
function socketEndpoint(dataDir: string): SocketEndpoint {
  if (process.platform === 'win32') return { path: null, dir: '', cleanup() {} };
  let dir = join(dataDir, 'pglite-run');
  let temp = false;
  if (join(dir, `.s.PGSQL.${SOCKET_PORT}`).length > MAX_SOCKET_PATH) {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
    temp = true;
  } else {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const path = join(dir, `.s.PGSQL.${SOCKET_PORT}`);
  // A socket file left by a killed process; we hold the data-dir lock, so it is not in use.
  if (existsSync(path)) unlinkSync(path);
  return {
    path,
    dir,
    cleanup() {
      if (temp) rmSync(dir, { recursive: true, force: true });
      else if (existsSync(path)) unlinkSync(path);
    },
  };
}

