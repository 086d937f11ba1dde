//! Command-line tests of the union module: the demo's 2019 figures, the imports' exit
//! codes and files, the reports.

use crate::support::{Fixture, stderr, stdout};
use serde_json::Value;

#[tokio::test]
async fn the_demo_reproduces_the_2019_union_figures() {
    let f = Fixture::demo().await;

    // Through the report the CLI prints …
    let out = f.run(&["report", "union-figures", "--year", "2019", "--json"]);
    assert!(out.status.success());
    let json: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["new_unions"], 79);
    assert_eq!(json["new_members"], 8629);
    assert_eq!(json["must_enterprises"], 7);
    assert_eq!(json["must_covered"], 7);
    assert_eq!(json["new_unions_sizeable"], 15);
    assert_eq!(json["reformed_federations"], 16);

    // … and through the store functions the pages call.
    let db = f.db().await;
    let figures = store::union::coverage::year_figures(&db, 2019, store::union::Scope::City)
        .await
        .expect("figures");
    assert_eq!(
        (
            figures.new_unions,
            figures.new_members,
            figures.must_enterprises,
            figures.must_covered
        ),
        (79, 8629, 7, 7)
    );
    assert_eq!(
        (figures.new_unions_sizeable, figures.reformed_federations),
        (15, 16)
    );
    let ranking = store::union::coverage::ranking(&db, 2019)
        .await
        .expect("ranking");
    assert_eq!(ranking.len(), 16);
    let lines_total: u32 = ranking
        .iter()
        .map(|r| r.coverage.unions_founded_in_year)
        .sum();
    assert_eq!(
        lines_total, 79,
        "the townships' lines add up to the city's figure"
    );

    // The demo member account has its record; the audit chain covers everything.
    let id = domain::platform::ResidentId::parse("330182199001010014").expect("id");
    let me = store::union::members::by_resident_id(&db, store::union::Scope::City, &id)
        .await
        .expect("demo member");
    assert_eq!(me.township.map(|t| t.name()), Some("新安江街道"));
    let out = f.run(&["audit", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));

    let out = f.run(&["report", "union-ranking", "--year", "2019"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).lines().count(),
        18,
        "title, header and 16 townships"
    );
}

#[tokio::test]
async fn member_imports_exit_with_the_documented_codes_and_files() {
    let f = Fixture::new().await;
    let unions = f.path("unions.csv");
    std::fs::write(
        &unions,
        "工会名称,上级工会,类型,所属乡镇,覆盖单位信用代码,成立日期\n\
         建德市总工会,,市总工会,,,1952-05-01\n\
         新安江街道总工会,建德市总工会,乡镇总工会,新安江街道,,1995-05-01\n\
         新安江联合工会,新安江街道总工会,联合工会,新安江街道,,2019-01-01\n",
    )
    .expect("write");
    // A joint union must cover several enterprises: the third row is refused.
    let out = f.run(&["import", "unions", &unions, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["invalid"][0]["row"], 4);
    assert_eq!(json["imported"], 0);
    let out = f.run(&["import", "unions", &unions, "--skip-invalid"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let members = f.path("members.csv");
    std::fs::write(
        &members,
        "姓名,身份证号,手机号,所属工会,入会日期,农民工\n\
         张三,11010519491231002X,13812345678,新安江街道总工会,2019-03-05,否\n\
         李四,440524188001010014,138,新安江街道总工会,2019-03-06,是\n",
    )
    .expect("write");
    let out = f.run(&["import", "members", &members]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("第 3 行"), "{}", stdout(&out));
    let rejects = f.path("rejects.xlsx");
    let out = f.run(&[
        "import",
        "members",
        &members,
        "--skip-invalid",
        "--rejects",
        &rejects,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::path::Path::new(&rejects).exists());

    let export = f.path("export.xlsx");
    assert!(
        f.run(&["export", "members", "--out", &export])
            .status
            .success()
    );
    let out = f.run(&["import", "members", &export, "--format", "json"]);
    let json: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        (json["imported"].as_u64(), json["updated"].as_u64()),
        (Some(0), Some(1))
    );
    let template = f.path("template.xlsx");
    assert!(
        f.run(&["template", "members", "--out", &template])
            .status
            .success()
    );
    // The template's example row is itself valid apart from its made-up union.
    let out = f.run(&[
        "import",
        "members",
        &template,
        "--dry-run",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&stdout(&out)).expect("json");
    let columns: Vec<&str> = json["invalid"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["column"].as_str())
        .collect();
    assert_eq!(columns, ["所属工会"]);
}

#[tokio::test]
async fn a_deployment_serves_the_townships_its_list_names() {
    let f = Fixture::new().await;
    let list = f.path("townships.csv");
    std::fs::write(&list, "# 代码,名称\n330100101,甲街道\n330100102,乙镇\n").expect("list");
    let env = [("GROUNDWORK_TOWNSHIPS", list.as_str())];
    let unions = f.path("unions.csv");
    std::fs::write(
        &unions,
        "工会名称,上级工会,类型,所属乡镇,覆盖单位信用代码,成立日期\n\
         某市总工会,,市总工会,,,1952-05-01\n\
         甲街道总工会,某市总工会,乡镇总工会,甲街道,,1995-05-01\n\
         乙镇总工会,某市总工会,乡镇总工会,330100102,,1995-05-01\n",
    )
    .expect("unions");
    let o = f.run_env(&["import", "unions", &unions, "--format", "json"], &env);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // The ranking has the list's two lines, in its order (they tie on every figure).
    let o = f.run_env(
        &["report", "union-ranking", "--year", "2019", "--json"],
        &env,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ranked: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let lines: Vec<(&str, u64)> = ranked
        .as_array()
        .expect("lines")
        .iter()
        .map(|r| {
            (
                r["coverage"]["township"].as_str().unwrap_or(""),
                r["coverage"]["unions_founded_in_year"]
                    .as_u64()
                    .unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(lines, vec![("甲街道", 0), ("乙镇", 0)]);

    // Jiande's townships are not this deployment's: a row naming one is refused.
    let jiande = f.path("jiande.csv");
    std::fs::write(
        &jiande,
        "工会名称,上级工会,类型,所属乡镇,覆盖单位信用代码,成立日期\n\
         新安江联合工会,甲街道总工会,联合工会,新安江街道,,2019-01-01\n",
    )
    .expect("file");
    let o = f.run_env(&["import", "unions", &jiande, "--format", "json"], &env);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("新安江街道"), "{}", stdout(&o));

    // A list that cannot be used stops every command, saying which line is wrong.
    std::fs::write(&list, "330100101,甲街道\n330100101,乙镇\n").expect("list");
    let o = f.run_env(&["report", "union-ranking", "--year", "2019"], &env);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("第 2 行"), "{}", stderr(&o));
}
