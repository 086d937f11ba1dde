//! The union part of the demo scenario: Jiande's 16 townships with enterprises, the union
//! tree with officers, and members, such that the 2019 figures computed from the records
//! are DOMAIN.md's: 79 new unions, 8,629 new members, 7 provincially registered 100+
//! enterprises all covered, 15 new unions at 50+ enterprises, 16 reformed township
//! federations. Everything goes through the store's audited writes, in one transaction.

use super::fake;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use domain::platform::{CreditCode, Mobile, ResidentId};
use domain::union::organisation::{Engagement, OfficerPost, UnionKind};
use domain::union::township::Township;
use fake::{CreditCodes, EnterpriseNames, Ids, Rng};
use store::union::Scope;
use store::union::enterprises::{self, EnterpriseInput};
use store::union::members::{self, NewMember};
use store::union::officers::{self, OfficerInput};
use store::union::organisations::{self, UnionInput, UnionRef};
use store::{Db, Tx};

use super::DEMO_ACTOR;

/// The demo member account's resident ID (see `demo::fill`).
pub const DEMO_MEMBER_ID: &str = "330182199001010014";

/// Unions founded in 2019 per township, in `Township::JIANDE` order (79 in all).
const NEW_2019: [usize; 16] = [10, 7, 6, 5, 6, 5, 6, 4, 3, 4, 7, 4, 4, 3, 3, 2];
/// … of which at enterprises with 50+ staff (15 in all).
const SIZEABLE_2019: [usize; 16] = [3, 2, 1, 1, 1, 1, 1, 0, 0, 1, 2, 0, 1, 0, 1, 0];
/// … of which joint unions of small enterprises (12 in all).
const JOINT_2019: [usize; 16] = [2, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0];
/// Townships with one provincially registered 100+ enterprise (7 in all), and whether its
/// union was founded in 2019 (then it is one of the township's sizeable new unions).
const PROVINCIAL: [(usize, bool); 7] = [
    (0, true),
    (1, true),
    (2, false),
    (4, false),
    (5, false),
    (10, true),
    (13, false),
];
/// Members who joined in 2019 (the demo member among them).
const JOINED_2019: usize = 8_629;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A union of the demo with what member generation needs.
struct DemoUnion {
    r: UnionRef,
    founded: NaiveDate,
    headcount: u64,
    township: Township,
}

/// The generators and the open transaction.
struct Demo {
    tx: Tx,
    rng: Rng,
    ids: Ids,
    codes: CreditCodes,
    names: EnterpriseNames,
    unions: Vec<DemoUnion>,
}

impl Demo {
    /// A new enterprise; its id and name.
    async fn enterprise(
        &mut self,
        t: Township,
        headcount: u64,
        provincial: bool,
    ) -> Result<(i64, String)> {
        let input = EnterpriseInput {
            name: self.names.next(&mut self.rng, t.short_name()),
            credit_code: CreditCode::parse(&self.codes.next(&mut self.rng))?,
            township: t,
            headcount: u32::try_from(headcount)?,
            provincial,
        };
        let id = enterprises::insert(&mut self.tx, DEMO_ACTOR, &input).await?;
        Ok((id, input.name))
    }

    async fn union(
        &mut self,
        name: String,
        kind: UnionKind,
        parent: UnionRef,
        t: Township,
        founded: NaiveDate,
    ) -> Result<UnionRef> {
        let input = UnionInput {
            name,
            kind,
            parent: Some(parent),
            township: Some(t),
            founded_on: Some(founded),
        };
        let id = organisations::insert(&mut self.tx, DEMO_ACTOR, &input).await?;
        Ok(UnionRef {
            id,
            kind,
            township: Some(t),
        })
    }

    /// An enterprise with its own union founded on `founded`.
    async fn covered(
        &mut self,
        fed: UnionRef,
        t: Township,
        headcount: u64,
        provincial: bool,
        founded: NaiveDate,
    ) -> Result<()> {
        let (e, name) = self.enterprise(t, headcount, provincial).await?;
        let u = self
            .union(
                format!("{name}工会委员会"),
                UnionKind::EnterpriseUnion,
                fed,
                t,
                founded,
            )
            .await?;
        enterprises::set_union(&mut self.tx, DEMO_ACTOR, e, Some(u.id)).await?;
        if founded.format("%Y").to_string() == "2019" {
            let chair = OfficerInput {
                name: fake::person_name(&mut self.rng),
                post: OfficerPost::Chair,
                engagement: Engagement::PartTime,
                frontline: self.rng.chance(40),
                term_start: founded,
                term_end: None,
            };
            officers::insert_officer(&mut self.tx, DEMO_ACTOR, u.id, &chair).await?;
        }
        self.unions.push(DemoUnion {
            r: u,
            founded,
            headcount,
            township: t,
        });
        Ok(())
    }

