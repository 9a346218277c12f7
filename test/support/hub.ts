// Starts Switchyard for a test, on a database of its own: a fresh PGlite data dir on the
// embedded default, or a fresh PostgreSQL database when DATABASE_URL is set (and REDIS_URL then
// gives the queue). `inProcess` is quick; `spawnHub` runs the real CLI in a child process, for
// restarts and SIGKILL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../core/config/load.ts';
import type { Config } from '../../core/config/schema.ts';
import { startHub, type Hub } from '../../core/main.ts';
import { freshPostgresDatabase } from './database.ts';

const TEST_CONFIG = fileURLToPath(new URL('../fixtures/homeserver.test.yaml', import.meta.url));

export interface TestHubOptions {
  env?: Record<string, string>;
  serverName?: string;
}

export interface TestEnv {
  env: Record<string, string>;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A data dir and a database for one hub; reused across restarts of that hub. */
export async function testEnv(opts: TestHubOptions = {}): Promise<TestEnv> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-test-'));
  const database = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : null;
  const env: Record<string, string> = {
    SERVER_NAME: opts.serverName ?? 'test.local',
    LISTEN_HOST: '127.0.0.1',
    LISTEN_PORT: '0',
    DATA_DIR: dataDir,
    REGISTRATION_MODE: 'open',
    LOG_LEVEL: 'warn',
    SWITCHYARD_CONFIG: TEST_CONFIG,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...opts.env,
  };
  return {
    env,
    dataDir,
    async cleanup() {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestHub {
  url: string;
  config: Config;
  stop(): Promise<void>;
}

export async function startTestHub(te: TestEnv): Promise<TestHub> {
  const config = loadConfig({ env: te.env, path: te.env.SWITCHYARD_CONFIG });
  const hub: Hub = await startHub(config);
  return { url: hub.url, config, stop: () => hub.close() };
}

export interface HubProcess {
  url: string;
  child: ChildProcess;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `switchyard start` as a child process; resolves once it logs that it is listening. */
export async function spawnHub(te: TestEnv, extraEnv: Record<string, string> = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, ['core/cli.js', 'start'], {
    env: { ...process.env, ...te.env, LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const j = JSON.parse(line) as { msg?: string; url?: string };
        if (j.msg === 'listening' && j.url) resolve(j.url);
      } catch {
        /* not a log line */
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code} before listening:\n${stderr}`)));
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited;
    },
  };
}
