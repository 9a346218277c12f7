-- event_edges and event_auth repeated each event's prev_events and auth_events, which the signed
-- JSON in events.json already holds, and nothing read them: they were 5 of the ~17 table and
-- index writes of every message, the bulk of a send's cost on the embedded database (issue #4).
-- A DAG walk (federation backfill, get_missing_events) reads the ids from the JSON of the events
-- it fetches by event_id; an index for walking to children can come back with its first reader.
DROP TABLE event_edges;
DROP TABLE event_auth;
