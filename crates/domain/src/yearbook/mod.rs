//! The yearbook (年鉴): one annual report of both offices, every figure defined here once.
//!
//! The source text is two yearbook articles; each office's year is summed up in figures.
//! This module says exactly what each figure counts (the doc comment on its field is the
//! definition the store's SQL implements), how the report is serialised (the JSON keys are
//! a contract: snake_case, counts as integers, money in fen, areas in m² or mu and rates as
//! fractions, all as numbers) and how it reads as text, so that a clerk can paste the
//! paragraphs into the year's summary. It knows no database: the store fills the structs.

use crate::platform::{Fen, Mu, SquareMetres};
use serde::{Serialize, Serializer};

/// The annual report of one year. An office's part is `None` for a reader whose role does
/// not see that office (a township's union staff see no relocation figures).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnualReport {
    /// The calendar year (1 January to 31 December, Asia/Shanghai dates).
    pub year: i32,
    /// Where the figures come from: the whole city, or one township / town.
    #[serde(skip)]
    pub place: Place,
    /// The union's year.
    pub union: Option<UnionYear>,
    /// The headquarters' year.
    pub relocation: Option<RelocationYear>,
}

/// The area a report covers, for its headings and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The township whose union figures these are; `None`: the whole city.
    pub township: Option<String>,
    /// The town whose relocation figures these are; `None`: every town.
    pub town: Option<String>,
}

/// The city federation's year. Counts are whole records; "in the year" means a date of the
/// record (founding, joining, award, payment …) falls between 1 January and 31 December.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnionYear {
    /// Enterprise and joint unions founded in the year (township federations and the city
    /// federation are not counted); a joint union covering five enterprises counts once.
    pub new_unions: i64,
    /// Members whose join date falls in the year, wherever they are now (a member who moved
    /// to another union since still counts; merged duplicates count once).
    pub new_members: i64,
    /// Enterprises that must have a union under the coverage rule in force (2019:
    /// provincially registered with 100+ staff), and how many of them have one.
    pub large_enterprises: LargeEnterprises,
    /// Unions founded in the year that cover at least one enterprise with the rule's tracked
    /// headcount (50+ staff in 2019).
    pub new_unions_at_50_plus: i64,
    /// Township federations whose "专+兼" reform took effect in the year and whose officers
    /// on 31 December satisfy the reform rule (full-time chair, part-time vice-chairs …).
    pub township_federations_reformed: i64,
    /// Online projects (网上项目, activities of that kind) running on at least one day of
    /// the year.
    pub online_projects: i64,
    /// Participations in online projects dated in the year; one person may take part many
    /// times, each time counts.
    pub online_participations: i64,
    /// Skill competitions running in the year.
    pub competitions: Competitions,
    /// Participations in on-the-job training (岗位练兵) dated in the year.
    pub training_participations: i64,
    /// Model-worker honours at city level or above awarded in the year.
    pub model_workers: i64,
    /// Zhejiang craftsman (浙江工匠) honours awarded in the year.
    pub zhejiang_craftsmen: i64,
    /// Model-worker and craftsman innovation studios (创新工作室) named in the year.
    pub innovation_studios: i64,
    /// Workers' pioneer teams (工人先锋号) named in the year.
    pub pioneer_teams: i64,
    /// Volunteer services (志愿服务) running in the year.
    pub volunteer_services: i64,
    /// Job fairs (招聘会) running in the year.
    pub job_fairs: i64,
    /// Free training courses for private firms (送技能) running in the year.
    pub free_training_courses: i64,
    /// Cultural and sports events of the 乐活工会 running in the year.
    pub lehuo_events: i64,
    /// Places taken in the year's college subsidy programmes for migrant workers.
    pub college_subsidy: CollegeSubsidy,
    /// Workers' homes named advanced workers' homes (先进职工之家) in the year, by level.
    pub advanced_workers_homes: AdvancedWorkersHomes,
    /// Enterprises named wage-bargaining demonstration units (示范单位) for the year.
    pub wage_bargaining_demo_units: i64,
    /// Wage-specific collective contracts in force on 31 December.
    pub wage_contracts: WageContracts,
    /// Hardship aid (助医、助学、两节慰问) paid out with a payment date in the year, in fen.
    pub aid_disbursed_fen: Fen,
    /// Places taken in the year's recuperation programmes (疗休养).
    pub recuperation_places: i64,
    /// Places taken in the year's health-check programmes (健康体检).
    pub health_checks: i64,
    /// Workers' cultural palaces (工人文化宫) whose agreement was signed or building started
    /// in the year: how many, their floor area and their investment. Written in the text,
    /// not a JSON key.
    #[serde(skip)]
    pub cultural_palaces: CulturalPalaces,
}

