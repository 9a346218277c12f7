// Loads the configuration: built-in defaults, then the YAML file (snake_case keys, as Synapse
// operators expect), then environment variables. Every key is checked against the defaults'
// shape, so an unknown key or a wrong type stops start-up with a message naming the key. This is
// the only module that reads process.env.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { DEFAULTS, type Config } from './schema.ts';
import { validateConfig } from './validate.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_CONFIG_PATH = 'config/homeserver.yaml';

export interface LoadOptions {
  /** From --config. */
  path?: string;
  env?: NodeJS.ProcessEnv;
}

/** Environment overrides (issue #2): these names are relied on by tests and deployments. */
const ENV_KEYS: Record<string, (c: Config, v: string) => void> = {
  SERVER_NAME: (c, v) => (c.serverName = v),
  LISTEN_HOST: (c, v) => (c.listen.host = v),
  LISTEN_PORT: (c, v) => (c.listen.port = Number(v)),
  PUBLIC_BASEURL: (c, v) => (c.publicBaseurl = v),
  DATA_DIR: (c, v) => (c.dataDir = v),
  DATABASE_URL: (c, v) => (c.database.url = v),
  REDIS_URL: (c, v) => (c.redisUrl = v),
  REGISTRATION_SHARED_SECRET: (c, v) => (c.registration.sharedSecret = v),
  REGISTRATION_MODE: (c, v) => (c.registration.mode = v as Config['registration']['mode']),
  APPSERVICES_DIR: (c, v) => (c.appservicesDir = v),
  BRIDGES_DIR: (c, v) => (c.bridges.dir = v),
  LOG_LEVEL: (c, v) => (c.logLevel = v as Config['logLevel']),
};

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const path = opts.path ?? env.SWITCHYARD_CONFIG ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : null);
  const config = structuredClone(DEFAULTS);
  let publicBaseurlSet = false;
  if (path) {
    let doc: unknown;
    try {
      doc = load(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${path}: ${(e as Error).message}`);
    }
    if (doc !== null && doc !== undefined) {
      const problems = validateConfig(doc, config);
      if (problems.length > 0) throw new ConfigError(`${path}: ${problems.join('; ')}`);
      publicBaseurlSet = typeof (doc as Record<string, unknown>).public_baseurl === 'string';
    }
  }
  for (const [name, apply] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v !== undefined && v !== '') apply(config, v);
  }
  publicBaseurlSet ||= Boolean(env.PUBLIC_BASEURL);
  if (!publicBaseurlSet) config.publicBaseurl = `http://${config.listen.host}:${config.listen.port}`;
  const problems = checkValues(config);
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  config.dataDir = resolve(config.dataDir);
  if (!config.bridges.dataDir) config.bridges.dataDir = resolve(config.dataDir, 'bridges');
  if (!config.signingKeyPath) config.signingKeyPath = resolve(config.dataDir, 'signing.key');
  return config;
}

/** Checks that hold whatever the source of a value (file or environment). */
function checkValues(c: Config): string[] {
  const p: string[] = [];
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(c.serverName)) p.push(`server_name: not a valid server name: ${c.serverName}`);
  if (!Number.isInteger(c.listen.port) || c.listen.port < 0 || c.listen.port > 65535)
    p.push(`listen.port: must be an integer 0–65535`);
  if (!['open', 'token', 'disabled'].includes(c.registration.mode))
    p.push(`registration.mode: must be one of open, token, disabled`);
  if (!['debug', 'info', 'warn', 'error'].includes(c.logLevel)) p.push(`log_level: must be one of debug, info, warn, error`);
  if (!/^https?:\/\/[^/]+/.test(c.publicBaseurl)) p.push(`public_baseurl: must be an http(s) URL`);
  for (const [k, u] of [['database.url', c.database.url], ['redis_url', c.redisUrl]] as const) {
    if (u !== null && !URL.canParse(u)) p.push(`${k}: not a URL`);
  }
  return p;
}
