// Child-process entry: creates a new PGlite data directory (initdb) and exits. Run by
// core/storage/embedded.ts so initdb's ~1 GB memory peak is returned to the OS when it ends.
// Usage: node core/storage/pglite-initdb.ts <pgdata-dir>
import { pgliteStartParams, useLiftoffOnly } from './pglite-options.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: pglite-initdb.ts <pgdata-dir>');
  process.exit(2);
}
useLiftoffOnly();
const { PGlite } = await import('@electric-sql/pglite');
const db = await PGlite.create({ dataDir: dir, startParams: pgliteStartParams() });
await db.close();
