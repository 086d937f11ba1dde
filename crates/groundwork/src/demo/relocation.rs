//! The relocation part of the demo: Yangcunqiao's (杨村桥镇) 2019 projects with their
//! groups, persons, published standards, households, members, verified buildings,
//! appraisals, milestones, visits, a nightly meeting and the campaign's care records
//! (temporary housing, help moving and harvesting) — written through the store's
//! audited functions, so that the yearbook's figures (11 + 6 projects, 941 mu, 81
//! households of which 7 enterprises, 28,900 m² demolished, 247 households resettled in
//! 4 projects, a campaign of 49 households all signed within 12 days) come out of the
//! records when the overview computes them. The resettlement projects' households take
//! property exchange and choose their flats in sessions ([`flats`]); one 2020 project's
//! session is still under way.

mod care;
mod flats;
mod generate;
mod plan;

use super::DEMO_ACTOR;
use super::fake;
use anyhow::{Context, Result, bail};
use chrono::Days;
use domain::platform::{Mobile, Mu, ResidentId};
use domain::relocation::{
    Attitude, CompensationOption, CompensationStandard, DeadlineReward, HeadId, IncidentKind,
    Milestone, ProjectKind, ProjectStatus, Residence, TeamKind, VisitMode,
};
use generate::Spec;
use plan::{PLAN_2018, PLANS, Plan, TOWN, all_plans, day, moment};
use store::relocation::households::{self, HouseholdFields};
use store::relocation::incidents::{self, NewIncident};
use store::relocation::meetings::{self, NewAction, NewMeeting};
use store::relocation::projects::{self, ProjectFields};
use store::relocation::worklog::{self, VisitFields};
use store::relocation::{Scope, appraisals, buildings, members, milestones, standards, teams};
use store::{Db, Tx};

/// Persons of each project's groups: the campaign's 征收组 is the biggest, and its first
/// person is the demo staff account's.
const CAMPAIGN_TEAM: [(TeamKind, &[&str]); 4] = [
    (
        TeamKind::Expropriation,
        &["陈立新", "王建军", "李晓燕", "方志强", "叶明华"],
    ),
    (TeamKind::Policy, &["胡国平", "邵丽华"]),
    (TeamKind::Appraisal, &["徐海涛", "郑敏"]),
    (TeamKind::Title, &["汪志刚", "孙燕"]),
];

/// The headquarters' supervision hotline (监督电话), printed on every project's public
/// pages. The demo registers no petition incident or misconduct finding in 2019 (it had
/// none); one petition of 2018 is on [`PLAN_2018`]'s project.
const HOTLINE: &str = "0571-64781234";

/// Fills this module's demo records.
pub async fn fill(db: &Db) -> Result<()> {
    let mut rng = fake::Rng::new(2019_0506);
    let specs = generate::households(&mut rng);
    let staff_exists = store::platform::users::list(db)
        .await?
        .iter()
        .any(|u| u.username == "staff");
    for (p, households) in all_plans().zip(&specs) {
        let mut tx = db.begin().await?;
        fill_project(&mut tx, &mut rng, p, households, staff_exists)
            .await
            .with_context(|| format!("演示项目 {} 写入失败", p.code))?;
        tx.commit().await?;
    }
    Ok(())
}

fn standard_for(p: &Plan) -> CompensationStandard {
    let mut s = CompensationStandard::example_2019();
    let deadline = p.sign_deadline();
    s.signing_reward = Some(DeadlineReward {
        deadline,
        amount_per_household: domain::platform::Fen(2_000_000),
    });
    s.vacating_reward = Some(DeadlineReward {
        deadline: deadline + Days::new(10),
        amount_per_household: domain::platform::Fen(1_000_000),
    });
    s
}

