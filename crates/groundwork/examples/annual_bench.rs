//! Helper of `bench/annual_report.sh` (not part of the product): fills a freshly migrated
//! database with a city's worth of records for the annual report (issue 11), and times
//! the report's parts.
//!
//! ```text
//! annual_bench fill DB_URL     # sizes from MEMBERS, HOUSEHOLDS, ENTERPRISES, PROJECTS,
//!                              # ACTIVITIES, PARTICIPATIONS (the issue's sizes by default)
//! annual_bench analyze DB_URL  # ANALYZE, so both planners know the table sizes
//! annual_bench time DB_URL YEAR [RUNS]
//!                              # each area's year figures and the whole report, in-process
//! ```
//!
//! `fill` writes its rows with bulk `INSERT … SELECT` statements generated inside the
//! database (a recursive CTE on SQLite, `generate_series` on PostgreSQL), so a million
//! members take seconds. It is a benchmark tool, not the product: the rows are **not
//! audited** (`audit verify` will report them) and bypass the store's checks, the wall's
//! counters are not maintained. Enterprise credit codes and resident IDs carry valid check
//! characters, so every page can read what it generates (`bench/province.sh` serves it). The schema must exist already
//! (`groundwork migrate`, which `Db::connect` also runs), and the database must be empty
//! of members: the generator relies on the ids of what it has just inserted.
//!
//! What it writes, for N members, H households, E enterprises:
//! - the city federation and a federation for each township — Jiande's 16, or those of
//!   the list `GROUNDWORK_TOWNSHIPS` names, as the server reads it (one in four reformed
//!   in 2019);
//! - E enterprises over those townships (10 % with 100+ staff, 5 % provincially
//!   registered), five in seven with a union of their own founded 2000–2020, one in seven
//!   in one of E/100 joint unions, one in seven without a union;
//! - N members over those unions, joined 2015–2020 (a sixth in each year), 5 % left;
//! - ACTIVITIES activities of all kinds and levels (nine in ten in 2019, the rest in
//!   2018) and PARTICIPATIONS participations on their start days, three in five in online
//!   projects and on-the-job training;
//! - honours, facilities with their status history and awards, wage contracts and
//!   demonstration units, aid applications (60 % disbursed), protection claims, welfare
//!   programmes with their enrolments, for 2016–2020;
//! - PROJECTS relocation projects over the 16 towns and 2016–2020 (one in three a
//!   resettlement project), H households over them (one in 23 an enterprise) with
//!   milestones, 1.5 buildings each,
//!   flats chosen by most signed households of resettlement projects, and incidents.

use domain::union::township::Township;
use std::time::{Duration, Instant};
use store::{Backend, Db};

type Failure = Box<dyn std::error::Error>;

/// When every generated row was "created".
const CREATED: &str = "'2020-01-01T00:00:00.000000Z'";

/// The sizes of a fill, from the environment.
#[derive(Debug)]
struct Sizes {
    members: i64,
    households: i64,
    enterprises: i64,
    projects: i64,
    activities: i64,
    participations: i64,
}

impl Sizes {
    fn from_env() -> Result<Sizes, Failure> {
        let get = |name: &str, default: i64| -> Result<i64, Failure> {
            match std::env::var(name) {
                Ok(v) => Ok(v.replace('_', "").parse()?),
                Err(_) => Ok(default),
            }
        };
        let s = Sizes {
            members: get("MEMBERS", 1_000_000)?,
            households: get("HOUSEHOLDS", 100_000)?,
            enterprises: get("ENTERPRISES", 10_000)?,
            projects: get("PROJECTS", 200)?,
            activities: get("ACTIVITIES", 3_000)?,
            participations: get("PARTICIPATIONS", 500_000)?,
        };
        if s.members < 1000 || s.enterprises < 100 || s.projects < 5 || s.activities < 90 {
            return Err(
                "规模过小：MEMBERS ≥ 1000，ENTERPRISES ≥ 100，PROJECTS ≥ 5，ACTIVITIES ≥ 90".into(),
            );
        }
        Ok(s)
    }
}

/// The few places where the two dialects write the same thing differently.
struct Sql(Backend);

impl Sql {
    /// A CTE `seq(n)` of the integers 0..count (to follow `WITH RECURSIVE`).
    fn seq(&self, count: i64) -> String {
        self.seq_between(0, count)
    }

    /// A CTE `seq(n)` of the integers from..to, in order.
    fn seq_between(&self, from: i64, to: i64) -> String {
        match self.0 {
            Backend::Sqlite => format!(
                "seq(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < {to})"
            ),
            Backend::Postgres => format!(
                "seq(n) AS (SELECT g FROM generate_series(CAST({from} AS BIGINT), CAST({} AS BIGINT)) AS g)",
                to - 1
            ),
        }
    }

