-- Send-to-Device messaging (client-server-api "Send-to-Device messaging"). One row per target
-- device; the row is deleted once that device acknowledges it (a later /sync with a since token
-- whose to-device position is at or after stream_id). stream_id: one gap-free stream over all
-- devices, allocated under an advisory lock by the writing transaction, so ids commit in order
-- and each device sees its own messages in increasing order.
CREATE TABLE to_device_messages (
  stream_id BIGINT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  type TEXT NOT NULL,
  content JSONB NOT NULL
);
CREATE INDEX to_device_messages_target ON to_device_messages (user_id, device_id, stream_id);

-- Transaction ids already seen per sending device (idempotent retries of PUT /sendToDevice).
CREATE TABLE to_device_txns (
  sender TEXT NOT NULL,
  scope TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  created_ts BIGINT NOT NULL,
  PRIMARY KEY (sender, scope, txn_id)
);

-- The highest stream id ever allocated, kept when the rows are deleted so ids never repeat.
CREATE TABLE to_device_stream (
  id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
  position BIGINT NOT NULL
);
INSERT INTO to_device_stream (position) VALUES (0);
