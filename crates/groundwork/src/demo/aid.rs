//! The services-for-members part of the demo: the aid budgets and applications of 2018–
//! 2020, protection claims, and the welfare programmes with their enrolments, such that
//! 2019's figures computed from the records are DOMAIN.md's: aid disbursed over
//! 1,200,000 yuan, 220 recuperation places, 400 health checks, college subsidy for 130
//! junior-college and 71 undergraduate students. Everything goes through the store's
//! audited writes, in one transaction, over the members the union part registered.

use super::DEMO_ACTOR;
use super::fake::Rng;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use domain::platform::{Fen, ResidentId};
use domain::union::aid::{AidDocument, AidKind, Festival};
use domain::union::protection::ClaimKind;
use domain::union::welfare::{CollegeLevel, ProgrammeKind};
use store::union::Scope;
use store::union::aid::{self, NewApplication};
use store::union::claims::{self, ClaimStep};
use store::union::members::{self, MemberFilter};
use store::union::programmes::{self, NewProgramme, Outcome};
use store::{Db, Tx};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Current members, migrant workers or not, newest registered first (deterministic).
async fn current(db: &Db, migrant: bool, limit: i64) -> Result<Vec<ResidentId>> {
    let f = MemberFilter {
        active: Some(true),
        migrant_worker: Some(migrant),
        ..MemberFilter::default()
    };
    let (list, _) = members::list(db, Scope::City, &f, limit, 0).await?;
    Ok(list.into_iter().map(|m| m.resident_id).collect())
}

/// Fills this part's demo records.
pub async fn fill(db: &Db) -> Result<()> {
    let migrants = current(db, true, 400).await?;
    let others = current(db, false, 1_200).await?;
    let mut rng = Rng::new(20_191_201);
    let mut tx = db.begin().await?;
    for (year, yuan) in [(2018, 1_000_000), (2019, 1_500_000), (2020, 1_300_000)] {
        let amount = Fen::from_yuan(yuan).context("预算金额")?;
        aid::set_budget(&mut tx, DEMO_ACTOR, year, amount).await?;
    }
    fill_aid(&mut tx, &mut rng, &others)
        .await
        .context("演示数据：困难帮扶")?;
    fill_claims(&mut tx, &mut rng, &others)
        .await
        .context("演示数据：互助保障")?;
    fill_programmes(&mut tx, &migrants, &others)
        .await
        .context("演示数据：福利项目")?;
    tx.commit().await?;
    Ok(())
}

/// One application taken as far as `until` (0 applied … 3 disbursed) on the given days.
struct Case<'a> {
    who: &'a ResidentId,
    kind: AidKind,
    festival: Option<Festival>,
    yuan: i64,
    applied_on: NaiveDate,
    disbursed_on: NaiveDate,
    until: u8,
}

async fn run(tx: &mut Tx, c: Case<'_>) -> Result<()> {
    let a = NewApplication {
        resident_id: c.who.clone(),
        kind: c.kind,
        festival: c.festival,
        asked: Fen::from_yuan(c.yuan).context("金额")?,
        reason: match c.kind {
            AidKind::Medical => "本人患病住院，自付医疗费用较高",
            AidKind::Study => "子女就读大学，家庭收入低",
            AidKind::FestivalVisit => "困难职工家庭节日慰问",
        }
        .into(),
        documents: c.kind.required_documents().to_vec(),
        applied_on: c.applied_on,
    };
    let id = aid::apply(tx, DEMO_ACTOR, Scope::City, &a).await?;
    if c.until >= 1 {
        // The review is the member's township's.
        let township = aid::get(&mut *tx, Scope::City, id).await?.holder.township;
        let scope = township.map_or(Scope::City, Scope::Township);
        aid::review(tx, DEMO_ACTOR, scope, id).await?;
    }
    if c.until >= 2 {
        aid::approve(tx, DEMO_ACTOR, Scope::City, id, a.asked).await?;
    }
    if c.until >= 3 {
        aid::disburse(tx, DEMO_ACTOR, Scope::City, id, c.disbursed_on).await?;
    }
    Ok(())
}

