-- Presence (client-server-api "Presence"), one row per user who set it or synced. stream_id is
-- the row's last visible change on the presence stream: gap-free, allocated under an advisory
-- lock by the writing transaction so ids commit in order. last_sync_ts changes silently.
CREATE TABLE presence (
  user_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('online', 'unavailable', 'offline')),
  status_msg TEXT,
  last_active_ts BIGINT NOT NULL,
  last_sync_ts BIGINT NOT NULL,
  currently_active BOOLEAN NOT NULL DEFAULT FALSE,
  stream_id BIGINT NOT NULL UNIQUE
);
CREATE INDEX presence_state ON presence (state) WHERE state <> 'offline';
