//! Imports of households and their members: atomic (one bad row writes nothing and is
//! named), `--project` for files without the column, re-import updates, export re-imports.

use super::fixture::{self, PROJECT};
use crate::support::TestApp;
use ::imports::ImportOptions;
use store::relocation::Scope;
use store::relocation::households::{self, HouseholdFilter};

fn options(project: Option<&str>) -> ImportOptions {
    ImportOptions {
        actor: "test".into(),
        project: project.map(str::to_string),
        ..ImportOptions::default()
    }
}

fn credit_code() -> String {
    let first17 = "91330182MA2B3C4D5";
    let check = domain::platform::credit_code::check_char(first17).expect("alphabet");
    format!("{first17}{check}")
}

/// Asserts that an import refused exactly one cell: row `row` (as Excel numbers it), `column`.
fn assert_one_invalid(report: &::imports::ImportReport, row: usize, column: &str) {
    assert_eq!(report.invalid.len(), 1, "{:?}", report.invalid);
    let e = &report.invalid[0];
    assert_eq!((e.row, e.column.as_str()), (row, column));
}

/// Asserts that an import wrote every row: `imported` new records and `updated` ones.
fn assert_written(report: &::imports::ImportReport, imported: u64, updated: u64) {
    assert!(
        report.written && report.invalid.is_empty(),
        "{:?}",
        report.invalid
    );
    assert_eq!((report.imported, report.updated), (imported, updated));
}

async fn count(app: &TestApp, project_id: i64) -> i64 {
    households::list(
        &app.db,
        &Scope::All,
        project_id,
        &HouseholdFilter::default(),
        1,
        0,
    )
    .await
    .expect("list")
    .1
}

#[tokio::test]
async fn household_import_is_atomic_names_the_bad_row_and_updates_on_reimport() {
    let (app, f) = fixture::spawn().await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("households.csv");
    let header = "户编号,类型,户主姓名,户主身份证号/统一社会信用代码,手机号,村,组,现居住地";
    let good = format!(
        "{header}\nT-101,住户,王大明,{},13812345678,绪塘村,3组,安徽省歙县\nT-102,企业,建德市测试竹木有限公司,{},,绪塘村,,本镇\n",
        fixture::resident_id("33018219650303001"),
        credit_code()
    );
    let bad = format!("{good}T-103,住户,李四,110105194912310021,,绪塘村,1组,本镇\n");
    std::fs::write(&file, &bad).expect("write");

    let report = crate::support::import_file(&app.db, "households", &file, &options(Some(PROJECT)))
        .await
        .expect("import runs");
    assert!(!report.written);
    assert_eq!(report.invalid.len(), 1, "{:?}", report.invalid);
    assert_eq!(report.invalid[0].row, 4);
    assert_eq!(report.invalid[0].column, "户主身份证号/统一社会信用代码");
    assert!(
        report.invalid[0].reason.contains("校验位"),
        "{:?}",
        report.invalid
    );
    assert_eq!(count(&app, f.project_id).await, 2, "nothing written");

    // Without a project column and without --project, every row says what is missing.
    std::fs::write(&file, &good).expect("write");
    let report = crate::support::import_file(&app.db, "households", &file, &options(None))
        .await
        .expect("runs");
    assert_eq!(report.invalid.len(), 2);
    assert_eq!(report.invalid[0].column, "项目编号");

    let report = crate::support::import_file(&app.db, "households", &file, &options(Some(PROJECT)))
        .await
        .expect("runs");
    assert_written(&report, 2, 0);
    assert_eq!(count(&app, f.project_id).await, 4);

    // The export (with 项目编号) re-imports onto the same records.
    let export = dir.path().join("export.xlsx");
    let rows = crate::support::export_file(&app.db, "households", &export).await;
    assert_eq!(rows, 5);
    let report = crate::support::import_file(&app.db, "households", &export, &options(None))
        .await
        .expect("runs");
    assert_written(&report, 0, 5);
    let filter = HouseholdFilter {
        search: Some("T-101".into()),
        ..HouseholdFilter::default()
    };
    let (rows, _) = households::list(&app.db, &Scope::All, f.project_id, &filter, 10, 0)
        .await
        .expect("list");
    let h = &rows[0].household;
    assert_eq!(h.residence.province.as_deref(), Some("安徽省"));
    assert!(!h.residence.in_town);

    // Members of the imported household, by --project.
    let members = dir.path().join("members.csv");
    std::fs::write(
        &members,
        format!(
            "户编号,姓名,身份证号,与户主关系\nT-101,王大明,{},户主\nT-999,某人,{},子女\n",
            fixture::resident_id("33018219650303001"),
            fixture::resident_id("33018219900101001")
        ),
    )
    .expect("write");
    let report = crate::support::import_file(
        &app.db,
        "household-members",
        &members,
        &options(Some(PROJECT)),
    )
    .await
    .expect("runs");
    assert_one_invalid(&report, 3, "户编号");
    assert!(!report.written);

    let v = store::audit::verify(&app.db, &store::audited())
        .await
        .expect("verify");
    assert_eq!(v.problem, None);
}

#[tokio::test]
async fn buildings_and_appraisals_import_and_templates_have_an_example() {
    let (app, _) = fixture::spawn().await;
    let dir = tempfile::tempdir().expect("dir");
    let buildings = dir.path().join("buildings.csv");
    std::fs::write(
        &buildings,
        format!("项目编号,户编号,权证号,结构,测绘面积,合法面积\n{PROJECT},T-002,无证1,简易结构,30.5,0\n{PROJECT},T-002,建房权字第99号,砖木,88.00,80\n"),
    )
    .expect("write");
    let report = crate::support::import_file(&app.db, "buildings", &buildings, &options(None))
        .await
        .expect("runs");
    assert!(report.written, "{:?}", report.invalid);
    assert_eq!(report.imported, 2);
    let appraisals = dir.path().join("appraisals.csv");
    std::fs::write(
        &appraisals,
        "户编号,项目,金额,类别\nT-002,柑橘树12棵,\"3,600.00\",青苗\nT-002,围墙,-5,附属物\n",
    )
    .expect("write");
    let report =
        crate::support::import_file(&app.db, "appraisals", &appraisals, &options(Some(PROJECT)))
            .await
            .expect("runs");
    assert_one_invalid(&report, 3, "金额");
    for kind in ::imports::ImportKind::of(::imports::Module::Relocation) {
        let kind = kind.name();
        let out = dir.path().join(format!("{kind}.xlsx"));
        ::imports::template(::imports::ImportKind::parse(kind).expect("kind"), &out)
            .expect("template");
        let report = crate::support::import_file(&app.db, kind, &out, &options(None))
            .await
            .expect("template reads back");
        assert_eq!(report.total, 1, "{kind}: one example row");
    }
}
