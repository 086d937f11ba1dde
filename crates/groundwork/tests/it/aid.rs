//! The demo's services for members: 2019's figures come from the records.

use crate::support::Fixture;
use domain::platform::Fen;
use store::union::Scope;
use store::union::welfare::year_figures;

#[tokio::test]
async fn the_demo_gives_the_2019_aid_and_programme_figures() {
    let f = Fixture::demo().await;
    let db = f.db().await;
    let y2019 = year_figures(&db, 2019, Scope::City).await.expect("figures");
    assert!(
        y2019.aid_disbursed > Fen(120_000_000),
        "aid disbursed {}",
        y2019.aid_disbursed
    );
    assert_eq!(y2019.recuperation_places, 220);
    assert_eq!(y2019.health_checks, 400);
    assert_eq!(
        (y2019.college_junior, y2019.college_undergraduate),
        (130, 71)
    );
    assert!(y2019.claims_paid_count > 0);
    // The year matters: 2018 and 2020 have their own, smaller figures.
    let y2018 = year_figures(&db, 2018, Scope::City).await.expect("figures");
    let y2020 = year_figures(&db, 2020, Scope::City).await.expect("figures");
    assert_eq!(y2018.recuperation_places, 50);
    assert_eq!(y2020.health_checks, 40);
    assert!(y2018.aid_disbursed > Fen::ZERO && y2018.aid_disbursed < y2019.aid_disbursed);
    // A township's figures are its share of the city's.
    let own = year_figures(
        &db,
        2019,
        Scope::Township(domain::union::township::Township::JIANDE[0]),
    )
    .await
    .expect("figures");
    assert!(own.aid_disbursed < y2019.aid_disbursed);
    let out = f.run(&["audit", "verify"]);
    assert!(out.status.success(), "{}", crate::support::stdout(&out));
}
