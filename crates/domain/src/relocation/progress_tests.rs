//! Tests of the progress arithmetic and the daily report.

use super::*;
use chrono::Datelike;
use proptest::prelude::*;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 6, day).expect("valid test date")
}

fn progress(total: u32, signed: u32, vacated: u32, demolished: u32, cleared: u32) -> Progress {
    Progress {
        total,
        signed,
        vacated,
        demolished,
        cleared,
    }
}

#[test]
fn percentages_are_per_mille_rounded_half_up() {
    assert_eq!(Permille::of(45, 49), Permille(918));
    assert_eq!(Permille::of(45, 49).to_string(), "91.8%");
    assert_eq!(Permille::of(1, 8), Permille(125));
    assert_eq!(
        Permille::of(1, 2000),
        Permille(1),
        "0.05% rounds half up to 0.1%"
    );
    assert_eq!(Permille::of(49, 49).to_string(), "100.0%");
    assert_eq!(Permille::of(0, 0).to_string(), "0.0%");
}

#[test]
fn percentage_shows_100_only_when_finished_and_0_only_when_nothing_done() {
    assert_eq!(Permille::of(1999, 2000), Permille(999));
    assert_eq!(Permille::of(1, 3000), Permille(1));
    assert_eq!(Permille::of(50, 49), Permille(1000));
}

#[test]
fn tally_counts_each_milestone() {
    let mut a = MilestoneDates::default();
    a.record(Milestone::Signed, d(1)).unwrap();
    a.record(Milestone::Vacated, d(2)).unwrap();
    let mut b = MilestoneDates::default();
    b.record(Milestone::Signed, d(3)).unwrap();
    let c = MilestoneDates::default();
    assert_eq!(Progress::tally([&a, &b, &c]), progress(3, 2, 1, 0, 0));
    assert_eq!(Progress::tally([]), Progress::default());
}

#[test]
fn cleared_to_zero_needs_every_household_signed() {
    assert!(progress(49, 49, 40, 0, 0).cleared_to_zero());
    assert!(!progress(49, 48, 48, 0, 0).cleared_to_zero());
    assert!(
        !progress(0, 0, 0, 0, 0).cleared_to_zero(),
        "an empty project is not a campaign won"
    );
}

#[test]
fn days_to_deadline_counts_down_through_zero() {
    assert_eq!(days_to_deadline(d(12), d(15)), 3);
    assert_eq!(days_to_deadline(d(15), d(15)), 0);
    assert_eq!(days_to_deadline(d(16), d(15)), -1);
}

#[test]
fn curve_is_cumulative_and_inclusive() {
    let signings = [
        d(3),
        d(1),
        d(3),
        d(5),
        d(30),
        NaiveDate::from_ymd_opt(2019, 5, 20).unwrap(),
    ];
    let curve = cumulative_curve(&signings, d(1), d(5)).unwrap();
    let counts: Vec<(u32, u32)> = curve.iter().map(|p| (p.date.day(), p.cumulative)).collect();
    assert_eq!(counts, [(1, 2), (2, 2), (3, 4), (4, 4), (5, 5)]);
    assert_eq!(
        cumulative_curve(&[], d(5), d(5)).unwrap(),
        [CurvePoint {
            date: d(5),
            cumulative: 0
        }]
    );
}

#[test]
fn curve_rejects_backwards_or_absurd_spans() {
    assert_eq!(
        cumulative_curve(&[], d(5), d(4)),
        Err(ProgressError::EndBeforeStart {
            start: d(5),
            end: d(4)
        })
    );
    let far = NaiveDate::from_ymd_opt(2119, 1, 1).unwrap();
    assert!(matches!(
        cumulative_curve(&[], d(1), far),
        Err(ProgressError::SpanTooLong(_))
    ));
    assert!(cumulative_curve(&[], NaiveDate::MIN, NaiveDate::MAX).is_err());
}

#[test]
fn daily_report_reads_as_pasted_into_the_chat_group() {
    let report = daily_report(
        "杨村桥镇",
        "清溪搬迁",
        d(12),
        &progress(49, 45, 40, 30, 20),
        &[
            ("征收一组".to_string(), progress(25, 24, 22, 0, 0)),
            ("征收二组".to_string(), progress(24, 21, 18, 0, 0)),
        ],
        &[("张三".to_string(), 2, 12), ("李四".to_string(), 1, 8)],
    );
    assert_eq!(
        report,
        "【杨村桥镇征收进度日报】2019-06-12\n\
         项目：清溪搬迁\n\
         签约 45/49（91.8%），未签 4 户\n\
         腾空 40/49（81.6%）\n\
         拆除 30/49（61.2%）\n\
         清表 20/49（40.8%）\n\
         分组进度：\n\
         · 征收一组：签约 24/25（96.0%），腾空 22/25（88.0%）\n\
         · 征收二组：签约 21/24（87.5%），腾空 18/24（75.0%）\n\
         今日共签约 3 户：\n\
         · 张三：今日 2 户，累计 12 户\n\
         · 李四：今日 1 户，累计 8 户\n"
    );
}

#[test]
fn daily_report_announces_clearing_to_zero_and_skips_empty_sections() {
    let report = daily_report(
        "杨村桥镇",
        "清溪搬迁",
        d(12),
        &progress(49, 49, 49, 10, 0),
        &[],
        &[],
    );
    assert!(
        report.contains("签约 49/49（100.0%），已清零\n"),
        "{report}"
    );
    assert!(!report.contains("分组进度"));
    assert!(!report.contains("今日共签约"));
}

proptest! {
    #[test]
    fn permille_stays_in_range_and_is_monotonic(part in 0u32..10_000, total in 0u32..10_000) {
        let p = Permille::of(part, total).0;
        prop_assert!(p <= 1000);
        prop_assert_eq!(p == 1000, total > 0 && part >= total);
        prop_assert_eq!(p == 0, total == 0 || part == 0);
        if part < total {
            prop_assert!(Permille::of(part, total) <= Permille::of(part + 1, total));
        }
    }

    #[test]
    fn curve_ends_at_the_number_of_events_up_to_the_end(
        offsets in prop::collection::vec(0u64..60, 0..50), span in 0u64..40,
    ) {
        let base = d(1);
        let events: Vec<NaiveDate> = offsets.iter().map(|o| base + chrono::Days::new(*o)).collect();
        let end = base + chrono::Days::new(span);
        let curve = cumulative_curve(&events, base, end).unwrap();
        prop_assert_eq!(curve.len() as u64, span + 1);
        prop_assert!(curve.windows(2).all(|w| w[0].cumulative <= w[1].cumulative));
        let expected = events.iter().filter(|e| **e <= end).count() as u32;
        prop_assert_eq!(curve.last().map(|p| p.cumulative), Some(expected));
    }
}

#[test]
fn curve_from_daily_counts_equals_curve_from_events() {
    let events = [d(3), d(1), d(3), d(7), d(3)];
    let counts = [(d(3), 2), (d(7), 1), (d(1), 1), (d(3), 1)];
    assert_eq!(
        curve_from_daily_counts(&counts, d(2), d(8)).unwrap(),
        cumulative_curve(&events, d(2), d(8)).unwrap()
    );
    assert!(curve_from_daily_counts(&counts, d(8), d(2)).is_err());
}
