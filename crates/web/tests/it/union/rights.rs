//! Facilities, collective contracts, assessments and leader talks: the imports with a bad
//! row, export → re-import, and the pages by role with township scoping.

use super::{assert_audit_intact, code, enterprise, import, seed, xinanjiang, xlsx, yangxi};
use ::imports::ImportOptions;
use store::union::Scope;
use store::union::contracts::{self, ContractFilter};
use store::union::facilities::{self, FacilityFilter};

const CONTRACT_HEADERS: [&str; 6] = [
    "统一社会信用代码",
    "单位名称",
    "合同类型",
    "签订日期",
    "到期日期",
    "示范单位年度",
];

const FACILITY_HEADERS: [&str; 10] = [
    "阵地名称",
    "阵地类型",
    "所属乡镇",
    "所属工会",
    "面积（平方米）",
    "投资额（元）",
    "建设状态",
    "状态日期",
    "获评年度",
    "获评级别",
];

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

async fn fresh() -> (tempfile::TempDir, store::Db) {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    (dir, db)
}

#[tokio::test]
async fn a_contract_file_with_a_bad_row_writes_nothing_and_names_the_row() {
    let (dir, db) = fresh().await;
    enterprise(&db, 1, xinanjiang(), 150, true).await;
    enterprise(&db, 2, xinanjiang(), 80, false).await;
    let path = dir.path().join("c.xlsx");
    let (c1, c2) = (code(1), code(2));
    xlsx(
        &path,
        &CONTRACT_HEADERS,
        &[
            row(&[&c1, "", "工资专项集体合同", "2019-03-01", "2022-02-28", "2019"]),
            row(&[&c2, "", "工资专项合同", "2019-05-01", "2019-04-01", ""]),
            row(&[&code(3), "", "综合性集体合同", "2019-05-01", "2020-04-01", ""]),
        ],
    );
    let report = import(&db, "contracts", &path, ImportOptions::default()).await;
    assert!(!report.written);
    assert_eq!(report.rejected_rows, 2);
    let rows: Vec<_> = report.invalid.iter().map(|e| (e.row, e.column.clone())).collect();
    assert_eq!(rows, [(3, "到期日期".to_string()), (4, "统一社会信用代码".to_string())]);
    let none = contracts::list(&db, Scope::City, &ContractFilter::default(), 10, 0).await.expect("list");
    assert_eq!(none.1, 0);

    // The good rows alone import; the same file again updates; export re-imports as is.
    xlsx(
        &path,
        &CONTRACT_HEADERS,
        &[row(&[&c1, "", "工资专项集体合同", "2019-03-01", "2022-02-28", "2019"])],
    );
    let report = import(&db, "contracts", &path, ImportOptions::default()).await;
    assert_eq!((report.imported, report.updated), (1, 0));
    let report = import(&db, "contracts", &path, ImportOptions::default()).await;
    assert_eq!((report.imported, report.updated), (0, 1));
    let f = contracts::year_figures(&db, 2019, Scope::City).await.expect("figures");
    assert_eq!((f.must_with_valid_contract, f.demonstration_units), (1, 1));
    let out = dir.path().join("export.xlsx");
    assert_eq!(crate::support::export_file(&db, "contracts", &out).await, 1);
    let again = import(&db, "contracts", &out, ImportOptions::default()).await;
    assert_eq!((again.imported, again.updated), (0, 1));
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn a_facility_file_is_checked_row_by_row_and_reimports() {
    let (dir, db) = fresh().await;
    seed(&db).await;
    let path = dir.path().join("f.xlsx");
    xlsx(
        &path,
        &FACILITY_HEADERS,
        &[
            row(&["新安江职工之家", "职工之家", "新安江街道", "新安江街道总工会", "120.5", "150000", "已开放", "2018-06-01", "2019", "杭州市级"]),
            row(&["洋溪爱心驿站", "爱心驿站", "洋溪街道", "", "30", "20000", "在建", "2019-02-01", "2019", "建德市级"]),
            row(&["某小屋", "小屋", "新安江街道", "", "10.123", "1", "已开放", "2019-01-01", "", ""]),
        ],
    );
    let report = import(&db, "facilities", &path, ImportOptions::default()).await;
    assert!(!report.written);
    let cols: Vec<_> = report.invalid.iter().map(|e| (e.row, e.column.clone())).collect();
    assert!(cols.contains(&(3, "获评级别".to_string())), "{cols:?}");
    assert!(cols.contains(&(4, "阵地类型".to_string())), "{cols:?}");
    assert!(cols.contains(&(4, "面积（平方米）".to_string())), "{cols:?}");
    assert_eq!(facilities::list(&db, Scope::City, &FacilityFilter::default(), 10, 0).await.expect("l").1, 0);

    xlsx(
        &path,
        &FACILITY_HEADERS,
        &[
            row(&["新安江职工之家", "职工之家", "新安江街道", "新安江街道总工会", "120.5", "150000", "已开放", "2018-06-01", "2019", "杭州市级"]),
            row(&["洋溪爱心驿站", "爱心驿站", "洋溪街道", "", "30", "20000", "在建", "2019-02-01", "", ""]),
        ],
    );
    let report = import(&db, "facilities", &path, ImportOptions::default()).await;
    assert_eq!(report.imported, 2, "{:?}", report.invalid);
    let f = facilities::year_figures(&db, 2019, Scope::City).await.expect("figures");
    assert_eq!(f.hangzhou_advanced_homes, 1);
    // A status step the rules refuse is a row error: 在建 → 规划中.
    xlsx(
        &path,
        &FACILITY_HEADERS,
        &[row(&["洋溪爱心驿站", "爱心驿站", "洋溪街道", "", "30", "20000", "规划中", "2019-05-01", "", ""])],
    );
    let report = import(&db, "facilities", &path, ImportOptions::default()).await;
    assert_eq!(report.invalid.first().map(|e| e.column.as_str()), Some("建设状态"));
    let out = dir.path().join("export.xlsx");
    assert_eq!(crate::support::export_file(&db, "facilities", &out).await, 2);
    let again = import(&db, "facilities", &out, ImportOptions::default()).await;
    assert_eq!((again.imported, again.updated), (0, 2), "{:?}", again.invalid);
    let (yang, _) = facilities::list(&db, Scope::Township(yangxi()), &FacilityFilter::default(), 10, 0)
        .await
        .expect("list");
    assert_eq!(yang.len(), 1);
    assert_audit_intact(&db).await;
}