/// The cultural palaces begun in a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CulturalPalaces {
    /// How many.
    pub count: i64,
    /// Their floor area.
    pub area: SquareMetres,
    /// Their investment.
    pub investment: Fen,
}

/// Enterprises that must have a union.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LargeEnterprises {
    /// Registered enterprises the coverage rule says must have a union.
    pub total: i64,
    /// … of which have one.
    pub with_union: i64,
}

/// Skill competitions by level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Competitions {
    /// Organised at city level.
    pub city: i64,
    /// At every level (city, township, enterprise).
    pub all_levels: i64,
}

/// College subsidy places by degree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CollegeSubsidy {
    /// Junior college (大专).
    pub junior_college: i64,
    /// Undergraduate (本科).
    pub undergraduate: i64,
}

/// Advanced workers' homes named in the year, by the level of the award.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AdvancedWorkersHomes {
    /// Hangzhou-level.
    pub hangzhou: i64,
    /// Jiande-level.
    pub jiande: i64,
}

/// Wage-specific collective contracts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WageContracts {
    /// Enterprises with a wage-specific contract in force on 31 December.
    pub signed: i64,
    /// Enterprises that must have a union and hold a contract in force, over the enterprises
    /// that must have a union (1 when there are none).
    pub rate: Fraction,
}

/// The headquarters' year, over the projects of the year (a project belongs to the year it
/// was launched in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RelocationYear {
    /// Expropriation projects (征收项目) of the year.
    pub expropriation_projects: i64,
    /// Resettlement projects (安置项目) of the year.
    pub resettlement_projects: i64,
    /// Land to acquire of the year's projects, summed, in mu.
    #[serde(serialize_with = "hundredths")]
    pub land_acquired_mu: Mu,
    /// Households (residential and enterprise) of the year's expropriation projects.
    pub households_expropriated: i64,
    /// … of which are enterprises.
    pub enterprises_expropriated: i64,
    /// Measured floor area (测绘面积) of every building of a household of the year's
    /// expropriation projects that has reached the demolished milestone, in m².
    #[serde(serialize_with = "hundredths")]
    pub demolished_area_m2: SquareMetres,
    /// Households of the year's resettlement projects holding a flat they chose.
    pub households_resettled: i64,
    /// Petition incidents (上访) that occurred in the year.
    pub petitions: i64,
    /// Misconduct findings against officials (违规违纪) that occurred in the year.
    pub misconduct_cases: i64,
    /// The year's expropriation campaigns whose households all signed: (households, days
    /// from the start to the last signature, both counted), the largest first. Written in
    /// the text, not a JSON key.
    #[serde(skip)]
    pub cleared_campaigns: Vec<(i64, i64)>,
}

/// A fraction kept in basis points (exact), written out as a number between 0 and 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fraction(u32);

impl Fraction {
    /// From basis points (9850 is 0.985); above 10000 is taken as 10000.
    pub fn from_basis_points(bp: u32) -> Fraction {
        Fraction(bp.min(10_000))
    }

    /// The basis points.
    pub fn basis_points(self) -> u32 {
        self.0
    }
}

