-- The embedded job queue (core/queue/embedded-queue.ts).
CREATE TABLE queue_jobs (
  seq          BIGSERIAL PRIMARY KEY,            -- enqueue order: FIFO within an order key
  queue        TEXT NOT NULL,
  job_id       TEXT NOT NULL,                    -- caller's id (dedup) or a random one
  name         TEXT NOT NULL,
  data         JSONB NOT NULL,
  order_key    TEXT,                             -- jobs sharing it run one at a time, in seq order
  status       TEXT NOT NULL DEFAULT 'waiting'
               CHECK (status IN ('waiting', 'active', 'completed', 'failed')),
  run_at       TIMESTAMPTZ NOT NULL,             -- not before (delay, retry backoff)
  attempts_made INT NOT NULL DEFAULT 0,          -- attempts started
  stalls       INT NOT NULL DEFAULT 0,           -- runs lost to a crash (lease expiry)
  max_attempts INT NOT NULL,
  backoff_base_ms INT NOT NULL,
  backoff_max_ms  INT NOT NULL,
  lease_until  TIMESTAMPTZ,                      -- an active job whose lease passed is retried
  lease_token  TEXT,                             -- only the current holder may finish the job
  last_error   TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at  TIMESTAMPTZ,
  UNIQUE (queue, job_id)
);
-- Claiming: the runnable jobs of a queue.
CREATE INDEX queue_jobs_runnable ON queue_jobs (queue, run_at, seq) WHERE status IN ('waiting', 'active');
-- The predecessor check of ordered jobs.
CREATE INDEX queue_jobs_order ON queue_jobs (queue, order_key, seq) WHERE order_key IS NOT NULL AND status IN ('waiting', 'active');
-- Purging finished jobs after their retention.
CREATE INDEX queue_jobs_finished ON queue_jobs (finished_at) WHERE finished_at IS NOT NULL;
