//! `groundwork report …` for the union module: the township ranking as circulated
//! (`union-ranking`) and the year's coverage figures (`union-figures`), both computed by
//! the same store functions as the web pages.

use crate::output::out;
use anyhow::Result;
use sheets::SheetWriter;
use store::Db;
use store::union::coverage::{self, RANKING_HEADERS, ranking_cells};

/// Report names this module answers.
pub const REPORTS: &[&str] = &["union-ranking", "union-figures"];

/// Runs report `name` if it is one of this module's; `None` otherwise.
pub async fn run(db: &Db, name: &str, args: &super::ReportArgs) -> Option<Result<u8>> {
    match name {
        "union-ranking" => Some(ranking(db, args).await),
        "union-figures" => Some(figures(db, args).await),
        _ => None,
    }
}

async fn year(db: &Db, args: &super::ReportArgs) -> Result<i32> {
    Ok(match args.year {
        Some(y) => y,
        None => coverage::latest_year(db).await?,
    })
}

async fn ranking(db: &Db, args: &super::ReportArgs) -> Result<u8> {
    let year = year(db, args).await?;
    let ranked = coverage::ranking(db, year).await?;
    if args.json {
        out!("{}", serde_json::to_string_pretty(&ranked)?);
    } else if let Some(out) = &args.out {
        let title = format!("{year}年度乡镇（街道）工会组建工作排名通报");
        let mut w = SheetWriter::with_title(&title, &RANKING_HEADERS)?;
        for r in &ranked {
            w.write_row(&ranking_cells(r))?;
        }
        w.finish(out)?;
        out!("已写入 {}", out.display());
    } else {
        out!("{year}年度乡镇（街道）工会组建工作排名");
        out!("{}", RANKING_HEADERS.join("\t"));
        for r in &ranked {
            out!("{}", ranking_cells(r).join("\t"));
        }
    }
    Ok(0)
}

async fn figures(db: &Db, args: &super::ReportArgs) -> Result<u8> {
    let year = year(db, args).await?;
    let f = coverage::year_figures(db, year, store::union::Scope::City).await?;
    if args.json {
        out!("{}", serde_json::to_string_pretty(&f)?);
    } else {
        out!("{year}年度工会组建与会员发展");
        out!("新建工会：{} 家", f.new_unions);
        out!("新增会员：{} 人", f.new_members);
        out!(
            "省总备案百人以上企业：{} 家，已建会 {} 家",
            f.must_enterprises,
            f.must_covered
        );
        out!("50人以上企业新建工会：{} 家", f.new_unions_sizeable);
        out!("完成“专+兼”改革的乡镇总工会：{} 个", f.reformed_federations);
    }
    Ok(0)
}
