//! The demo's 2019 service figures (activities, participations, honours), computed by the
//! store's `year_figures` from the records the demo wrote.

use crate::support::Fixture;
use store::union::Scope;
use store::union::activities::year_figures;

#[tokio::test]
async fn the_demo_reproduces_the_2019_activity_and_honour_figures() {
    let f = Fixture::demo().await;
    let db = f.db().await;
    let a = year_figures(&db, 2019, Scope::City).await.expect("figures");
    assert_eq!(a.online_projects, 15);
    assert!(a.online_participations >= 20_000, "{a:?}");
    assert!(
        a.online_participants < a.online_participations,
        "participants are counted apart from participations: {a:?}"
    );
    assert_eq!((a.city_competitions, a.competitions), (10, 198));
    assert!(a.training_participations >= 23_600, "{a:?}");
    assert!(a.training_participations < 24_000, "{a:?}");
    assert_eq!(
        (
            a.volunteer_services,
            a.job_fairs,
            a.free_courses,
            a.cultural_events
        ),
        (16, 18, 3, 123)
    );
    let h = store::union::honours::year_figures(&db, 2019, Scope::City)
        .await
        .expect("honours");
    assert_eq!(
        (
            h.model_workers,
            h.zhejiang_craftsmen,
            h.innovation_studios,
            h.pioneer_teams
        ),
        (35, 1, 30, 73)
    );
    // The year matters: 2018 has its own, smaller figures.
    let before = year_figures(&db, 2018, Scope::City).await.expect("2018");
    assert_eq!((before.online_projects, before.city_competitions), (1, 6));
    assert_eq!(before.online_participations, 120);
    // A township sees only its own activities.
    let xin = year_figures(
        &db,
        2019,
        Scope::Township(domain::union::township::Township::JIANDE[0]),
    )
    .await
    .expect("township");
    assert!(xin.competitions > 0 && xin.competitions < 198, "{xin:?}");
    assert_eq!(xin.online_projects, 0, "online projects are the city's");
    // The demo member has their own participations to see.
    let id = domain::platform::ResidentId::parse("330182199001010014").expect("id");
    let me = store::union::members::by_resident_id(&db, Scope::City, &id)
        .await
        .expect("demo member");
    let mine = store::union::participations::of_member(&db, me.id)
        .await
        .expect("participations");
    assert!(mine.len() >= 3, "{}", mine.len());
    // Everything the demo wrote is in the audit chain.
    let v = store::audit::verify(&db, &store::audited())
        .await
        .expect("verify");
    assert!(v.problem.is_none(), "{:?}", v.problem);
}
