-- Members still in per union (issue 14), kept with union_member_counts in the same
-- transaction as every change to a member (store::union::members::counts): the union tree,
-- its API and every page that lists unions read it instead of counting each union's
-- members. Filled here from the records.
CREATE TABLE union_member_totals (
    union_id BIGINT PRIMARY KEY,
    active BIGINT NOT NULL
);

INSERT INTO union_member_totals (union_id, active)
SELECT m.union_id, COUNT(*) FROM members m WHERE m.left_on IS NULL GROUP BY m.union_id;
