//! Tests of the review-and-posting workflow.

use super::*;
use proptest::prelude::*;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 6, day).expect("valid test date")
}

/// Reviewed twice and posted from 6 June to 12 June.
fn posted() -> PopulationReview {
    PopulationReview::new()
        .initial_review("王五", d(3))
        .and_then(|r| r.re_review("政策组李四", d(4)))
        .and_then(|r| r.post(d(6), DEFAULT_POSTING_DAYS))
        .expect("valid workflow")
}

fn dismissed(reason: &str) -> Resolution {
    Resolution::Dismissed {
        reason: reason.to_string(),
    }
}

#[test]
fn happy_path_ends_confirmed() {
    let review = posted();
    assert_eq!(
        review.stage(),
        &ReviewStage::Posted {
            from: d(6),
            until: d(12)
        }
    );
    let review = review.confirm(d(13)).unwrap();
    assert_eq!(review.stage(), &ReviewStage::Confirmed { on: d(13) });
    assert_eq!(review.stage().label(), "已认定");
}

#[test]
fn posting_cannot_close_before_period_ends() {
    let err = posted().confirm(d(12)).unwrap_err();
    assert_eq!(err, ReviewError::PeriodNotOver { until: d(12) });
    assert!(err.to_string().starts_with("公示期未满，不能认定"), "{err}");
    assert!(posted().confirm(d(6)).is_err());
}

#[test]
fn cannot_confirm_without_posting() {
    let reviewed = PopulationReview::new()
        .initial_review("王五", d(3))
        .unwrap();
    let err = reviewed.confirm(d(30)).unwrap_err();
    assert_eq!(err.to_string(), "当前为「已初审」阶段，不能认定");
    let err = PopulationReview::new().post(d(6), 7).unwrap_err();
    assert_eq!(err.to_string(), "当前为「草稿」阶段，不能公示");
}

#[test]
fn re_review_must_be_by_someone_else() {
    let reviewed = PopulationReview::new()
        .initial_review("王五", d(3))
        .unwrap();
    assert_eq!(
        reviewed.re_review(" 王五 ", d(4)),
        Err(ReviewError::SameReviewer)
    );
}

#[test]
fn reviewer_names_are_required() {
    assert_eq!(
        PopulationReview::new().initial_review("  ", d(3)),
        Err(ReviewError::Missing("初审人"))
    );
}

#[test]
fn steps_cannot_be_dated_before_the_previous_one() {
    let reviewed = PopulationReview::new()
        .initial_review("王五", d(3))
        .unwrap();
    assert_eq!(
        reviewed.clone().re_review("李四", d(2)),
        Err(ReviewError::DateGoesBack {
            on: d(2),
            previous: d(3)
        })
    );
    let rereviewed = reviewed.re_review("李四", d(4)).unwrap();
    assert!(rereviewed.post(d(3), 7).is_err());
}

#[test]
fn posting_period_is_at_least_one_day() {
    let rereviewed = PopulationReview::new()
        .initial_review("王五", d(3))
        .and_then(|r| r.re_review("李四", d(4)))
        .unwrap();
    assert_eq!(
        rereviewed.clone().post(d(6), 0),
        Err(ReviewError::EmptyPeriod)
    );
    let one_day = rereviewed.post(d(6), 1).unwrap();
    assert_eq!(
        one_day.stage(),
        &ReviewStage::Posted {
            from: d(6),
            until: d(6)
        }
    );
    assert!(one_day.confirm(d(7)).is_ok());
}

#[test]
fn objections_only_within_the_posting_period() {
    let err = posted().object(d(13), "张三", "人口有误").unwrap_err();
    assert_eq!(
        err.to_string(),
        "异议须在公示期内（2019-06-06至2019-06-12）提出"
    );
    assert!(posted().object(d(5), "张三", "人口有误").is_err());
    assert!(
        posted().object(d(12), "", "人口有误").is_ok(),
        "anonymous objections are accepted"
    );
    assert_eq!(
        posted().object(d(7), "张三", " "),
        Err(ReviewError::Missing("异议内容"))
    );
    let draft = PopulationReview::new();
    assert!(matches!(
        draft.object(d(7), "张三", "x"),
        Err(ReviewError::WrongStage { .. })
    ));
}

