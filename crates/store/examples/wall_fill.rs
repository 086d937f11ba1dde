//! Fills a SQLite database for the wall benchmark (`bench/wall.sh`): one project of
//! 杨村桥镇 with its four groups and 200 persons, N households with milestones spread over
//! a year, and M work-log entries; then recounts the wall's counters from the records.
//!
//! Rows are generated inside SQLite (recursive CTEs) for speed and are **not audited**:
//! the benchmark database is for measuring, not for keeping (`audit verify` will report
//! the unaudited rows). The project, groups, persons, user and API token are written
//! through the store's normal, audited functions.
//!
//! ```text
//! wall_fill sqlite:///tmp/wall.db new HOUSEHOLDS VISITS    # prints TOKEN=… and PROJECT=…
//! wall_fill sqlite:///tmp/wall.db add-visits VISITS        # grows the work log
//! wall_fill sqlite:///tmp/wall.db time                      # one uncached wall read
//! wall_fill sqlite:///tmp/wall.db count-visits              # size of the work log
//! ```
//!
//! `time` reads the wall from the counters 200 times in a row, without the web server's
//! snapshot, and prints the mean: the cost each snapshot refresh pays.

use chrono::Days;
use domain::platform::time::today_local;
use domain::platform::{Mu, Role};
use domain::relocation::{ProjectKind, ProjectStatus, TeamKind};
use std::time::Instant;
use store::Db;
use store::platform::{tokens, users};
use store::relocation::projects::{self, ProjectFields};
use store::relocation::{teams, wall};

const PROJECT: &str = "BENCH-2026";
const PERSONS_PER_GROUP: usize = 50;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> Result<i64, Failure> {
        let text = args.get(i).ok_or("缺少参数")?;
        Ok(text.replace('_', "").parse()?)
    };
    let url = args
        .first()
        .ok_or("用法：wall_fill DB_URL new HOUSEHOLDS VISITS | add-visits VISITS")?;
    let db = Db::connect(url).await?;
    let Db::Sqlite(pool) = &db else {
        return Err("基准测试数据只写入 SQLite".into());
    };
    match args.get(1).map(String::as_str) {
        Some("new") => {
            let (households, visits) = (number(2)?, number(3)?);
            let token = setup(&db).await?;
            let project = projects::by_code(&db, &store::relocation::Scope::All, PROJECT).await?;
            let t = Instant::now();
            fill_households(pool, project.id, households).await?;
            eprintln!("{households} households in {:.1?}", t.elapsed());
            add_visits(pool, project.id, visits).await?;
            recount(&db, project.id).await?;
            println!("TOKEN={token}");
            println!("PROJECT={PROJECT}");
        }
        Some("add-visits") => {
            let project = projects::by_code(&db, &store::relocation::Scope::All, PROJECT).await?;
            add_visits(pool, project.id, number(2)?).await?;
            recount(&db, project.id).await?;
        }
        Some("count-visits") => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM relocation_visits")
                .fetch_one(pool)
                .await?;
            println!("{n}");
            return Ok(());
        }
        Some("time") => {
            let project = projects::by_code(&db, &store::relocation::Scope::All, PROJECT).await?;
            let today = today_local();
            for _ in 0..20 {
                wall::wall(&db, &project, today).await?;
            }
            let (t, n) = (Instant::now(), 200u32);
            for _ in 0..n {
                wall::wall(&db, &project, today).await?;
            }
            println!(
                "{:.2} ms",
                t.elapsed().as_secs_f64() * 1000.0 / f64::from(n)
            );
            return Ok(());
        }
        _ => {
            return Err(
                "用法：wall_fill DB_URL new HOUSEHOLDS VISITS | add-visits VISITS | time".into(),
            );
        }
    }
    let (households, visits): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM relocation_households), (SELECT COUNT(*) FROM relocation_visits)",
    )
    .fetch_one(pool)
    .await?;
    eprintln!("database now holds {households} households and {visits} work-log entries");
    Ok(())
}

