-- Logins waiting for their audit entries (store::platform::sessions): written without
-- touching the hash-chained log, whose head a long import holds until it commits, and
-- moved into the log as soon as it is free. On SQLite files the same table lives in the
-- session store beside the database; this one serves PostgreSQL and in-memory SQLite.
CREATE TABLE pending_events (
    id @ID@,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL
);
