-- Reports of events and rooms by users (client-server-api "Reporting content"), kept for the
-- server's admins. event_id is NULL for a report of a whole room (v1.13).
CREATE TABLE reports (
  id          BIGSERIAL PRIMARY KEY,
  room_id     TEXT NOT NULL,
  event_id    TEXT,
  reporter    TEXT NOT NULL,
  reason      TEXT,
  score       INTEGER,
  created_ts  BIGINT NOT NULL
);
CREATE INDEX reports_room ON reports (room_id, created_ts);

-- Thread roots by latest activity (/threads) and public rooms (/publicRooms).
CREATE INDEX event_relations_room_type ON event_relations (room_id, rel_type, stream_ordering);
CREATE INDEX rooms_public ON rooms (room_id) WHERE is_public;