impl Serialize for Fraction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Basis points over 10000 print as the shortest decimal (0.985), exactly.
        s.serialize_f64(f64::from(self.0) / 10_000.0)
    }
}

/// An area kept in hundredths, written out as a number (`941`, `120.35`).
trait Hundredths {
    fn hundredths(&self) -> i64;
}
impl Hundredths for Mu {
    fn hundredths(&self) -> i64 {
        self.0
    }
}
impl Hundredths for SquareMetres {
    fn hundredths(&self) -> i64 {
        self.0
    }
}

fn hundredths<T: Hundredths, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    let h = v.hundredths();
    if h % 100 == 0 {
        s.serialize_i64(h / 100)
    } else {
        // Two decimals at most: the shortest f64 representation prints them exactly.
        s.serialize_f64(h as f64 / 100.0)
    }
}

mod lines;
mod text;

pub use lines::{Line, lines, percent, relocation_lines, union_lines};
pub use text::{relocation_paragraph, text, union_paragraph};

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AnnualReport {
        AnnualReport {
            year: 2019,
            place: Place::default(),
            union: Some(UnionYear {
                new_members: 8629,
                wage_contracts: WageContracts {
                    signed: 969,
                    rate: Fraction::from_basis_points(9850),
                },
                aid_disbursed_fen: Fen(123_456_789),
                ..UnionYear::default()
            }),
            relocation: Some(RelocationYear {
                cleared_campaigns: vec![(49, 12), (5, 20)],
                land_acquired_mu: Mu(94_100),
                demolished_area_m2: SquareMetres(2_890_035),
                petitions: 1,
                ..RelocationYear::default()
            }),
        }
    }

    #[test]
    fn json_keys_are_nested_and_numbers() {
        let v = serde_json::to_value(sample()).unwrap();
        assert_eq!(v["union"]["new_members"], 8629);
        assert_eq!(v["union"]["wage_contracts"]["rate"], 0.985);
        assert_eq!(v["union"]["aid_disbursed_fen"], 123_456_789);
        assert_eq!(v["relocation"]["land_acquired_mu"], 941);
        assert_eq!(v["relocation"]["demolished_area_m2"], 28900.35);
        assert!(v.get("place").is_none());
    }

    #[test]
    fn text_reads_like_the_yearbook() {
        let t = text(&sample());
        assert!(t.contains("新增会员8,629人"), "{t}");
        assert!(t.contains("签约率98.5%"), "{t}");
        assert!(t.contains("发放困难帮扶资金¥1,234,567.89"), "{t}");
        assert!(t.contains("征地941.00亩"), "{t}");
        assert!(t.contains("上访事件1起"), "{t}");
        assert!(t.contains("其中一个项目49户在12天内全部签约"), "{t}");
        assert!(!t.contains("工人文化宫"), "no palace that year: {t}");
        let none = AnnualReport {
            relocation: Some(RelocationYear::default()),
            ..sample()
        };
        assert!(text(&none).contains("未发生上访事件"));
    }

    #[test]
    fn every_json_key_has_a_line() {
        let report = sample();
        let v = serde_json::to_value(&report).unwrap();
        let keys: Vec<&str> = lines(&report).iter().map(|l| l.key).collect();
        for office in ["union", "relocation"] {
            for (k, val) in v[office].as_object().unwrap() {
                if let Some(inner) = val.as_object() {
                    for sub in inner.keys() {
                        let dotted = format!("{k}.{sub}");
                        assert!(keys.contains(&dotted.as_str()), "{dotted}");
                    }
                } else {
                    assert!(keys.contains(&k.as_str()), "{k}");
                }
            }
        }
        assert_eq!(crate::platform::money::grouped(-1_234_567), "-1,234,567");
        let members = lines(&report).into_iter().find(|l| l.key == "new_members");
        assert_eq!(members.and_then(|l| l.count), Some(8629));
    }
}
