// The live set of appservices: registrations from APPSERVICES_DIR merged with those posted
// through the admin API (stored in PostgreSQL), validated, checked for collisions, and reloaded
// without a restart.
//
// Reload contract:
// - A reload reads the whole folder and the stored registrations and recomputes the set; reloads
//   are serialised, so two never interleave. fs.watch triggers one (debounced) and a periodic
//   rescan is the fallback for file systems where watching is unreliable (network mounts, some
//   containers) and for registrations another hub process stored in the shared database.
// - Collisions (id, as_token, hs_token — any token used twice) refuse the newcomer: a
//   registration already loaded keeps winning, so dropping a bad copy never takes the working
//   one down. On a fresh start, folder files win in file-name order, then stored ones by id.
// - A bad registration is reported (log once per change, and its error in the admin API) and
//   skipped; the others are unaffected.
// - Subscribers get the changes (added, updated, removed, paused, resumed) after the new set is
//   in place, one at a time and awaited (so keep listeners quick: record, then work elsewhere);
//   reload() resolves after the last. A listener that throws is logged and the others still run. A removed appservice is only forgotten by the registry:
//   whatever delivery keeps for it stays until it returns or an operator drops it.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../../core/observability/log.ts';
import type { AppservicesStore } from '../store.ts';
import { findExclusiveOverlaps, type ExclusiveOverlap } from '../namespaces.ts';
import { parseObject, RegistrationFolder, type Parsed } from './folder.ts';
import type { Registration } from './registration.ts';

export const DEFAULT_RESCAN_INTERVAL_MS = 2_000;
/** Editors write a file in several steps; one reload after the burst is enough. */
const WATCH_DEBOUNCE_MS = 100;

export type AppserviceSource = { kind: 'file'; path: string } | { kind: 'db' };
export type AppserviceState = 'loaded' | 'paused' | 'error';

export interface RegistryEntry {
  /** `file:<path>` or `db:<id>`: one per registration source, loaded or not. */
  readonly key: string;
  readonly source: AppserviceSource;
  /** null when the file is too broken to tell. */
  readonly id: string | null;
  readonly state: AppserviceState;
  readonly error: string | null;
  readonly registration: Registration | null;
  /** When this version of the registration was loaded (ms); null when it is not loaded. */
  readonly loadedAt: number | null;
}

export type AppserviceChange =
  | { type: 'added'; appservice: Registration }
  | { type: 'updated'; appservice: Registration; previous: Registration }
  | { type: 'removed'; appservice: Registration }
  | { type: 'paused'; appservice: Registration }
  | { type: 'resumed'; appservice: Registration };

export type ChangeListener = (change: AppserviceChange) => void | Promise<void>;

export interface RegistryDeps {
  dir: string;
  serverName: string;
  store: AppservicesStore;
  log: Logger;
  now?: () => number;
  rescanIntervalMs?: number;
}

interface Candidate {
  key: string;
  source: AppserviceSource;
  parsed: Parsed;
}

