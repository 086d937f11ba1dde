//! Each figure as a labelled line: the spreadsheet's rows, the page's tables, the print.

use super::{AnnualReport, Fraction, RelocationYear, UnionYear};
use crate::platform::money::grouped;

/// One figure as a labelled line, for the spreadsheet, the page's tables and the print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 工会 or 征收安置.
    pub office: &'static str,
    /// The figure's JSON key, dotted for nested ones (`wage_contracts.rate`).
    pub key: &'static str,
    /// What the figure is, in Chinese.
    pub label: &'static str,
    /// The figure as written in the yearbook (`8,629`, `98.5%`, `941.00`).
    pub value: String,
    /// Its unit (`人`, `家`, `亩` …).
    pub unit: &'static str,
    /// The figure as a whole number when it is a count (a spreadsheet cell can then sum it);
    /// `None` for money, areas and rates, which are written as shown.
    pub count: Option<i64>,
}

fn line(
    office: &'static str,
    key: &'static str,
    label: &'static str,
    value: Shown,
    unit: &'static str,
) -> Line {
    Line {
        office,
        key,
        label,
        value: value.text,
        unit,
        count: value.count,
    }
}

/// A figure's text and, for counts, its number.
struct Shown {
    text: String,
    count: Option<i64>,
}

/// A count, grouped by thousands.
fn n(v: i64) -> Shown {
    Shown {
        text: grouped(v),
        count: Some(v),
    }
}

/// Anything else, as written.
fn as_text(v: impl std::fmt::Display) -> Shown {
    Shown {
        text: v.to_string(),
        count: None,
    }
}

/// A fraction as a percentage with one decimal (98.5%), as the yearbook writes rates.
pub fn percent(f: Fraction) -> String {
    crate::union::coverage::format_rate(f.basis_points())
}

const UNION: &str = "工会";
const RELOCATION: &str = "征收安置";

