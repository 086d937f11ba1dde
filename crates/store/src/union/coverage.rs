//! Coverage, the checklist and the township ranking (清单消号、排名通报), computed from the
//! records with the domain's rules, and the year's figures the yearbook reports.
//!
//! The rules are `domain::union::coverage`. The checklist feeds them the township's
//! enterprises; the ranking's sixteen lines, read on every dashboard request, are the same
//! arithmetic done as aggregates in the database (the rule's bands as SQL conditions, held
//! equal to the domain's `summarise` by a test) with members from the counters
//! (`members::counts`). One correction is made here: the domain counts new unions per
//! covered enterprise, so a joint union founded for five enterprises would count five
//! times; the store counts each union once.

use super::Scope;
use super::codes;
use super::enterprises::{self, Enterprise};
use super::members::counts;
use super::officers::{self, Officer};
use super::settings;
use crate::audit::UpdateLog;
use crate::db::{Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_pool;
use crate::query;
use chrono::{Datelike, NaiveDate};
use domain::union::coverage::{
    CoverageRule, EnterpriseCoverage, RankedTownship, TownshipCoverage, checklist_outstanding, rank,
};
use domain::union::organisation::{UnionKind, reform_complete};
use domain::union::township::Township;
use serde::Serialize;
use std::collections::HashMap;

const RULE_SETTING: &str = "coverage_rule";

/// The coverage rule in force: the stored setting, or the 2019 default when none is set.
pub async fn rule(db: &Db) -> StoreResult<CoverageRule> {
    Ok(settings::json(db, RULE_SETTING, "建会覆盖规则")
        .await?
        .unwrap_or_default())
}

/// Changes the coverage rule (audited); the checklist and ranking follow at once.
pub async fn set_rule(tx: &mut Tx, actor: &str, rule: &CoverageRule) -> StoreResult<()> {
    if rule.tracked_min_headcount > rule.must_min_headcount {
        return Err(StoreError::from(Refusal::CoverageThresholds));
    }
    settings::set_json(tx, actor, RULE_SETTING, rule, UpdateLog::Always("update")).await
}

fn coverage_of(e: &Enterprise) -> EnterpriseCoverage {
    EnterpriseCoverage {
        name: e.name.clone(),
        township: e.township.name().to_string(),
        headcount: u32::try_from(e.headcount).unwrap_or(0),
        provincial: e.provincial,
        has_union: e.union_id.is_some(),
        union_founded: codes::date(e.union_founded_on.as_deref()),
    }
}

/// The coverage lines of every township served for `year`, in the list's order. Every figure is
/// an aggregate in the database — enterprises by township under the rule's conditions
/// ([`must_condition`], [`tracked_condition`]: the domain's `CoverageRule::obligation`
/// written as SQL, held equal to `summarise` by the tests), the year's new unions by
/// township, members from the counters — so a request reads one line a township, never the
/// enterprises.
pub async fn township_lines(db: &Db, year: i32) -> StoreResult<Vec<TownshipCoverage>> {
    let rule = rule(db).await?;
    let (must, tracked) = (must_condition(&rule), tracked_condition(&rule));
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    type Enterprises = (String, i64, i64, i64, i64, i64, i64);
    let enterprises: Vec<Enterprises> = query::rows(
        db,
        &format!(
            "SELECT e.township, COUNT(*), COUNT(e.union_id),
                    COUNT(CASE WHEN {must} THEN 1 END),
                    COUNT(CASE WHEN {must} AND e.union_id IS NOT NULL THEN 1 END),
                    COUNT(CASE WHEN {tracked} THEN 1 END),
                    COUNT(CASE WHEN {tracked} AND e.union_id IS NOT NULL THEN 1 END)
             FROM enterprises e GROUP BY e.township"
        ),
        &[],
        Ok,
    )
    .await?;
    let (from, to) = crate::year_bounds(year);
    let founded: Vec<(Option<String>, i64, i64)> = query::rows(
        db,
        &format!(
            "SELECT u.township, COUNT(*), COUNT(CASE WHEN EXISTS (SELECT 1 FROM enterprises e
                 WHERE e.union_id = u.id AND e.headcount >= $3) THEN 1 END)
             FROM unions u WHERE u.founded_on >= $1 AND u.founded_on <= $2
             AND u.kind IN ({}) GROUP BY u.township",
            founded_kinds_sql()
        ),
        &[
            from.into(),
            to.into(),
            i64::from(rule.tracked_min_headcount).into(),
        ],
        Ok,
    )
    .await?;
    let joined = counts::joined_by_township(db, year).await?;
    Ok(Township::all()
        .iter()
        .map(|t| {
            let mut line =
                TownshipCoverage::empty(t.name(), joined.get(t.code()).copied().unwrap_or(0));
            if let Some((_, all, all_cov, must, must_cov, tracked, tracked_cov)) =
                enterprises.iter().find(|e| e.0 == t.code())
            {
                line.all_total = count(*all);
                line.all_covered = count(*all_cov);
                line.must_total = count(*must);
                line.must_covered = count(*must_cov);
                line.tracked_total = count(*tracked);
                line.tracked_covered = count(*tracked_cov);
            }
            if let Some((_, n, sizeable)) =
                founded.iter().find(|f| f.0.as_deref() == Some(t.code()))
            {
                line.unions_founded_in_year = count(*n);
                line.sizeable_founded_in_year = count(*sizeable);
            }
            line
        })
        .collect())
}