    /// The date text `days` (an expression, never negative) after the date text `base`.
    fn day(&self, base: &str, days: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("date({base}, '+' || ({days}) || ' days')"),
            Backend::Postgres => {
                format!("to_char(CAST({base} AS DATE) + CAST({days} AS INTEGER), 'YYYY-MM-DD')")
            }
        }
    }

    /// An integer expression as text, zero-padded to `width`.
    fn pad(&self, expr: &str, width: usize) -> String {
        match self.0 {
            Backend::Sqlite => format!("printf('%0{width}d', {expr})"),
            Backend::Postgres => format!("lpad(CAST({expr} AS TEXT), {width}, '0')"),
        }
    }
}

/// The code of township number `expr` (0 up to [`Township::all`]'s length: Jiande's 16,
/// or the list `GROUNDWORK_TOWNSHIPS` names), as SQL.
fn township_code(expr: &str) -> String {
    let arms: String = Township::all()
        .iter()
        .enumerate()
        .map(|(i, t)| format!(" WHEN {i} THEN '{}'", t.code()))
        .collect();
    format!("(CASE ({expr}){arms} END)")
}

/// The name of Jiande's town number `expr` (0..16), as SQL: relocation projects are the
/// town's.
fn town_name(expr: &str) -> String {
    let arms: String = Township::JIANDE
        .iter()
        .enumerate()
        .map(|(i, t)| format!(" WHEN {i} THEN '{}'", t.name()))
        .collect();
    format!("(CASE ({expr}){arms} END)")
}

/// A multiplier coprime to `n`, so `i * step % n` visits every residue once.
fn step_for(n: i64) -> i64 {
    [7919, 7927, 7933, 7937]
        .into_iter()
        .find(|p| n % p != 0)
        .unwrap_or(1)
}

/// The resident ID's check character of the 17-character SQL text expression `f`
/// (ISO 7064 MOD 11-2, as `domain::platform::resident_id::check_char` computes it).
fn check_char_sql(f: &str) -> String {
    const WEIGHTS: [i64; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: Vec<String> = WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| format!("CAST(substr({f}, {}, 1) AS INTEGER) * {w}", i + 1))
        .collect();
    format!(
        "substr('10X98765432', CAST((({}) % 11) + 1 AS INTEGER), 1)",
        sum.join(" + ")
    )
}

/// The credit code `'91330182MA' || f` with its check character (GB 32100: MOD 31 over the
/// code alphabet), for `f` an SQL text expression of seven digits.
fn credit_code_sql(f: &str) -> String {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const PREFIX: &str = "91330182MA";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let prefix: u32 = PREFIX
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| ALPHABET.find(c).map_or(0, |v| v as u32) * w)
        .sum();
    let digits: Vec<String> = WEIGHTS[PREFIX.len()..]
        .iter()
        .enumerate()
        .map(|(i, w)| format!("CAST(substr({f}, {}, 1) AS INTEGER) * {w}", i + 1))
        .collect();
    format!(
        "'{PREFIX}' || {f} || substr('{ALPHABET}', CAST((31 - ({prefix} + {}) % 31) % 31 + 1 AS INTEGER), 1)",
        digits.join(" + ")
    )
}

/// Members written by one generated statement.
const MEMBERS_PER_STATEMENT: i64 = 1_000_000;

/// On PostgreSQL, drops `table`'s secondary indexes (those no constraint owns) and
/// returns their definitions for [`restore_indexes`]; on SQLite, keeps them (none).
async fn set_aside_indexes(db: &Db, table: &str) -> Result<Vec<String>, Failure> {
    let Db::Postgres(pool) = db else {
        return Ok(Vec::new());
    };
    let defs: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.relname::text, pg_get_indexdef(i.oid)
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .bind(table)
    .fetch_all(pool)
    .await?;
    for (name, _) in &defs {
        db.execute_raw(&format!("DROP INDEX {name}")).await?;
    }
    Ok(defs.into_iter().map(|(_, def)| def).collect())
}

/// Builds again the indexes [`set_aside_indexes`] dropped, each with a sort in memory.
async fn restore_indexes(db: &Db, defs: &[String]) -> Result<(), Failure> {
    for def in defs {
        run(db, def, &format!("SET maintenance_work_mem = '1GB'; {def}")).await?;
    }
    Ok(())
}

/// Runs one generated statement, saying how long it took.
async fn run(db: &Db, what: &str, statement: &str) -> Result<(), Failure> {
    let t = Instant::now();
    db.execute_raw(statement)
        .await
        .map_err(|e| format!("{what}: {e}\n{statement}"))?;
    eprintln!("  {what}: {:.1?}", t.elapsed());
    Ok(())
}

