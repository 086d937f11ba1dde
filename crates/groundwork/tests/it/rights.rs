//! The demo's facilities and collective-contract figures for 2019 (and that 2018 and 2020
//! differ), through the store functions the yearly report calls.

use crate::support::{Fixture, stdout};
use domain::platform::{Fen, SquareMetres};
use store::union::{Scope, contracts, coverage, facilities, oversight};

#[tokio::test]
async fn the_demo_reproduces_the_2019_facility_and_contract_figures() {
    let f = Fixture::demo().await;
    let db = f.db().await;

    let fac = facilities::year_figures(&db, 2019, Scope::City)
        .await
        .expect("facilities");
    assert_eq!(
        (fac.hangzhou_advanced_homes, fac.jiande_advanced_homes),
        (6, 27)
    );
    assert_eq!(fac.palaces_started, 1);
    assert_eq!(fac.palaces_started_area, SquareMetres::from_whole(8_100));
    assert_eq!(fac.palaces_started_investment, Fen(2_800_000_000));
    let fac2018 = facilities::year_figures(&db, 2018, Scope::City)
        .await
        .expect("2018");
    assert_eq!(
        (
            fac2018.hangzhou_advanced_homes,
            fac2018.jiande_advanced_homes
        ),
        (0, 10)
    );
    assert_eq!(fac2018.palaces_started, 0);

    let c = contracts::year_figures(&db, 2019, Scope::City)
        .await
        .expect("contracts");
    assert_eq!(c.with_valid_contract, 969);
    assert_eq!(c.demonstration_units, 116);
    assert!(c.signing_rate_bp >= 9_800, "{c:?}");
    // The rate's denominator is the coverage figures' own "must" set.
    let cov = coverage::year_figures(&db, 2019, store::union::Scope::City)
        .await
        .expect("coverage");
    assert_eq!(c.must_enterprises, cov.must_enterprises);
    assert_eq!(
        (cov.new_unions, cov.new_members, cov.must_enterprises),
        (79, 8629, 7)
    );
    let c2020 = contracts::year_figures(&db, 2020, Scope::City)
        .await
        .expect("2020");
    assert_ne!(c2020.with_valid_contract, 969);
    assert_eq!(c2020.demonstration_units, 120);
    let c2018 = contracts::year_figures(&db, 2018, Scope::City)
        .await
        .expect("2018");
    assert_eq!(c2018.demonstration_units, 90);

    // A township sees its own share only.
    let t = domain::union::township::Township::JIANDE[0];
    let mine = contracts::year_figures(&db, 2019, Scope::Township(t))
        .await
        .expect("mine");
    assert!(mine.with_valid_contract > 0 && mine.with_valid_contract < 969);

    let (_, assessed) = oversight::assessment(&db, 2019).await.expect("assessment");
    assert_eq!(assessed.len(), 16);
    assert_eq!(
        oversight::talks(&db, Scope::City, Some(2019))
            .await
            .expect("talks")
            .len(),
        3
    );

    let out = f.run(&["audit", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));
}
