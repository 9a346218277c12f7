// One bridge instance in the hub process: its config file, its module and its RunningBridge.
//
// Lifecycle contract:
// - Every transition (apply a new config text, retry, stop) runs on one promise chain per
//   instance, so a bridge is never started twice or stopped while it is starting.
// - apply(text) stops whatever runs, then loads the module and calls start(). Each apply bumps a
//   generation; a retry timer or a start() that finishes after a newer apply or stop() sees the
//   stale generation and stops what it started, so nothing is left running behind the host.
// - A config or module the host cannot use (BridgeLoadError) is "failed" until the file changes
//   (the host re-applies changed text). A start() that rejects is retried with capped
//   exponential backoff (base doubling up to max); the count resets when the config changes.
// - stop() waits for the bridge at most STOP_TIMEOUT_MS (a start() or stop() that never settles
//   must not hold the hub's shutdown); past that it logs and gives up on the instance.
// - Nothing here throws into the hub: every failure becomes the state and error shown in the
//   admin API, and one log line naming the file.
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../../core/observability/log.ts';
import type { BridgeState, BridgeStatus } from '../../core/ports/bridge-admin.ts';
import type { BridgeModule, RunningBridge, StartOptions } from '../../bridges/kit/plugin.ts';
import { BridgeLoadError, parseBridgeHeader, type BridgeFileHeader } from './bridge-module.ts';

export const STOP_TIMEOUT_MS = 10_000;

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export interface InstanceDeps {
  name: string;
  file: string;
  /** Folder for this instance's state. */
  dataDir: string;
  log: Logger;
  backoff: Backoff;
  importModule: (header: BridgeFileHeader, configPath: string) => Promise<BridgeModule>;
  now?: () => number;
}

export class BridgeInstance {
  readonly #deps: InstanceDeps;
  readonly #now: () => number;
  #text: string | null = null;
  #generation = 0;
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #running: RunningBridge | null = null;
  #header: BridgeFileHeader | null = null;
  #state: BridgeState = 'starting';
  #error: string | null = null;
  #startedAt: number | null = null;
  #failures = 0;
  #nextRetryAt: number | null = null;

  constructor(deps: InstanceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** The config text last applied. */
  get text(): string | null {
    return this.#text;
  }

  /** (Re)starts the bridge with this config text. */
  apply(text: string): void {
    this.#text = text;
    const gen = ++this.#generation;
    this.#clearTimer();
    this.#failures = 0;
    this.#error = null;
    this.#state = 'starting';
    this.#enqueue(async () => {
      await this.#stopRunning();
      await this.#launch(gen, text);
    });
  }

  /** Stops the bridge; resolves when it has stopped, or after STOP_TIMEOUT_MS. */
  stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    ++this.#generation;
    this.#clearTimer();
    this.#enqueue(() => this.#stopRunning());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#deps.log.error('bridge did not stop in time; giving up on it', { file: this.#deps.file, timeout_ms: timeoutMs });
        resolve();
      }, timeoutMs);
    });
    return Promise.race([this.#chain, timeout]).finally(() => clearTimeout(timer));
  }

  status(): BridgeStatus {
    return {
      name: this.#deps.name,
      file: this.#deps.file,
      network: this.#header?.network ?? null,
      module: this.#header?.module ?? null,
      state: this.#state,
      url: this.#running?.url ?? null,
      error: this.#error,
      started_at: this.#startedAt,
      failures: this.#failures,
      next_retry_at: this.#nextRetryAt,
    };
  }

  #enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((err: unknown) => this.#deps.log.error('bridge host step failed', { err, file: this.#deps.file }));
  }

  async #launch(gen: number, text: string): Promise<void> {
    if (gen !== this.#generation) return;
    const { file, log } = this.#deps;
    this.#state = 'starting';
    this.#nextRetryAt = null;
    let running: RunningBridge;
    try {
      this.#header = null;
      const header = parseBridgeHeader(text, file);
      this.#header = header;
      const module = await this.#deps.importModule(header, file);
      await mkdir(this.#deps.dataDir, { recursive: true });
      const options: StartOptions = { configPath: file, dataDir: this.#deps.dataDir, log: (level, message, fields) => log[level](message, fields) };
      running = await module.start(options);
    } catch (e) {
      if (gen !== this.#generation) return;
      this.#fail(gen, text, e);
      return;
    }
    if (gen !== this.#generation) {
      // Replaced or stopped while starting: this one must not outlive the request.
      await running.stop();
      return;
    }
    this.#running = running;
    this.#state = 'running';
    this.#startedAt = this.#now();
    log.info('bridge running', { file, network: this.#header?.network, url: running.url });
  }

  #fail(gen: number, text: string, e: unknown): void {
    const { file, log, backoff } = this.#deps;
    const message = e instanceof Error ? e.message : String(e);
    // Bridges are asked to name the file; say which file when one did not.
    this.#error = message.includes(file) ? message : `${file}: ${message}`;
    this.#failures += 1;
    if (e instanceof BridgeLoadError) {
      this.#state = 'failed';
      log.error('bridge cannot be loaded', { file, error: this.#error });
      return;
    }
    const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (this.#failures - 1));
    this.#state = 'retrying';
    this.#nextRetryAt = this.#now() + delay;
    log.error('bridge failed to start', { file, error: this.#error, failures: this.#failures, retry_in_ms: delay });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#enqueue(() => this.#launch(gen, text));
    }, delay);
    this.#timer.unref();
  }

  async #stopRunning(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#running = null;
    this.#startedAt = null;
    try {
      await running.stop();
      this.#deps.log.info('bridge stopped', { file: this.#deps.file });
    } catch (err) {
      this.#deps.log.error('bridge did not stop cleanly', { err, file: this.#deps.file });
    }
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#nextRetryAt = null;
  }
}
