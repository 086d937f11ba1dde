#!/usr/bin/env bash
# The plans of the hot queries (issue 14) on both backends, as Markdown for
# bench/EXPLAIN.md:
#
#   bench/explain.sh > bench/EXPLAIN.md                      # 1,000,000 generated members
#   PG_DB=postgres://…/gw_province bench/explain.sh          # an existing PostgreSQL one
#   SQLITE_DB=/tmp/x/bench.db PG_DB=… bench/explain.sh       # both existing
#
# Without SQLITE_DB / PG_DB, a fresh database of each is filled by `annual_bench fill`
# (MEMBERS members, 1,000,000 by default; crates/groundwork/examples/annual_bench.rs) and
# ANALYZEd. PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS)`, so each plan carries its real time;
# SQLite: `EXPLAIN QUERY PLAN`. The statements are the store's own (the function each
# comes from is named), with the bound values written in, taken from the database.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export MEMBERS=${MEMBERS:-1000000}
WORK=${WORK:-$(mktemp -d /tmp/gw-explain.XXXXXX)}
T=${CARGO_TARGET_DIR:-target}

if [ -z "${SQLITE_DB:-}" ] || [ -z "${PG_DB:-}" ]; then
  cargo build --release -q -p groundwork --bin groundwork --example annual_bench >&2
  if [ -z "${SQLITE_DB:-}" ]; then
    SQLITE_DB=$WORK/explain.db
    $T/release/groundwork --db "sqlite://$SQLITE_DB" migrate >/dev/null
    $T/release/examples/annual_bench fill "sqlite://$SQLITE_DB" 2>/dev/null
    $T/release/examples/annual_bench analyze "sqlite://$SQLITE_DB" 2>/dev/null
  fi
  if [ -z "${PG_DB:-}" ]; then
    psql "$PG_URL" -qc 'DROP DATABASE IF EXISTS gw_explain' -c 'CREATE DATABASE gw_explain' >/dev/null
    PG_DB="${PG_URL%/*}/gw_explain"
    $T/release/groundwork --db "$PG_DB" migrate >/dev/null
    $T/release/examples/annual_bench fill "$PG_DB" 2>/dev/null
    $T/release/examples/annual_bench analyze "$PG_DB" 2>/dev/null
    DROP_PG=1
  fi
fi

SELECT="SELECT m.id, m.resident_id, m.name, m.mobile, m.union_id, u.name AS union_name,
    u.township, m.joined_on, m.migrant_worker, m.left_on
    FROM members m JOIN unions u ON u.id = m.union_id"

# The values bound: a member in the middle of the table, on each backend.
values() { # RUN_SQL: a command that prints one row, fields separated by '|'
  "$@" "SELECT id, resident_id, mobile, name, joined_on, union_id FROM members WHERE id = (SELECT MAX(id) / 2 FROM members)"
}
sqlite_row() { sqlite3 "$SQLITE_DB" "$1"; }
pg_row() { psql "$PG_DB" -At -c "$1"; }

