-- Rooms: events (exact signed PDU text + indexed columns), the DAG edges, forward extremities,
-- state as delta-chained state groups, current state, membership history, transaction ids,
-- relations, redactions, aliases. Timestamps are milliseconds since the epoch.

-- The one global event stream. Persisters take `position` with UPDATE ... RETURNING inside the
-- batch transaction: the row lock orders the commits, so positions become visible in order and
-- without gaps (a reader never sees N+1 before N).
CREATE TABLE rooms_stream (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  position  BIGINT NOT NULL
);
INSERT INTO rooms_stream (id, position) VALUES (1, 0);

CREATE TABLE rooms (
  room_id       TEXT PRIMARY KEY,
  room_version  TEXT NOT NULL,
  creator       TEXT NOT NULL,
  -- Published in the room directory (createRoom visibility, /directory/list/room).
  is_public     BOOLEAN NOT NULL DEFAULT FALSE,
  created_ts    BIGINT NOT NULL
);

-- One row per persisted event. `json` is the PDU exactly as signed (never JSONB: the hashes and
-- signatures must stay verifiable). Topological order is (depth, stream_ordering).
CREATE TABLE events (
  stream_ordering     BIGINT PRIMARY KEY,
  event_id            TEXT NOT NULL UNIQUE,
  room_id             TEXT NOT NULL,
  type                TEXT NOT NULL,
  state_key           TEXT,
  sender              TEXT NOT NULL,
  depth               BIGINT NOT NULL,
  origin_server_ts    BIGINT NOT NULL,
  json                TEXT NOT NULL,
  -- The state event this one replaced (for unsigned.prev_content), if any.
  replaces_state      TEXT,
  -- State groups before and after the event (equal for non-state events).
  state_group_before  BIGINT,
  state_group_after   BIGINT,
  -- The redaction event applied to this one (the original JSON is kept).
  redacted_by         TEXT
);
CREATE INDEX events_room_stream ON events (room_id, stream_ordering);
CREATE INDEX events_room_topo ON events (room_id, depth, stream_ordering);

CREATE TABLE event_edges (
  event_id       TEXT NOT NULL,
  prev_event_id  TEXT NOT NULL,
  PRIMARY KEY (event_id, prev_event_id)
);
CREATE INDEX event_edges_prev ON event_edges (prev_event_id);

CREATE TABLE event_auth (
  event_id  TEXT NOT NULL,
  auth_id   TEXT NOT NULL,
  PRIMARY KEY (event_id, auth_id)
);

CREATE TABLE forward_extremities (
  room_id   TEXT NOT NULL,
  event_id  TEXT NOT NULL,
  PRIMARY KEY (room_id, event_id)
);

-- State groups: a group is its prev_group plus its own entries (a delta), or a full snapshot
-- (prev_group NULL). An entry with event_id NULL removes the key (resolved state may drop keys).
CREATE TABLE state_groups (
  id            BIGINT PRIMARY KEY,
  room_id       TEXT NOT NULL,
  prev_group    BIGINT,
  -- Deltas since the last snapshot: bounds the chain walk.
  chain_length  INTEGER NOT NULL
);
CREATE SEQUENCE state_groups_id_seq;

CREATE TABLE state_group_entries (
  group_id   BIGINT NOT NULL,
  type       TEXT NOT NULL,
  state_key  TEXT NOT NULL,
  event_id   TEXT,
  PRIMARY KEY (group_id, type, state_key)
);

CREATE TABLE current_state (
  room_id          TEXT NOT NULL,
  type             TEXT NOT NULL,
  state_key        TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  stream_ordering  BIGINT NOT NULL,
  -- content.membership of m.room.member events, for membership lookups without the JSON.
  membership       TEXT,
  PRIMARY KEY (room_id, type, state_key)
);
CREATE INDEX current_state_members ON current_state (state_key, membership) WHERE type = 'm.room.member';

-- Every membership change, in stream order: rooms per user, changes between positions, forget.
CREATE TABLE room_memberships (
  stream_ordering  BIGINT PRIMARY KEY,
  event_id         TEXT NOT NULL,
  room_id          TEXT NOT NULL,
  user_id          TEXT NOT NULL,
  sender           TEXT NOT NULL,
  membership       TEXT NOT NULL,
  forgotten        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX room_memberships_user ON room_memberships (user_id, stream_ordering);
CREATE INDEX room_memberships_room ON room_memberships (room_id, stream_ordering);

-- Idempotent sends: (user, device or access token, txnId) → event. scope is `d:<device_id>`
-- or `t:<token id>` (spec: "the same transaction ID ... from the same device").
CREATE TABLE event_txn_ids (
  user_id     TEXT NOT NULL,
  scope       TEXT NOT NULL,
  txn_id      TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  created_ts  BIGINT NOT NULL,
  PRIMARY KEY (user_id, scope, txn_id)
);
CREATE INDEX event_txn_ids_event ON event_txn_ids (event_id);

-- content.m.relates_to of every event with one; `aggregation_key` for m.annotation.
CREATE TABLE event_relations (
  event_id          TEXT PRIMARY KEY,
  relates_to        TEXT NOT NULL,
  rel_type          TEXT NOT NULL,
  aggregation_key   TEXT,
  room_id           TEXT NOT NULL,
  type              TEXT NOT NULL,
  sender            TEXT NOT NULL,
  stream_ordering   BIGINT NOT NULL
);
CREATE INDEX event_relations_target ON event_relations (relates_to, rel_type, stream_ordering);

-- Redactions by target, so one that arrives before its target (federation) is applied later.
CREATE TABLE redactions (
  event_id  TEXT PRIMARY KEY,
  redacts   TEXT NOT NULL,
  room_id   TEXT NOT NULL
);
CREATE INDEX redactions_target ON redactions (redacts);

CREATE TABLE room_aliases (
  alias       TEXT PRIMARY KEY,
  room_id     TEXT NOT NULL,
  creator     TEXT NOT NULL,
  created_ts  BIGINT NOT NULL
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);
