-- Appservice room lists (client-server-api "Room directory": PUT
-- /directory/list/appservice/{networkId}/{roomId}): rooms an appservice publishes in the
-- directory of one of its third-party networks. Numbered 003: 002 is delivery's.

CREATE TABLE appservice_room_lists (
  appservice_id  TEXT NOT NULL,
  network_id     TEXT NOT NULL,
  room_id        TEXT NOT NULL,
  updated_ts     BIGINT NOT NULL,
  PRIMARY KEY (appservice_id, network_id, room_id)
);
CREATE INDEX appservice_room_lists_room ON appservice_room_lists (room_id);
