//! The services part of the demo: activities of 2019 (and a few of 2018 and 2020) with
//! their participations, teams and honours, such that the 2019 figures computed from the
//! records are DOMAIN.md's: 15 online projects with 20,000+ participations, 10 city and
//! 198 all-level competitions, 23,600+ training participations, 16 volunteer services,
//! 18 job fairs, 3 free courses, 123 乐活 events; 35 model workers (Jiande level and up),
//! 1 Zhejiang craftsman, 30 studios, 73 pioneer teams. Participations are bulk-inserted
//! with batch audit entries, so the part takes seconds.

use super::DEMO_ACTOR;
use super::fake::Rng;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use domain::platform::ResidentId;
use domain::union::activity::{ActivityDates, ActivityKind, ActivityLevel};
use domain::union::honour::{HonourKind, HonourLevel};
use domain::union::organising::{JointMode, Organisation, TeamKind};
use domain::union::township::Township;
use store::union::Scope;
use store::union::activities::{self, ActivityInput};
use store::union::honours::{self, HonourInput};
use store::union::participations::{self, NewParticipation, RegisteredPerson};
use store::union::teams::{self, TeamInput};
use store::{Db, Tx};

/// Participations per 2019 online project (15 × 1,360 = 20,400).
const ONLINE_EACH: usize = 1_360;
/// 2019 on-the-job training activities and participations per activity (40 × 592 = 23,680).
const TRAINING: (usize, usize) = (40, 592);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

struct Demo {
    tx: Tx,
    rng: Rng,
    people: Vec<RegisteredPerson>,
    participations: Vec<NewParticipation>,
    teams: Vec<i64>,
}

impl Demo {
    /// Adds an activity of `kind` at `level` (township activities rotate through the
    /// townships by `n`) in `year`; its id and dates.
    async fn activity(
        &mut self,
        kind: ActivityKind,
        level: ActivityLevel,
        year: i32,
        n: usize,
    ) -> Result<(i64, ActivityDates)> {
        let township = match level {
            ActivityLevel::City => None,
            _ => Some(Township::JIANDE[n % Township::JIANDE.len()]),
        };
        let start = self.rng.date(day(year, 1, 5), day(year, 11, 30));
        let long = matches!(
            kind,
            ActivityKind::OnlineProject | ActivityKind::OnTheJobTraining
        );
        let end = if long {
            self.rng.date(start, day(year, 12, 31))
        } else {
            start + chrono::Days::new(self.rng.range(0, 2))
        };
        let organiser = match township {
            Some(t) => format!("{}总工会", t.name()),
            None => "建德市总工会".to_string(),
        };
        let joint = self.rng.chance(15);
        let input = ActivityInput {
            name: format!("{year}年{}{}第{}期", organiser, kind.label(), n + 1),
            kind,
            organisation: Organisation::new(level, township)?,
            organiser,
            co_organisers: if joint {
                vec!["团市委".into(), "市人力社保局".into()]
            } else {
                vec![]
            },
            joint_mode: joint.then_some(if n.is_multiple_of(2) {
                JointMode::Regional
            } else {
                JointMode::PartyMass
            }),
            dates: ActivityDates::new(start, end)?,
            place: match township {
                Some(t) => format!("{}职工之家", t.name()),
                None => "建德市工人文化宫".into(),
            },
            capacity: (!long).then_some(50 + 10 * (n as u32 % 10)),
            open_for_signup: !long,
            team_id: match kind {
                ActivityKind::VolunteerService => self.teams.get(2).copied(),
                ActivityKind::LectureTour => self.teams.get(1).copied(),
                _ => None,
            },
        };
        let id = activities::insert(&mut self.tx, DEMO_ACTOR, &input).await?;
        Ok((id, input.dates))
    }

    /// `count` participations in activity `id`, by people drawn from the registry (the
    /// same person may take part several times).
    fn take_part(&mut self, id: i64, dates: ActivityDates, count: usize) -> Result<()> {
        for _ in 0..count {
            let p = &self.people[self.rng.index(self.people.len())];
            let on = self.rng.date(dates.start(), dates.end());
            self.participations.push(NewParticipation {
                activity_id: id,
                member_id: Some(p.id),
                resident_id: ResidentId::parse(&p.resident_id)?,
                name: p.name.clone(),
                took_part_on: on,
            });
        }
        Ok(())
    }
}

impl Demo {
    /// The demo member account's person takes part once in activity `id`, so their own
    /// activities page has something to show.
    fn demo_member_takes_part(&mut self, id: i64, dates: ActivityDates) -> Result<()> {
        let p = self
            .people
            .iter()
            .find(|p| p.resident_id == super::union::DEMO_MEMBER_ID)
            .context("演示会员不在名册中")?;
        self.participations.push(NewParticipation {
            activity_id: id,
            member_id: Some(p.id),
            resident_id: ResidentId::parse(&p.resident_id)?,
            name: p.name.clone(),
            took_part_on: dates.start(),
        });
        Ok(())
    }
}

