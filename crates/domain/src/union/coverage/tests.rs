//! Tests of the coverage rules, kept apart so the rules read in one screen.

use super::*;
use crate::union::township::JIANDE_TOWNSHIPS;
use proptest::prelude::*;

fn enterprise(name: &str, township: &str, headcount: u32, provincial: bool) -> EnterpriseCoverage {
    EnterpriseCoverage {
        name: name.to_string(),
        township: township.to_string(),
        headcount,
        provincial,
        has_union: false,
        union_founded: None,
    }
}

fn with_union(mut e: EnterpriseCoverage, founded: Option<(i32, u32, u32)>) -> EnterpriseCoverage {
    e.has_union = true;
    e.union_founded = founded.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
    e
}

fn line(township: &str, must: (u32, u32), all: (u32, u32), founded: u32) -> TownshipCoverage {
    TownshipCoverage {
        township: township.to_string(),
        must_total: must.0,
        must_covered: must.1,
        tracked_total: 0,
        tracked_covered: 0,
        all_total: all.0,
        all_covered: all.1,
        unions_founded_in_year: founded,
        sizeable_founded_in_year: 0,
        members_joined_in_year: 0,
    }
}

#[test]
fn obligation_follows_headcount_and_provincial_registration() {
    let rule = CoverageRule::default();
    assert_eq!(rule.obligation(100, true), Obligation::Must);
    assert_eq!(rule.obligation(99, true), Obligation::Tracked);
    assert_eq!(rule.obligation(500, false), Obligation::Tracked);
    assert_eq!(rule.obligation(50, false), Obligation::Tracked);
    assert_eq!(rule.obligation(49, true), Obligation::None);
    let everyone = CoverageRule {
        must_require_provincial: false,
        ..rule
    };
    assert_eq!(everyone.obligation(100, false), Obligation::Must);
}

#[test]
fn bands_cover_every_headcount() {
    assert_eq!(band_of(0), HeadcountBand::Under50);
    assert_eq!(band_of(49), HeadcountBand::Under50);
    assert_eq!(band_of(50), HeadcountBand::From50To99);
    assert_eq!(band_of(100), HeadcountBand::From100To299);
    assert_eq!(band_of(300), HeadcountBand::From300);
    assert_eq!(band_of(u32::MAX), HeadcountBand::From300);
    for b in HeadcountBand::ALL {
        assert_eq!(HeadcountBand::parse(b.label()), Ok(*b));
    }
}

#[test]
fn summarise_counts_only_its_township() {
    let rule = CoverageRule::default();
    let list = vec![
        with_union(enterprise("甲", "莲花镇", 120, true), Some((2019, 5, 1))),
        enterprise("乙", "莲花镇", 150, true),
        with_union(enterprise("丙", "莲花镇", 60, false), Some((2019, 8, 1))),
        with_union(enterprise("丁", "莲花镇", 10, false), Some((2018, 1, 1))),
        with_union(enterprise("戊", "莲花镇", 20, false), Some((2019, 1, 1))),
        with_union(enterprise("己", "乾潭镇", 300, true), Some((2019, 1, 1))),
    ];
    let s = summarise(&rule, "莲花镇", &list, 2019, 42);
    assert_eq!((s.must_total, s.must_covered), (2, 1));
    assert_eq!((s.tracked_total, s.tracked_covered), (1, 1));
    assert_eq!((s.all_total, s.all_covered), (5, 4));
    assert_eq!(s.unions_founded_in_year, 3);
    assert_eq!(s.sizeable_founded_in_year, 2);
    assert_eq!(s.members_joined_in_year, 42);
    assert_eq!(s.must_rate_bp(), 5000);
    assert_eq!(s.all_rate_bp(), 8000);
}

#[test]
fn township_with_nothing_to_cover_has_full_rate() {
    let s = summarise(&CoverageRule::default(), "钦堂乡", &[], 2019, 0);
    assert_eq!(s.must_rate_bp(), FULL_RATE_BP);
    assert_eq!(s.all_rate_bp(), FULL_RATE_BP);
}

#[test]
fn checklist_ticks_off_when_union_founded() {
    let rule = CoverageRule::default();
    let mut list = vec![
        enterprise("小厂", "大同镇", 120, true),
        enterprise("大厂", "大同镇", 400, true),
        enterprise("未备案", "大同镇", 400, false),
        enterprise("别镇", "李家镇", 400, true),
    ];
    let names = |l: &[EnterpriseCoverage]| {
        checklist_outstanding(&rule, "大同镇", l)
            .iter()
            .map(|e| e.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&list), ["大厂", "小厂"]);
    list[1] = with_union(list[1].clone(), Some((2019, 6, 1)));
    assert_eq!(names(&list), ["小厂"]);
}

#[test]
fn coverage_by_band_lists_every_band() {
    let list = vec![
        with_union(enterprise("a", "x", 10, false), None),
        enterprise("b", "x", 120, true),
    ];
    let bands = coverage_by_band(&list);
    assert_eq!(bands.len(), 4);
    assert_eq!((bands[0].total, bands[0].covered), (1, 1));
    assert_eq!((bands[1].total, bands[1].covered), (0, 0));
    assert_eq!((bands[2].total, bands[2].covered), (1, 0));
}