async fn fill_project(
    tx: &mut Tx,
    rng: &mut fake::Rng,
    p: &Plan,
    specs: &[Spec],
    staff_exists: bool,
) -> Result<()> {
    let start = p.start_day();
    let sign_deadline = p.sign_deadline();
    let households = p.households.0;
    let done = households > 0 && p.reached[3] == households;
    let status = match (households, done) {
        (0, _) => ProjectStatus::Preparing,
        (_, true) => ProjectStatus::Closed,
        _ => ProjectStatus::Active,
    };
    let fields = ProjectFields {
        code: p.code.into(),
        name: p.name.into(),
        kind: p.kind,
        town: TOWN.into(),
        year: p.year,
        land: Mu(p.land),
        started_on: Some(start),
        sign_deadline: Some(sign_deadline),
        vacate_deadline: Some(sign_deadline + Days::new(15)),
        clear_deadline: Some(sign_deadline + Days::new(60)),
        status,
    };
    let project_id = projects::create(tx, DEMO_ACTOR, &fields).await?;
    let project = projects::by_id(&mut store::Conn::Tx(&mut *tx), project_id).await?;
    standards::save_draft(tx, DEMO_ACTOR, project_id, &standard_for(p)).await?;
    standards::publish(tx, DEMO_ACTOR, project_id).await?;
    let hotline = domain::relocation::grievance::Phone::parse(HOTLINE)?;
    store::relocation::hotlines::set_hotline(tx, DEMO_ACTOR, project_id, Some(&hotline)).await?;

    // Groups and persons: the campaign has a full roster; other projects one or two each.
    let mut persons: Vec<(TeamKind, i64, i64, String)> = Vec::new();
    for (kind, names) in CAMPAIGN_TEAM {
        let team = teams::group_of_kind(tx, project_id, kind).await?;
        let names: Vec<String> = if p.code == PLANS[0].code {
            names.iter().map(|n| n.to_string()).collect()
        } else {
            let count = if kind == TeamKind::Expropriation {
                2
            } else {
                1
            };
            (0..count).map(|_| fake::person_name(rng)).collect()
        };
        for (i, name) in names.iter().enumerate() {
            let user = (p.code == PLANS[0].code
                && kind == TeamKind::Expropriation
                && i == 0
                && staff_exists)
                .then_some("staff");
            let id = teams::add_person(tx, DEMO_ACTOR, team, name, Some(&fake::mobile(rng)), user)
                .await?;
            persons.push((kind, team, id, name.clone()));
        }
        if let Some(first) = names.first() {
            teams::set_leader(tx, DEMO_ACTOR, team, first).await?;
        }
    }
    let signers: Vec<&(TeamKind, i64, i64, String)> = persons
        .iter()
        .filter(|x| x.0 == TeamKind::Expropriation)
        .collect();
    let policy: Vec<&(TeamKind, i64, i64, String)> =
        persons.iter().filter(|x| x.0 == TeamKind::Policy).collect();

    let scope = Scope::All;
    // Resettlement households take a flat (property exchange); the others are paid.
    let option = match p.kind {
        ProjectKind::Resettlement => CompensationOption::Exchange,
        ProjectKind::Expropriation => CompensationOption::Cash,
    };
    let mut ids = Vec::with_capacity(specs.len());
    for (i, s) in specs.iter().enumerate() {
        let head_id = HeadId::parse(s.kind, &s.head_id)
            .with_context(|| format!("演示户 {} 证件号无效", s.code))?;
        let fields = HouseholdFields {
            code: s.code.clone(),
            kind: s.kind,
            head_name: s.name.clone(),
            head_id,
            mobile: Mobile::parse(&s.mobile).ok(),
            village: s.village.into(),
            village_group: s.group.clone(),
            residence: Residence::parse(s.residence, TOWN),
        };
        let (id, _) = households::upsert(tx, DEMO_ACTOR, &project, &fields).await?;
        for (name, rid, relation) in &s.members {
            let rid =
                ResidentId::parse(rid).with_context(|| format!("演示成员身份证号无效：{rid}"))?;
            members::upsert(tx, DEMO_ACTOR, &scope, id, name, &rid, relation).await?;
        }
        for b in &s.buildings {
            if b.measured.0 <= 0 {
                bail!("演示房屋面积不合理：{} {}", s.code, b.measured);
            }
            let (bid, _) = buildings::upsert(tx, DEMO_ACTOR, &scope, id, b).await?;
            buildings::verify(tx, DEMO_ACTOR, &scope, bid).await?;
        }
        for a in &s.appraisals {
            appraisals::upsert(
                tx,
                DEMO_ACTOR,
                &scope,
                id,
                a,
                "建德市诚信房地产评估有限公司",
            )
            .await?;
        }
        let owner = if s.difficult && !policy.is_empty() {
            policy[i % policy.len()]
        } else {
            signers[i % signers.len().max(1)]
        };
        households::assign(tx, DEMO_ACTOR, &scope, id, Some(owner.1), Some(owner.2)).await?;
        if s.difficult {
            households::set_concerns(tx, DEMO_ACTOR, &scope, id, s.concerns, true).await?;
        }
        visits(tx, rng, id, s, &owner.3, start).await?;
        for (m, when) in Milestone::ALL.into_iter().zip(s.dates) {
            let Some((on, hour, minute)) = when else {
                break;
            };
            let at = moment(on, hour, minute);
            milestones::record(tx, DEMO_ACTOR, &scope, id, m, on, at, option).await?;
        }
        ids.push(id);
    }
    if p.code == PLAN_2018.code {
        let petition = NewIncident {
            kind: IncidentKind::Petition,
            occurred_on: start + Days::new(12),
            description: "两户村民对管网施工临时占地补偿有异议，到镇信访办集体上访".into(),
            outcome: "当日接待，次日复核临时占地面积并补发青苗补偿，双方签字确认，已息访".into(),
        };
        incidents::record(tx, DEMO_ACTOR, project_id, &petition, start + Days::new(12)).await?;
    }
    if p.code == PLANS[0].code {
        meeting(tx, project_id, specs, &ids, &persons).await?;
        care::fill(tx, DEMO_ACTOR, specs, &ids).await?;
    }
    if option == CompensationOption::Exchange && !specs.is_empty() {
        flats::inventory(tx, DEMO_ACTOR, project_id, specs.len()).await?;
        // 2019's sessions are complete; 2020's is under way, half the households served.
        let limit = (p.year != plan::YEAR).then_some(specs.len() / 2);
        let seed = format!("{} 公证处现场抽取种子 {}", p.code, p.year);
        flats::session(tx, DEMO_ACTOR, project_id, &seed, limit).await?;
    }
    Ok(())
}