#[test]
fn confirm_needs_every_objection_resolved() {
    let review = posted().object(d(7), "张三", "其子已落户外地").unwrap();
    let err = review.clone().confirm(d(13)).unwrap_err();
    assert_eq!(err.to_string(), "尚有1条异议未处理，不能认定");
    let review = review
        .resolve(0, d(8), "李四", dismissed("经核实仍在本村落户"))
        .unwrap();
    assert_eq!(review.open_objections(), 0);
    assert!(review.confirm(d(13)).is_ok());
}

#[test]
fn dismissal_needs_a_reason() {
    let review = posted().object(d(7), "张三", "x").unwrap();
    assert_eq!(
        review.resolve(0, d(8), "李四", dismissed("")),
        Err(ReviewError::Missing("驳回理由"))
    );
}

#[test]
fn upheld_objection_sends_list_back_to_draft() {
    let review = posted()
        .object(d(7), "张三", "多报一人")
        .and_then(|r| r.object(d(8), "赵六", "另有异议"))
        .and_then(|r| {
            r.resolve(
                0,
                d(9),
                "李四",
                Resolution::Upheld {
                    note: "删去一人".into(),
                },
            )
        })
        .unwrap();
    assert_eq!(review.stage(), &ReviewStage::Draft);
    // The correction goes through both reviews and a fresh posting; the other objection
    // stays open and still blocks confirmation.
    assert!(
        review.clone().initial_review("王五", d(8)).is_err(),
        "cannot be dated before the upholding"
    );
    let review = review
        .initial_review("王五", d(10))
        .and_then(|r| r.re_review("李四", d(10)))
        .and_then(|r| r.post(d(11), 7))
        .unwrap();
    assert_eq!(
        review.clone().confirm(d(18)),
        Err(ReviewError::UnresolvedObjections(1))
    );
    let review = review
        .resolve(1, d(12), "李四", dismissed("已答复"))
        .unwrap();
    assert_eq!(
        review.confirm(d(18)).unwrap().stage(),
        &ReviewStage::Confirmed { on: d(18) }
    );
}

#[test]
fn objections_cannot_be_resolved_twice_or_invented() {
    let review = posted().object(d(7), "张三", "x").unwrap();
    assert_eq!(
        review.clone().resolve(3, d(8), "李四", dismissed("y")),
        Err(ReviewError::NoSuchObjection(4))
    );
    let review = review.resolve(0, d(8), "李四", dismissed("y")).unwrap();
    assert_eq!(
        review.resolve(0, d(9), "李四", dismissed("y")),
        Err(ReviewError::AlreadyResolved(1))
    );
}

#[test]
fn confirmed_review_accepts_nothing_more() {
    let review = posted().confirm(d(13)).unwrap();
    assert!(review.clone().object(d(13), "张三", "x").is_err());
    assert!(review.clone().confirm(d(14)).is_err());
    assert!(review.initial_review("王五", d(14)).is_err());
}

#[test]
fn replay_rebuilds_the_same_review() {
    let review = posted()
        .object(d(7), "张三", "x")
        .and_then(|r| r.resolve(0, d(8), "李四", dismissed("y")))
        .and_then(|r| r.confirm(d(13)))
        .unwrap();
    assert_eq!(PopulationReview::replay(review.events()), Ok(review));
}

#[test]
fn replay_refuses_a_tampered_log() {
    let mut events = posted().events().to_vec();
    events.push(ReviewEvent::Confirm { on: d(8) });
    assert_eq!(
        PopulationReview::replay(&events),
        Err(ReviewError::PeriodNotOver { until: d(12) })
    );
}

fn arb_event() -> impl Strategy<Value = ReviewEvent> {
    let day = (1u32..31).prop_map(d);
    let name = prop::sample::select(vec!["王五", "李四", ""]).prop_map(String::from);
    prop_oneof![
        (name.clone(), day.clone()).prop_map(|(by, on)| ReviewEvent::InitialReview { by, on }),
        (name.clone(), day.clone()).prop_map(|(by, on)| ReviewEvent::ReReview { by, on }),
        (day.clone(), 0u32..5).prop_map(|(from, days)| ReviewEvent::Post { from, days }),
        (day.clone(), name.clone()).prop_map(|(on, by)| ReviewEvent::Object {
            on,
            by,
            content: "x".into()
        }),
        (0usize..3, day.clone(), any::<bool>()).prop_map(|(index, on, up)| ReviewEvent::Resolve {
            index,
            on,
            by: "李四".into(),
            resolution: if up {
                Resolution::Upheld {
                    note: String::new(),
                }
            } else {
                dismissed("r")
            },
        }),
        day.prop_map(|on| ReviewEvent::Confirm { on }),
    ]
}