export class AppserviceRegistry {
  readonly #deps: RegistryDeps;
  readonly #folder: RegistrationFolder;
  readonly #now: () => number;
  readonly #listeners: ChangeListener[] = [];
  #entries: RegistryEntry[] = [];
  #byId = new Map<string, RegistryEntry>();
  #byToken = new Map<string, Registration>();
  #overlaps: ExclusiveOverlap[] = [];
  #chain: Promise<void> = Promise.resolve();
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #debounce: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
    this.#folder = new RegistrationFolder(deps.dir, deps.serverName);
    this.#now = deps.now ?? Date.now;
  }

  get serverName(): string {
    return this.#deps.serverName;
  }

  // --- lookups (from memory: these sit on the request path) ---

  byToken(asToken: string): Registration | null {
    return this.#byToken.get(asToken) ?? null;
  }

  /** A loaded (or paused) appservice. */
  get(id: string): Registration | null {
    return this.#byId.get(id)?.registration ?? null;
  }

  entry(id: string): RegistryEntry | null {
    return this.#byId.get(id) ?? this.#entries.find((e) => e.id === id) ?? null;
  }

  isPaused(id: string): boolean {
    return this.#byId.get(id)?.state === 'paused';
  }

  /** Every loaded appservice, paused ones included (they still authenticate). */
  active(): Registration[] {
    return [...this.#byId.values()].map((e) => e.registration!);
  }

  /** Every source, loaded or refused, for the admin API. */
  entries(): readonly RegistryEntry[] {
    return this.#entries;
  }

  overlaps(): readonly ExclusiveOverlap[] {
    return this.#overlaps;
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  // --- lifecycle ---

  /** Loads once, then watches the folder and rescans periodically until stop(). */
  async start(): Promise<void> {
    await this.reload();
    const interval = this.#deps.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS;
    this.#timer = setInterval(() => void this.reload(), interval);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#watcher?.close();
    this.#watcher = null;
    await this.#chain;
  }

  /** Recomputes the set now; resolves once subscribers have been told. Never rejects. */
  reload(): Promise<void> {
    const run = this.#chain.then(() => (this.#stopped ? undefined : this.#reloadOnce()));
    this.#chain = run.catch((err: unknown) => this.#deps.log.error('appservice registry reload failed', { err }));
    return this.#chain;
  }

  #ensureWatching(folderExists: boolean): void {
    if (this.#watcher || !folderExists || this.#stopped) return;
    try {
      this.#watcher = watch(this.#deps.dir, { persistent: false }, () => {
        if (this.#debounce) clearTimeout(this.#debounce);
        this.#debounce = setTimeout(() => void this.reload(), WATCH_DEBOUNCE_MS);
      });
      this.#watcher.on('error', () => {
        // The folder went away or the watch broke: the rescan carries on and re-watches later.
        this.#watcher?.close();
        this.#watcher = null;
      });
    } catch {
      this.#watcher = null;
    }
  }

  async #reloadOnce(): Promise<void> {
    const files = await this.#folder.read();
    this.#ensureWatching(files !== null);
    const stored = await this.#deps.store.listRegistrations();
    const paused = await this.#deps.store.pausedIds();
    const candidates: Candidate[] = [
      ...(files ?? []).map((f) => ({ key: `file:${f.path}`, source: { kind: 'file', path: f.path } as const, parsed: f.parsed })),
      ...stored.map((s) => ({
        key: `db:${s.id}`,
        source: { kind: 'db' } as const,
        parsed: this.#parseStored(s.id, s.registration),
      })),
    ];
    await this.#apply(candidates, paused);
  }

  #storedCache = new Map<string, { json: string; parsed: Parsed }>();

  #parseStored(id: string, raw: Record<string, unknown>): Parsed {
    const json = JSON.stringify(raw);
    const cached = this.#storedCache.get(id);
    if (cached?.json === json) return cached.parsed;
    const parsed = parseObject(raw, `stored registration ${id}`, this.#deps.serverName);
    this.#storedCache.set(id, { json, parsed });
    return parsed;
  }

  async #apply(candidates: Candidate[], paused: ReadonlySet<string>): Promise<void> {
    const previous = new Map(this.#entries.map((e) => [e.key, e]));
    const wasLoaded = (c: Candidate) => previous.get(c.key)?.registration != null;
    // Already-loaded sources first: a newcomer that collides with them is the one refused.
    const ordered = [...candidates.filter(wasLoaded), ...candidates.filter((c) => !wasLoaded(c))];
    const ids = new Map<string, Candidate>();
    const tokens = new Map<string, string>();
    const entries: RegistryEntry[] = [];
    const now = this.#now();
    for (const c of ordered) {
      const prev = previous.get(c.key);
      if (!c.parsed.ok) {
        entries.push({ key: c.key, source: c.source, id: c.parsed.id, state: 'error', error: c.parsed.error, registration: null, loadedAt: null });
        continue;
      }
      const reg = c.parsed.registration;
      const clash = collision(reg, ids, tokens);
      if (clash) {
        entries.push({ key: c.key, source: c.source, id: reg.id, state: 'error', error: `${describeSource(c.source)}: ${clash}`, registration: null, loadedAt: null });
        continue;
      }
      ids.set(reg.id, c);
      tokens.set(reg.asToken, `the as_token of ${reg.id}`);
      tokens.set(reg.hsToken, `the hs_token of ${reg.id}`);
      const same = prev?.registration && sameRegistration(prev.registration, reg);
      entries.push({
        key: c.key,
        source: c.source,
        id: reg.id,
        state: paused.has(reg.id) ? 'paused' : 'loaded',
        error: null,
        registration: same ? prev.registration : reg,
        loadedAt: same ? prev.loadedAt : now,
      });
    }
    entries.sort((a, b) => a.key.localeCompare(b.key));

    const before = this.#byId;
    const after = new Map(entries.filter((e) => e.registration).map((e) => [e.id!, e]));
    const changes: AppserviceChange[] = [];
    for (const [id, e] of after) {
      const old = before.get(id);
      if (!old) changes.push({ type: 'added', appservice: e.registration! });
      else if (old.registration !== e.registration) changes.push({ type: 'updated', appservice: e.registration!, previous: old.registration! });
      if (old && old.state !== e.state) changes.push({ type: e.state === 'paused' ? 'paused' : 'resumed', appservice: e.registration! });
      else if (!old && e.state === 'paused') changes.push({ type: 'paused', appservice: e.registration! });
    }
    for (const [id, old] of before) if (!after.has(id)) changes.push({ type: 'removed', appservice: old.registration! });

    this.#entries = entries;
    this.#byId = after;
    this.#byToken = new Map([...after.values()].map((e) => [e.registration!.asToken, e.registration!]));
    this.#reportErrors(previous, entries);
    this.#updateOverlaps();
    for (const change of changes) {
      this.#deps.log.info(`appservice ${change.type}`, { appservice_id: change.appservice.id });
      for (const listener of this.#listeners) {
        try {
          await listener(change);
        } catch (err) {
          this.#deps.log.error('appservice change listener failed', { err, appservice_id: change.appservice.id });
        }
      }
    }
  }

  #reportErrors(previous: Map<string, RegistryEntry>, entries: RegistryEntry[]): void {
    for (const e of entries) {
      if (e.error !== null && previous.get(e.key)?.error !== e.error) {
        this.#deps.log.warn('appservice registration refused', { appservice_id: e.id, error: e.error });
      }
    }
  }

  #updateOverlaps(): void {
    const overlaps = findExclusiveOverlaps(this.active().map((r) => ({ id: r.id, namespaces: r.namespaces })));
    const known = new Set(this.#overlaps.map(overlapKey));
    for (const o of overlaps) {
      if (!known.has(overlapKey(o))) {
        this.#deps.log.warn('overlapping exclusive appservice namespaces', {
          kind: o.kind,
          appservices: o.appservices,
          regexes: o.regexes,
        });
      }
    }
    this.#overlaps = overlaps;
  }
}

function collision(reg: Registration, ids: Map<string, Candidate>, tokens: Map<string, string>): string | null {
  const holder = ids.get(reg.id);
  if (holder) return `id ${JSON.stringify(reg.id)} is already used by ${describeSource(holder.source)}`;
  const as = tokens.get(reg.asToken);
  if (as) return `as_token is already used (${as})`;
  const hs = tokens.get(reg.hsToken);
  if (hs) return `hs_token is already used (${hs})`;
  return null;
}

export function describeSource(source: AppserviceSource): string {
  return source.kind === 'file' ? source.path : 'the admin API (stored in the database)';
}

function sameRegistration(a: Registration, b: Registration): boolean {
  return JSON.stringify(a.raw) === JSON.stringify(b.raw);
}

const overlapKey = (o: ExclusiveOverlap) => `${o.kind}|${o.appservices.join('|')}|${o.regexes.join('|')}`;
