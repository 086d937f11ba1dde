//! Helper of `bench/members_import.sh` (not part of the product):
//!
//! - `members_bench generate N DIR` writes `enterprises.csv` and `unions.csv` (160
//!   enterprises, each with its own union under its township's federation) and
//!   `members.xlsx` with N members spread over those unions: valid, unique resident IDs
//!   and mobiles, plausible names and dates.
//! - `members_bench search DB_URL N` times N member searches by resident ID and by
//!   mobile through `store::union::members::search` (the function the pages and the API
//!   use) and prints the median and the slowest.

use domain::platform::resident_id::check_char;
use domain::platform::{Mobile, ResidentId};
use domain::union::township::Township;
use std::io::Write;
use std::time::{Duration, Instant};

const UNIONS_PER_TOWNSHIP: usize = 10;
const SURNAMES: [&str; 16] = [
    "方", "叶", "徐", "王", "余", "洪", "邵", "胡", "李", "张", "陈", "刘", "吴", "周", "何", "姜",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
];

/// The i-th member's resident ID: 1,000 sequence numbers per birth date from 1960-01-01.
fn resident_id(i: u64) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
        + chrono::Days::new(i / 1000);
    let first17 = format!("330182{}{:03}", birth.format("%Y%m%d"), i % 1000);
    let check = check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// The i-th member's mobile, unique.
fn mobile(i: u64) -> String {
    format!("13{:09}", i)
}

fn credit_code(n: usize) -> String {
    let first17 = format!("91330182MA{n:07}");
    let check = domain::platform::credit_code::check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn union_name(t: Township, k: usize) -> String {
    format!("{}第{}企业工会", t.name(), k + 1)
}

fn generate(n: u64, dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut e = std::fs::File::create(dir.join("enterprises.csv"))?;
    let mut u = std::fs::File::create(dir.join("unions.csv"))?;
    writeln!(e, "单位名称,统一社会信用代码,所属乡镇,职工人数,省总备案")?;
    writeln!(
        u,
        "工会名称,上级工会,类型,所属乡镇,覆盖单位信用代码,成立日期"
    )?;
    writeln!(u, "建德市总工会,,市总工会,,,1952-05-01")?;
    let mut unions = Vec::new();
    for (ti, t) in Township::JIANDE.iter().enumerate() {
        writeln!(
            u,
            "{}总工会,建德市总工会,乡镇总工会,{},,1995-05-01",
            t.name(),
            t.name()
        )?;
        for k in 0..UNIONS_PER_TOWNSHIP {
            let code = credit_code(ti * 100 + k);
            writeln!(
                e,
                "{}第{}号企业有限公司,{code},{},{},否",
                t.name(),
                k + 1,
                t.name(),
                50 + k * 37
            )?;
            let name = union_name(*t, k);
            writeln!(
                u,
                "{name},{}总工会,企业工会,{},{code},2010-01-01",
                t.name(),
                t.name()
            )?;
            unions.push(name);
        }
    }
    let headers = imports::union::export::headers(imports::union::members::COLUMNS);
    let mut w = sheets::SheetWriter::new(&headers)?;
    for i in 0..n {
        let name = format!(
            "{}{}{}",
            SURNAMES[(i % 16) as usize],
            GIVEN[(i / 16 % 16) as usize],
            GIVEN[(i / 256 % 16) as usize]
        );
        let joined = chrono::NaiveDate::from_ymd_opt(2010, 1, 1).unwrap_or_default()
            + chrono::Days::new(i % 3650);
        let union = &unions[(i as usize * 7) % unions.len()];
        w.write_row(&[
            name,
            resident_id(i),
            mobile(i),
            union.clone(),
            joined.to_string(),
            if i % 3 == 0 { "是" } else { "否" }.to_string(),
        ])?;
    }
    w.finish(&dir.join("members.xlsx"))?;
    Ok(())
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let median = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    let max = times[times.len() - 1];
    println!(
        "{label}: {} searches, median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

async fn search(url: &str, n: u64) -> Result<(), Box<dyn std::error::Error>> {
    let db = store::Db::connect(url).await?;
    let scope = store::union::Scope::City;
    let total = store::union::members::list(&db, scope, &Default::default(), 1, 0)
        .await?
        .1;
    let total = u64::try_from(total)?.max(1);
    println!("members in the database: {total}");
    let mut by_id = Vec::new();
    let mut by_mobile = Vec::new();
    for k in 0..n {
        // Spread over the whole table (a multiplicative walk, not the first rows).
        let i = k * 7_919 % total;
        let id = ResidentId::parse(&resident_id(i))?;
        let t = Instant::now();
        let found = store::union::members::search(&db, scope, id.as_str(), 10).await?;
        by_id.push(t.elapsed());
        assert_eq!(found.len(), 1, "member {i} by ID");
        let m = Mobile::parse(&mobile(i))?;
        let t = Instant::now();
        let found = store::union::members::search(&db, scope, m.as_str(), 10).await?;
        by_mobile.push(t.elapsed());
        assert_eq!(found.len(), 1, "member {i} by mobile");
    }
    summary("by resident ID", by_id);
    summary("by mobile", by_mobile);
    Ok(())
}

/// Member-list pages (issue 14) in every order: the first page, and pages deep in the
/// list read by keyset from a cursor, beside the same depth read by OFFSET as it was.
async fn pages(url: &str, n: u64) -> Result<(), Box<dyn std::error::Error>> {
    use store::union::members::{MemberFilter, MemberSort, list, list_from};
    let db = store::Db::connect(url).await?;
    let scope = store::union::Scope::City;
    let total = list(&db, scope, &MemberFilter::default(), 1, 0).await?.1;
    println!("members in the database: {total}");
    for sort in MemberSort::ALL {
        let f = MemberFilter {
            sort,
            ..MemberFilter::default()
        };
        let (mut first, mut keyset, mut offset) = (Vec::new(), Vec::new(), Vec::new());
        for k in 0..n {
            let t = Instant::now();
            list_from(&db, scope, &f, None, 50).await?;
            first.push(t.elapsed());
            // A depth spread over the list; its cursor read once, untimed.
            let depth = i64::try_from(k * 7_919 % u64::try_from(total.max(1))?)?;
            let (edge, _) = list(&db, scope, &f, 1, depth).await?;
            let Some(edge) = edge.first() else { continue };
            let at = sort.after(edge);
            let t = Instant::now();
            let page = list_from(&db, scope, &f, Some(&at), 50).await?;
            keyset.push(t.elapsed());
            assert!(page.rows.len() <= 50);
            let t = Instant::now();
            list(&db, scope, &f, 50, depth + 1).await?;
            offset.push(t.elapsed());
        }
        summary(&format!("{sort:?}: first page"), first);
        summary(&format!("{sort:?}: a deep page by keyset"), keyset);
        summary(&format!("{sort:?}: the same depth by OFFSET"), offset);
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") if args.len() == 4 => {
            generate(args[2].parse()?, std::path::Path::new(&args[3]))
        }
        Some("search") if args.len() == 4 => search(&args[2], args[3].parse()?).await,
        Some("pages") if args.len() == 4 => pages(&args[2], args[3].parse()?).await,
        _ => {
            eprintln!(
                "usage: members_bench generate N DIR | members_bench search DB_URL N | members_bench pages DB_URL N"
            );
            std::process::exit(2);
        }
    }
}
