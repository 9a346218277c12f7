-- Account data (client-server-api "Client Config"), global (room_id = '') and per room. One row
-- per (user, room, type); stream_id is the row's last write on the account_data stream: gap-free,
-- allocated under an advisory lock by the writing transaction so ids commit in order.
CREATE TABLE account_data (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  content JSONB NOT NULL,
  stream_id BIGINT NOT NULL UNIQUE,
  PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_user_stream ON account_data (user_id, stream_id);
