//! The yearbook from the command line: the demo's 2019 report as a snapshot (the same on
//! both backends), records added through the imports moving exactly the figures they
//! should, and the other formats.

use crate::support::{Fixture, stderr, stdout};
use domain::platform::resident_id::check_char;
use domain::union::activity::ActivityKind;
use serde_json::Value;
use store::union::Scope;
use store::union::activities::{self, ActivityFilter};

fn annual(f: &Fixture, year: &str) -> Value {
    let out = f.run(&["report", "annual", "--year", year, "--format", "json"]);
    assert!(out.status.success(), "report: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("json")
}

/// Ten new resident IDs (born 1990-01-0d, not in the demo) and a member list joining
/// `union` on `joined`.
fn members_csv(f: &Fixture, name: &str, union: &str, joined: &str, first: u32) -> String {
    let mut csv = String::from("姓名,身份证号,手机号,所属工会,入会日期,农民工\n");
    for i in 0..10 {
        let first17 = format!("33018219900101{:03}", first + i);
        let id = format!("{first17}{}", check_char(&first17).expect("check"));
        csv.push_str(&format!("新会员{i},{id},,{union},{joined},否\n"));
    }
    let path = f.path(name);
    std::fs::write(&path, csv).expect("write");
    path
}

#[tokio::test]
async fn the_2019_yearbook_is_computed_from_the_records() {
    let f = Fixture::demo().await;

    let before = annual(&f, "2019");
    insta::assert_json_snapshot!("annual_2019", before);
    // The year matters: 2018 is another year's record, with its one petition.
    let earlier = annual(&f, "2018");
    assert_ne!(earlier["union"], before["union"]);
    assert_eq!(earlier["relocation"]["petitions"], 1);
    assert_eq!(earlier["relocation"]["expropriation_projects"], 1);
    assert_eq!(before["relocation"]["petitions"], 0);

    let db = f.db().await;
    let union = store::union::organisations::list(&db, Scope::City)
        .await
        .expect("unions")
        .into_iter()
        .find(|u| u.kind == domain::union::organisation::UnionKind::EnterpriseUnion)
        .expect("an enterprise union")
        .name;

    // Ten members who joined in 2020 change no 2019 figure …
    let path = members_csv(&f, "late.csv", &union, "2020-03-01", 900);
    let out = f.run(&["import", "members", &path]);
    assert!(out.status.success(), "import: {}", stderr(&out));
    assert_eq!(annual(&f, "2019"), before);

    // … ten who joined in 2019 raise new_members by ten and nothing else.
    let path = members_csv(&f, "new.csv", &union, "2019-06-01", 920);
    let out = f.run(&["import", "members", &path]);
    assert!(out.status.success(), "import: {}", stderr(&out));
    let mut expected = before.clone();
    expected["union"]["new_members"] =
        (before["union"]["new_members"].as_i64().unwrap() + 10).into();
    assert_eq!(annual(&f, "2019"), expected);

    // Ten participations in a 2019 online project raise online_participations by ten.
    let filter = ActivityFilter {
        kind: Some(ActivityKind::OnlineProject),
        year: Some(2019),
        ..ActivityFilter::default()
    };
    let (projects, _) = activities::list(&db, Scope::City, &filter, 1, 0)
        .await
        .expect("activities");
    let project = projects.first().expect("a 2019 online project");
    let start = project.dates.start();
    let mut csv = String::from("活动名称,活动开始日期,姓名,身份证号,参与日期,是否会员\n");
    for i in 0..10 {
        let first17 = format!("33018219850505{:03}", 700 + i);
        let id = format!("{first17}{}", check_char(&first17).expect("check"));
        csv.push_str(&format!(
            "{},{start},群众{i},{id},{start},否\n",
            project.name
        ));
    }
    let path = f.path("taking-part.csv");
    std::fs::write(&path, csv).expect("write");
    let out = f.run(&["import", "participations", &path]);
    assert!(out.status.success(), "import: {}", stderr(&out));
    expected["union"]["online_participations"] =
        (before["union"]["online_participations"].as_i64().unwrap() + 10).into();
    assert_eq!(annual(&f, "2019"), expected);
    db.close().await;

    // The text reads like the yearbook, with the figures in place.
    let out = f.run(&["report", "annual", "--year", "2019"]);
    let text = stdout(&out);
    assert!(text.contains("新增会员8,639人"), "{text}");
    assert!(text.contains("征收81户，其中企业7家"), "{text}");
    // Figures of DOMAIN.md that have no JSON key are in the text, from the records too.
    assert!(
        text.contains("新建工人文化宫1座，建筑面积8,100平方米，总投资¥28,000,000.00"),
        "{text}"
    );
    assert!(text.contains("其中一个项目49户在12天内全部签约"), "{text}");

    // `--json` is `--format json`; a township narrows the union's part.
    let out = f.run(&[
        "report",
        "annual",
        "--year",
        "2019",
        "--json",
        "--township",
        "寿昌镇",
    ]);
    let township: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(township["union"]["new_members"].as_i64().unwrap() < 8639);
    assert_eq!(township["relocation"], expected["relocation"]);

    // Excel and a standalone page.
    let xlsx = f.path("annual.xlsx");
    let out = f.run(&["report", "annual", "--year", "2019", "--out", &xlsx]);
    assert!(out.status.success(), "xlsx: {}", stderr(&out));
    assert!(std::fs::read(&xlsx).expect("xlsx").starts_with(b"PK"));
    let html = f.path("annual.html");
    let out = f.run(&[
        "report", "annual", "--year", "2019", "--format", "html", "--out", &html,
    ]);
    assert!(out.status.success(), "html: {}", stderr(&out));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("<svg") && page.contains("8,639") && !page.contains("<script"));

    // Asking for Excel on the terminal, or a year that is not one, is refused in Chinese.
    let out = f.run(&["report", "annual", "--year", "2019", "--format", "xlsx"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--out"), "{}", stderr(&out));
    let out = f.run(&["report", "annual", "--year", "99999"]);
    assert!(!out.status.success());
}
