//! The order in which households choose resettlement flats (安置分房): "whoever signs and
//! vacates first chooses first" (先签约且腾空者先选房).
//!
//! The order is published before the public choosing session and households check it
//! against their own dates, so the rule must be total and mechanical:
//!
//! 1. only households that have **both** signed and vacated take part;
//! 2. a household qualifies at the later of its two moments, `max(signed, vacated)`;
//!    earlier qualification chooses earlier;
//! 3. ties go to the earlier signing, then to the earlier vacating, then to the household
//!    code (so the order never depends on how the list was sorted when it came in).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the order needs to know about a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMoments {
    /// The household's code (户号), printed in the published order.
    pub code: String,
    /// When the agreement was signed, if it has been.
    pub signed_at: Option<DateTime<Utc>>,
    /// When the household vacated, if it has.
    pub vacated_at: Option<DateTime<Utc>>,
}

/// One place in the published choosing order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoosingPosition {
    /// 1 for the first to choose.
    pub position: usize,
    /// The household's code.
    pub code: String,
    /// When it qualified: the later of signing and vacating; printed so anyone can check.
    pub qualified_at: DateTime<Utc>,
    /// When it signed.
    pub signed_at: DateTime<Utc>,
    /// When it vacated.
    pub vacated_at: DateTime<Utc>,
}

/// The choosing order of `households` under the rule in the module documentation,
/// numbered from 1. Households that have not both signed and vacated are left out.
pub fn choosing_order(households: &[HouseholdMoments]) -> Vec<ChoosingPosition> {
    let mut order: Vec<ChoosingPosition> = households
        .iter()
        .filter_map(|h| match (h.signed_at, h.vacated_at) {
            (Some(signed_at), Some(vacated_at)) => Some(ChoosingPosition {
                position: 0,
                code: h.code.clone(),
                qualified_at: signed_at.max(vacated_at),
                signed_at,
                vacated_at,
            }),
            _ => None,
        })
        .collect();
    order.sort_by(|a, b| {
        (a.qualified_at, a.signed_at, a.vacated_at, &a.code).cmp(&(
            b.qualified_at,
            b.signed_at,
            b.vacated_at,
            &b.code,
        ))
    });
    for (i, p) in order.iter_mut().enumerate() {
        p.position = i + 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(day: u32, hour: u32) -> Option<DateTime<Utc>> {
        Utc.with_ymd_and_hms(2019, 6, day, hour, 0, 0).single()
    }

    fn h(
        code: &str,
        signed_at: Option<DateTime<Utc>>,
        vacated_at: Option<DateTime<Utc>>,
    ) -> HouseholdMoments {
        HouseholdMoments {
            code: code.to_string(),
            signed_at,
            vacated_at,
        }
    }

    fn codes(order: &[ChoosingPosition]) -> Vec<&str> {
        order.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn only_households_that_signed_and_vacated_choose() {
        let order = choosing_order(&[
            h("A", at(1, 9), None),
            h("B", None, at(1, 9)),
            h("C", at(3, 9), at(4, 9)),
        ]);
        assert_eq!(codes(&order), ["C"]);
        assert_eq!(order[0].position, 1);
        assert_eq!(order[0].qualified_at, at(4, 9).unwrap());
    }

    #[test]
    fn first_to_have_done_both_chooses_first() {
        // A signed first but vacated last; B did both by day 3.
        let order = choosing_order(&[
            h("A", at(1, 9), at(9, 9)),
            h("B", at(2, 9), at(3, 9)),
            h("C", at(5, 9), at(5, 10)),
        ]);
        assert_eq!(codes(&order), ["B", "C", "A"]);
        assert_eq!(
            order.iter().map(|p| p.position).collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }

    #[test]
    fn ties_go_to_earlier_signing_then_to_the_code() {
        // All qualify on day 5 at 09:00.
        let order = choosing_order(&[
            h("Z", at(4, 9), at(5, 9)),
            h("Y", at(5, 9), at(2, 9)),
            h("X", at(3, 9), at(5, 9)),
            h("W", at(4, 9), at(5, 9)),
        ]);
        assert_eq!(codes(&order), ["X", "W", "Z", "Y"]);
    }

    #[test]
    fn empty_list_gives_empty_order() {
        assert!(choosing_order(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn order_does_not_depend_on_input_order(
            raw in prop::collection::vec((0u32..5, prop::option::of(1u32..6), prop::option::of(1u32..6)), 0..20),
            seed in any::<u64>(),
        ) {
            let households: Vec<HouseholdMoments> = raw
                .iter()
                .enumerate()
                .map(|(i, (c, s, v))| h(&format!("{c}-{i}"), s.and_then(|d| at(d, 8)), v.and_then(|d| at(d, 8))))
                .collect();
            let mut shuffled = households.clone();
            let turn = (seed as usize).checked_rem(shuffled.len()).unwrap_or(0);
            shuffled.rotate_left(turn);
            shuffled.reverse();
            let order = choosing_order(&households);
            prop_assert_eq!(&order, &choosing_order(&shuffled));
            let both = households.iter().filter(|x| x.signed_at.is_some() && x.vacated_at.is_some()).count();
            prop_assert_eq!(order.len(), both);
            prop_assert!(order.windows(2).all(|w| w[0].qualified_at <= w[1].qualified_at));
        }
    }
}