/// 2019: 70 medical, 50 study, 240 Spring Festival visits paid (about 1.26 million yuan),
/// a few rejected or still in progress; some of 2018 and 2020.
async fn fill_aid(tx: &mut Tx, rng: &mut Rng, people: &[ResidentId]) -> Result<()> {
    let mut next = people.iter().cycle();
    let mut who = || next.next().context("没有会员");
    for (year, medical, study, visits) in [(2018, 10, 5, 30), (2019, 70, 50, 240), (2020, 8, 4, 20)]
    {
        for i in 0..medical + study {
            let (kind, yuan) = if i < medical {
                (AidKind::Medical, 100 * rng.range(80, 160) as i64)
            } else {
                (AidKind::Study, 100 * rng.range(30, 60) as i64)
            };
            let applied_on = rng.date(day(year, 2, 1), day(year, 10, 31));
            let case = Case {
                who: who()?,
                kind,
                festival: None,
                yuan,
                applied_on,
                disbursed_on: applied_on + chrono::Days::new(20),
                until: 3,
            };
            run(tx, case).await?;
        }
        for _ in 0..visits {
            let case = Case {
                who: who()?,
                kind: AidKind::FestivalVisit,
                festival: Some(Festival::SpringFestival),
                yuan: 1_000,
                applied_on: day(year, 1, 5),
                disbursed_on: day(year, 1, 25),
                until: 3,
            };
            run(tx, case).await?;
        }
    }
    // 2019 applications still in progress or turned down.
    for until in [0, 1, 2, 0, 1] {
        let applied_on = rng.date(day(2019, 11, 1), day(2019, 12, 20));
        let case = Case {
            who: who()?,
            kind: AidKind::Medical,
            festival: None,
            yuan: 5_000,
            applied_on,
            disbursed_on: applied_on,
            until,
        };
        run(tx, case).await?;
    }
    let a = NewApplication {
        resident_id: who()?.clone(),
        kind: AidKind::Study,
        festival: None,
        asked: Fen::from_yuan(3_000).context("金额")?,
        reason: "子女就读高中".into(),
        documents: vec![AidDocument::ApplicationForm],
        applied_on: day(2019, 9, 2),
    };
    let id = aid::apply(tx, DEMO_ACTOR, Scope::City, &a).await?;
    aid::reject(
        tx,
        DEMO_ACTOR,
        Scope::City,
        id,
        "家庭人均收入高于困难职工认定标准",
    )
    .await?;
    Ok(())
}

/// Protection claims of 2019 (and a few of 2020): mostly paid, some refused or pending.
async fn fill_claims(tx: &mut Tx, rng: &mut Rng, people: &[ResidentId]) -> Result<()> {
    for (i, who) in people.iter().rev().take(48).enumerate() {
        let year = if i < 40 { 2019 } else { 2020 };
        let kind = if i % 3 == 0 {
            ClaimKind::PropertyLoss
        } else {
            ClaimKind::AccidentInjury
        };
        let event_on = rng.date(day(year, 1, 5), day(year, 10, 31));
        let claimed = Fen::from_yuan(100 * rng.range(5, 80) as i64).context("金额")?;
        let id = claims::submit(
            tx,
            DEMO_ACTOR,
            Scope::City,
            (who, kind),
            event_on,
            claimed,
            day(year, 12, 31),
        )
        .await?;
        let steps = match i % 8 {
            7 => vec![],
            6 => vec![ClaimStep::Refuse("不在保障期内".into())],
            _ => vec![
                ClaimStep::Accept,
                ClaimStep::Pay(claimed, event_on + chrono::Days::new(30)),
            ],
        };
        for s in steps {
            claims::step(tx, DEMO_ACTOR, Scope::City, id, &s).await?;
        }
    }
    Ok(())
}

/// A demo programme: name, kind, level, year, quota, how many ask for a place.
type Plan = (
    &'static str,
    ProgrammeKind,
    Option<CollegeLevel>,
    i32,
    i64,
    usize,
);

/// 2019: two recuperation programmes (120 + 100 places, full, with a waiting list that
/// moved up when three withdrew), health checks (400), the college subsidy (130 junior
/// college, 71 undergraduate, all migrant workers); one programme each in 2018 and 2020.
async fn fill_programmes(
    tx: &mut Tx,
    migrants: &[ResidentId],
    others: &[ResidentId],
) -> Result<()> {
    use ProgrammeKind::*;
    let plan: [Plan; 7] = [
        ("2018年劳模疗休养", Recuperation, None, 2018, 50, 50),
        (
            "2019年劳模工匠疗休养（千岛湖）",
            Recuperation,
            None,
            2019,
            120,
            126,
        ),
        (
            "2019年一线职工疗休养（新叶古村）",
            Recuperation,
            None,
            2019,
            100,
            100,
        ),
        ("2019年职工健康体检", HealthCheck, None, 2019, 400, 400),
        (
            "2019年资助农民工上大学（大专）",
            CollegeSubsidy,
            Some(CollegeLevel::JuniorCollege),
            2019,
            130,
            130,
        ),
        (
            "2019年资助农民工上大学（本科）",
            CollegeSubsidy,
            Some(CollegeLevel::Undergraduate),
            2019,
            71,
            71,
        ),
        ("2020年职工健康体检", HealthCheck, None, 2020, 300, 40),
    ];
    let mut students = migrants.iter();
    for (k, (name, kind, level, year, quota, asking)) in plan.into_iter().enumerate() {
        let p = NewProgramme {
            name: name.into(),
            kind,
            level,
            year,
            quota,
        };
        let id = programmes::create(tx, DEMO_ACTOR, &p).await?;
        // Members take turns across programmes so that nobody enrols twice in one.
        let offset = k * 150 % others.len().max(1);
        let mut first = Vec::new();
        for n in 0..asking {
            let who = if kind == CollegeSubsidy {
                students.next().context("农民工会员不足")?
            } else {
                others
                    .get((offset + n) % others.len().max(1))
                    .context("会员不足")?
            };
            if let Outcome::Enrolled(e) =
                programmes::enrol(tx, DEMO_ACTOR, Scope::City, id, who).await?
            {
                first.push(e);
            }
        }
        if asking > usize::try_from(quota).unwrap_or(0) {
            for e in first.iter().take(3) {
                programmes::withdraw(tx, DEMO_ACTOR, Scope::City, *e).await?;
            }
        }
    }
    Ok(())
}
