// One line of documentation per option, in YAML key form. The example config
// (config/homeserver.example.yaml) is generated from this and the defaults, and a test keeps the
// committed file in step with the code.
export const OPTION_DOCS: Record<string, string> = {
  server_name: 'The domain in user ids (@alice:server_name). Cannot change once users exist. Env: SERVER_NAME.',
  public_baseurl: 'The URL clients use to reach this server. Defaults to http://<listen.host>:<listen.port>. Env: PUBLIC_BASEURL.',
  listen: 'Where the HTTP listener binds. Env: LISTEN_HOST, LISTEN_PORT (0 picks a free port).',
  data_dir: 'Where the embedded database, the signing key and generated secrets live. Env: DATA_DIR.',
  database: 'PostgreSQL. url: null runs the embedded PGlite database in data_dir. Env: DATABASE_URL.',
  redis_url: 'Redis for job queues and notifications between hub processes; null uses the embedded PostgreSQL queue. Env: REDIS_URL.',
  registration: 'mode: open | token | disabled. shared_secret enables Synapse-style admin registration (switchyard register-user); when null one is generated in data_dir. Env: REGISTRATION_MODE, REGISTRATION_SHARED_SECRET.',
  auth: 'Token lifetimes in milliseconds. Access tokens of clients that asked for a refresh token expire after access_token_lifetime_ms.',
  admins: 'User ids allowed to call the admin APIs.',
  limits: 'max_body_bytes: the largest request body accepted (413 M_TOO_LARGE above it).',
  rate_limits: 'Token buckets per client: per_second sustained, burst above it.',
  metrics: 'Prometheus metrics at this path on the main listener.',
  well_known: 'client: extra keys for /.well-known/matrix/client. server: host:port for /.well-known/matrix/server delegation.',
  appservices_dir: 'Folder of appservice registration YAML files (Synapse format), reloaded without a restart. Env: APPSERVICES_DIR.',
  bridges: 'Bridge plugins. dir: one config YAML per bridge instance (switchyard bridge add writes there; env BRIDGES_DIR). in_process: true runs every bridge config in dir inside the hub (switchyard start), reloaded without a restart; false = run each with switchyard bridge run --config FILE. data_dir: the bridges\' own state; empty = <data_dir>/bridges.',
  appservice_queries: 'User, alias and third-party lookups the hub makes to appservices while a client waits: timeout_ms per request (then the client gets M_NOT_FOUND), concurrency across all appservices. Separate from transaction delivery.',
  rooms: 'default_version: the room version of new rooms.',
  presence: 'enabled: false stops tracking and sharing online status (PUT presence is accepted, everyone reads as offline).',
  appservices: 'Delivery to appservices. request_timeout_ms: how long one transaction or ping may take before it is retried (a timeout alone does not mark an appservice down). retry_base_ms / retry_max_ms: capped exponential backoff with jitter between retries.',
  log_level: 'debug | info | warn | error. Env: LOG_LEVEL.',
  signing_key_path: 'The ed25519 signing key file (Synapse format); generated on first start. Empty = <data_dir>/signing.key.',
};
