-- The member list is read by keyset (issue 14): each of its orders has an index of its
-- own key columns ending in the id, so a page deep in twenty million members is an index
-- range on both backends. (Newest first is the primary key; the name index of 0002 is
-- replaced by one that also orders equal names by id, which PostgreSQL needs.)
CREATE INDEX members_joined_id ON members(joined_on, id);
CREATE INDEX members_name_id ON members(name, id);
CREATE INDEX members_union_name_id ON members(union_id, name, id);
DROP INDEX members_name;
