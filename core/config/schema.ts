// The typed configuration and its defaults. core/config/load.ts fills it from the YAML file and
// the environment; nothing else in Switchyard reads process.env.

export type RegistrationMode = 'open' | 'token' | 'disabled';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed in a burst above the sustained rate. */
  burst: number;
}

export interface Config {
  serverName: string;
  /** The URL clients reach the server at; advertised in .well-known. */
  publicBaseurl: string;
  listen: { host: string; port: number };
  dataDir: string;
  database: {
    /** PostgreSQL URL; null = the embedded PGlite database in dataDir. */
    url: string | null;
    poolMax: number;
  };
  /** Redis URL; null = the embedded PostgreSQL-backed queue. */
  redisUrl: string | null;
  registration: {
    mode: RegistrationMode;
    /** Synapse-compatible shared secret for /_synapse/admin/v1/register; null = disabled. */
    sharedSecret: string | null;
    /** Localparts nobody may register (besides those appservices claim exclusively). */
    reservedLocalparts: string[];
    minPasswordLength: number;
  };
  auth: {
    /** Access token lifetime when the client asked for a refresh token; null = never expires. */
    accessTokenLifetimeMs: number;
    refreshTokenLifetimeMs: number | null;
    /** How long a user-interactive auth session lives. */
    uiaSessionLifetimeMs: number;
  };
  /** Users who may call the admin API. */
  admins: string[];
  limits: { maxBodyBytes: number };
  rateLimits: { login: RateLimit; register: RateLimit; message: RateLimit; default: RateLimit };
  metrics: { enabled: boolean; path: string };
  wellKnown: { client: Record<string, unknown> | null; server: string | null };
  appservicesDir: string;
  /** Bridge plugins (appservices/bridge-host): the folder of bridge configs and how they run. */
  bridges: {
    /** Bridge config files, one `*.yaml` per instance; `switchyard bridge add` writes here. */
    dir: string;
    /** true: `switchyard start` runs every bridge config in `dir` inside the hub process. */
    inProcess: boolean;
    /** Bridges' own state, one folder per instance; empty = <dataDir>/bridges. */
    dataDir: string;
  };
  /** Outbound user, alias and third-party queries to appservices (never the delivery path). */
  appserviceQueries: { timeoutMs: number; concurrency: number };
  rooms: { defaultVersion: string };
  presence: { enabled: boolean };
  /** Transaction delivery to appservices (appservices/delivery). */
  appservices: { requestTimeoutMs: number; retryBaseMs: number; retryMaxMs: number };
  logLevel: LogLevel;
  /** Where the server's ed25519 signing key lives; generated on first start. */
  signingKeyPath: string;
}

export const DEFAULTS: Config = {
  serverName: 'localhost',
  publicBaseurl: 'http://127.0.0.1:8008',
  listen: { host: '127.0.0.1', port: 8008 },
  dataDir: './data',
  database: { url: null, poolMax: 10 },
  redisUrl: null,
  registration: { mode: 'disabled', sharedSecret: null, reservedLocalparts: [], minPasswordLength: 8 },
  auth: { accessTokenLifetimeMs: 5 * 60_000, refreshTokenLifetimeMs: null, uiaSessionLifetimeMs: 15 * 60_000 },
  admins: [],
  limits: { maxBodyBytes: 1024 * 1024 },
  rateLimits: {
    login: { perSecond: 0.5, burst: 5 },
    register: { perSecond: 0.2, burst: 5 },
    message: { perSecond: 10, burst: 50 },
    default: { perSecond: 50, burst: 200 },
  },
  metrics: { enabled: true, path: '/metrics' },
  wellKnown: { client: null, server: null },
  appservicesDir: 'config/appservices',
  bridges: { dir: 'config/bridges', inProcess: false, dataDir: '' },
  appserviceQueries: { timeoutMs: 5_000, concurrency: 16 },
  rooms: { defaultVersion: '12' },
  presence: { enabled: true },
  appservices: { requestTimeoutMs: 30_000, retryBaseMs: 1_000, retryMaxMs: 5 * 60_000 },
  logLevel: 'info',
  signingKeyPath: '',
};
