-- An event's transaction id (for unsigned.transaction_id) is kept on its events row, so event
-- reads need no join and a send no longer maintains event_txn_ids' event_id index: one index
-- write less per send (issue #4). event_txn_ids keeps its primary key for the idempotency
-- lookup by (user, device or token, txnId).
ALTER TABLE events ADD COLUMN txn_scope TEXT, ADD COLUMN txn_id TEXT;
UPDATE events e SET txn_scope = t.scope, txn_id = t.txn_id FROM event_txn_ids t WHERE t.event_id = e.event_id;
DROP INDEX event_txn_ids_event;
