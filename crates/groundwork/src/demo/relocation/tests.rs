//! The demo reproduces the yearbook's figures, computed by the same store functions the
//! overview page and `groundwork report relocation-summary` use.

use super::*;
use domain::platform::{Account, SquareMetres};
use plan::PLAN_2020;
use store::relocation::{summary, wall};

#[tokio::test]
async fn demo_reproduces_the_2019_figures_from_its_records() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store::testing::fresh_db(dir.path())
        .await
        .expect("test database");
    fill(&db).await.expect("demo fills");

    let s = summary::year_summary(&db, &Scope::Town(TOWN.into()), 2019)
        .await
        .expect("summary");
    assert_eq!((s.expropriation_projects, s.resettlement_projects), (11, 6));
    assert_eq!(s.land, Mu::from_whole(941));
    assert_eq!((s.expropriated_households, s.enterprises), (81, 7));
    assert_eq!(s.demolished_area, SquareMetres::from_whole(28_900));
    assert_eq!(
        (s.resettled_households, s.resettlement_projects_used),
        (247, 4)
    );
    let fast: Vec<_> = s
        .campaigns
        .iter()
        .filter(|c| c.households == 49 && c.signed == 49)
        .collect();
    assert_eq!(fast.len(), 1, "one campaign of 49 households, all signed");
    assert!(
        fast[0].days_to_clear.is_some_and(|d| d <= 12),
        "{:?}",
        fast[0]
    );

    // Working group 1, the demo staff account's, is the campaign's 征收组 in 杨村桥镇.
    let scope = Scope::of(&db, &Account::RelocationStaff { team: 1 })
        .await
        .expect("scope");
    let campaign = projects::by_code(&db, &scope, PLANS[0].code)
        .await
        .expect("team 1 sees the campaign");
    assert_eq!(campaign.town, TOWN);
    let groups = teams::groups(&db, campaign.id).await.expect("groups");
    assert!(
        groups
            .iter()
            .any(|g| g.id == 1 && g.kind == TeamKind::Expropriation)
    );

    // The campaign's care: 杨村桥村 households in temporary housing, crops harvested.
    let stays = store::relocation::care::project_stays(&db, &Scope::All, campaign.id)
        .await
        .expect("stays");
    assert!(
        !stays.is_empty(),
        "杨村桥村 households in temporary housing"
    );
    assert!(stays.iter().all(|s| s.stay.housing.subsidy_months == 18));

    // The wall's maintained counters agree with a recount from the records.
    let today = domain::platform::time::today_local();
    let before = wall::wall(&db, &campaign, today).await.expect("wall");
    assert!(before.progress.cleared_to_zero());
    let mut tx = db.begin().await.expect("tx");
    wall::rebuild(&mut tx, campaign.id).await.expect("rebuild");
    tx.commit().await.expect("commit");
    let after = wall::wall(&db, &campaign, today).await.expect("wall");
    assert_eq!(before.progress, after.progress);
    assert_eq!(before.curve, after.curve);
    let board = |w: &wall::Wall| {
        w.leaderboard
            .iter()
            .map(|l| (l.name.clone(), l.progress))
            .collect::<Vec<_>>()
    };
    assert_eq!(board(&before), board(&after));

    // The hotline is on every project; the year's discipline register is empty.
    assert_eq!(
        store::relocation::hotlines::hotline(&db, campaign.id)
            .await
            .expect("hotline")
            .as_deref(),
        Some(HOTLINE)
    );
    let register =
        store::relocation::incidents::counts_for_year(&db, &store::relocation::Scope::All, 2019)
            .await
            .expect("register");
    assert_eq!((register.petitions, register.misconduct_cases), (0, 0));

    let v = store::audit::verify(&db, &store::audited())
        .await
        .expect("verify");
    assert_eq!(
        v.problem, None,
        "the demo's records all match the audit log"
    );
}

#[tokio::test]
async fn the_demo_holds_completed_sessions_and_one_under_way() {
    use store::relocation::choosing;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store::testing::fresh_db(dir.path())
        .await
        .expect("test database");
    fill(&db).await.expect("demo fills");
    let mut chosen_2019 = 0;
    for p in PLANS.iter().filter(|p| p.kind == ProjectKind::Resettlement) {
        let project = projects::by_code(&db, &Scope::All, p.code)
            .await
            .expect("project");
        let series = choosing::series(&db, project.id).await.expect("series");
        assert_eq!(series.lines.len(), p.households.0, "{}", p.code);
        assert!(
            series.lines.iter().all(|l| l.flat_code.is_some()),
            "{}",
            p.code
        );
        if p.households.0 > 0 {
            let s = series.session.expect("a session");
            assert!(
                s.seed.is_some() && s.closed_at.is_some(),
                "{} closed",
                p.code
            );
        }
        chosen_2019 += series.lines.len();
    }
    assert_eq!(chosen_2019, 247);
    // Every household of the town's 2019 expropriations signed by the year's end (清零).
    for p in PLANS
        .iter()
        .filter(|p| p.kind == ProjectKind::Expropriation)
    {
        let project = projects::by_code(&db, &Scope::All, p.code)
            .await
            .expect("project");
        let w = wall::wall(&db, &project, plan::day(12, 31))
            .await
            .expect("wall");
        assert_eq!(
            w.progress.signed, w.progress.total,
            "{} cleared to zero",
            p.code
        );
    }
    let b1 = projects::by_code(&db, &Scope::All, PLAN_2020.code)
        .await
        .expect("2020");
    assert_eq!(b1.year, 2020);
    let series = choosing::series(&db, b1.id).await.expect("series");
    assert!(
        series
            .session
            .as_ref()
            .is_some_and(choosing::Session::is_open)
    );
    let chosen = series
        .lines
        .iter()
        .filter(|l| l.flat_code.is_some())
        .count();
    assert_eq!((chosen, series.waiting().len()), (18, 17));
    assert!(series.current().is_some(), "someone's turn in 2020");
}
