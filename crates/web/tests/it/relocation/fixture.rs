//! Records the relocation tests start from, written through the store like the UI does:
//! a project of 杨村桥镇 whose 征收组 is working group 1 (the test staff account's), with
//! a published standard; a household of group 1 and one of the policy group; and a
//! project of another town.

use crate::support::{Session, TestApp};
use chrono::Days;
use domain::platform::Role;
use domain::platform::time::today_local;
use domain::platform::{Fen, Mu, ResidentId, SquareMetres};
use domain::relocation::{
    AppraisalItem, AppraisalKind, BuildingStructure, CompensationStandard, DeadlineReward, HeadId,
    HouseholdKind, ProjectKind, ProjectStatus, Residence, TeamKind,
};
use store::Db;
use store::relocation::buildings::BuildingFields;
use store::relocation::households::HouseholdFields;
use store::relocation::projects::{self, Project, ProjectFields};
use store::relocation::{Scope, appraisals, buildings, households, members, standards, teams};

/// Code of the 杨村桥镇 project.
pub const PROJECT: &str = "T-2019-01";
/// Code of the other town's project.
pub const OTHER_TOWN_PROJECT: &str = "DT-2019-01";

/// A running app over the records of [`fill`].
pub async fn spawn() -> (TestApp, Fixture) {
    let app = TestApp::spawn().await;
    let f = fill(&app.db).await;
    (app, f)
}

/// A running app over the records of [`fill`], and a session of `role` on it.
pub async fn spawn_as(role: Role) -> (TestApp, Fixture, Session) {
    let (app, f) = spawn().await;
    let session = app.login(role).await;
    (app, f, session)
}

