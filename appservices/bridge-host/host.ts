// The in-process bridge host (`bridges.in_process: true`): runs one bridge per config file in
// bridges.dir, and follows the folder without a restart.
//
// Reload contract (like appservices/registry): a scan reads every `*.yaml`/`*.yml` in the folder;
// scans are serialised. fs.watch triggers one (debounced) and a periodic rescan covers file
// systems where watching is unreliable. A new file starts an instance, changed text restarts it,
// a removed file stops it. Instances start in the background: a slow or failing bridge never
// holds up the scan, the hub or the other bridges (see instance.ts for each one's lifecycle).
// stop() stops every instance and resolves when all have stopped. A module's code is imported
// once per process: editing a config restarts the bridge, editing its code needs a hub restart.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Logger } from '../../core/observability/log.ts';
import type { BridgeList } from '../../core/ports/bridge-admin.ts';
import type { BridgeModule } from '../../bridges/kit/plugin.ts';
import { importBridgeModule, type BridgeFileHeader } from './bridge-module.ts';
import { BridgeInstance, type Backoff } from './instance.ts';

export const DEFAULT_RESCAN_INTERVAL_MS = 2_000;
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 5 * 60_000 };
const WATCH_DEBOUNCE_MS = 100;
const CONFIG_FILE = /\.ya?ml$/i;

export interface BridgeHostDeps {
  dir: string;
  /** Parent of each instance's state folder (<dataDir>/<name>). */
  dataDir: string;
  log: Logger;
  rescanIntervalMs?: number;
  backoff?: Backoff;
  importModule?: (header: BridgeFileHeader, configPath: string) => Promise<BridgeModule>;
}

export class BridgeHost {
  readonly #deps: BridgeHostDeps;
  readonly #dir: string;
  readonly #instances = new Map<string, BridgeInstance>();
  /** Instances whose file was removed, until they have stopped (stop() waits for them too). */
  readonly #stopping = new Set<Promise<void>>();
  #chain: Promise<void> = Promise.resolve();
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #debounce: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(deps: BridgeHostDeps) {
    this.#deps = deps;
    this.#dir = resolve(deps.dir);
  }

  /** Scans once (bridges start in the background), then follows the folder until stop(). */
  async start(): Promise<void> {
    await this.rescan();
    this.#timer = setInterval(() => void this.rescan(), this.#deps.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS);
    this.#timer.unref();
  }

  list(): BridgeList {
    const bridges = [...this.#instances.values()].map((i) => i.status()).sort((a, b) => a.file.localeCompare(b.file));
    return { in_process: true, dir: this.#dir, bridges };
  }

  /** Never rejects: a folder that cannot be read is logged and tried again on the next scan. */
  rescan(): Promise<void> {
    const run = this.#chain.then(() => (this.#stopped ? undefined : this.#scanOnce()));
    this.#chain = run.catch((err: unknown) => this.#deps.log.error('bridge folder scan failed', { err, dir: this.#dir }));
    return this.#chain;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#watcher?.close();
    this.#watcher = null;
    await this.#chain;
    await Promise.all([...this.#instances.values()].map((i) => i.stop()).concat([...this.#stopping]));
    this.#instances.clear();
  }

  async #scanOnce(): Promise<void> {
    const files = await this.#readFolder();
    this.#ensureWatching(files !== null);
    const seen = new Set<string>();
    for (const [file, text] of files ?? []) {
      seen.add(file);
      let instance = this.#instances.get(file);
      if (!instance) {
        const name = basename(file, extname(file));
        instance = new BridgeInstance({
          name,
          file,
          dataDir: join(this.#deps.dataDir, name),
          log: this.#deps.log.child({ bridge: name }),
          backoff: this.#deps.backoff ?? DEFAULT_BACKOFF,
          importModule: this.#deps.importModule ?? importBridgeModule,
        });
        this.#instances.set(file, instance);
        this.#deps.log.info('bridge config found', { file });
      }
      if (instance.text !== text) instance.apply(text);
    }
    for (const [file, instance] of this.#instances) {
      if (seen.has(file)) continue;
      this.#instances.delete(file);
      this.#deps.log.info('bridge config removed', { file });
      // Stopping waits for the bridge; the scan does not.
      const stopped = instance.stop().finally(() => this.#stopping.delete(stopped));
      this.#stopping.add(stopped);
    }
  }

  /** [path, text] per config file; null when the folder does not exist (yet). */
  async #readFolder(): Promise<[string, string][] | null> {
    let names: string[];
    try {
      names = (await readdir(this.#dir)).filter((n) => CONFIG_FILE.test(n) && !n.startsWith('.')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const out: [string, string][] = [];
    for (const name of names) {
      const path = join(this.#dir, name);
      try {
        out.push([path, await readFile(path, 'utf8')]);
      } catch (e) {
        // Removed between readdir and read (or a folder named *.yaml): treat as absent.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
      }
    }
    return out;
  }

  #ensureWatching(folderExists: boolean): void {
    if (this.#watcher || !folderExists || this.#stopped) return;
    try {
      this.#watcher = watch(this.#dir, { persistent: false }, () => {
        if (this.#debounce) clearTimeout(this.#debounce);
        this.#debounce = setTimeout(() => void this.rescan(), WATCH_DEBOUNCE_MS);
      });
      this.#watcher.on('error', () => {
        this.#watcher?.close();
        this.#watcher = null;
      });
    } catch {
      this.#watcher = null;
    }
  }
}
