-- The member app's first activation: a one-time code sent to the mobile on record, kept
-- only as a digest, valid for minutes and for a few attempts.
CREATE TABLE member_activations (
    id @ID@,
    resident_id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX member_activations_resident ON member_activations(resident_id, id);

-- Duplicate registrations merged into one member: the merged record as it was, so that
-- both histories survive (its transfers move to the member kept).
CREATE TABLE member_merges (
    id @ID@,
    kept_member_id BIGINT NOT NULL REFERENCES members(id),
    merged_member_id BIGINT NOT NULL,
    merged_resident_id TEXT NOT NULL,
    merged_name TEXT NOT NULL,
    merged_mobile TEXT,
    merged_union_id BIGINT NOT NULL REFERENCES unions(id),
    merged_joined_on TEXT NOT NULL,
    merged_left_on TEXT,
    merged_migrant_worker BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    merged_at TEXT NOT NULL
);
CREATE INDEX member_merges_kept ON member_merges(kept_member_id);
-- Suspected duplicates share a mobile and a name: found through this index.
CREATE INDEX members_mobile_name ON members(mobile, name);
