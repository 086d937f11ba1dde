-- `members_mobile` (0002) is the first column of `members_mobile_name` (0020), which
-- already serves every search by mobile on both backends (bench/EXPLAIN.md): one index
-- fewer for each member written, and one fewer to build after a large import (issue 14).
DROP INDEX members_mobile;