proptest! {
    #[test]
    fn no_sequence_of_steps_confirms_early_or_with_open_objections(
        events in prop::collection::vec(arb_event(), 0..30)
    ) {
        let mut review = PopulationReview::new();
        for event in events {
            let Ok(next) = review.clone().apply(event) else { continue };
            if let (ReviewStage::Posted { until, .. }, ReviewStage::Confirmed { on }) = (review.stage(), next.stage()) {
                prop_assert!(on > until);
                prop_assert_eq!(next.open_objections(), 0);
            }
            review = next;
        }
        prop_assert_eq!(PopulationReview::replay(review.events()), Ok(review));
    }
}

#[test]
fn a_change_of_members_after_posting_starts_a_new_round_to_post_again() {
    let review = posted();
    assert_eq!(review.round(), 1);
    // A draft or reviewed list just follows the members; only a posted one changes round.
    let draft = PopulationReview::new()
        .members_changed(d(1))
        .expect("draft");
    assert!(draft.events().is_empty());
    let reviewed = PopulationReview::new()
        .initial_review("王五", d(3))
        .and_then(|r| r.members_changed(d(3)))
        .expect("back to draft");
    assert_eq!(
        (reviewed.stage(), reviewed.round()),
        (&ReviewStage::Draft, 1)
    );

    let changed = review.members_changed(d(8)).expect("change round");
    assert_eq!((changed.stage(), changed.round()), (&ReviewStage::Draft, 2));
    assert_eq!(
        changed.postings()[0].ended,
        Some((PostingEnd::Changed, d(8)))
    );
    let again = changed
        .initial_review("王五", d(9))
        .and_then(|r| r.re_review("政策组李四", d(9)))
        .and_then(|r| r.post(d(10), 7))
        .and_then(|r| r.confirm(d(17)))
        .expect("second round");
    let rounds: Vec<u32> = again.postings().iter().map(|p| p.round).collect();
    assert_eq!(rounds, vec![1, 2]);
    assert_eq!(again.postings()[1].confirmed_on, Some(d(17)));
    assert_eq!(again.postings()[1].outcome(), "2019-06-17 认定");
    // Replaying the log gives the same rounds back.
    assert_eq!(PopulationReview::replay(again.events()), Ok(again.clone()));
    // A confirmed list changed later goes round again.
    let third = again.members_changed(d(20)).expect("third round");
    assert_eq!(third.round(), 3);
    assert!(third.postings()[1].outcome().contains("成员变更"));
}

#[test]
fn an_open_objection_still_blocks_confirmation_after_a_change_round() {
    let review = posted()
        .object(d(7), "邻居", "张明已在城区落户")
        .and_then(|r| r.members_changed(d(8)))
        .and_then(|r| r.initial_review("王五", d(9)))
        .and_then(|r| r.re_review("政策组李四", d(9)))
        .and_then(|r| r.post(d(10), 1))
        .expect("posted again");
    assert_eq!(
        review.clone().confirm(d(12)),
        Err(ReviewError::UnresolvedObjections(1))
    );
    let resolved = review
        .resolve(0, d(11), "李四", dismissed("户籍仍在本村"))
        .and_then(|r| r.confirm(d(12)))
        .expect("confirmed");
    assert!(matches!(resolved.stage(), ReviewStage::Confirmed { .. }));
}

#[test]
fn the_initial_reviewer_cannot_re_review() {
    let review = PopulationReview::new()
        .initial_review("wangwu", d(3))
        .expect("reviewed");
    assert_eq!(review.initial_reviewer(), Some("wangwu"));
    assert_eq!(
        review.re_review("wangwu", d(4)),
        Err(ReviewError::SameReviewer)
    );
}