/// One to three visits before signing; households living in another province get a trip.
async fn visits(
    tx: &mut Tx,
    rng: &mut fake::Rng,
    id: i64,
    s: &Spec,
    visitor: &str,
    start: chrono::NaiveDate,
) -> Result<()> {
    let Some((signed, _, _)) = s.dates[0] else {
        return Ok(());
    };
    let residence = Residence::parse(s.residence, TOWN);
    let count = if s.difficult { 3 } else { rng.range(0, 2) };
    for n in 0..count {
        let earliest = start.checked_sub_days(Days::new(5)).unwrap_or(start);
        let on = rng.date(earliest, signed);
        let mode = if residence.out_of_province() && n == 0 {
            VisitMode::Trip
        } else if rng.chance(30) {
            VisitMode::Phone
        } else {
            VisitMode::OnSite
        };
        let attitude = match (s.difficult, n + 1 == count) {
            (_, true) => Attitude::Cooperative,
            (true, false) => Attitude::Resistant,
            (false, false) => Attitude::Hesitant,
        };
        let fields = VisitFields {
            visited_on: on,
            mode,
            place: if mode == VisitMode::Trip {
                residence.address.clone()
            } else {
                String::new()
            },
            visitors: visitor.into(),
            attitude,
            notes: match attitude {
                Attitude::Cooperative => "政策已讲清楚，同意签约".into(),
                Attitude::Hesitant => "了解补偿标准，想看邻居签约情况".into(),
                Attitude::Resistant => s.concerns.to_string(),
            },
            next_step: if n + 1 == count {
                "准备签约材料".into()
            } else {
                "再次上门解释政策".into()
            },
        };
        worklog::add(tx, DEMO_ACTOR, &Scope::All, id, &fields).await?;
    }
    Ok(())
}

/// The campaign's nightly meeting on its fifth evening: the three difficult cases.
async fn meeting(
    tx: &mut Tx,
    project_id: i64,
    specs: &[Spec],
    ids: &[i64],
    persons: &[(TeamKind, i64, i64, String)],
) -> Result<()> {
    let cases: Vec<(i64, String)> = specs
        .iter()
        .zip(ids)
        .filter(|(s, _)| s.difficult)
        .map(|(s, id)| (*id, format!("{}；由综合政策组牵头再次上门", s.concerns)))
        .collect();
    let owner = |kind: TeamKind| persons.iter().find(|x| x.0 == kind).map(|x| x.2);
    let held_on = day(5, 10);
    let actions = cases
        .iter()
        .enumerate()
        .map(|(i, (id, _))| NewAction {
            content: [
                "请评估组复核装修评估",
                "提供安置房户型图供户主选择",
                "联系在外地的子女共同做老人工作",
            ][i % 3]
                .into(),
            household_id: Some(*id),
            owner_person_id: owner(if i == 0 {
                TeamKind::Appraisal
            } else {
                TeamKind::Policy
            }),
            due_on: held_on + Days::new(2),
        })
        .collect();
    let m = NewMeeting {
        held_on,
        attendees: "总指挥、各组组长、村两委负责人、镇纪委监督员".into(),
        decisions: "难点户由综合政策组牵头逐户攻坚；评估异议两日内复核答复；本周内实现签约过半。"
            .into(),
        cases,
        actions,
    };
    let meeting_id = meetings::create(tx, DEMO_ACTOR, &Scope::All, project_id, &m).await?;
    // The first two items were done by the next meeting; the last is still followed.
    let open = meetings::open_actions(&mut *tx, project_id).await?;
    for action in open.iter().filter(|a| a.meeting_id == meeting_id).take(2) {
        meetings::complete(
            tx,
            DEMO_ACTOR,
            &Scope::All,
            action.id,
            held_on + Days::new(1),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
