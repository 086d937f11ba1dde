//! `groundwork report annual --year YEAR [--format text|json|xlsx|html] [--out FILE]`: the
//! yearbook of both offices, as paragraphs to paste into the year's summary, JSON, a
//! spreadsheet or a standalone printable page. `--township` and `--town` narrow it.

use super::{Format, ReportArgs};
use crate::output::out;
use anyhow::{Context, Result, bail};
use domain::union::township::Township;
use store::Db;
use store::yearbook::{self, Reach};

/// Report names this module answers.
pub const REPORTS: &[&str] = &["annual"];

/// Runs report `name` if it is this module's; `None` otherwise.
pub async fn run(db: &Db, name: &str, args: &ReportArgs) -> Option<Result<u8>> {
    if name == "annual" {
        Some(annual(db, args).await)
    } else {
        None
    }
}

async fn annual(db: &Db, args: &ReportArgs) -> Result<u8> {
    let year = match args.year {
        Some(y) => y,
        None => store::union::coverage::latest_year(db).await?,
    };
    let township = match args.township.as_deref() {
        Some(t) => {
            Some(Township::parse(t).map_err(|_| anyhow::anyhow!("乡镇（街道）不正确：{t}"))?)
        }
        None => None,
    };
    let reach = Reach::everything().narrowed(township, args.town.clone());
    let report = match yearbook::annual(db, year, &reach).await {
        Ok(r) => r,
        Err(store::StoreError::Refused(r)) => bail!("{r}"),
        Err(e) => return Err(e.into()),
    };
    let body = match args.format() {
        Format::Text => Some(domain::yearbook::text(&report)),
        Format::Json => Some(serde_json::to_string_pretty(&report)? + "\n"),
        Format::Html => Some(web::pages::yearbook::standalone_html(&report)?),
        Format::Xlsx => {
            let Some(path) = &args.out else {
                bail!("Excel 格式请用 --out 指定文件");
            };
            imports::yearbook::write_xlsx(&report, path)
                .with_context(|| format!("无法写入 {}", path.display()))?;
            None
        }
    };
    match (body, &args.out) {
        (Some(body), None) => {
            crate::output::write(format_args!("{body}"));
            return Ok(0);
        }
        (Some(body), Some(path)) => {
            std::fs::write(path, body).with_context(|| format!("无法写入 {}", path.display()))?
        }
        (None, _) => {}
    }
    if let Some(path) = &args.out {
        out!("已写入 {}", path.display());
    }
    Ok(0)
}