/// The public page `/public/relocation/{PROJECT}{rest}` as anyone sees it, which must
/// answer 200.
pub async fn public_page(app: &TestApp, rest: &str) -> String {
    let path = format!("/public/relocation/{PROJECT}{rest}");
    let (status, body) = app.anonymous().page(&path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Asserts that a form or API call was refused (422) with a reason containing `reason`;
/// returns the body.
pub async fn assert_refused(r: reqwest::Response, reason: &str) -> String {
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap_or_default();
    assert!(body.contains(reason), "{reason}: {body}");
    body
}

/// What the tests refer to.
pub struct Fixture {
    /// The project's id.
    pub project_id: i64,
    /// A household of group 1 (征收组), with members, a building and an appraisal.
    pub ours: i64,
    /// Its building.
    pub building: i64,
    /// A household of the policy group.
    pub theirs: i64,
    /// A household of the other town's project.
    pub elsewhere: i64,
}

fn project(code: &str, town: &str) -> ProjectFields {
    let today = today_local();
    ProjectFields {
        code: code.into(),
        name: format!("测试项目{code}"),
        kind: ProjectKind::Expropriation,
        town: town.into(),
        year: 2019,
        land: Mu::from_whole(12),
        started_on: Some(today - Days::new(3)),
        sign_deadline: Some(today + Days::new(30)),
        vacate_deadline: None,
        clear_deadline: None,
        status: ProjectStatus::Active,
    }
}

/// The standard of the tests: the 2019 example with rewards that can still be earned.
pub fn standard() -> CompensationStandard {
    let mut s = CompensationStandard::example_2019();
    let deadline = today_local() + Days::new(30);
    s.signing_reward = Some(DeadlineReward {
        deadline,
        amount_per_household: Fen(2_000_000),
    });
    s.vacating_reward = Some(DeadlineReward {
        deadline,
        amount_per_household: Fen(1_000_000),
    });
    s
}

/// Registers household `code` of project `p`, headed by `name` with resident ID `id`.
async fn add_household(tx: &mut store::Tx, p: &Project, code: &str, name: &str, id: &str) -> i64 {
    let (id, _) = households::upsert(tx, "test", p, &household(code, name, id))
        .await
        .expect("household");
    id
}

fn household(code: &str, name: &str, id: &str) -> HouseholdFields {
    HouseholdFields {
        code: code.into(),
        kind: HouseholdKind::Residential,
        head_name: name.into(),
        head_id: HeadId::parse(HouseholdKind::Residential, id).expect("valid test ID"),
        mobile: None,
        village: "绪塘村".into(),
        village_group: "3组".into(),
        residence: Residence::parse("本镇", "杨村桥镇"),
    }
}

/// A resident ID with a correct check character for `first17`.
pub fn resident_id(first17: &str) -> String {
    let check = domain::platform::resident_id::check_char(first17).expect("17 digits");
    format!("{first17}{check}")
}

/// Writes the fixture. The building of `ours` is left unverified.
pub async fn fill(db: &Db) -> Fixture {
    let scope = Scope::All;
    let mut tx = db.begin().await.expect("tx");
    let project_id = projects::create(&mut tx, "test", &project(PROJECT, "杨村桥镇"))
        .await
        .expect("project");
    let expropriation = teams::group_of_kind(&mut tx, project_id, TeamKind::Expropriation)
        .await
        .expect("group");
    assert_eq!(
        expropriation, 1,
        "the first project's 征收组 is working group 1"
    );
    let policy = teams::group_of_kind(&mut tx, project_id, TeamKind::Policy)
        .await
        .expect("group");
    let chen = teams::add_person(
        &mut tx,
        "test",
        expropriation,
        "陈立新",
        None,
        Some("relocation_staff"),
    )
    .await
    .expect("person");
    let hu = teams::add_person(&mut tx, "test", policy, "胡国平", None, None)
        .await
        .expect("person");
    standards::save_draft(&mut tx, "test", project_id, &standard())
        .await
        .expect("standard");
    standards::publish(&mut tx, "test", project_id)
        .await
        .expect("publish");
    let p = projects::by_id(&mut store::Conn::Tx(&mut tx), project_id)
        .await
        .expect("project");

    let ours = add_household(&mut tx, &p, "T-001", "张小三", "11010519491231002X").await;
    households::assign(
        &mut tx,
        "test",
        &scope,
        ours,
        Some(expropriation),
        Some(chen),
    )
    .await
    .expect("assign");
    for (name, id, relation) in [
        ("张小三", "11010519491231002X".to_string(), "户主"),
        ("王丽", resident_id("33018219800101002"), "配偶"),
        ("张明", resident_id("33018220100101001"), "子女"),
    ] {
        let rid = ResidentId::parse(&id).expect("valid ID");
        members::upsert(&mut tx, "test", &scope, ours, name, &rid, relation)
            .await
            .expect("member");
    }
    let (building, _) = buildings::upsert(
        &mut tx,
        "test",
        &scope,
        ours,
        &BuildingFields {
            certificate_no: "建房权字第2003-118号".into(),
            approvals: String::new(),
            structure: BuildingStructure::BrickConcrete,
            measured: SquareMetres(15_000),
            legal: SquareMetres(12_035),
        },
    )
    .await
    .expect("building");
    let decoration = AppraisalItem {
        kind: AppraisalKind::Decoration,
        description: "客厅吊顶".into(),
        amount: Fen(1_280_000),
    };
    appraisals::upsert(&mut tx, "test", &scope, ours, &decoration, "评估公司")
        .await
        .expect("appraisal");

    let theirs = add_household(&mut tx, &p, "T-002", "李大", "440524188001010014").await;
    households::assign(&mut tx, "test", &scope, theirs, Some(policy), Some(hu))
        .await
        .expect("assign");

    let other_id = projects::create(&mut tx, "test", &project(OTHER_TOWN_PROJECT, "大同镇"))
        .await
        .expect("project");
    let other = projects::by_id(&mut store::Conn::Tx(&mut tx), other_id)
        .await
        .expect("project");
    let elsewhere = add_household(
        &mut tx,
        &other,
        "D-001",
        "赵五",
        &resident_id("33018219700505003"),
    )
    .await;
    tx.commit().await.expect("commit");
    Fixture {
        project_id,
        ours,
        building,
        theirs,
        elsewhere,
    }
}
