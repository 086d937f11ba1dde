-- The annual report (issue 11) counts the year's participations of online projects and
-- on-the-job training, and the distinct people in them, activity by activity: with
-- (activity, day, resident ID) in one index that count reads the index alone, over only
-- those two kinds' activities, instead of looking up every participation of the year in
-- the table (five seconds on SQLite for half a million; bench/RESULTS.md).
CREATE INDEX union_participations_activity_day
    ON union_participations(activity_id, took_part_on, resident_id);
