-- Accounts, devices, tokens, profiles, user-interactive auth sessions, registration tokens and
-- shared-secret registration nonces. Timestamps are milliseconds since the epoch (BIGINT).
-- Tokens are never stored: only the sha256 of each, looked up by that hash.

CREATE TABLE users (
  user_id        TEXT PRIMARY KEY,
  localpart      TEXT NOT NULL UNIQUE,
  -- NULL: no password login (deactivated, or created by an appservice).
  password_hash  TEXT,
  created_ts     BIGINT NOT NULL,
  deactivated    BOOLEAN NOT NULL DEFAULT FALSE,
  is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
  is_guest       BOOLEAN NOT NULL DEFAULT FALSE,
  -- The appservice that registered the user, once appservices exist.
  appservice_id  TEXT
);

CREATE TABLE devices (
  user_id               TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  device_id             TEXT NOT NULL,
  display_name          TEXT,
  created_ts            BIGINT NOT NULL,
  last_seen_ts          BIGINT,
  last_seen_ip          TEXT,
  last_seen_user_agent  TEXT,
  PRIMARY KEY (user_id, device_id)
);

-- Refresh tokens form a chain: using token N creates N+1 (next_id). N stays usable until N+1 or
-- an access token issued with N+1 is used, then N is deleted (client-server-api "Refreshing
-- access tokens"), which also deletes the access token issued with N.
CREATE TABLE refresh_tokens (
  id          BIGSERIAL PRIMARY KEY,
  token_hash  BYTEA NOT NULL UNIQUE,
  user_id     TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  created_ts  BIGINT NOT NULL,
  expires_ts  BIGINT,
  next_id     BIGINT REFERENCES refresh_tokens (id) ON DELETE SET NULL,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_next ON refresh_tokens (next_id);

CREATE TABLE access_tokens (
  id                BIGSERIAL PRIMARY KEY,
  token_hash        BYTEA NOT NULL UNIQUE,
  user_id           TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  device_id         TEXT,
  created_ts        BIGINT NOT NULL,
  -- Set for tokens issued with a refresh token; NULL = never expires.
  valid_until_ts    BIGINT,
  refresh_token_id  BIGINT REFERENCES refresh_tokens (id) ON DELETE CASCADE,
  -- Whether the token has been used once: the first use retires the refresh token it replaced.
  used              BOOLEAN NOT NULL DEFAULT FALSE,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_device ON access_tokens (user_id, device_id);

-- One row per profile field: displayname, avatar_url, m.tz and custom fields (client-server-api
-- "Profiles"), value kept as the JSON the client sent.
CREATE TABLE profile_fields (
  user_id  TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  field    TEXT NOT NULL,
  value    JSONB NOT NULL,
  PRIMARY KEY (user_id, field)
);

CREATE TABLE uia_sessions (
  session_id     TEXT PRIMARY KEY,
  -- The operation the session authorises (register, change_password, ...); never reusable for another.
  operation      TEXT NOT NULL,
  -- The user it was started by (NULL for registration).
  user_id        TEXT,
  -- A hash of the request parameters that matter to the operation, checked on every step.
  params_hash    TEXT NOT NULL,
  completed      TEXT[] NOT NULL DEFAULT '{}',
  -- Stage results the operation needs later (the registration token in use, the password hash).
  data           JSONB NOT NULL DEFAULT '{}',
  created_ts     BIGINT NOT NULL,
  expires_ts     BIGINT NOT NULL
);
CREATE INDEX uia_sessions_expiry ON uia_sessions (expires_ts);

-- Spec: "Token-authenticated registration"; pending counts sessions holding the token, so
-- uses_allowed caps pending + completed.
CREATE TABLE registration_tokens (
  token         TEXT PRIMARY KEY,
  uses_allowed  INTEGER,
  pending       INTEGER NOT NULL DEFAULT 0,
  completed     INTEGER NOT NULL DEFAULT 0,
  expiry_time   BIGINT
);

CREATE TABLE registration_nonces (
  nonce       TEXT PRIMARY KEY,
  created_ts  BIGINT NOT NULL
);