/// (rank, township) of each ranked line, in the order listed.
fn rank_and_township(ranked: &[RankedTownship]) -> Vec<(u32, &str)> {
    ranked
        .iter()
        .map(|r| (r.rank, r.coverage.township.as_str()))
        .collect()
}

#[test]
fn ranking_orders_by_coverage_then_new_unions() {
    let ranked = rank(vec![
        line("莲花镇", (10, 9), (50, 40), 9),
        line("乾潭镇", (10, 10), (50, 30), 1),
        line("梅城镇", (10, 10), (50, 40), 2),
        line("寿昌镇", (10, 10), (50, 40), 5),
    ]);
    let order = rank_and_township(&ranked);
    assert_eq!(
        order,
        [(1, "寿昌镇"), (2, "梅城镇"), (3, "乾潭镇"), (4, "莲花镇")]
    );
}

#[test]
fn ties_share_a_rank() {
    let ranked = rank(vec![
        line("钦堂乡", (4, 4), (10, 5), 1),
        line("洋溪街道", (2, 2), (20, 10), 1),
        line("新安江街道", (1, 1), (1, 1), 0),
        line("航头镇", (4, 3), (10, 5), 1),
    ]);
    let order = rank_and_township(&ranked);
    // Equal figures share rank 2 and are listed in the city's official order.
    assert_eq!(
        order,
        [
            (1, "新安江街道"),
            (2, "洋溪街道"),
            (2, "钦堂乡"),
            (4, "航头镇")
        ]
    );
}

#[test]
fn format_rate_rounds_half_up() {
    assert_eq!(format_rate(9850), "98.5%");
    assert_eq!(format_rate(9854), "98.5%");
    assert_eq!(format_rate(9855), "98.6%");
    assert_eq!(format_rate(10_000), "100.0%");
    assert_eq!(format_rate(0), "0.0%");
    assert_eq!(format_rate(5), "0.1%");
}

#[test]
fn format_rate_never_claims_full_coverage_when_something_is_missing() {
    assert_eq!(format_rate(9995), "99.9%");
    assert_eq!(format_rate(9999), "99.9%");
    assert_eq!(format_rate(rate_bp(19_999, 20_000)), "99.9%");
}

#[test]
fn rate_is_rounded_down() {
    assert_eq!(rate_bp(2, 3), 6666);
    assert_eq!(rate_bp(3, 3), FULL_RATE_BP);
    assert_eq!(rate_bp(0, 0), FULL_RATE_BP);
    assert_eq!(rate_bp(u32::MAX, u32::MAX), FULL_RATE_BP);
}

fn any_line() -> impl Strategy<Value = TownshipCoverage> {
    (0usize..16, 0u32..6, 0u32..6, 0u32..6, 0u32..6, 0u32..4).prop_map(|(t, mt, mc, at, ac, f)| {
        line(JIANDE_TOWNSHIPS[t], (mt, mc.min(mt)), (at, ac.min(at)), f)
    })
}

proptest! {
    #[test]
    fn rates_never_exceed_full(covered in any::<u32>(), total in any::<u32>()) {
        prop_assert!(rate_bp(covered, total) <= FULL_RATE_BP);
        prop_assert_eq!(rate_bp(covered, total) == FULL_RATE_BP, covered >= total);
    }

    #[test]
    fn summary_counts_are_consistent(
        staff in proptest::collection::vec((0u32..400, any::<bool>(), any::<bool>()), 0..40)
    ) {
        let list: Vec<_> = staff.iter().enumerate().map(|(i, &(h, p, u))| {
            let e = enterprise(&i.to_string(), "梅城镇", h, p);
            if u { with_union(e, Some((2019, 1, 1))) } else { e }
        }).collect();
        let rule = CoverageRule::default();
        let s = summarise(&rule, "梅城镇", &list, 2019, 0);
        prop_assert!(s.must_covered <= s.must_total);
        prop_assert!(s.tracked_covered <= s.tracked_total);
        prop_assert!(s.must_total + s.tracked_total <= s.all_total);
        prop_assert_eq!(s.all_total as usize, list.len());
        prop_assert_eq!(
            checklist_outstanding(&rule, "梅城镇", &list).len() as u32,
            s.must_total - s.must_covered
        );
    }

    #[test]
    fn ranking_is_a_sorted_permutation(lines in proptest::collection::vec(any_line(), 0..20)) {
        let ranked = rank(lines.clone());
        prop_assert_eq!(ranked.len(), lines.len());
        let mut before: Vec<_> = lines.iter().map(|l| format!("{l:?}")).collect();
        let mut after: Vec<_> = ranked.iter().map(|r| format!("{:?}", r.coverage)).collect();
        before.sort();
        after.sort();
        prop_assert_eq!(before, after);
        for (i, pair) in ranked.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            prop_assert!(a.coverage.rank_key() <= b.coverage.rank_key());
            if a.coverage.rank_key() == b.coverage.rank_key() {
                prop_assert_eq!(a.rank, b.rank);
            } else {
                prop_assert_eq!(b.rank as usize, i + 2);
            }
        }
        if let Some(first) = ranked.first() {
            prop_assert_eq!(first.rank, 1);
        }
    }

    #[test]
    fn formatted_rate_is_full_only_when_complete(bp in 0u32..=FULL_RATE_BP) {
        prop_assert_eq!(format_rate(bp) == "100.0%", bp == FULL_RATE_BP);
    }
}
