//! The 2019 scenario of Yangcunqiao's headquarters as data: 11 expropriation and 6
//! resettlement projects, how many households each has and how far they got, and the
//! generated households themselves (names, IDs, members, buildings, appraisals, dates).

use super::fake::{CreditCodes, Ids, Rng, mobile, person_name};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use domain::platform::{Fen, SquareMetres};
use domain::relocation::{
    AppraisalItem, AppraisalKind, BuildingStructure, HouseholdKind, ProjectKind,
};
use store::relocation::buildings::BuildingFields;

/// The town.
pub const TOWN: &str = "杨村桥镇";
/// The year.
pub const YEAR: i32 = 2019;
/// Floor area demolished in 2019, hundredths of m² (28,900 m²).
pub const DEMOLISHED_AREA: i64 = 2_890_000;
/// Households signed per day of the 49-household campaign (12 days).
pub const CAMPAIGN_DAILY: [usize; 12] = [6, 8, 7, 5, 4, 4, 3, 3, 3, 2, 2, 2];

/// One project of the scenario.
pub struct Plan {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: ProjectKind,
    /// Land to acquire, hundredths of a mu.
    pub land: i64,
    pub households: usize,
    pub enterprises: usize,
    /// (month, day) the campaign started.
    pub start: (u32, u32),
    /// Days over which the households signed.
    pub sign_days: u64,
    /// How many households reached signed, vacated, demolished, cleared.
    pub reached: [usize; 4],
}

const fn plan(
    code: &'static str,
    name: &'static str,
    kind: ProjectKind,
    land: i64,
    households: usize,
    enterprises: usize,
    start: (u32, u32),
    sign_days: u64,
    reached: [usize; 4],
) -> Plan {
    Plan {
        code,
        name,
        kind,
        land,
        households,
        enterprises,
        start,
        sign_days,
        reached,
    }
}

use ProjectKind::{Expropriation as E, Resettlement as R};

/// The projects; the first is the campaign of 49 households signed within 12 days, and is
/// created first so that its 征收组 is working group 1 (the demo staff account's).
pub const PLANS: [Plan; 17] = [
    plan(
        "YCQ2019-01",
        "杨村桥安置地、场地平整及土地综合整治一期",
        E,
        28_650,
        49,
        2,
        (5, 6),
        12,
        [49, 45, 40, 30],
    ),
    plan(
        "YCQ2019-02",
        "杭黄高铁杨村桥段配套工程",
        E,
        11_230,
        5,
        0,
        (3, 4),
        20,
        [5, 5, 5, 5],
    ),
    plan(
        "YCQ2019-03",
        "综保工程（新安江综合保护）杨村桥段",
        E,
        9_520,
        6,
        1,
        (4, 1),
        25,
        [6, 6, 6, 4],
    ),
    plan(
        "YCQ2019-04",
        "临金高速杨村桥段",
        E,
        16_875,
        8,
        2,
        (6, 10),
        40,
        [7, 6, 5, 3],
    ),
    plan(
        "YCQ2019-05",
        "320国道杨村桥段改建",
        E,
        3_860,
        3,
        0,
        (3, 18),
        15,
        [3, 3, 3, 3],
    ),
    plan(
        "YCQ2019-06",
        "杨村桥集镇道路提升工程",
        E,
        5_240,
        2,
        1,
        (7, 1),
        10,
        [2, 2, 2, 2],
    ),
    plan(
        "YCQ2019-07",
        "绪塘溪综合治理工程",
        E,
        4_415,
        2,
        0,
        (8, 5),
        10,
        [2, 2, 2, 1],
    ),
    plan(
        "YCQ2019-08",
        "梅坞村文化礼堂建设",
        E,
        2_780,
        1,
        0,
        (4, 22),
        5,
        [1, 1, 1, 1],
    ),
    plan(
        "YCQ2019-09",
        "杨村桥工业功能区扩容",
        E,
        6_130,
        3,
        1,
        (8, 19),
        20,
        [3, 3, 3, 2],
    ),
    plan(
        "YCQ2019-10",
        "长林村农房改造",
        E,
        3_170,
        1,
        0,
        (9, 2),
        5,
        [1, 1, 1, 0],
    ),
    plan(
        "YCQ2019-11",
        "杨村桥农贸市场新建",
        E,
        2_230,
        1,
        0,
        (9, 16),
        5,
        [1, 0, 0, 0],
    ),
    plan(
        "YCQ2019-A1",
        "清溪搬迁安置",
        R,
        0,
        92,
        0,
        (3, 11),
        60,
        [92, 92, 0, 0],
    ),
    plan(
        "YCQ2019-A2",
        "杨村桥集镇安置小区一期",
        R,
        0,
        71,
        0,
        (4, 8),
        45,
        [71, 71, 0, 0],
    ),
    plan(
        "YCQ2019-A3",
        "徐坑村下山移民安置",
        R,
        0,
        50,
        0,
        (5, 20),
        40,
        [50, 50, 0, 0],
    ),
    plan(
        "YCQ2019-A4",
        "绪塘安置点安置",
        R,
        0,
        34,
        0,
        (8, 12),
        30,
        [34, 34, 0, 0],
    ),
    plan(
        "YCQ2019-A5",
        "梅坞安置点（筹备）",
        R,
        0,
        0,
        0,
        (11, 1),
        1,
        [0, 0, 0, 0],
    ),
    plan(
        "YCQ2019-A6",
        "长林安置点（筹备）",
        R,
        0,
        0,
        0,
        (11, 15),
        1,
        [0, 0, 0, 0],
    ),
];

/// A day of 2019.
pub fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, month, d).unwrap_or_default()
}

/// A moment of a day, in Beijing time.
pub fn moment(on: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = on.and_hms_opt(hour, minute, 0).unwrap_or_default();
    domain::platform::time::shanghai()
        .from_local_datetime(&local)
        .single()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

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

/// The households of every project, in `PLANS` order. The measured area of the
/// demolished households' buildings is made to total exactly [`DEMOLISHED_AREA`] by
/// sizing the campaign's first enterprise's factory last.
pub fn households(rng: &mut Rng) -> Vec<Vec<Spec>> {
    let mut ids = Ids::new(&[]);
    let mut codes = CreditCodes::new();
    let mut all: Vec<Vec<Spec>> = PLANS
        .iter()
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
    let start = day(p.start.0, p.start.1);
    let campaign_days: Vec<u64> = if p.code == PLANS[0].code {
        CAMPAIGN_DAILY
            .iter()
            .enumerate()
            .flat_map(|(d, n)| std::iter::repeat_n(d as u64, *n))
            .collect()
    } else {
        let mut v: Vec<u64> = (0..p.households)
            .map(|_| rng.range(0, p.sign_days.saturating_sub(1)))
            .collect();
        v.sort_unstable();
        v
    };
    (0..p.households)
        .map(|i| {
            let enterprise = i < p.enterprises;
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
            let difficult = p.code == PLANS[0].code && i + 3 >= p.households;
            Spec {
                code: format!("{}-{:03}", p.code.replace("YCQ2019-", ""), i + 1),
                kind,
                name,
                head_id,
                mobile: mobile(rng),
                village,
                group: format!("{}组", rng.range(1, 9)),
                residence: if !enterprise && rng.chance(12) {
                    *rng.pick(ELSEWHERE)
                } else {
                    "本镇"
                },
                members,
                buildings,
                appraisals,
                dates,
                difficult,
                concerns: if difficult { *rng.pick(CONCERNS) } else { "" },
            }
        })
        .collect()
}
