//! The demo's facilities, collective contracts, social-responsibility assessments, leader
//! talks and assessment weights, such that the 2019 figures computed from the records are
//! DOMAIN.md's: 6 Hangzhou-level and 27 Jiande-level advanced workers' homes, the new
//! cultural palace in 寿昌 of 8,100 m² costing 28,000,000 yuan, 116 wage-bargaining
//! demonstration units, 969 enterprises with a wage contract in force at the end of 2019
//! and a signing rate ≥ 98 %. A few 2018 and 2020 records make the year matter.
//!
//! The union part of the demo registers about 560 enterprises; 969 signed ones need more.
//! The extra enterprises have unions founded before 2019 and are neither provincially
//! registered with 100+ staff nor given members, so no 2019 union figure moves (the
//! seven "must" enterprises stay seven, all signed: the rate is 100 %).

use super::DEMO_ACTOR;
use super::fake::{CreditCodes, Rng};
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use domain::platform::{CreditCode, Fen, SquareMetres};
use domain::union::assessment::{AssessmentWeights, ResponsibilityScores};
use domain::union::coverage::Obligation;
use domain::union::facility::{AwardLevel, FacilityKind, FacilityStatus};
use domain::union::organisation::UnionKind;
use domain::union::township::Township;
use domain::union::wage::ContractKind;
use store::union::enterprises::{self, Enterprise, EnterpriseInput};
use store::union::facilities::{self, Award, FacilityInput};
use store::union::organisations::{self, UnionInput, UnionRef};
use store::union::{Scope, contracts, coverage, oversight, responsibility};
use store::{Db, Tx};

/// Enterprises with a wage-specific contract in force on 31 December 2019.
pub const SIGNED_2019: usize = 969;
/// Demonstration units named for 2019.
pub const DEMONSTRATION_2019: usize = 116;
/// Advanced workers' homes awarded in 2019: Hangzhou level, Jiande level.
pub const ADVANCED_HOMES_2019: (usize, usize) = (6, 27);
/// The 寿昌 cultural palace: floor area (m²) and investment (yuan).
pub const PALACE: (i64, i64) = (8_100, 28_000_000);
/// Enterprises the demo needs in all: the signed ones and some without a valid contract.
const ENTERPRISES_NEEDED: usize = 1_050;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

const SHOPS: &[&str] = &[
    "机修", "米面", "竹编", "茶叶", "五金", "建材", "服装", "印刷", "汽修", "农机",
];