/// Fills the services records (after the registry: participants are members).
pub async fn fill(db: &Db) -> Result<()> {
    let mut d = Demo {
        people: participations::registry(db).await?,
        tx: db.begin().await?,
        rng: Rng::new(20_191_001),
        participations: Vec::new(),
        teams: Vec::new(),
    };
    anyhow::ensure!(!d.people.is_empty(), "演示数据：会员名册为空");
    fill_teams(&mut d).await.context("演示数据：队伍")?;
    use ActivityKind::*;
    use ActivityLevel::*;
    for n in 0..15 {
        let (id, dates) = d.activity(OnlineProject, City, 2019, n).await?;
        d.take_part(id, dates, ONLINE_EACH)?;
        if n < 3 {
            d.demo_member_takes_part(id, dates)?;
        }
    }
    for n in 0..198 {
        let level = match n {
            0..10 => City,
            10..120 => Township,
            _ => Enterprise,
        };
        d.activity(SkillCompetition, level, 2019, n).await?;
    }
    for n in 0..TRAINING.0 {
        let level = if n.is_multiple_of(2) {
            Township
        } else {
            Enterprise
        };
        let (id, dates) = d.activity(OnTheJobTraining, level, 2019, n).await?;
        d.take_part(id, dates, TRAINING.1)?;
    }
    let counts = [
        (VolunteerService, 16usize),
        (JobFair, 18),
        (FreeTraining, 3),
        (CulturalEvent, 123),
        (LectureTour, 12),
        (SportsMatch, 8),
    ];
    for (kind, count) in counts {
        for n in 0..count {
            let level = if n.is_multiple_of(3) { City } else { Township };
            d.activity(kind, level, 2019, n).await?;
        }
    }
    // The neighbouring years, so that a report of 2019 has something to leave out.
    for year in [2018, 2020] {
        let (id, dates) = d.activity(OnlineProject, City, year, 0).await?;
        d.take_part(id, dates, 120)?;
        for n in 0..6 {
            d.activity(SkillCompetition, City, year, n).await?;
            d.activity(CulturalEvent, Township, year, n).await?;
        }
    }
    let rows = std::mem::take(&mut d.participations);
    participations::insert_many(&mut d.tx, DEMO_ACTOR, &rows).await?;
    fill_honours(&mut d).await.context("演示数据：荣誉")?;
    d.tx.commit().await?;
    Ok(())
}

/// Three teams with a few members each.
async fn fill_teams(d: &mut Demo) -> Result<()> {
    let teams = [
        (
            "建德市劳模工匠协会",
            TeamKind::ModelWorkersAssociation,
            None,
        ),
        ("建德市职工宣讲团", TeamKind::LectureTeam, None),
        (
            "新安江街道职工志愿服务队",
            TeamKind::VolunteerTeam,
            Some(Township::JIANDE[0]),
        ),
    ];
    for (name, kind, township) in teams {
        let input = TeamInput {
            name: name.into(),
            kind,
            township,
        };
        let id = teams::create(&mut d.tx, DEMO_ACTOR, Scope::City, &input).await?;
        let mut chosen = std::collections::HashSet::new();
        for _ in 0..12 {
            let p = d.people[d.rng.index(d.people.len())].id;
            if chosen.insert(p) {
                let on = d.rng.date(day(2018, 1, 1), day(2019, 12, 31));
                teams::add_member(&mut d.tx, DEMO_ACTOR, id, p, on).await?;
            }
        }
        d.teams.push(id);
    }
    Ok(())
}

/// 2019's honours (and a few of 2018).
async fn fill_honours(d: &mut Demo) -> Result<()> {
    use HonourKind::*;
    use HonourLevel::*;
    let lists: [(i32, HonourKind, HonourLevel, usize); 9] = [
        (2019, ModelWorker, Provincial, 2),
        (2019, ModelWorker, Hangzhou, 8),
        (2019, ModelWorker, Jiande, 25),
        (2019, ZhejiangCraftsman, Provincial, 1),
        (2019, InnovationStudio, Hangzhou, 6),
        (2019, InnovationStudio, Jiande, 24),
        (2019, PioneerTeam, Jiande, 73),
        (2018, ModelWorker, Jiande, 20),
        (2018, PioneerTeam, Jiande, 40),
    ];
    for (year, kind, level, count) in lists {
        for n in 0..count {
            // Township and firm number differ for every n below 112, so every holder's
            // workplace is distinct and no honour of a list repeats another.
            let township = Township::JIANDE[n % Township::JIANDE.len()];
            let workplace = format!("{}某某有限公司{}", township.short_name(), n % 7 + 1);
            let (holder, resident_id) = if kind.is_collective() {
                let what = if kind == InnovationStudio {
                    "创新工作室"
                } else {
                    "车间"
                };
                (format!("{workplace}{}号{what}", n + 1), None)
            } else {
                let p = &d.people[d.rng.index(d.people.len())];
                (p.name.clone(), Some(ResidentId::parse(&p.resident_id)?))
            };
            let input = HonourInput {
                kind,
                level,
                year,
                holder,
                resident_id,
                workplace,
                township: Some(township),
            };
            honours::record(&mut d.tx, DEMO_ACTOR, Scope::City, &input).await?;
        }
    }
    Ok(())
}
