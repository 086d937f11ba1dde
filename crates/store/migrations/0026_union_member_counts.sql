-- Members counted per township and month of joining (issue 14), kept in the same
-- transaction as every change to a member, so the dashboard, the ranking, the yearbook's
-- member figures and the member list's total read a few hundred rows instead of counting
-- members per request (store::union::members::counts). `township` is '' for unions
-- without one; `joined_month` is YYYY-MM. Filled here from the records.
CREATE TABLE union_member_counts (
    township TEXT NOT NULL,
    joined_month TEXT NOT NULL,
    joined BIGINT NOT NULL,
    active BIGINT NOT NULL,
    migrant BIGINT NOT NULL,
    migrant_active BIGINT NOT NULL,
    PRIMARY KEY (township, joined_month)
);

INSERT INTO union_member_counts (township, joined_month, joined, active, migrant, migrant_active)
SELECT COALESCE(u.township, ''), substr(m.joined_on, 1, 7), COUNT(*), COUNT(*) - COUNT(m.left_on),
       COUNT(CASE WHEN m.migrant_worker THEN 1 END),
       COUNT(CASE WHEN m.migrant_worker AND m.left_on IS NULL THEN 1 END)
FROM members m JOIN unions u ON u.id = m.union_id
GROUP BY COALESCE(u.township, ''), substr(m.joined_on, 1, 7);
