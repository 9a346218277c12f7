-- The multi-writer persist path in one statement (store-persist.ts): the batch's insert
-- statement calls rooms_claim() first, so a send costs one round trip plus its commit instead of
-- BEGIN, lock, check, insert and COMMIT as separate round trips.
--
-- rooms_claim takes the rooms' input locks (advisory, held to the end of the transaction, taken
-- in key order so overlapping batches cannot deadlock), compares each room's forward extremities
-- with those its write was built on, and only then allocates the batch's stream positions from
-- the row-locked counter, so positions commit in order and without gaps. A plpgsql function in
-- READ COMMITTED runs each of its statements on a fresh snapshot, so the check, taken after the
-- lock, sees every commit to those rooms. It also looks up the batch's transaction ids (client-
-- server-api "Transaction identifiers"), so a send needs no separate lookup round trip: under
-- the room's lock no other process can add one for that room meanwhile.
-- Returns base, the position before the batch's first event; or, when a room is stale or a txn
-- id is taken, base NULL with the stale rooms and the taken txn ids (1-based index into p_txn_*,
-- and the event each names), having taken no position: every part of the statement is gated on
-- base, so nothing is written (a no-op rather than an error, because a failed first run of a
-- named prepared statement confuses `pg`).
CREATE FUNCTION rooms_claim(p_rooms text[], p_fx_room text[], p_fx_event text[], p_total bigint,
  p_txn_user text[], p_txn_scope text[], p_txn_id text[],
  OUT base bigint, OUT stale text[], OUT taken int[], OUT taken_event text[])
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(21071, k) FROM (SELECT DISTINCT hashtext(r) AS k FROM unnest(p_rooms) r ORDER BY 1) s;
  SELECT array_agg(r) INTO stale FROM unnest(p_rooms) r
   WHERE ARRAY(SELECT f.event_id FROM forward_extremities f WHERE f.room_id = r ORDER BY 1)
         IS DISTINCT FROM ARRAY(SELECT x.e FROM unnest(p_fx_room, p_fx_event) x(rr, e) WHERE x.rr = r ORDER BY 1);
  SELECT array_agg(q.i::int), array_agg(t.event_id) INTO taken, taken_event
    FROM unnest(p_txn_user, p_txn_scope, p_txn_id) WITH ORDINALITY q(u, s, x, i)
    JOIN event_txn_ids t ON t.user_id = q.u AND t.scope = q.s AND t.txn_id = q.x;
  IF stale IS NOT NULL OR taken IS NOT NULL THEN
    RETURN;
  END IF;
  UPDATE rooms_stream SET position = position + p_total WHERE id = 1 RETURNING position - p_total INTO base;
END $$;

-- Positions of a claimed batch travel as negative offsets (-k is the batch's k-th position);
-- state group ids from earlier batches are positive and pass through.
CREATE FUNCTION rooms_abs(a bigint[], base bigint) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY(SELECT CASE WHEN x < 0 THEN base - x ELSE x END FROM unnest(a) WITH ORDINALITY u(x, i) ORDER BY i)
$$;