/// The ranking of the townships served for `year`.
pub async fn ranking(db: &Db, year: i32) -> StoreResult<Vec<RankedTownship>> {
    Ok(rank(township_lines(db, year).await?))
}

/// One township's line for `year`.
pub async fn township_line(
    db: &Db,
    township: Township,
    year: i32,
) -> StoreResult<TownshipCoverage> {
    township_lines(db, year)
        .await?
        .into_iter()
        .find(|l| l.township == township.name())
        .ok_or(StoreError::NotFound)
}

/// The township's open checklist: enterprises that must have a union and have none,
/// largest first.
pub async fn checklist(db: &Db, township: Township) -> StoreResult<Vec<Enterprise>> {
    let rule = rule(db).await?;
    let all = enterprises::all(db, Scope::Township(township)).await?;
    let cov: Vec<EnterpriseCoverage> = all.iter().map(coverage_of).collect();
    let open = checklist_outstanding(&rule, township.name(), &cov);
    // The domain orders the lines; map them back to the records in that order.
    let mut by_name: HashMap<(&str, u32), Vec<&Enterprise>> = HashMap::new();
    for e in &all {
        by_name
            .entry((e.name.as_str(), u32::try_from(e.headcount).unwrap_or(0)))
            .or_default()
            .push(e);
    }
    let mut out = Vec::with_capacity(open.len());
    for line in open {
        if let Some(list) = by_name.get_mut(&(line.name.as_str(), line.headcount))
            && let Some(pos) = list.iter().position(|e| e.union_id.is_none())
        {
            out.push(list.remove(pos).clone());
        }
    }
    Ok(out)
}

/// New unions and new members per month of `year` (index 0 = January), in scope.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Monthly {
    /// Enterprise and joint unions founded each month.
    pub unions: [u32; 12],
    /// Members who joined each month.
    pub members: [u32; 12],
}

/// Month-by-month counts for the dashboard chart.
pub async fn monthly(db: &Db, scope: Scope, year: i32) -> StoreResult<Monthly> {
    let from = format!("{year:04}-01-01");
    let to = format!("{year:04}-12-31");
    let code = scope.township_code();
    let unions: Vec<(String, i64)> = on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT substr(founded_on, 1, 7), COUNT(*) FROM unions
             WHERE kind IN ('enterprise_union', 'joint_union') AND founded_on >= $1 AND founded_on <= $2
               AND ($3 IS NULL OR township = $3) GROUP BY substr(founded_on, 1, 7)",
        )
        .bind(&from)
        .bind(&to)
        .bind(code)
        .fetch_all(p)
        .await?
    });
    Ok(Monthly {
        unions: counts::per_month(unions),
        members: counts::joined_by_month(db, scope, year).await?,
    })
}

