//! The 2019 scenario of Yangcunqiao's headquarters as data: 11 expropriation and 6
//! resettlement projects, how many households each has and how far they got.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::relocation::ProjectKind;

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
    /// Households, of which enterprises.
    pub households: (usize, usize),
    /// (month, day) the campaign started, and the days over which households signed.
    pub start: ((u32, u32), u64),
    /// How many households reached signed, vacated, demolished, cleared.
    pub reached: [usize; 4],
    /// The year it is counted in.
    pub year: i32,
}

const fn plan(
    code: &'static str,
    name: &'static str,
    kind: ProjectKind,
    land: i64,
    households: (usize, usize),
    start: ((u32, u32), u64),
    reached: [usize; 4],
) -> Plan {
    Plan {
        code,
        name,
        kind,
        land,
        households,
        start,
        reached,
        year: YEAR,
    }
}

use ProjectKind::{Expropriation as E, Resettlement as R};

/// The resettlement project of 2020 whose choosing session is in progress (one household
/// has yet to sign: the live-wall browser test signs it); it is counted in 2020, so the
/// 2019 figures do not see it.
pub const PLAN_2020: Plan = Plan {
    year: 2020,
    ..plan(
        "YCQ2020-B1",
        "杨村桥高铁新城安置小区（二期）",
        R,
        0,
        (36, 0),
        ((3, 2), 20),
        [35, 35, 0, 0],
    )
};

/// A 2018 project, finished that year, on which the one petition incident of 2018 was
/// registered (and resolved): the yearbook of 2018 differs from 2019's, which had none.
/// Generated after every other project, so the 2019 records do not change with it.
pub const PLAN_2018: Plan = Plan {
    year: 2018,
    ..plan(
        "YCQ2018-01",
        "杨村桥镇区污水管网改造工程",
        E,
        4_500,
        (6, 1),
        ((4, 9), 20),
        [6, 6, 6, 6],
    )
};

/// Every project of the demo in the order they are generated and written: the 2019
/// scenario, then 2020's and 2018's.
pub fn all_plans() -> impl Iterator<Item = &'static Plan> {
    PLANS.iter().chain([&PLAN_2020, &PLAN_2018])
}

/// The projects; the first is the campaign of 49 households signed within 12 days, and is
/// created first so that its 征收组 is working group 1 (the demo staff account's). Land
/// sums to 941 mu, expropriated households to 81 (7 enterprises), resettled households to
/// 247 in four projects (杭黄高铁, 综保工程, 临金高速, 清溪搬迁), each with its flats chosen
/// in a completed session.
#[rustfmt::skip]
pub const PLANS: [Plan; 17] = [
    plan("YCQ2019-01", "杨村桥安置地、场地平整及土地综合整治一期", E, 28_650, (49, 2), ((5, 6), 12), [49, 45, 40, 30]),
    plan("YCQ2019-02", "杭黄高铁杨村桥段配套工程", E, 11_230, (5, 0), ((3, 4), 20), [5, 5, 5, 5]),
    plan("YCQ2019-03", "综保工程（新安江综合保护）杨村桥段", E, 9_520, (6, 1), ((4, 1), 25), [6, 6, 6, 4]),
    plan("YCQ2019-04", "临金高速杨村桥段", E, 16_875, (8, 2), ((6, 10), 40), [8, 6, 5, 3]),
    plan("YCQ2019-05", "320国道杨村桥段改建", E, 3_860, (3, 0), ((3, 18), 15), [3, 3, 3, 3]),
    plan("YCQ2019-06", "杨村桥集镇道路提升工程", E, 5_240, (2, 1), ((7, 1), 10), [2, 2, 2, 2]),
    plan("YCQ2019-07", "绪塘溪综合治理工程", E, 4_415, (2, 0), ((8, 5), 10), [2, 2, 2, 1]),
    plan("YCQ2019-08", "梅坞村文化礼堂建设", E, 2_780, (1, 0), ((4, 22), 5), [1, 1, 1, 1]),
    plan("YCQ2019-09", "杨村桥工业功能区扩容", E, 6_130, (3, 1), ((8, 19), 20), [3, 3, 3, 2]),
    plan("YCQ2019-10", "长林村农房改造", E, 3_170, (1, 0), ((9, 2), 5), [1, 1, 1, 0]),
    plan("YCQ2019-11", "杨村桥农贸市场新建", E, 2_230, (1, 0), ((9, 16), 5), [1, 0, 0, 0]),
    plan("YCQ2019-A1", "杭黄高铁杨村桥段搬迁安置", R, 0, (92, 0), ((3, 11), 60), [92, 92, 0, 0]),
    plan("YCQ2019-A2", "综保工程搬迁安置", R, 0, (71, 0), ((4, 8), 45), [71, 71, 0, 0]),
    plan("YCQ2019-A3", "临金高速杨村桥段搬迁安置", R, 0, (50, 0), ((5, 20), 40), [50, 50, 0, 0]),
    plan("YCQ2019-A4", "清溪搬迁安置", R, 0, (34, 0), ((8, 12), 30), [34, 34, 0, 0]),
    plan("YCQ2019-A5", "梅坞安置点（筹备）", R, 0, (0, 0), ((11, 1), 1), [0, 0, 0, 0]),
    plan("YCQ2019-A6", "长林安置点（筹备）", R, 0, (0, 0), ((11, 15), 1), [0, 0, 0, 0]),
];

impl Plan {
    /// The first day of the campaign.
    pub fn start_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.start.0.0, self.start.0.1).unwrap_or_default()
    }

    /// The last day of the signing period (the signing reward's deadline).
    pub fn sign_deadline(&self) -> NaiveDate {
        self.start_day() + chrono::Days::new(self.start.1.saturating_sub(1))
    }
}

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
