-- Appservice transaction delivery (appservices/delivery/delivery.ts has the contract).
-- Cursors and queued transactions are keyed by appservice id and are never dropped when the
-- registration goes away: only an operator's "drop queue" removes them.

-- One durable position per appservice per stream ('events', 'receipts', 'presence').
CREATE TABLE appservice_cursors (
  as_id     TEXT NOT NULL,
  stream    TEXT NOT NULL,
  position  BIGINT NOT NULL,
  PRIMARY KEY (as_id, stream)
);

-- Transactions built and not yet acknowledged (a 2xx deletes the row). body is the exact JSON
-- sent on every attempt; txn_id is per appservice, increasing, never reused.
CREATE TABLE appservice_txns (
  as_id        TEXT NOT NULL,
  txn_id       BIGINT NOT NULL,
  body         TEXT NOT NULL,
  events       INTEGER NOT NULL,
  ephemeral    INTEGER NOT NULL,
  to_device    INTEGER NOT NULL,
  -- Stream position of the newest event in the transaction (for the lag metric).
  last_stream  BIGINT NOT NULL,
  created_ts   BIGINT NOT NULL,
  PRIMARY KEY (as_id, txn_id)
);

-- Per appservice: the next txn id and the last failure (admin API), kept across restarts.
CREATE TABLE appservice_delivery (
  as_id          TEXT PRIMARY KEY,
  next_txn_id    BIGINT NOT NULL DEFAULT 1,
  failures       INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT,
  last_error_ts  BIGINT,
  next_retry_ts  BIGINT,
  -- Set by "force retry" or a successful ping on any hub process; the sender polls it.
  retry_now      BOOLEAN NOT NULL DEFAULT FALSE
);
