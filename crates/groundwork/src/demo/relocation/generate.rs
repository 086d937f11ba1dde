//! The scenario's households, generated deterministically: names, IDs, members,
//! buildings, appraisals and milestone dates, such that the demolished area comes out at
//! exactly 28,900 m².

use super::fake::{CreditCodes, Ids, Rng, mobile, person_name};
use super::plan::{CAMPAIGN_DAILY, DEMOLISHED_AREA, PLANS, Plan, all_plans};
use chrono::{Days, NaiveDate};
use domain::platform::{Fen, SquareMetres};
use domain::relocation::{
    AppraisalItem, AppraisalKind, BuildingStructure, HouseholdKind, ProjectKind,
};
use store::relocation::buildings::BuildingFields;

const E: ProjectKind = ProjectKind::Expropriation;

/// A generated household.
pub struct Spec {
    pub code: String,
    pub kind: HouseholdKind,
    pub name: String,
    pub head_id: String,
    pub mobile: String,
    pub village: &'static str,
    pub group: String,
    pub residence: &'static str,
    pub members: Vec<(String, String, &'static str)>,
    pub buildings: Vec<BuildingFields>,
    pub appraisals: Vec<AppraisalItem>,
    /// Dates of signed, vacated, demolished, cleared, with the hour and minute.
    pub dates: [Option<(NaiveDate, u32, u32)>; 4],
    pub difficult: bool,
    pub concerns: &'static str,
}

const VILLAGES: &[&str] = &[
    "杨村桥村",
    "绪塘村",
    "梅坞村",
    "长林村",
    "徐坑村",
    "新桥村",
    "里黄村",
    "前源村",
];
const ELSEWHERE: &[&str] = &[
    "安徽省歙县",
    "江西省婺源县",
    "浙江省杭州市余杭区",
    "上海市闵行区",
    "江苏省苏州市吴江区",
    "福建省南平市",
];
const RELATIONS: &[&str] = &["配偶", "子女", "子女", "父亲", "母亲", "孙子女"];
const CONCERNS: &[&str] = &[
    "要求提高装修评估价",
    "安置房面积不够，希望增加安置面积",
    "老人不愿搬离，需做思想工作",
];
const TRADES: &[&str] = &["竹木制品", "茶叶加工", "建材", "机械配件", "食品"];

fn building(
    rng: &mut Rng,
    no: String,
    structure: BuildingStructure,
    lo: u64,
    hi: u64,
) -> BuildingFields {
    let measured = i64::try_from(rng.range(lo * 100, hi * 100)).unwrap_or(0);
    let unlicensed = measured * i64::try_from(rng.range(0, 20)).unwrap_or(0) / 100;
    BuildingFields {
        certificate_no: no,
        approvals: "建房审批表".into(),
        structure,
        measured: SquareMetres(measured),
        legal: SquareMetres(measured - unlicensed),
    }
}

/// The households of every project, in [`all_plans`] order. The measured area of the
/// demolished households' buildings is made to total exactly [`DEMOLISHED_AREA`] by
/// sizing the campaign's first enterprise's factory last.
pub fn households(rng: &mut Rng) -> Vec<Vec<Spec>> {
    let mut ids = Ids::new(&[]);
    let mut codes = CreditCodes::new();
    let mut all: Vec<Vec<Spec>> = all_plans()
        .map(|p| generate(rng, &mut ids, &mut codes, p))
        .collect();
    let demolished: i64 = all
        .iter()
        .zip(&PLANS)
        .filter(|(_, p)| p.kind == E)
        .flat_map(|(specs, _)| specs.iter())
        .filter(|s| s.dates[2].is_some())
        .flat_map(|s| s.buildings.iter())
        .map(|b| b.measured.0)
        .sum();
    if let Some(b) = all
        .first_mut()
        .and_then(|c| c.first_mut())
        .and_then(|s| s.buildings.first_mut())
    {
        let measured = b.measured.0 + DEMOLISHED_AREA - demolished;
        b.measured = SquareMetres(measured);
        b.legal = SquareMetres(measured * 9 / 10);
    }
    all
}

fn generate(rng: &mut Rng, ids: &mut Ids, codes: &mut CreditCodes, p: &Plan) -> Vec<Spec> {
    let start = p.start_day();
    let campaign_days: Vec<u64> = if p.code == PLANS[0].code {
        CAMPAIGN_DAILY
            .iter()
            .enumerate()
            .flat_map(|(d, n)| std::iter::repeat_n(d as u64, *n))
            .collect()
    } else {
        let mut v: Vec<u64> = (0..p.households.0)
            .map(|_| rng.range(0, p.start.1.saturating_sub(1)))
            .collect();
        v.sort_unstable();
        v
    };
    (0..p.households.0)
        .map(|i| {
            let enterprise = i < p.households.1;
            let kind = if enterprise {
                HouseholdKind::Enterprise
            } else {
                HouseholdKind::Residential
            };
            let head = person_name(rng);
            let village = *rng.pick(VILLAGES);
            let (name, head_id) = if enterprise {
                (
                    format!(
                        "建德市杨村桥{}{}有限公司",
                        rng.pick(&["宏达", "绿源", "恒通", "永盛", "佳和", "鑫源", "华丰"]),
                        rng.pick(TRADES)
                    ),
                    codes.next(rng),
                )
            } else {
                (head.clone(), ids.next(rng))
            };
            let mut members = Vec::new();
            if !enterprise {
                members.push((head.clone(), head_id.clone(), "户主"));
                let surname: String = head.chars().take(1).collect();
                for _ in 0..rng.range(1, 4) {
                    let relation = *rng.pick(RELATIONS);
                    let member = if relation == "配偶" {
                        person_name(rng)
                    } else {
                        format!(
                            "{surname}{}",
                            person_name(rng).chars().skip(1).collect::<String>()
                        )
                    };
                    members.push((member, ids.next(rng), relation));
                }
            }
            let mut buildings = Vec::new();
            let mut appraisals = Vec::new();
            if p.kind == E {
                if enterprise {
                    let no = format!("建德国用（2008）第{:04}号", rng.range(1, 9999));
                    buildings.push(building(rng, no, BuildingStructure::Frame, 1000, 2400));
                    buildings.push(building(
                        rng,
                        "无证1".into(),
                        BuildingStructure::Simple,
                        60,
                        200,
                    ));
                } else {
                    let no = format!(
                        "建房权字第{}-{:03}号",
                        rng.range(1985, 2012),
                        rng.range(1, 400)
                    );
                    let structure = *rng.pick(&[
                        BuildingStructure::BrickConcrete,
                        BuildingStructure::BrickConcrete,
                        BuildingStructure::Frame,
                        BuildingStructure::BrickWood,
                    ]);
                    buildings.push(building(rng, no, structure, 120, 300));
                    if rng.chance(60) {
                        buildings.push(building(
                            rng,
                            "无证1".into(),
                            BuildingStructure::Simple,
                            10,
                            60,
                        ));
                    }
                }
                let decoration = Fen(i64::try_from(rng.range(50, 600)).unwrap_or(0) * 10_000);
                appraisals.push(AppraisalItem {
                    kind: AppraisalKind::Decoration,
                    description: "室内装修".into(),
                    amount: decoration,
                });
                appraisals.push(AppraisalItem {
                    kind: AppraisalKind::Attachment,
                    description: "围墙及水井".into(),
                    amount: Fen(i64::try_from(rng.range(10, 90)).unwrap_or(0) * 10_000),
                });
                if rng.chance(50) {
                    appraisals.push(AppraisalItem {
                        kind: AppraisalKind::Crops,
                        description: "果树及青苗".into(),
                        amount: Fen(i64::try_from(rng.range(5, 50)).unwrap_or(0) * 10_000),
                    });
                }
            }
            let mut dates: [Option<(NaiveDate, u32, u32)>; 4] = [None; 4];
            let mut on = start + Days::new(campaign_days.get(i).copied().unwrap_or(0));
            let gaps = [(0, 0), (1, 8), (3, 15), (5, 20)];
            for (m, gap) in gaps.iter().enumerate() {
                if i >= p.reached[m] {
                    break;
                }
                on = on + Days::new(rng.range(gap.0, gap.1));
                dates[m] = Some((
                    on,
                    u32::try_from(rng.range(8, 19)).unwrap_or(9),
                    u32::try_from(rng.range(0, 59)).unwrap_or(0),
                ));
            }
            let difficult = p.code == PLANS[0].code && i + 3 >= p.households.0;
            Spec {
                code: format!(
                    "{}-{:03}",
                    p.code.split_once('-').map_or(p.code, |(_, short)| short),
                    i + 1
                ),
                kind,
                name,
                head_id,
                mobile: mobile(rng),
                village,
                group: format!("{}组", rng.range(1, 9)),
                residence: if !enterprise && rng.chance(12) {
                    rng.pick::<&str>(ELSEWHERE)
                } else {
                    "本镇"
                },
                members,
                buildings,
                appraisals,
                dates,
                difficult,
                concerns: if difficult {
                    rng.pick::<&str>(CONCERNS)
                } else {
                    ""
                },
            }
        })
        .collect()
}
