// One process per embedded data directory. PGlite runs PostgreSQL in single-user mode inside this
// process and takes no lock of its own, so two processes opening the same directory would both
// write its files and corrupt it. The lock file holds the owner's pid; a lock left by a process
// that no longer exists (SIGKILL, power loss) is taken over.
import { openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';

export interface DataDirLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(lockPath: string, what: string): DataDirLock {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        release() {
          try {
            if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new Error(`${what} is in use by another process (pid ${owner}); lock file ${lockPath}`, { cause: e });
      }
      unlinkSync(lockPath); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${what} (${lockPath})`);
}
