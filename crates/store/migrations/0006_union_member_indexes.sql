-- For a registry of a million members (measured in bench/RESULTS.md): current members
-- per union are counted from the index alone (left_on in it) instead of reading every
-- member's row; join-date queries go union by union through the same index.
DROP INDEX members_union;
CREATE INDEX members_union ON members(union_id, joined_on, left_on);
