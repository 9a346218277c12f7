-- Receipts (client-server-api "Receipts"): one row per (room, user, receipt type, thread), the
-- spec's "single event_id" per tuple; thread_id '' is the unthreaded receipt. event_position is
-- the event's place in the room (RoomMembershipCheck.eventPosition) so receipts never move back.
-- stream_id: gap-free, allocated under an advisory lock by the writing transaction.
CREATE TABLE receipts (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  thread_id TEXT NOT NULL DEFAULT '',
  event_id TEXT NOT NULL,
  event_position BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  stream_id BIGINT NOT NULL UNIQUE,
  PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);
CREATE INDEX receipts_room_stream ON receipts (room_id, stream_id);