/// The project, its groups and persons, and a commander with an API token.
async fn setup(db: &Db) -> Result<String, Failure> {
    let today = today_local();
    let user = users::create(
        db,
        "bench",
        &users::NewUser {
            username: "bench".into(),
            display_name: "基准测试".into(),
            role: Role::RelocationCommander,
            township: None,
            town: Some("杨村桥镇".into()),
            team_id: None,
            member_resident_id: None,
            password: "bench-password".into(),
        },
    )
    .await?;
    let mut tx = db.begin().await?;
    let fields = ProjectFields {
        code: PROJECT.into(),
        name: "基准测试项目（十万户）".into(),
        kind: ProjectKind::Expropriation,
        town: "杨村桥镇".into(),
        year: 2026,
        land: Mu::from_whole(5_000),
        started_on: Some(today - Days::new(340)),
        sign_deadline: Some(today + Days::new(30)),
        vacate_deadline: Some(today + Days::new(60)),
        clear_deadline: Some(today + Days::new(120)),
        status: ProjectStatus::Active,
    };
    let project_id = projects::create(&mut tx, "bench", &fields).await?;
    for kind in [
        TeamKind::Expropriation,
        TeamKind::Policy,
        TeamKind::Appraisal,
        TeamKind::Title,
    ] {
        let team = teams::group_of_kind(&mut tx, project_id, kind).await?;
        for i in 0..PERSONS_PER_GROUP {
            teams::add_person(
                &mut tx,
                "bench",
                team,
                &format!("{}{:02}号", kind.label(), i + 1),
                None,
                None,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(tokens::create(db, "bench", user.id, "wall benchmark").await?)
}

/// `n` households, assigned round-robin to the 200 persons; 60 % signed, 40 % vacated,
/// 20 % demolished, 10 % cleared, on days spread over the last 330 days.
async fn fill_households(pool: &sqlx::SqlitePool, project_id: i64, n: i64) -> Result<(), Failure> {
    let (first_team, first_person): (i64, i64) = sqlx::query_as(
        "SELECT MIN(t.id), MIN(p.id) FROM relocation_teams t JOIN relocation_persons p ON p.team_id = t.id
         WHERE t.project_id = $1",
    )
    .bind(project_id)
    .fetch_one(pool)
    .await?;
    let persons = (PERSONS_PER_GROUP * 4) as i64;
    let today = today_local().to_string();
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $1),
         d(n, s, v) AS (SELECT n, date($2, '-' || (n % 330) || ' days'),
                               date($2, '-' || ((n % 330) - min(n % 7, n % 330)) || ' days') FROM seq)
         INSERT INTO relocation_households (project_id, code, kind, head_name, head_id, village,
             village_group, residence, in_town, concerns, difficult, team_id, person_id,
             signed_on, signed_at, signed_by, vacated_on, vacated_at, vacated_by,
             demolished_on, demolished_at, demolished_by, cleared_on, cleared_at, cleared_by, created_at)
         SELECT $3, printf('B%07d', n), 'residential', '户主' || n, printf('330182198001%06d', n),
             '绪塘村', (n % 9 + 1) || '组', '本镇', TRUE, '', FALSE,
             $4 + (n % $5) / $6, $7 + (n % $5),
             CASE WHEN n % 10 < 6 THEN s END, CASE WHEN n % 10 < 6 THEN s || 'T02:00:00.000000Z' END,
             CASE WHEN n % 10 < 6 THEN 'bench' END,
             CASE WHEN n % 10 < 4 THEN v END, CASE WHEN n % 10 < 4 THEN v || 'T08:00:00.000000Z' END,
             CASE WHEN n % 10 < 4 THEN 'bench' END,
             CASE WHEN n % 10 < 2 THEN v END, CASE WHEN n % 10 < 2 THEN v || 'T09:00:00.000000Z' END,
             CASE WHEN n % 10 < 2 THEN 'bench' END,
             CASE WHEN n % 10 < 1 THEN v END, CASE WHEN n % 10 < 1 THEN v || 'T10:00:00.000000Z' END,
             CASE WHEN n % 10 < 1 THEN 'bench' END,
             $2 || 'T00:00:00.000000Z'
         FROM d",
    )
    .bind(n)
    .bind(&today)
    .bind(project_id)
    .bind(first_team)
    .bind(persons)
    .bind(PERSONS_PER_GROUP as i64)
    .bind(first_person)
    .execute(pool)
    .await?;
    Ok(())
}

/// Appends `n` work-log entries to the project's households, on days over the last year.
async fn add_visits(pool: &sqlx::SqlitePool, project_id: i64, n: i64) -> Result<(), Failure> {
    let t = Instant::now();
    let (first, count, offset): (i64, i64, i64) = sqlx::query_as(
        "SELECT MIN(id), COUNT(*), (SELECT COUNT(*) FROM relocation_visits) FROM relocation_households
         WHERE project_id = $1",
    )
    .bind(project_id)
    .fetch_one(pool)
    .await?;
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT $1 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $1 + $2)
         INSERT INTO relocation_visits (project_id, household_id, visited_on, mode, place, visitors,
             attitude, notes, next_step, recorded_by, created_at)
         SELECT $3, $4 + (n * 7919) % $5, date($6, '-' || ((n * 31) % 365) || ' days'),
             CASE n % 3 WHEN 0 THEN 'on_site' WHEN 1 THEN 'phone' ELSE 'trip' END, '',
             '走访人员' || (n % 200), CASE n % 3 WHEN 0 THEN 'cooperative' WHEN 1 THEN 'hesitant' ELSE 'resistant' END,
             '政策宣传，了解诉求', '再次上门', 'bench', $6 || 'T00:00:00.000000Z'
         FROM seq",
    )
    .bind(offset)
    .bind(n)
    .bind(project_id)
    .bind(first)
    .bind(count.max(1))
    .bind(today_local().to_string())
    .execute(pool)
    .await?;
    eprintln!("{n} work-log entries in {:.1?}", t.elapsed());
    Ok(())
}

/// Recounts the wall's counters from the records, as `wall::rebuild` does after a repair.
async fn recount(db: &Db, project_id: i64) -> Result<(), Failure> {
    let t = Instant::now();
    let mut tx = db.begin().await?;
    wall::rebuild(&mut tx, project_id).await?;
    tx.commit().await?;
    eprintln!("counters recounted in {:.1?}", t.elapsed());
    Ok(())
}
