-- Long work started from the web as background jobs (issue 14): imports, exports and
-- `audit verify`. A row is the job's state and its outcome; while it runs its counters
-- live in the server's memory (an atomic import holds SQLite's write lock to its end, so
-- they could not be written here), and they are written with the outcome.
--
-- Not audited, like `audit_verifications` and the sessions: a job is the server's own
-- bookkeeping, not a record of the offices, and what it changes (an import's records) is
-- audited by the work itself. The row is deleted with its result file a week after the
-- job ended (`expires_at`).
CREATE TABLE jobs (
    id @ID@,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    owner TEXT NOT NULL,
    state TEXT NOT NULL,
    rows_read BIGINT NOT NULL DEFAULT 0,
    rows_written BIGINT NOT NULL DEFAULT 0,
    rows_total BIGINT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    summary_json TEXT,
    result_file TEXT,
    expires_at TEXT
);

CREATE INDEX jobs_owner ON jobs(owner, id);
CREATE INDEX jobs_state ON jobs(state);