    /// A joint union covering `n` small enterprises.
    async fn joint(
        &mut self,
        fed: UnionRef,
        t: Township,
        n: usize,
        label: &str,
        founded: NaiveDate,
    ) -> Result<()> {
        let u = self
            .union(
                format!("建德市{}{label}联合工会", t.name()),
                UnionKind::JointUnion,
                fed,
                t,
                founded,
            )
            .await?;
        let mut headcount = 0;
        for _ in 0..n {
            let h = self.rng.range(5, 40);
            headcount += h;
            let (e, _) = self.enterprise(t, h, false).await?;
            enterprises::set_union(&mut self.tx, DEMO_ACTOR, e, Some(u.id)).await?;
        }
        self.unions.push(DemoUnion {
            r: u,
            founded,
            headcount,
            township: t,
        });
        Ok(())
    }

    /// The township federation with its reformed officers (and the chair before the reform).
    async fn federation(&mut self, city: UnionRef, t: Township, i: usize) -> Result<UnionRef> {
        let founded = day(1990 + (i as i32 % 12), 5, 1);
        let fed = self
            .union(
                format!("建德市{}总工会", t.name()),
                UnionKind::TownshipFederation,
                city,
                t,
                founded,
            )
            .await?;
        let reform = day(2019, 3 + (i as u32 % 7), 1 + (i as u32 % 20));
        organisations::set_reform(&mut self.tx, DEMO_ACTOR, Scope::City, fed.id, Some(reform))
            .await?;
        let officers = [
            (
                OfficerPost::Chair,
                Engagement::FullTime,
                false,
                day(2014, 1, 1),
                Some(reform.pred_opt().unwrap_or(reform)),
            ),
            (
                OfficerPost::Chair,
                Engagement::FullTime,
                false,
                reform,
                None,
            ),
            (
                OfficerPost::ViceChair,
                Engagement::FullTime,
                false,
                reform,
                None,
            ),
            (
                OfficerPost::ViceChair,
                Engagement::PartTime,
                true,
                reform,
                None,
            ),
            (
                OfficerPost::ViceChair,
                Engagement::PartTime,
                false,
                reform,
                None,
            ),
            (
                OfficerPost::Member,
                Engagement::PartTime,
                true,
                reform,
                None,
            ),
        ];
        for (post, engagement, frontline, term_start, term_end) in officers {
            let o = OfficerInput {
                name: fake::person_name(&mut self.rng),
                post,
                engagement,
                frontline,
                term_start,
                term_end,
            };
            officers::insert_officer(&mut self.tx, DEMO_ACTOR, fed.id, &o).await?;
        }
        Ok(fed)
    }
}

/// Fills this module's demo records.
pub async fn fill(db: &Db) -> Result<()> {
    let mut d = Demo {
        tx: db.begin().await?,
        rng: Rng::new(20_190_101),
        ids: Ids::new(&[DEMO_MEMBER_ID]),
        codes: CreditCodes::new(),
        names: EnterpriseNames::new(),
        unions: Vec::new(),
    };
    let city_input = UnionInput {
        name: "建德市总工会".into(),
        kind: UnionKind::CityFederation,
        parent: None,
        township: None,
        founded_on: Some(day(1952, 5, 1)),
    };
    let city_id = organisations::insert(&mut d.tx, DEMO_ACTOR, &city_input).await?;
    let city = UnionRef {
        id: city_id,
        kind: UnionKind::CityFederation,
        township: None,
    };
    for (i, t) in Township::JIANDE.into_iter().enumerate() {
        fill_township(&mut d, city, t, i)
            .await
            .with_context(|| format!("演示数据：{t}"))?;
    }
    fill_members(&mut d).await?;
    d.tx.commit().await?;
    Ok(())
}

async fn fill_township(d: &mut Demo, city: UnionRef, t: Township, i: usize) -> Result<()> {
    let fed = d.federation(city, t, i).await?;
    let in_2019 = |rng: &mut Rng| rng.date(day(2019, 1, 10), day(2019, 12, 20));
    let before = |rng: &mut Rng| rng.date(day(2005, 1, 1), day(2018, 12, 31));
    // The township's provincially registered 100+ enterprise, if it has one.
    let mut sizeable_left = SIZEABLE_2019[i];
    if let Some(&(_, new)) = PROVINCIAL.iter().find(|(p, _)| *p == i) {
        let headcount = d.rng.range(150, 800);
        let founded = if new {
            in_2019(&mut d.rng)
        } else {
            before(&mut d.rng)
        };
        if new {
            sizeable_left -= 1;
        }
        d.covered(fed, t, headcount, true, founded).await?;
    }
    // 2019: sizeable enterprise unions, joint unions, small enterprise unions.
    for _ in 0..sizeable_left {
        let (h, f) = (d.rng.range(50, 180), in_2019(&mut d.rng));
        d.covered(fed, t, h, false, f).await?;
    }
    const JOINT_LABELS: [&str; 3] = ["小微企业", "商贸行业", "工业功能区"];
    for j in 0..JOINT_2019[i] {
        let (n, f) = (d.rng.range(2, 4) as usize, in_2019(&mut d.rng));
        d.joint(fed, t, n, JOINT_LABELS[j % 3], f).await?;
    }
    for _ in 0..NEW_2019[i] - SIZEABLE_2019[i] - JOINT_2019[i] {
        let (h, f) = (d.rng.range(10, 49), in_2019(&mut d.rng));
        d.covered(fed, t, h, false, f).await?;
    }
    // Before 2019: enterprise unions of all sizes (none provincially registered with 100+
    // staff: those are the seven above) and one older joint union.
    for _ in 0..8 + d.rng.range(0, 8) {
        let h = if d.rng.chance(30) {
            d.rng.range(100, 400)
        } else {
            d.rng.range(15, 99)
        };
        let provincial = h < 100 && d.rng.chance(30);
        let f = before(&mut d.rng);
        d.covered(fed, t, h, provincial, f).await?;
    }
    let (n, f) = (d.rng.range(3, 6) as usize, before(&mut d.rng));
    d.joint(fed, t, n, "区域性", f).await?;
    // Enterprises without a union: mostly small, some of 50–150 staff (tracked).
    for _ in 0..6 + d.rng.range(0, 10) {
        let h = if d.rng.chance(20) {
            d.rng.range(50, 150)
        } else {
            d.rng.range(3, 45)
        };
        d.enterprise(t, h, false).await?;
    }
    Ok(())
}