# The statements, as "title" and SQL with :ID :RID :MOBILE :NAME :JOINED :UNION.
QUERIES=(
  "Member search by resident ID (members::search → chunk_from, sort by name)"
  "$SELECT WHERE m.resident_id = ':RID' ORDER BY m.name ASC, m.id ASC LIMIT 11"
  "Member search by mobile (members::search)"
  "$SELECT WHERE m.mobile = ':MOBILE' ORDER BY m.name ASC, m.id ASC LIMIT 11"
  "Member list, newest first, first page (members::list_from)"
  "$SELECT ORDER BY m.id DESC LIMIT 51"
  "Member list, newest first, page from a cursor"
  "$SELECT WHERE (m.id) < (:ID) ORDER BY m.id DESC LIMIT 51"
  "Member list, by join date, page from a cursor"
  "$SELECT WHERE (m.joined_on, m.id) < (':JOINED', :ID) ORDER BY m.joined_on DESC, m.id DESC LIMIT 51"
  "Member list, by name, page from a cursor"
  "$SELECT WHERE (m.name, m.id) > (':NAME', :ID) ORDER BY m.name ASC, m.id ASC LIMIT 51"
  "Member list, by union, page from a cursor"
  "$SELECT WHERE (m.union_id, m.name, m.id) > (:UNION, ':NAME', :ID) ORDER BY m.union_id ASC, m.name ASC, m.id ASC LIMIT 51"
  "Before the counters: the count every member-list page showed (keyset::page)"
  "SELECT COUNT(*) FROM members m JOIN unions u ON u.id = m.union_id"
  "Member list: the union filter's list with current members per union (organisations::list)"
  "SELECT u.id, u.name, (SELECT COUNT(*) FROM members m WHERE m.union_id = u.id AND m.left_on IS NULL) AS members FROM unions u"
  "Before the counters: members joined in the year per township (coverage::township_lines)"
  "SELECT u.township, COUNT(*) FROM members m JOIN unions u ON u.id = m.union_id WHERE m.joined_on >= '2019-01-01' AND m.joined_on <= '2019-12-31' GROUP BY u.township"
  "Before the counters: members joined per month (coverage::monthly)"
  "SELECT substr(m.joined_on, 6, 2), COUNT(*) FROM members m JOIN unions u ON u.id = m.union_id WHERE m.joined_on >= '2019-01-01' AND m.joined_on <= '2019-12-31' GROUP BY substr(m.joined_on, 6, 2)"
  "Counters (migration 0026): members joined in the year per township (members::counts::joined_by_township; dashboard, ranking, township page)"
  "SELECT township, CAST(COALESCE(SUM(joined), 0) AS BIGINT) FROM union_member_counts WHERE joined_month >= '2019-01' AND joined_month <= '2019-12' AND township <> '' GROUP BY township"
  "Counters (migration 0026): the member list's total and the yearbook's member figures (members::counts, one sum)"
  "SELECT CAST(COALESCE(SUM(active), 0) AS BIGINT) FROM union_member_counts WHERE (NULL IS NULL OR township = NULL) AND joined_month >= '' AND joined_month <= '9999-99'"
  "Before the counters: new members of the year (coverage::year_figures)"
  "SELECT COUNT(*) FROM unions u JOIN members m ON m.union_id = u.id WHERE m.joined_on >= '2019-01-01' AND m.joined_on <= '2019-12-31'"
)

fill_in() { # SQL ID RID MOBILE NAME JOINED UNION
  local s=$1
  s=${s//:ID/$2}; s=${s//:RID/$3}; s=${s//:MOBILE/$4}; s=${s//:NAME/$5}; s=${s//:JOINED/$6}; s=${s//:UNION/$7}
  printf '%s' "$s"
}

IFS='|' read -r S_ID S_RID S_MOBILE S_NAME S_JOINED S_UNION < <(values sqlite_row)
IFS='|' read -r P_ID P_RID P_MOBILE P_NAME P_JOINED P_UNION < <(values pg_row)
S_N=$(sqlite3 "$SQLITE_DB" "SELECT COUNT(*) FROM members")
P_N=$(psql "$PG_DB" -Atc "SELECT COUNT(*) FROM members")

echo "# Plans of the hot queries (issue 14)"
echo
echo "Produced by \`bench/explain.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)):"
echo "SQLite $(sqlite3 --version | cut -d' ' -f1) with $S_N members (\`EXPLAIN QUERY PLAN\`), and"
echo "$(psql "$PG_DB" -Atc 'SHOW server_version' | cut -d' ' -f1 | sed 's/^/PostgreSQL /') with $P_N members"
echo "(\`EXPLAIN (ANALYZE, BUFFERS)\`: real times, on this machine, warm after the first run)."
echo "Values bound: the member in the middle of the table (id $P_ID on PostgreSQL)."
for ((i = 0; i < ${#QUERIES[@]}; i += 2)); do
  title=${QUERIES[i]}
  sql=${QUERIES[i + 1]}
  echo
  echo "## $title"
  echo
  echo '```sql'
  fill_in "$sql" "$P_ID" "$P_RID" "$P_MOBILE" "$P_NAME" "$P_JOINED" "$P_UNION" | tr -s ' \n' ' '
  echo
  echo '```'
  echo
  echo "SQLite:"
  echo '```'
  sqlite3 "$SQLITE_DB" "EXPLAIN QUERY PLAN $(fill_in "$sql" "$S_ID" "$S_RID" "$S_MOBILE" "$S_NAME" "$S_JOINED" "$S_UNION")" 2>&1 || true
  echo '```'
  echo
  echo "PostgreSQL:"
  echo '```'
  psql "$PG_DB" -At -c "$(fill_in "$sql" "$P_ID" "$P_RID" "$P_MOBILE" "$P_NAME" "$P_JOINED" "$P_UNION")" >/dev/null 2>&1 || true
  psql "$PG_DB" -At -c "EXPLAIN (ANALYZE, BUFFERS) $(fill_in "$sql" "$P_ID" "$P_RID" "$P_MOBILE" "$P_NAME" "$P_JOINED" "$P_UNION")" 2>&1 || true
  echo '```'
done

if [ -n "${DROP_PG:-}" ]; then psql "$PG_URL" -qc 'DROP DATABASE gw_explain' >/dev/null; fi
