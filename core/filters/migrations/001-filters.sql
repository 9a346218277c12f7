-- Stored filters (client-server-api "Filtering"): ids count up per user from 0.
CREATE TABLE user_filters (
  user_id TEXT NOT NULL,
  filter_id BIGINT NOT NULL,
  filter_json JSONB NOT NULL,
  PRIMARY KEY (user_id, filter_id)
);