/// Members: those who joined before 2019 (about 45% of the staff of older unions), exactly
/// 8,629 who joined in 2019, then some transfers and departures during 2019.
async fn fill_members(d: &mut Demo) -> Result<()> {
    let mut batch: Vec<NewMember> = Vec::new();
    let xinanjiang = d
        .unions
        .iter()
        .find(|u| u.township == Township::JIANDE[0] && u.founded < day(2019, 3, 5))
        .map(|u| u.r.id)
        .context("新安江街道没有2019年3月前成立的工会")?;
    batch.push(NewMember {
        resident_id: ResidentId::parse(DEMO_MEMBER_ID)?,
        name: "张三".into(),
        mobile: Some(Mobile::parse("13857112345")?),
        union_id: xinanjiang,
        joined_on: day(2019, 3, 5),
        migrant_worker: false,
    });
    let start_2019 = day(2019, 1, 1);
    let mut old_members: Vec<(String, i64, NaiveDate)> = Vec::new();
    let weights: Vec<u64> = d.unions.iter().map(|u| u.headcount).collect();
    let total_weight: u64 = weights.iter().sum();
    // 2019 joiners shared by headcount; the rounding remainder goes to the largest unions.
    let mut shares: Vec<usize> = weights
        .iter()
        .map(|w| (*w * (JOINED_2019 as u64 - 1) / total_weight) as usize)
        .collect();
    let mut left = JOINED_2019 - 1 - shares.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i]));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    for (k, u) in d.unions.iter().enumerate() {
        let person = |rng: &mut Rng, ids: &mut Ids, joined: NaiveDate| -> Result<NewMember> {
            Ok(NewMember {
                resident_id: ResidentId::parse(&ids.next(rng))?,
                name: fake::person_name(rng),
                mobile: rng
                    .chance(92)
                    .then(|| Mobile::parse(&fake::mobile(rng)))
                    .transpose()?,
                union_id: u.r.id,
                joined_on: joined,
                migrant_worker: rng.chance(35),
            })
        };
        if u.founded < start_2019 {
            for _ in 0..u.headcount * 45 / 100 {
                let joined = d.rng.date(u.founded, day(2018, 12, 31));
                let m = person(&mut d.rng, &mut d.ids, joined)?;
                old_members.push((m.resident_id.as_str().to_string(), u.r.id, joined));
                batch.push(m);
            }
        }
        let from = if u.founded > start_2019 {
            u.founded
        } else {
            start_2019
        };
        for _ in 0..shares[k] {
            let joined = d.rng.date(from, day(2019, 12, 31));
            batch.push(person(&mut d.rng, &mut d.ids, joined)?);
        }
    }
    members::insert_many(&mut d.tx, DEMO_ACTOR, &batch).await?;
    // Transfers within a township and departures, all in 2019, after joining; each
    // person at most once.
    let mut moved = std::collections::HashSet::new();
    for n in 0..200 {
        let (rid, from, joined) = old_members[d.rng.index(old_members.len())].clone();
        if !moved.insert(rid.clone()) {
            continue;
        }
        let Some((id, _)) = members::find(&mut d.tx, &rid).await? else {
            continue;
        };
        let on = d.rng.date(day(2019, 2, 1).max(joined), day(2019, 12, 31));
        if n % 5 == 0 {
            members::leave(&mut d.tx, DEMO_ACTOR, Scope::City, id, on).await?;
            continue;
        }
        let home = d.unions.iter().find(|u| u.r.id == from).map(|u| u.township);
        let targets: Vec<i64> = d
            .unions
            .iter()
            .filter(|u| Some(u.township) == home && u.r.id != from && u.founded <= on)
            .map(|u| u.r.id)
            .collect();
        if !targets.is_empty() {
            let to = *d.rng.pick(&targets);
            members::transfer(&mut d.tx, DEMO_ACTOR, Scope::City, id, to, on).await?;
        }
    }
    Ok(())
}
