//! The report as the yearbook prints it: one paragraph per office.

use super::lines::percent;
use super::{AnnualReport, CulturalPalaces, Place, RelocationYear, UnionYear};
use crate::platform::money::grouped;

/// The union's paragraph, as the yearbook would print it.
pub fn union_paragraph(year: i32, place: &Place, u: &UnionYear) -> String {
    let n = grouped;
    let whole = place.township.as_deref().unwrap_or("全市");
    let covered = if u.large_enterprises.total > 0
        && u.large_enterprises.with_union == u.large_enterprises.total
    {
        format!(
            "省总备案百人以上企业{}家，全部建会",
            n(u.large_enterprises.total)
        )
    } else {
        format!(
            "省总备案百人以上企业{}家，已建会{}家",
            n(u.large_enterprises.total),
            n(u.large_enterprises.with_union)
        )
    };
    format!(
        "{year}年，{whole}新建工会{}家，新增会员{}人；{covered}；50人以上企业新建工会{}家；\
         {}个乡镇（街道）总工会完成“专+兼”改革。推进网上工会建设，开展网上项目{}个，参与{}人次。\
         组织市级技能竞赛{}场、各级技能竞赛{}场，岗位练兵参与{}人次。新增市级以上劳模{}名、\
         浙江工匠{}名，命名劳模工匠创新工作室{}个、工人先锋号{}个。开展志愿服务{}次，\
         举办招聘会{}场、送技能免费培训{}期、乐活工会活动{}场。资助农民工上大学{}人，\
         其中大专{}人、本科{}人。新命名杭州市级先进职工之家{}家、建德市级{}家{}。\
         工资集体协商示范单位{}家，{}家企业签订工资专项集体合同，签约率{}。\
         发放困难帮扶资金{}，安排疗休养{}人次、健康体检{}人次。",
        n(u.new_unions),
        n(u.new_members),
        n(u.new_unions_at_50_plus),
        n(u.township_federations_reformed),
        n(u.online_projects),
        n(u.online_participations),
        n(u.competitions.city),
        n(u.competitions.all_levels),
        n(u.training_participations),
        n(u.model_workers),
        n(u.zhejiang_craftsmen),
        n(u.innovation_studios),
        n(u.pioneer_teams),
        n(u.volunteer_services),
        n(u.job_fairs),
        n(u.free_training_courses),
        n(u.lehuo_events),
        n(u.college_subsidy.junior_college + u.college_subsidy.undergraduate),
        n(u.college_subsidy.junior_college),
        n(u.college_subsidy.undergraduate),
        n(u.advanced_workers_homes.hangzhou),
        n(u.advanced_workers_homes.jiande),
        palaces(&u.cultural_palaces),
        n(u.wage_bargaining_demo_units),
        n(u.wage_contracts.signed),
        percent(u.wage_contracts.rate),
        u.aid_disbursed_fen,
        n(u.recuperation_places),
        n(u.health_checks),
    )
}

/// The palaces clause of the union's paragraph ("；新建工人文化宫1座…"), empty when none.
fn palaces(p: &CulturalPalaces) -> String {
    if p.count == 0 {
        return String::new();
    }
    let area = if p.area.0 % 100 == 0 {
        grouped(p.area.0 / 100)
    } else {
        p.area.to_string()
    };
    format!(
        "；新建工人文化宫{}座，建筑面积{area}平方米，总投资{}",
        grouped(p.count),
        p.investment
    )
}

/// The headquarters' paragraph, as the yearbook would print it.
pub fn relocation_paragraph(year: i32, place: &Place, r: &RelocationYear) -> String {
    let n = grouped;
    let whole = place.town.as_deref().unwrap_or("各镇（街道）");
    let integrity = match (r.petitions, r.misconduct_cases) {
        (0, 0) => "全年未发生上访事件，未发生干部违规违纪问题。".to_string(),
        (p, m) => format!("全年发生上访事件{}起、干部违规违纪{}起。", n(p), n(m)),
    };
    let campaign = match r.cleared_campaigns.first() {
        Some((households, days)) => format!(
            "其中一个项目{}户在{}天内全部签约。",
            grouped(*households),
            grouped(*days)
        ),
        None => String::new(),
    };
    format!(
        "{year}年，{whole}实施征收项目{}个、安置项目{}个，征地{}亩；征收{}户，其中企业{}家；\
         拆除房屋{}平方米；安置{}户。{campaign}{integrity}",
        n(r.expropriation_projects),
        n(r.resettlement_projects),
        r.land_acquired_mu,
        n(r.households_expropriated),
        n(r.enterprises_expropriated),
        r.demolished_area_m2,
        n(r.households_resettled),
    )
}

/// The report as text: a heading and a paragraph per office the reader sees.
pub fn text(report: &AnnualReport) -> String {
    let mut out = format!("{}年度工作年鉴数据\n", report.year);
    if let Some(u) = &report.union {
        out.push_str("\n【工会工作】\n");
        out.push_str(&union_paragraph(report.year, &report.place, u));
        out.push('\n');
    }
    if let Some(r) = &report.relocation {
        out.push_str("\n【征收安置工作】\n");
        out.push_str(&relocation_paragraph(report.year, &report.place, r));
        out.push('\n');
    }
    out
}