async fn fill(url: &str) -> Result<(), Failure> {
    let s = Sizes::from_env()?;
    eprintln!("filling {url} with {s:?}");
    let db = Db::connect(url).await?;
    let existing =
        store::union::members::list(&db, store::union::Scope::City, &Default::default(), 1, 0)
            .await?
            .1;
    if existing > 0 {
        return Err(format!("数据库中已有 {existing} 名会员：请使用新建的数据库").into());
    }
    let sql = Sql(db.backend());
    let started = Instant::now();
    let (n_members, e_count, h_count, p_count) =
        (s.members, s.enterprises, s.households, s.projects);
    let joints = (e_count / 100).max(1);
    let tn = Township::all().len();
    let union_kinds = "('enterprise_union', 'joint_union')";

    // The city federation and the township federations.
    let feds: Vec<String> = Township::all()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let reform = if i % 4 == 0 { "'2019-06-01'" } else { "NULL" };
            format!(
                "('{}总工会', 'township_federation', (SELECT id FROM unions WHERE kind = 'city_federation'),
                  '{}', '1995-05-01', {reform}, {CREATED}, {CREATED})",
                t.name(),
                t.code()
            )
        })
        .collect();
    run(
        &db,
        "federations",
        &format!(
            "INSERT INTO unions (name, kind, parent_id, township, founded_on, reform_effective_on, created_at, updated_at)
             VALUES ('建德市总工会', 'city_federation', NULL, NULL, '1952-05-01', NULL, {CREATED}, {CREATED});
             INSERT INTO unions (name, kind, parent_id, township, founded_on, reform_effective_on, created_at, updated_at)
             VALUES {}",
            feds.join(", ")
        ),
    )
    .await?;

    // Enterprise unions (enterprise n with n % 7 < 5) and joint unions, in one statement.
    run(
        &db,
        "enterprise and joint unions",
        &format!(
            "WITH RECURSIVE {seq},
             s AS (SELECT n, CASE WHEN n < {e_count} THEN n % {tn} ELSE (n - {e_count}) % {tn} END AS t FROM seq)
             INSERT INTO unions (name, kind, parent_id, township, founded_on, reform_effective_on, created_at, updated_at)
             SELECT CASE WHEN s.n < {e_count} THEN '基准企业' || CAST(s.n AS TEXT) || '工会'
                         ELSE '基准联合工会' || CAST(s.n - {e_count} AS TEXT) END,
                    CASE WHEN s.n < {e_count} THEN 'enterprise_union' ELSE 'joint_union' END,
                    f.id, f.township,
                    CASE WHEN s.n < {e_count} THEN {founded} ELSE {joint_founded} END,
                    NULL, {CREATED}, {CREATED}
             FROM s JOIN unions f ON f.kind = 'township_federation' AND f.township = {tcode}
             WHERE s.n >= {e_count} OR s.n % 7 < 5
             ORDER BY s.n",
            seq = sql.seq(e_count + joints),
            founded = sql.day("'2000-01-01'", "(s.n * 7919) % 7671"),
            joint_founded = sql.day("'2005-01-01'", &format!("((s.n - {e_count}) * 97) % 5479")),
            tcode = township_code("s.t"),
        ),
    )
    .await?;

    run(
        &db,
        "enterprises",
        &format!(
            "WITH RECURSIVE {seq}
             INSERT INTO enterprises (name, credit_code, township, headcount, provincial, union_id, created_at, updated_at)
             SELECT '基准企业' || CAST(n AS TEXT) || '有限公司', {code}, {tcode},
                    CASE WHEN n % 10 = 0 THEN 100 + (n * 13) % 900 WHEN n % 10 < 4 THEN 50 + n % 50 ELSE 3 + n % 47 END,
                    n % 20 = 0,
                    CASE WHEN n % 7 < 5 THEN (SELECT id FROM unions WHERE name = '基准企业' || CAST(n AS TEXT) || '工会')
                         WHEN n % 7 = 5 THEN (SELECT id FROM unions WHERE name = '基准联合工会' || CAST((n / 7) % {joints} AS TEXT))
                    END,
                    {CREATED}, {CREATED}
             FROM seq ORDER BY n",
            seq = sql.seq(e_count),
            code = credit_code_sql(&sql.pad("n", 7)),
            tcode = township_code(&format!("n % {tn}")),
        ),
    )
    .await?;

    // Members: valid resident IDs (born 1960–, a thousand a day), unique mobiles.
    let f17 = format!(
        "'330182' || replace({}, '-', '') || {}",
        sql.day("'1960-01-01'", "n / 1000"),
        sql.pad("n % 1000", 3)
    );
    // Millions of rows go in slices of a million (one statement each, no sort), into a
    // table whose secondary indexes PostgreSQL builds once afterwards: maintaining eight
    // indexes row by row is what kept a single twenty-million-row statement from
    // finishing.
    let indexes = set_aside_indexes(&db, "members").await?;
    let mut from = 0;
    while from < n_members {
        let to = (from + MEMBERS_PER_STATEMENT).min(n_members);
        run(
            &db,
            &format!("members {from}..{to}"),
            &format!(
                "WITH RECURSIVE {seq},
                 base AS (SELECT MIN(id) AS u0, COUNT(*) AS uc FROM unions WHERE kind IN {union_kinds}),
                 s AS (SELECT n, {f17} AS f, {joined} AS joined FROM seq)
                 INSERT INTO members (resident_id, name, mobile, union_id, joined_on, migrant_worker, left_on, updated_at)
                 SELECT s.f || {check},
                        substr('方叶徐王余洪邵胡李张陈刘吴周何姜', CAST(s.n % 16 + 1 AS INTEGER), 1)
                          || substr('伟芳娜敏静丽强磊军洋勇艳杰娟涛明', CAST(s.n / 16 % 16 + 1 AS INTEGER), 1)
                          || substr('伟芳娜敏静丽强磊军洋勇艳杰娟涛明', CAST(s.n / 256 % 16 + 1 AS INTEGER), 1),
                        '13' || {mobile}, base.u0 + s.n % base.uc, s.joined, s.n % 3 = 0,
                        CASE WHEN s.n % 20 = 0 THEN {left} END, {CREATED}
                 FROM s CROSS JOIN base",
                seq = sql.seq_between(from, to),
                joined = sql.day("'2015-01-01'", "(n * 7) % 2192"),
                check = check_char_sql("s.f"),
                mobile = sql.pad("s.n", 9),
                left = sql.day("s.joined", "400"),
            ),
        )
        .await?;
        from = to;
    }
    restore_indexes(&db, &indexes).await?;
    // Written behind the registry's back: its counters are recomputed once.
    let mut tx = db.begin().await?;
    store::union::members::counts::rebuild(&mut tx).await?;
    tx.commit().await?;

    // Activities: kinds in turn, one in ten city level, the rest township or enterprise.
    let kinds = [
        "skill_competition",
        "on_the_job_training",
        "online_project",
        "volunteer_service",
        "lecture_tour",
        "job_fair",
        "free_training",
        "cultural_event",
        "sports_match",
    ];
    let kind_case: String = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| format!(" WHEN {i} THEN '{k}'"))
        .collect();
    let a_count = s.activities;
    let in_2018 = a_count / 10;
    run(
        &db,
        "activities",
        &format!(
            "WITH RECURSIVE {seq},
             s AS (SELECT n, CASE WHEN n >= {first_2018} THEN {start_2018} ELSE {start_2019} END AS start FROM seq)
             INSERT INTO union_activities (name, kind, level, township, organiser, co_organisers, joint_mode,
                 start_on, end_on, place, capacity, open_for_signup, team_id, created_at, updated_at)
             SELECT '基准活动' || CAST(n AS TEXT), CASE n % 9{kind_case} END,
                    CASE WHEN n % 10 = 0 THEN 'city' WHEN n % 10 < 5 THEN 'township' ELSE 'enterprise' END,
                    CASE WHEN n % 10 = 0 THEN NULL ELSE {tcode} END,
                    '基准工会', '', NULL, s.start, {end_on}, '', NULL, FALSE, NULL, {CREATED}, {CREATED}
             FROM s ORDER BY n",
            seq = sql.seq(a_count),
            first_2018 = a_count - in_2018,
            start_2018 = sql.day("'2018-01-01'", "(n * 37) % 365"),
            start_2019 = sql.day("'2019-01-01'", "(n * 37) % 365"),
            end_on = sql.day("s.start", "n % 5"),
            tcode = township_code(&format!("n % {tn}")),
        ),
    )
    .await?;

    // Participations on the activity's start day; three in five in online projects and
    // on-the-job training (activities 9k + 2 and 9k + 1).
    let groups = a_count / 9;
    run(
        &db,
        "participations",
        &format!(
            "WITH RECURSIVE {seq},
             base AS (SELECT (SELECT MIN(id) FROM union_activities) AS a0, (SELECT MIN(id) FROM members) AS m0),
             s AS (SELECT n, CASE WHEN n % 5 < 3 THEN 9 * ((n * 7919) % {groups}) + 1 + n % 2
                                  ELSE (n * 7919) % {a_count} END AS k FROM seq)
             INSERT INTO union_participations (activity_id, member_id, resident_id, name, took_part_on, created_at)
             SELECT a.id, m.id, m.resident_id, m.name, a.start_on, {CREATED}
             FROM s CROSS JOIN base
             JOIN union_activities a ON a.id = base.a0 + s.k
             JOIN members m ON m.id = base.m0 + (s.n * {mstep}) % {n_members}
             ORDER BY s.n",
            seq = sql.seq(s.participations),
            mstep = step_for(n_members),
        ),
    )
    .await?;

    run(
        &db,
        "honours",
        &format!(
            "WITH RECURSIVE {seq}
             INSERT INTO union_honours (kind, level, year, holder, resident_id, workplace, township, created_at, updated_at)
             SELECT CASE n % 4 WHEN 0 THEN 'model_worker' WHEN 1 THEN 'zhejiang_craftsman'
                               WHEN 2 THEN 'innovation_studio' ELSE 'pioneer_team' END,
                    CASE WHEN n % 4 = 1 THEN 'provincial'
                         ELSE CASE (n / 4) % 5 WHEN 0 THEN 'national' WHEN 1 THEN 'provincial'
                              WHEN 2 THEN 'hangzhou' ELSE 'jiande' END END,
                    2016 + n % 5, '荣誉' || CAST(n AS TEXT), NULL,
                    '基准企业' || CAST(n % {e_count} AS TEXT) || '有限公司', {tcode}, {CREATED}, {CREATED}
             FROM seq",
            seq = sql.seq(2_000),
            tcode = township_code(&format!("n % {tn}")),
        ),
    )
    .await?;

    // Facilities: four in five open (2015–2020) after planning and building; the rest
    // signed and building in 2019; one in a hundred a cultural palace.
    let facilities = 2_000;
    let open_on = sql.day("'2015-06-01'", "(n * 37) % 2000");
    run(
        &db,
        "facilities",
        &format!(
            "WITH RECURSIVE {seq}
             INSERT INTO union_facilities (name, kind, township, union_id, area, investment, status, status_since,
                 created_at, updated_at)
             SELECT '基准阵地' || CAST(n AS TEXT),
                    CASE WHEN n % 100 IN (0, 4) THEN 'cultural_palace'
                         ELSE CASE n % 3 WHEN 0 THEN 'workers_home' WHEN 1 THEN 'care_station' ELSE 'nursing_room' END END,
                    {tcode}, NULL, 5000 + (n * 37) % 100000, 1000000 + (n * 7919) % 90000000,
                    CASE WHEN n % 5 < 4 THEN 'open' ELSE 'building' END,
                    CASE WHEN n % 5 < 4 THEN {open_on} ELSE {building_2019} END, {CREATED}, {CREATED}
             FROM seq ORDER BY n",
            seq = sql.seq(facilities),
            tcode = township_code(&format!("n % {tn}")),
            building_2019 = sql.day("'2019-07-01'", "n % 180"),
        ),
    )
    .await?;
    let history = [
        ("planned", sql.day("'2014-01-01'", "n % 365"), "TRUE"),
        (
            "building",
            sql.day("'2015-01-01'", "(n * 37) % 2000"),
            "n % 5 < 4",
        ),
        ("open", open_on.clone(), "n % 5 < 4"),
        (
            "agreement_signed",
            sql.day("'2019-01-01'", "n % 180"),
            "n % 5 = 4",
        ),
        ("building", sql.day("'2019-07-01'", "n % 180"), "n % 5 = 4"),
    ];
    for (status, on, when) in history {
        run(
            &db,
            &format!("facility statuses ({status})"),
            &format!(
                "INSERT INTO union_facility_statuses (facility_id, status, changed_on, created_at)
                 SELECT f.id, '{status}', {on}, {CREATED}
                 FROM (SELECT id, id - (SELECT MIN(id) FROM union_facilities) AS n FROM union_facilities) f
                 WHERE {when}"
            ),
        )
        .await?;
    }
    run(
        &db,
        "facility awards",
        "INSERT INTO union_facility_awards (facility_id, year, level)
         SELECT f.id, 2016 + (f.n / 3) % 5, CASE WHEN (f.n / 3) % 7 = 0 THEN 'hangzhou' ELSE 'jiande' END
         FROM (SELECT id, id - (SELECT MIN(id) FROM union_facilities) AS n FROM union_facilities
               WHERE kind = 'workers_home') f",
    )
    .await?;

    // Contracts: a wage contract (three years) for one enterprise in three, a comprehensive
    // one for one in four; demonstration units for 2018 and 2019.
    for (kind, when, offset) in [
        ("wage_specific", "e.n % 3 = 0", "(e.n * 13) % 1460"),
        ("comprehensive", "e.n % 4 = 0", "(e.n * 17) % 1460"),
    ] {
        run(
            &db,
            &format!("contracts ({kind})"),
            &format!(
                "INSERT INTO union_contracts (enterprise_id, kind, signed_on, expires_on, created_at, updated_at)
                 SELECT e.id, '{kind}', {signed}, {expires}, {CREATED}, {CREATED}
                 FROM (SELECT id, id - (SELECT MIN(id) FROM enterprises) AS n FROM enterprises) e WHERE {when}",
                signed = sql.day("'2016-01-01'", offset),
                expires = sql.day("'2016-01-01'", &format!("{offset} + 1095")),
            ),
        )
        .await?;
    }
    run(
        &db,
        "demonstration units",
        "INSERT INTO union_demonstration_units (enterprise_id, year)
         SELECT e.id, CASE WHEN e.n % 25 = 0 THEN 2019 ELSE 2018 END
         FROM (SELECT id, id - (SELECT MIN(id) FROM enterprises) AS n FROM enterprises) e WHERE e.n % 25 < 2",
    )
    .await?;

    // Aid applications 2018–2020 (one member each), six in ten disbursed.
    let mstep = step_for(n_members);
    let year = "CAST(2018 + s.n % 3 AS TEXT)";
    run(
        &db,
        "aid applications",
        &format!(
            "WITH RECURSIVE {seq},
             base AS (SELECT MIN(id) AS m0 FROM members),
             s AS (SELECT n, n % 10 AS st FROM seq)
             INSERT INTO union_aid_applications (member_id, township, kind, year, festival, asked_fen, reason, documents,
                 stage, approved_fen, disbursed_on, rejection_reason, applied_on, created_at, updated_at)
             SELECT m.id, u.township,
                    CASE s.n % 3 WHEN 0 THEN 'medical' WHEN 1 THEN 'study' ELSE 'festival_visit' END,
                    2018 + s.n % 3,
                    CASE WHEN s.n % 3 = 2 THEN CASE WHEN s.n % 2 = 0 THEN 'new_year' ELSE 'spring_festival' END END,
                    200000, '基准测试', '',
                    CASE WHEN s.st < 6 THEN 'disbursed' WHEN s.st < 8 THEN 'approved' WHEN s.st = 8 THEN 'rejected'
                         ELSE 'applied' END,
                    CASE WHEN s.st < 8 THEN 50000 + (s.n * 37) % 150000 END,
                    CASE WHEN s.st < 6 THEN {disbursed} END,
                    CASE WHEN s.st = 8 THEN '不符合条件' END,
                    {year} || '-01-01', {CREATED}, {CREATED}
             FROM s CROSS JOIN base
             JOIN members m ON m.id = base.m0 + (s.n * {mstep}) % {n_members}
             JOIN unions u ON u.id = m.union_id",
            seq = sql.seq(20_000),
            disbursed = sql.day(&format!("{year} || '-01-01'"), "30 + s.n % 330"),
        ),
    )
    .await?;
    run(
        &db,
        "protection claims",
        &format!(
            "WITH RECURSIVE {seq},
             base AS (SELECT MIN(id) AS m0 FROM members)
             INSERT INTO union_protection_claims (member_id, township, kind, event_on, claimed_fen, stage, paid_fen,
                 paid_on, refusal_reason, created_at, updated_at)
             SELECT m.id, u.township, CASE WHEN seq.n % 2 = 0 THEN 'accident_injury' ELSE 'property_loss' END,
                    {event}, 300000, 'paid', 100000 + (seq.n * 37) % 200000, {paid}, NULL, {CREATED}, {CREATED}
             FROM seq CROSS JOIN base
             JOIN members m ON m.id = base.m0 + (seq.n * {mstep} + 13) % {n_members}
             JOIN unions u ON u.id = m.union_id",
            seq = sql.seq(5_000),
            event = sql.day("'2018-01-01'", "(seq.n * 7) % 1000"),
            paid = sql.day("'2018-01-01'", "(seq.n * 7) % 1000 + 30"),
        ),
    )
    .await?;

    // Welfare programmes of 2018 and 2019, full, each with a tenth more on the waiting list.
    let mut programmes = Vec::new();
    for year in [2018, 2019] {
        for i in 0..10 {
            programmes.push(format!(
                "('{year}年职工疗休养第{i}期', 'recuperation', NULL, {year}, 300, 300, {CREATED}, {CREATED})"
            ));
            programmes.push(format!(
                "('{year}年职工健康体检第{i}批', 'health_check', NULL, {year}, 3000, 3000, {CREATED}, {CREATED})"
            ));
        }
        for (level, name) in [("junior_college", "大专"), ("undergraduate", "本科")] {
            for i in 0..2 {
                programmes.push(format!(
                    "('{year}年资助农民工上大学（{name}）第{i}批', 'college_subsidy', '{level}', {year}, 50, 50, {CREATED}, {CREATED})"
                ));
            }
        }
    }
    run(
        &db,
        "programmes",
        &format!(
            "INSERT INTO union_programmes (name, kind, level, year, quota, enrolled, created_at, updated_at) VALUES {}",
            programmes.join(", ")
        ),
    )
    .await?;
    run(
        &db,
        "enrolments",
        &format!(
            "WITH RECURSIVE {seq},
             base AS (SELECT MIN(id) AS m0 FROM members)
             INSERT INTO union_enrolments (programme_id, member_id, township, state, created_at, updated_at)
             SELECT p.id, m.id, u.township, CASE WHEN seq.n < p.quota THEN 'enrolled' ELSE 'waiting' END,
                    {CREATED}, {CREATED}
             FROM union_programmes p JOIN seq ON seq.n < p.quota + p.quota / 10 CROSS JOIN base
             JOIN members m ON m.id = base.m0 + (p.id * 100003 + seq.n * {mstep}) % {n_members}
             JOIN unions u ON u.id = m.union_id
             ORDER BY p.id, seq.n",
            seq = sql.seq(3_300),
        ),
    )
    .await?;

    // Relocation: projects over the towns and 2016–2020, households with milestones.
    run(
        &db,
        "relocation projects",
        &format!(
            "WITH RECURSIVE {seq}
             INSERT INTO relocation_projects (code, name, kind, town, year, land_mu, started_on, sign_deadline,
                 vacate_deadline, clear_deadline, status, created_at)
             SELECT 'BENCH-' || {code}, '基准项目' || CAST(n AS TEXT),
                    CASE WHEN n % 3 = 2 THEN 'resettlement' ELSE 'expropriation' END, {town}, 2016 + n % 5,
                    (50 + (n * 7) % 450) * 100, CAST(2016 + n % 5 AS TEXT) || '-03-01', NULL, NULL, NULL,
                    CASE WHEN n % 5 < 3 THEN 'closed' ELSE 'active' END, {CREATED}
             FROM seq ORDER BY n",
            seq = sql.seq(p_count),
            code = sql.pad("n", 3),
            town = town_name("n % 16"),
        ),
    )
    .await?;
    let on = |offset: &str| sql.day("p.started_on", &format!("s.n % 200 + {offset}"));
    run(
        &db,
        "relocation households",
        &format!(
            "WITH RECURSIVE {seq},
             base AS (SELECT MIN(id) AS p0 FROM relocation_projects),
             s AS (SELECT n, (n / {p_count}) % 10 AS m FROM seq)
             INSERT INTO relocation_households (project_id, code, kind, head_name, head_id, village, village_group,
                 residence, in_town, concerns, difficult, signed_on, signed_at, signed_by, vacated_on, vacated_at,
                 vacated_by, demolished_on, demolished_at, demolished_by, cleared_on, cleared_at, cleared_by, created_at)
             SELECT p.id, 'H' || {code}, CASE WHEN s.n % 23 = 0 THEN 'enterprise' ELSE 'residential' END,
                    '户主' || CAST(s.n AS TEXT), '330182198001' || {head}, '基准村',
                    CAST(s.n % 9 + 1 AS TEXT) || '组', '本镇', TRUE, '', s.n % 50 = 0,
                    CASE WHEN s.m < 8 THEN {signed} END, CASE WHEN s.m < 8 THEN {signed} || 'T02:00:00.000000Z' END,
                    CASE WHEN s.m < 8 THEN 'bench' END,
                    CASE WHEN s.m < 6 THEN {vacated} END, CASE WHEN s.m < 6 THEN {vacated} || 'T02:00:00.000000Z' END,
                    CASE WHEN s.m < 6 THEN 'bench' END,
                    CASE WHEN s.m < 5 THEN {demolished} END,
                    CASE WHEN s.m < 5 THEN {demolished} || 'T02:00:00.000000Z' END,
                    CASE WHEN s.m < 5 THEN 'bench' END,
                    CASE WHEN s.m < 3 THEN {cleared} END, CASE WHEN s.m < 3 THEN {cleared} || 'T02:00:00.000000Z' END,
                    CASE WHEN s.m < 3 THEN 'bench' END, {CREATED}
             FROM s CROSS JOIN base JOIN relocation_projects p ON p.id = base.p0 + s.n % {p_count}
             ORDER BY s.n",
            seq = sql.seq(h_count),
            code = sql.pad("s.n", 7),
            head = sql.pad("s.n", 6),
            signed = on("0"),
            vacated = on("10"),
            demolished = on("20"),
            cleared = on("30"),
        ),
    )
    .await?;
    run(
        &db,
        "buildings",
        "INSERT INTO relocation_buildings (household_id, certificate_no, approvals, structure, measured_area,
             legal_area, has_certificate, verified_by, verified_at, created_at)
         SELECT h.id, 'C' || CAST(h.id AS TEXT) || '-1', '',
                CASE h.id % 4 WHEN 0 THEN 'frame' WHEN 1 THEN 'brick_concrete' WHEN 2 THEN 'brick_wood' ELSE 'simple' END,
                8000 + (h.id * 37) % 22000, (8000 + (h.id * 37) % 22000) * 8 / 10, h.id % 5 < 4, NULL, NULL,
                '2020-01-01T00:00:00.000000Z'
         FROM relocation_households h;
         INSERT INTO relocation_buildings (household_id, certificate_no, approvals, structure, measured_area,
             legal_area, has_certificate, verified_by, verified_at, created_at)
         SELECT h.id, 'C' || CAST(h.id AS TEXT) || '-2', '', 'simple', 3000 + (h.id * 13) % 5000, 0, FALSE, NULL, NULL,
                '2020-01-01T00:00:00.000000Z'
         FROM relocation_households h WHERE h.id % 2 = 0",
    )
    .await?;
    // Three in four signed households of resettlement projects chose a flat; one choice
    // in forty was voided once before (a voided choice keeps its row).
    run(
        &db,
        "flats",
        "INSERT INTO relocation_flats (project_id, code, kind, building, unit, floor, room, layout, area, orientation,
             state, void_reason, household_id, created_at)
         SELECT h.project_id, 'F' || CAST(h.id AS TEXT), 'flat', CAST(h.id % 20 + 1 AS TEXT) || '幢', '1',
                h.id % 18 + 1, CAST(h.id % 18 + 1 AS TEXT) || '01', '三室两厅', 9000 + (h.id * 7) % 5000, '南',
                'chosen', '', h.id, '2020-01-01T00:00:00.000000Z'
         FROM relocation_households h JOIN relocation_projects p ON p.id = h.project_id
         WHERE p.kind = 'resettlement' AND h.signed_on IS NOT NULL AND h.id % 4 <> 3",
    )
    .await?;
    for (what, voided, when) in [
        ("choices", "NULL, NULL, NULL", "TRUE"),
        (
            "voided choices",
            "'2020-01-01T00:00:00.000000Z', 'bench', '选错房号'",
            "f.household_id % 40 = 0",
        ),
    ] {
        run(
            &db,
            what,
            &format!(
                "INSERT INTO relocation_choices (project_id, household_id, flat_id, storeroom_id, parking_id, position,
                     entitlement_area, chosen_area, excess_area, excess_price, chosen_at, chosen_by, voided_at,
                     voided_by, void_reason)
                 SELECT f.project_id, f.household_id, f.id, NULL, NULL, f.household_id, f.area, f.area, 0, 0,
                        {CREATED}, 'bench', {voided}
                 FROM relocation_flats f WHERE {when}"
            ),
        )
        .await?;
    }
    run(
        &db,
        "incidents",
        &format!(
            "WITH RECURSIVE {seq},
             base AS (SELECT MIN(id) AS p0 FROM relocation_projects)
             INSERT INTO relocation_incidents (project_id, kind, occurred_on, description, outcome, recorded_by, created_at)
             SELECT base.p0 + (seq.n * 7) % {p_count}, CASE WHEN seq.n % 4 = 0 THEN 'misconduct' ELSE 'petition' END,
                    {occurred}, '基准台账', '', 'bench', {CREATED}
             FROM seq CROSS JOIN base",
            seq = sql.seq(600),
            occurred = sql.day("'2017-01-01'", "(seq.n * 13) % 1460"),
        ),
    )
    .await?;

    // A member picked by number is found by the ID the domain computes for it: the SQL
    // check characters are right.
    let i = n_members / 3;
    let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).ok_or("date")?
        + chrono::Days::new(u64::try_from(i / 1000)?);
    let first17 = format!("330182{}{:03}", birth.format("%Y%m%d"), i % 1000);
    let id = format!(
        "{first17}{}",
        domain::platform::resident_id::check_char(&first17).ok_or("check")?
    );
    let found = store::union::members::search(&db, store::union::Scope::City, &id, 10).await?;
    if found.len() != 1 {
        return Err(format!("会员 {id} 未找到：身份证校验位计算有误").into());
    }
    db.close().await;
    eprintln!("filled in {:.1?}", started.elapsed());
    Ok(())
}