/// Fills this part of the demo, after the union part.
pub async fn fill(db: &Db) -> Result<()> {
    let mut rng = Rng::new(20_191_231);
    let mut tx = db.begin().await?;
    let feds: Vec<(Township, UnionRef)> = organisations::list(db, Scope::City)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnionKind::TownshipFederation)
        .filter_map(|u| {
            u.township.map(|t| {
                (
                    t,
                    UnionRef {
                        id: u.id,
                        kind: u.kind,
                        township: Some(t),
                    },
                )
            })
        })
        .collect();
    let existing = enterprises::all(db, Scope::City).await?;
    let mut all: Vec<Firm> = existing.iter().map(row).collect();
    all.extend(more_enterprises(&mut tx, &mut rng, &feds, existing.len()).await?);
    contracts_and_units(&mut tx, &mut rng, db, &all).await?;
    facilities_of(&mut tx, &mut rng, &feds).await?;
    assessments(&mut tx, &mut rng, &all).await?;
    oversight::set_weights(
        &mut tx,
        DEMO_ACTOR,
        Scope::City,
        &AssessmentWeights::default(),
    )
    .await?;
    talks(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What the contracts and assessments need of an enterprise: id, township, headcount,
/// provincially registered.
type Firm = (i64, Township, u32, bool);

fn row(e: &Enterprise) -> Firm {
    (
        e.id,
        e.township,
        u32::try_from(e.headcount).unwrap_or(0),
        e.provincial,
    )
}

/// Small enterprises with their own union founded before 2019, spread over the townships.
async fn more_enterprises(
    tx: &mut Tx,
    rng: &mut Rng,
    feds: &[(Township, UnionRef)],
    existing: usize,
) -> Result<Vec<Firm>> {
    let mut codes = CreditCodes::new();
    let mut out = Vec::new();
    for n in existing..ENTERPRISES_NEEDED {
        let (t, fed) = feds[n % feds.len()];
        let name = format!("建德市{}{}{}厂", t.short_name(), SHOPS[n % SHOPS.len()], n);
        let input = EnterpriseInput {
            name: name.clone(),
            credit_code: CreditCode::parse(&codes.next(rng))?,
            township: t,
            headcount: u32::try_from(rng.range(8, 95))?,
            provincial: false,
        };
        let e = enterprises::insert(tx, DEMO_ACTOR, &input).await?;
        let founded = rng.date(day(2003, 1, 1), day(2018, 11, 30));
        let union = UnionInput {
            name: format!("{name}工会"),
            kind: UnionKind::EnterpriseUnion,
            parent: Some(fed),
            township: Some(t),
            founded_on: Some(founded),
        };
        let u = organisations::insert(tx, DEMO_ACTOR, &union).await?;
        enterprises::set_union(tx, DEMO_ACTOR, e, Some(u)).await?;
        out.push((e, t, input.headcount, false));
    }
    Ok(out)
}

/// 969 enterprises signed at the end of 2019 (the seven "must" first, then the largest),
/// some contracts expired in 2018 or signed only in 2020, comprehensive contracts beside,
/// and the demonstration units of 2018, 2019 and 2020.
async fn contracts_and_units(tx: &mut Tx, rng: &mut Rng, db: &Db, all: &[Firm]) -> Result<()> {
    let rule = coverage::rule(db).await?;
    let mut order: Vec<&Firm> = all.iter().collect();
    order.sort_by_key(|(id, _, h, p)| {
        (
            rule.obligation(*h, *p) != Obligation::Must,
            std::cmp::Reverse(*h),
            *id,
        )
    });
    let wage = |s, e| contracts::contract(ContractKind::WageSpecific, s, e);
    for (k, (id, ..)) in order.iter().enumerate() {
        if k < SIGNED_2019 {
            // Three-year contracts signed between 2017 and 2019, in force on 31 Dec 2019.
            let signed = rng.date(day(2017, 1, 1), day(2019, 12, 20));
            let expiry = signed
                .with_year(signed.year() + 3)
                .and_then(|d| d.pred_opt())
                .unwrap_or(day(2021, 12, 31));
            contracts::record(tx, DEMO_ACTOR, Scope::City, *id, &wage(signed, expiry)?).await?;
            if k % 4 == 0 {
                let c = contracts::contract(ContractKind::Comprehensive, signed, expiry)?;
                contracts::record(tx, DEMO_ACTOR, Scope::City, *id, &c).await?;
            }
        } else if k % 2 == 0 {
            // Expired at the end of 2018, renewed only in 2020.
            let c = wage(day(2015, 12, 1), day(2018, 11, 30))?;
            contracts::record(tx, DEMO_ACTOR, Scope::City, *id, &c).await?;
            let c = wage(day(2020, 3, 1), day(2023, 2, 28))?;
            contracts::record(tx, DEMO_ACTOR, Scope::City, *id, &c).await?;
        }
    }
    let years = [(2018, 90), (2019, DEMONSTRATION_2019), (2020, 120)];
    for (year, n) in years {
        for (id, ..) in order.iter().skip(year as usize % 7).step_by(7).take(n) {
            contracts::set_demonstration(tx, DEMO_ACTOR, Scope::City, *id, year).await?;
        }
    }
    Ok(())
}

/// The 寿昌 palace, workers' homes with their awards, care stations and nursing rooms.
async fn facilities_of(tx: &mut Tx, rng: &mut Rng, feds: &[(Township, UnionRef)]) -> Result<()> {
    let shouchang = Township::parse("寿昌镇").context("寿昌镇")?;
    let palace = FacilityInput {
        name: "建德市工人文化宫（寿昌新馆）".into(),
        kind: FacilityKind::CulturalPalace,
        township: shouchang,
        union_id: None,
        area: SquareMetres::from_whole(PALACE.0),
        investment: Fen::from_yuan(PALACE.1).context("投资额")?,
    };
    let id = facilities::create(
        tx,
        DEMO_ACTOR,
        Scope::City,
        &palace,
        FacilityStatus::Planned,
        day(2018, 6, 1),
    )
    .await?;
    for (status, on) in [
        (FacilityStatus::AgreementSigned, day(2019, 3, 15)),
        (FacilityStatus::Building, day(2019, 8, 1)),
    ] {
        facilities::change_status(tx, DEMO_ACTOR, Scope::City, id, status, on).await?;
    }
    let old = FacilityInput {
        name: "建德市工人文化宫".into(),
        township: Township::JIANDE[0],
        area: SquareMetres::from_whole(3_200),
        investment: Fen::from_yuan(6_500_000).context("投资额")?,
        ..palace
    };
    let id = facilities::create(
        tx,
        DEMO_ACTOR,
        Scope::City,
        &old,
        FacilityStatus::Open,
        day(1996, 5, 1),
    )
    .await?;
    facilities::change_status(
        tx,
        DEMO_ACTOR,
        Scope::City,
        id,
        FacilityStatus::Renovating,
        day(2020, 4, 1),
    )
    .await?;

    // Workers' homes: 33 awarded in 2019 (6 Hangzhou, 27 Jiande), some in 2018 and 2020.
    let (hz, jd) = ADVANCED_HOMES_2019;
    for n in 0..48 {
        let (t, fed) = feds[n % feds.len()];
        let home = FacilityInput {
            name: format!("{}职工之家（{}号）", t.name(), n / feds.len() + 1),
            kind: FacilityKind::WorkersHome,
            township: t,
            union_id: Some(fed.id),
            area: SquareMetres(i64::try_from(rng.range(8_000, 40_000))?),
            investment: Fen(i64::try_from(rng.range(50_000, 400_000))? * 100),
        };
        let opened = rng.date(day(2010, 1, 1), day(2018, 12, 31));
        let id = facilities::create(
            tx,
            DEMO_ACTOR,
            Scope::City,
            &home,
            FacilityStatus::Open,
            opened,
        )
        .await?;
        let mut award = async |year, level| {
            facilities::award(tx, DEMO_ACTOR, Scope::City, id, Award { year, level }).await
        };
        match n {
            n if n < hz => award(2019, AwardLevel::Hangzhou).await?,
            n if n < hz + jd => award(2019, AwardLevel::Jiande).await?,
            n if n < hz + jd + 10 => award(2018, AwardLevel::Jiande).await?,
            _ => award(2020, AwardLevel::Jiande).await?,
        }
    }
    for (kind, label, n, year) in [
        (FacilityKind::CareStation, "爱心驿站", 20, 2019),
        (FacilityKind::NursingRoom, "妈咪暖心小屋", 12, 2019),
        (FacilityKind::CareStation, "爱心驿站", 4, 2020),
    ] {
        for k in 0..n {
            let (t, _) = feds[(k * 3 + year as usize) % feds.len()];
            let f = FacilityInput {
                name: format!("{}{label}（{year}-{}）", t.short_name(), k + 1),
                kind,
                township: t,
                union_id: None,
                area: SquareMetres(i64::try_from(rng.range(1_500, 6_000))?),
                investment: Fen(i64::try_from(rng.range(20_000, 80_000))? * 100),
            };
            let start = day(year, 1, 10);
            let id = facilities::create(
                tx,
                DEMO_ACTOR,
                Scope::City,
                &f,
                FacilityStatus::Building,
                start,
            )
            .await?;
            let on = rng.date(day(year, 3, 1), day(year, 12, 20));
            facilities::change_status(tx, DEMO_ACTOR, Scope::City, id, FacilityStatus::Open, on)
                .await?;
        }
    }
    Ok(())
}

/// Social-responsibility assessments of the larger enterprises, 2018 and 2019.
async fn assessments(tx: &mut Tx, rng: &mut Rng, all: &[Firm]) -> Result<()> {
    let mut big: Vec<&Firm> = all.iter().filter(|e| e.2 >= 100).collect();
    big.sort_by_key(|e| (std::cmp::Reverse(e.2), e.0));
    for (k, (id, ..)) in big.iter().take(40).enumerate() {
        for year in [2018, 2019] {
            if year == 2018 && k % 2 == 1 {
                continue;
            }
            let mut score = || u32::try_from(rng.range(55, 100)).unwrap_or(60);
            let s = ResponsibilityScores::new(score(), score(), score(), score())?;
            responsibility::record(tx, DEMO_ACTOR, Scope::City, *id, year, &s, "").await?;
        }
    }
    Ok(())
}

/// Leader talks with townships at the bottom of the ranking.
async fn talks(tx: &mut Tx) -> Result<()> {
    let lagging = [
        (
            Township::JIANDE[15],
            day(2019, 4, 18),
            Some(day(2019, 9, 30)),
        ),
        (
            Township::JIANDE[13],
            day(2019, 6, 12),
            Some(day(2019, 11, 15)),
        ),
        (Township::JIANDE[8], day(2019, 10, 9), None),
        (
            Township::JIANDE[14],
            day(2018, 11, 20),
            Some(day(2019, 3, 1)),
        ),
    ];
    for (t, held_on, done) in lagging {
        let talk = oversight::TalkInput {
            township: t,
            held_on,
            leaders: "市总工会党组书记、常务副主席".into(),
            township_people: format!("{}党（工）委分管领导、总工会主席", t.name()),
            agreed: "对照建会清单逐家销号，三个月内提交整改报告".into(),
            follow_up: if done.is_some() {
                "清单企业已全部走访，建会工作按期完成".into()
            } else {
                "正在推进".into()
            },
            follow_up_done_on: done,
        };
        oversight::create_talk(tx, DEMO_ACTOR, Scope::City, &talk).await?;
    }
    Ok(())
}
