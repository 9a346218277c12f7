-- Appservice registrations posted through the admin API (folder ones live in APPSERVICES_DIR),
-- and operator state kept for every appservice whatever its source. Timestamps are milliseconds.

CREATE TABLE appservice_registrations (
  id            TEXT PRIMARY KEY,
  -- The registration as posted (Synapse's format, as JSON). Holds the tokens: the hs_token must
  -- be sent as is, and the file-based registrations hold them in clear too.
  registration  JSONB NOT NULL,
  created_ts    BIGINT NOT NULL
);

-- Keyed by appservice id, not by source, so pausing survives moving a registration between the
-- folder and the database; a row for an id that is not loaded is harmless and kept.
CREATE TABLE appservice_state (
  id          TEXT PRIMARY KEY,
  paused      BOOLEAN NOT NULL DEFAULT FALSE,
  updated_ts  BIGINT NOT NULL
);