/// Times each area's year figures (best and worst of `runs`), then the whole report.
async fn time(url: &str, year: i32, runs: usize) -> Result<(), Failure> {
    use store::union::{Scope, activities, contracts, coverage, facilities, honours, welfare};
    let db = Db::connect(url).await?;
    let relocation = store::relocation::Scope::All;
    let mut lines: Vec<(&str, Vec<Duration>)> = Vec::new();
    macro_rules! timed {
        ($label:expr, $call:expr) => {{
            let mut times = Vec::new();
            for _ in 0..runs {
                let t = Instant::now();
                $call.await?;
                times.push(t.elapsed());
            }
            lines.push(($label, times));
        }};
    }
    timed!(
        "coverage::year_figures",
        coverage::year_figures(&db, year, Scope::City)
    );
    timed!(
        "activities::year_figures",
        activities::year_figures(&db, year, Scope::City)
    );
    timed!(
        "honours::year_figures",
        honours::year_figures(&db, year, Scope::City)
    );
    timed!(
        "welfare::year_figures",
        welfare::year_figures(&db, year, Scope::City)
    );
    timed!(
        "facilities::year_figures",
        facilities::year_figures(&db, year, Scope::City)
    );
    timed!(
        "contracts::year_figures",
        contracts::year_figures(&db, year, Scope::City)
    );
    timed!(
        "relocation::summary::year_summary",
        store::relocation::summary::year_summary(&db, &relocation, year)
    );
    timed!(
        "relocation::incidents::counts_for_year",
        store::relocation::incidents::counts_for_year(&db, &relocation, year)
    );
    timed!(
        "yearbook::annual (all of it)",
        store::yearbook::annual(&db, year, &store::yearbook::Reach::everything())
    );
    for (label, mut times) in lines {
        times.sort();
        println!(
            "{label:<42} min {:>8.1} ms   median {:>8.1} ms   max {:>8.1} ms",
            times[0].as_secs_f64() * 1e3,
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3
        );
    }
    db.close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    // The townships the server will be told of, so the unions are spread over them.
    if let Some(path) = std::env::var_os("GROUNDWORK_TOWNSHIPS") {
        Township::configure_from(&std::fs::read_to_string(path)?)?;
    }
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("fill"), Some(url)) => fill(url).await,
        (Some("analyze"), Some(url)) => {
            let db = Db::connect(url).await?;
            let t = Instant::now();
            db.execute_raw("ANALYZE").await?;
            eprintln!("ANALYZE: {:.1?}", t.elapsed());
            db.close().await;
            Ok(())
        }
        (Some("time"), Some(url)) => {
            let year = args.get(3).map_or(Ok(2019), |y| y.parse())?;
            let runs = args.get(4).map_or(Ok(5), |r| r.parse())?;
            time(url, year, runs).await
        }
        _ => {
            eprintln!(
                "用法：annual_bench fill DB_URL | annual_bench analyze DB_URL | annual_bench time DB_URL [YEAR] [RUNS]"
            );
            std::process::exit(2);
        }
    }
}
