-- Batch entries: one audit entry for the records one bulk write created together (an
-- import batch), listing every record in full. first_id/last_id bound the ids it covers
-- so a record's history finds its batch; `audit verify` checks them against the rows.
ALTER TABLE audit_log ADD COLUMN first_id BIGINT;
ALTER TABLE audit_log ADD COLUMN last_id BIGINT;
CREATE INDEX audit_log_batches ON audit_log(entity, last_id, first_id) WHERE last_id IS NOT NULL;