/// Township federations (in scope) whose "专+兼" reform took effect in `year` and whose
/// officers at the end of that year satisfy the reform rule. Only the federations reformed
/// in the year are read, with their officers: never every union.
pub async fn reformed_federations(db: &Db, year: i32, scope: Scope) -> StoreResult<Vec<String>> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| StoreError::from(Refusal::YearInvalid))?;
    let (from, to) = crate::year_bounds(year);
    let feds: Vec<(i64, String)> = query::rows(
        db,
        "SELECT id, name FROM unions WHERE kind = $1 AND reform_effective_on >= $2
         AND reform_effective_on <= $3 AND ($4 IS NULL OR township = $4) ORDER BY id",
        &[
            UnionKind::TownshipFederation.code().into(),
            from.into(),
            to.into(),
            scope.township_code().into(),
        ],
        Ok,
    )
    .await?;
    let mut out = Vec::new();
    for (id, name) in feds {
        let current: Vec<_> = officers::officers(db, Some(id))
            .await?
            .iter()
            .filter(|o| o.current_on(end))
            .map(Officer::summary)
            .collect();
        if reform_complete(&current) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The rule's "must" set as an SQL condition on enterprises aliased `e`: big enough, and
/// provincially registered when the rule says so. The thresholds are the typed rule's
/// integers, so they are written into the statement rather than bound.
pub(crate) fn must_condition(rule: &CoverageRule) -> String {
    let provincial = if rule.must_require_provincial {
        " AND e.provincial"
    } else {
        ""
    };
    format!("(e.headcount >= {}{provincial})", rule.must_min_headcount)
}

/// The rule's tracked band (big enough to follow, not a "must") as an SQL condition on
/// enterprises aliased `e`.
pub(crate) fn tracked_condition(rule: &CoverageRule) -> String {
    format!(
        "(NOT {} AND e.headcount >= {})",
        must_condition(rule),
        rule.tracked_min_headcount
    )
}

/// The union kinds that count as new unions (not the federations), as an SQL list.
fn founded_kinds_sql() -> String {
    UnionKind::ALL
        .iter()
        .filter(|k| !k.is_federation())
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The year's union coverage figures as the yearbook reports them, all computed from the
/// records by aggregates in the database (the demo's 2019 scenario must reproduce
/// DOMAIN.md's numbers through this; the definitions are `domain::yearbook::UnionYear`'s).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct YearFigures {
    /// The year.
    pub year: i32,
    /// Enterprise and joint unions founded in the year.
    pub new_unions: u32,
    /// Members who joined in the year.
    pub new_members: u32,
    /// Enterprises that must have a union under the rule (provincially registered, 100+).
    pub must_enterprises: u32,
    /// … of which have one founded by the end of the year.
    pub must_covered: u32,
    /// New unions at enterprises with 50+ staff.
    pub new_unions_sizeable: u32,
    /// Township federations reformed in the year.
    pub reformed_federations: u32,
}

/// The figures of `year` in `scope` (a township's, or the city's: members of unions
/// without a township, the city federation's own, count for the city).
pub async fn year_figures(db: &Db, year: i32, scope: Scope) -> StoreResult<YearFigures> {
    let (from, to) = crate::year_bounds(year);
    let code = scope.township_code();
    let rule = rule(db).await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let (first_month, last_month) = counts::months_of(year);
    let new_members = counts::total(
        db,
        counts::Counted {
            township: code,
            months: Some((&first_month, &last_month)),
            ..counts::Counted::default()
        },
    )
    .await?;
    let (must, covered): (i64, i64) = query::row(
        db,
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN u.id IS NOT NULL
                     AND (u.founded_on IS NULL OR u.founded_on <= $1) THEN 1 ELSE 0 END), 0)
             FROM enterprises e LEFT JOIN unions u ON u.id = e.union_id
             WHERE {} AND ($2 IS NULL OR e.township = $2)",
            must_condition(&rule)
        ),
        &[to.clone().into(), code.into()],
        Ok,
    )
    .await?
    .unwrap_or((0, 0));
    let (founded, sizeable): (i64, i64) = query::row(
        db,
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM enterprises e
                 WHERE e.union_id = u.id AND e.headcount >= $3) THEN 1 ELSE 0 END), 0)
             FROM unions u WHERE u.founded_on >= $1 AND u.founded_on <= $2
             AND u.kind IN ({}) AND ($4 IS NULL OR u.township = $4)",
            founded_kinds_sql()
        ),
        &[
            from.into(),
            to.into(),
            i64::from(rule.tracked_min_headcount).into(),
            code.into(),
        ],
        Ok,
    )
    .await?
    .unwrap_or((0, 0));
    Ok(YearFigures {
        year,
        new_unions: count(founded),
        new_members: count(new_members),
        must_enterprises: count(must),
        must_covered: count(covered),
        new_unions_sizeable: count(sizeable),
        reformed_federations: u32::try_from(reformed_federations(db, year, scope).await?.len())
            .unwrap_or(u32::MAX),
    })
}

/// The year pages and reports show by default: the latest year in which a member joined
/// or a union was founded (so the 2019 demo opens on 2019), never later than this year.
pub async fn latest_year(db: &Db) -> StoreResult<i32> {
    let this_year = domain::platform::time::today_local().year();
    let joined = counts::latest_month(db).await?;
    let founded: Option<String> = query::one(db, "SELECT MAX(founded_on) FROM unions", &[]).await?;
    let latest = joined.max(founded);
    Ok(latest
        .as_deref()
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse::<i32>().ok())
        .map_or(this_year, |y| y.min(this_year)))
}

/// The headers of the circulated ranking, shared by the Excel export and the report.
pub const RANKING_HEADERS: [&str; 10] = [
    "排名",
    "乡镇（街道）",
    "应建会企业",
    "已建会",
    "应建会覆盖率",
    "企业总数",
    "已建会企业",
    "总体覆盖率",
    "新建工会",
    "新增会员",
];

/// One ranking line as the cells of [`RANKING_HEADERS`].
pub fn ranking_cells(r: &RankedTownship) -> Vec<String> {
    use domain::union::coverage::format_rate;
    let c = &r.coverage;
    vec![
        r.rank.to_string(),
        c.township.clone(),
        c.must_total.to_string(),
        c.must_covered.to_string(),
        format_rate(c.must_rate_bp()),
        c.all_total.to_string(),
        c.all_covered.to_string(),
        format_rate(c.all_rate_bp()),
        c.unions_founded_in_year.to_string(),
        c.members_joined_in_year.to_string(),
    ]
}