/// The union's figures as lines, in the order of the JSON keys.
pub fn union_lines(u: &UnionYear) -> Vec<Line> {
    vec![
        line(UNION, "new_unions", "新建工会", n(u.new_unions), "家"),
        line(UNION, "new_members", "新增会员", n(u.new_members), "人"),
        line(
            UNION,
            "large_enterprises.total",
            "省总备案百人以上企业",
            n(u.large_enterprises.total),
            "家",
        ),
        line(
            UNION,
            "large_enterprises.with_union",
            "其中已建会",
            n(u.large_enterprises.with_union),
            "家",
        ),
        line(
            UNION,
            "new_unions_at_50_plus",
            "50人以上企业新建工会",
            n(u.new_unions_at_50_plus),
            "家",
        ),
        line(
            UNION,
            "township_federations_reformed",
            "完成“专+兼”改革的乡镇（街道）总工会",
            n(u.township_federations_reformed),
            "个",
        ),
        line(
            UNION,
            "online_projects",
            "网上项目",
            n(u.online_projects),
            "个",
        ),
        line(
            UNION,
            "online_participations",
            "网上项目参与",
            n(u.online_participations),
            "人次",
        ),
        line(
            UNION,
            "competitions.city",
            "市级技能竞赛",
            n(u.competitions.city),
            "场",
        ),
        line(
            UNION,
            "competitions.all_levels",
            "各级技能竞赛",
            n(u.competitions.all_levels),
            "场",
        ),
        line(
            UNION,
            "training_participations",
            "岗位练兵参与",
            n(u.training_participations),
            "人次",
        ),
        line(
            UNION,
            "model_workers",
            "市级以上劳模",
            n(u.model_workers),
            "名",
        ),
        line(
            UNION,
            "zhejiang_craftsmen",
            "浙江工匠",
            n(u.zhejiang_craftsmen),
            "名",
        ),
        line(
            UNION,
            "innovation_studios",
            "劳模工匠创新工作室",
            n(u.innovation_studios),
            "个",
        ),
        line(
            UNION,
            "pioneer_teams",
            "工人先锋号",
            n(u.pioneer_teams),
            "个",
        ),
        line(
            UNION,
            "volunteer_services",
            "志愿服务",
            n(u.volunteer_services),
            "次",
        ),
        line(UNION, "job_fairs", "招聘会", n(u.job_fairs), "场"),
        line(
            UNION,
            "free_training_courses",
            "送技能免费培训",
            n(u.free_training_courses),
            "期",
        ),
        line(
            UNION,
            "lehuo_events",
            "乐活工会活动",
            n(u.lehuo_events),
            "场",
        ),
        line(
            UNION,
            "college_subsidy.junior_college",
            "资助农民工上大学（大专）",
            n(u.college_subsidy.junior_college),
            "人",
        ),
        line(
            UNION,
            "college_subsidy.undergraduate",
            "资助农民工上大学（本科）",
            n(u.college_subsidy.undergraduate),
            "人",
        ),
        line(
            UNION,
            "advanced_workers_homes.hangzhou",
            "杭州市级先进职工之家",
            n(u.advanced_workers_homes.hangzhou),
            "家",
        ),
        line(
            UNION,
            "advanced_workers_homes.jiande",
            "建德市级先进职工之家",
            n(u.advanced_workers_homes.jiande),
            "家",
        ),
        line(
            UNION,
            "wage_bargaining_demo_units",
            "工资集体协商示范单位",
            n(u.wage_bargaining_demo_units),
            "家",
        ),
        line(
            UNION,
            "wage_contracts.signed",
            "签订工资专项集体合同的企业",
            n(u.wage_contracts.signed),
            "家",
        ),
        line(
            UNION,
            "wage_contracts.rate",
            "工资专项集体合同签约率",
            as_text(percent(u.wage_contracts.rate)),
            "",
        ),
        line(
            UNION,
            "aid_disbursed_fen",
            "发放困难帮扶资金",
            as_text(u.aid_disbursed_fen),
            "",
        ),
        line(
            UNION,
            "recuperation_places",
            "疗休养",
            n(u.recuperation_places),
            "人次",
        ),
        line(
            UNION,
            "health_checks",
            "健康体检",
            n(u.health_checks),
            "人次",
        ),
    ]
}

/// The headquarters' figures as lines, in the order of the JSON keys.
pub fn relocation_lines(r: &RelocationYear) -> Vec<Line> {
    vec![
        line(
            RELOCATION,
            "expropriation_projects",
            "征收项目",
            n(r.expropriation_projects),
            "个",
        ),
        line(
            RELOCATION,
            "resettlement_projects",
            "安置项目",
            n(r.resettlement_projects),
            "个",
        ),
        line(
            RELOCATION,
            "land_acquired_mu",
            "征地面积",
            as_text(r.land_acquired_mu),
            "亩",
        ),
        line(
            RELOCATION,
            "households_expropriated",
            "征收户数",
            n(r.households_expropriated),
            "户",
        ),
        line(
            RELOCATION,
            "enterprises_expropriated",
            "其中企业",
            n(r.enterprises_expropriated),
            "家",
        ),
        line(
            RELOCATION,
            "demolished_area_m2",
            "拆除面积",
            as_text(r.demolished_area_m2),
            "㎡",
        ),
        line(
            RELOCATION,
            "households_resettled",
            "安置户数",
            n(r.households_resettled),
            "户",
        ),
        line(RELOCATION, "petitions", "上访事件", n(r.petitions), "起"),
        line(
            RELOCATION,
            "misconduct_cases",
            "干部违规违纪",
            n(r.misconduct_cases),
            "起",
        ),
    ]
}

/// Every line of the report, union first.
pub fn lines(report: &AnnualReport) -> Vec<Line> {
    let mut out = Vec::new();
    if let Some(u) = &report.union {
        out.extend(union_lines(u));
    }
    if let Some(r) = &report.relocation {
        out.extend(relocation_lines(r));
    }
    out
}
