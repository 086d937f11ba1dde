//! `groundwork report …` for the relocation module: the evening progress report of a
//! project as pasted into the chat groups (`relocation-daily --project CODE`) and the
//! year's figures per town (`relocation-summary --year 2019`), computed by the same store
//! functions as the wall and the overview page.

use crate::output::out;
use anyhow::{Result, bail};
use domain::platform::time::today_local;
use sheets::SheetWriter;
use std::collections::BTreeSet;
use store::Db;
use store::relocation::projects::{self, ProjectFilter};
use store::relocation::summary::{self, YearSummary};
use store::relocation::{Scope, wall};

/// Report names this module answers.
pub const REPORTS: &[&str] = &["relocation-daily", "relocation-summary"];

/// Runs report `name` if it is one of this module's; `None` otherwise.
pub async fn run(db: &Db, name: &str, args: &super::ReportArgs) -> Option<Result<u8>> {
    match name {
        "relocation-daily" => Some(daily(db, args).await),
        "relocation-summary" => Some(year_summary(db, args).await),
        _ => None,
    }
}

async fn daily(db: &Db, args: &super::ReportArgs) -> Result<u8> {
    let Some(code) = args.project.as_deref() else {
        bail!("请用 --project 指定项目编号");
    };
    let project = match projects::by_code(db, &Scope::All, code).await {
        Ok(p) => p,
        Err(store::StoreError::NotFound) => bail!("项目不存在：{code}"),
        Err(e) => return Err(e.into()),
    };
    let w = wall::wall(db, &project, today_local()).await?;
    let text = wall::daily_report(&w);
    if args.json {
        out!(
            "{}",
            serde_json::json!({ "project": project.code, "date": w.today.to_string(), "report": text })
        );
    } else {
        crate::output::write(format_args!("{text}"));
    }
    Ok(0)
}

/// The summary's lines: (what, figure).
fn lines(s: &YearSummary) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "征收项目".to_string(),
            format!("{} 个", s.expropriation_projects),
        ),
        (
            "安置项目".to_string(),
            format!("{} 个", s.resettlement_projects),
        ),
        ("征地面积".to_string(), format!("{} 亩", s.land)),
        (
            "征收户数".to_string(),
            format!(
                "{} 户（其中企业 {} 家）",
                s.expropriated_households, s.enterprises
            ),
        ),
        (
            "拆除面积（已拆除户房屋测绘面积）".to_string(),
            format!("{} ㎡", s.demolished_area),
        ),
        (
            "安置户数".to_string(),
            format!(
                "{} 户（{} 个安置项目）",
                s.resettled_households, s.resettlement_projects_used
            ),
        ),
    ];
    for c in &s.campaigns {
        let state = match c.days_to_clear {
            Some(d) => format!("{} 户全部签约，用时 {d} 天", c.households),
            None => format!("{}/{} 户已签约", c.signed, c.households),
        };
        out.push((format!("签约进度：{}", c.name), state));
    }
    out
}

async fn year_summary(db: &Db, args: &super::ReportArgs) -> Result<u8> {
    let year = match args.year {
        Some(y) => y,
        None => chrono::Datelike::year(&today_local()),
    };
    let filter = ProjectFilter {
        year: Some(year),
        ..ProjectFilter::default()
    };
    let towns: BTreeSet<String> = projects::list(db, &Scope::All, &filter)
        .await?
        .into_iter()
        .map(|p| p.fields.town)
        .collect();
    if towns.is_empty() {
        bail!("{year} 年没有征收安置项目");
    }
    let mut summaries = Vec::new();
    for town in towns {
        let s = summary::year_summary(db, &Scope::Town(town.clone()), year).await?;
        summaries.push((town, s));
    }
    if args.json {
        let v: Vec<serde_json::Value> = summaries
            .iter()
            .map(|(town, s)| serde_json::json!({ "town": town, "summary": s }))
            .collect();
        out!("{}", serde_json::to_string_pretty(&v)?);
    } else if let Some(out) = &args.out {
        let mut w = SheetWriter::with_title(
            &format!("{year}年征收安置工作汇总"),
            &["镇", "项目", "数据"],
        )?;
        for (town, s) in &summaries {
            for (what, figure) in lines(s) {
                w.write_row(&[town.as_str(), what.as_str(), figure.as_str()])?;
            }
        }
        w.finish(out)?;
        out!("已写入 {}", out.display());
    } else {
        for (town, s) in &summaries {
            out!("{town}{year}年征收安置工作汇总");
            for (what, figure) in lines(s) {
                out!("  {what}：{figure}");
            }
        }
    }
    Ok(0)
}
