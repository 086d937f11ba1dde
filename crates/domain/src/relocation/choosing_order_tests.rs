use super::*;
use proptest::prelude::*;

/// A moment recorded live on 2019-06-`day` at `hour`:00 Shanghai time.
fn live(day: u32, hour: u32) -> Option<RecordedMoment> {
    let on = NaiveDate::from_ymd_opt(2019, 6, day)?;
    let recorded_at = shanghai()
        .with_ymd_and_hms(2019, 6, day, hour, 0, 0)
        .single()?
        .with_timezone(&Utc);
    Some(RecordedMoment { on, recorded_at })
}

/// A moment for 2019-06-`day` entered days later.
fn entered_later(day: u32) -> Option<RecordedMoment> {
    let m = live(day + 3, 10)?;
    Some(RecordedMoment {
        on: NaiveDate::from_ymd_opt(2019, 6, day)?,
        recorded_at: m.recorded_at,
    })
}

fn h(
    code: &str,
    signed: Option<RecordedMoment>,
    vacated: Option<RecordedMoment>,
) -> HouseholdMoments {
    HouseholdMoments {
        code: code.to_string(),
        signed,
        vacated,
    }
}

fn codes(order: &[ChoosingPosition]) -> Vec<&str> {
    order.iter().map(|p| p.code.as_str()).collect()
}

#[test]
fn only_households_that_signed_and_vacated_choose() {
    let order = choosing_order(
        &[
            h("A", live(1, 9), None),
            h("B", None, live(1, 9)),
            h("C", live(3, 9), live(4, 9)),
        ],
        None,
    );
    assert_eq!(codes(&order), ["C"]);
    assert_eq!(order[0].position, 1);
    assert_eq!(
        Some(order[0].qualified_at),
        live(4, 9).map(|m| m.recorded_at)
    );
}

#[test]
fn first_to_have_done_both_chooses_first() {
    let order = choosing_order(
        &[
            h("A", live(1, 9), live(9, 9)),
            h("B", live(2, 9), live(3, 9)),
            h("C", live(5, 9), live(5, 10)),
        ],
        None,
    );
    assert_eq!(codes(&order), ["B", "C", "A"]);
    assert_eq!(
        order.iter().map(|p| p.position).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[test]
fn a_date_entered_later_counts_at_the_end_of_its_day() {
    // B's vacating of day 5 was typed in on day 8: it counts at 23:59:59 of day 5, after
    // A who vacated live at 22:00 that day, though B's typed date is the same.
    let order = choosing_order(
        &[
            h("B", live(1, 9), entered_later(5)),
            h("A", live(2, 9), live(5, 22)),
        ],
        None,
    );
    assert_eq!(codes(&order), ["A", "B"]);
    let end = end_of_day(NaiveDate::from_ymd_opt(2019, 6, 5).unwrap_or_default());
    assert_eq!(order[1].qualified_at, end);
    assert_eq!(end.to_rfc3339(), "2019-06-05T15:59:59+00:00");
}

#[test]
fn ties_go_to_earlier_signing_then_to_the_lottery() {
    // All qualify at the same moment; X signed first, the rest signed together.
    let same = live(5, 9);
    let households = [
        h("Z", live(4, 9), same),
        h("X", live(3, 9), same),
        h("W", live(4, 9), same),
        h("V", live(4, 9), same),
    ];
    let seed = "2019-06-20 公证处种子";
    let order = choosing_order(&households, Some(seed));
    assert_eq!(order[0].code, "X");
    let mut rest: Vec<(String, String)> = ["Z", "W", "V"]
        .iter()
        .map(|c| (lottery(seed, c), c.to_string()))
        .collect();
    rest.sort();
    let expected: Vec<&str> = rest.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(codes(&order)[1..], expected[..]);
    assert!(order.iter().all(|p| p.lottery.is_some()));
    // Before the reveal, ties fall back to the code and no lottery is shown.
    let provisional = choosing_order(&households, None);
    assert_eq!(codes(&provisional), ["X", "V", "W", "Z"]);
    assert!(provisional.iter().all(|p| p.lottery.is_none()));
}

#[test]
fn the_lottery_is_sha256_of_seed_colon_code_in_lowercase_hex() {
    // echo -n 'abc' | sha256sum
    assert_eq!(
        sha256_hex("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(lottery("ab", "c"), sha256_hex("ab:c"));
    assert!(seed_matches(
        "abc",
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
    ));
    assert!(!seed_matches("abd", &sha256_hex("abc")));
}

#[test]
fn absent_households_are_called_after_the_rest() {
    let order = choosing_order(
        &[
            h("A", live(1, 9), live(1, 10)),
            h("B", live(1, 9), live(2, 10)),
            h("C", live(1, 9), live(3, 10)),
        ],
        None,
    );
    let called: Vec<&str> = calling_order(&order, |p| p.code == "A")
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(called, ["B", "C", "A"]);
}

#[test]
fn empty_list_gives_empty_order() {
    assert!(choosing_order(&[], Some("x")).is_empty());
}

proptest! {
    #[test]
    fn order_does_not_depend_on_input_order(
        raw in prop::collection::vec((0u32..5, prop::option::of(1u32..6), prop::option::of(1u32..6)), 0..20),
        turn in any::<u64>(),
        seed in "[a-z0-9]{0,12}",
    ) {
        let households: Vec<HouseholdMoments> = raw
            .iter()
            .enumerate()
            .map(|(i, (c, s, v))| h(&format!("{c}-{i}"), s.and_then(|d| live(d, 8)), v.and_then(|d| live(d, 8))))
            .collect();
        let mut shuffled = households.clone();
        let turn = (turn as usize).checked_rem(shuffled.len()).unwrap_or(0);
        shuffled.rotate_left(turn);
        shuffled.reverse();
        let order = choosing_order(&households, Some(&seed));
        prop_assert_eq!(&order, &choosing_order(&shuffled, Some(&seed)));
        let both = households.iter().filter(|x| x.signed.is_some() && x.vacated.is_some()).count();
        prop_assert_eq!(order.len(), both);
        prop_assert!(order.windows(2).all(|w| w[0].qualified_at <= w[1].qualified_at));
    }
}
