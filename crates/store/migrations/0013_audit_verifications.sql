-- `audit verify` in bounded memory and incrementally (issue 14).
--
-- Every run that found nothing wrong writes down the chain's head it checked: the next
-- plain run checks that this entry still holds the same hash, then only the entries after
-- it and the records they touched. `audit verify --full` checks everything again.
CREATE TABLE audit_verifications (
    id @ID@,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    mode TEXT NOT NULL
);

-- A record's entries in the order of its numeric id, so verification walks the log and
-- each audited table side by side (a merge) instead of holding a digest per record. Only
-- entries about one record are indexed: their entity id is always the record's integer
-- id, whereas events (both snapshots empty) may name anything.
CREATE INDEX audit_log_records ON audit_log(entity, (CAST(entity_id AS BIGINT)), seq)
    WHERE first_id IS NULL AND (before_json IS NOT NULL OR after_json IS NOT NULL);
