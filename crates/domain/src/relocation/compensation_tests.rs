//! Tests of the compensation sheet: hand-computed examples and properties.

use super::*;
use crate::platform::SquareMetres;
use crate::relocation::structure::BuildingStructure;
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn building(
    label: &str,
    structure: BuildingStructure,
    measured: i64,
    legal: i64,
) -> BuildingForCompensation {
    BuildingForCompensation {
        label: label.to_string(),
        building: Building {
            structure,
            measured: SquareMetres(measured),
            legal: SquareMetres(legal),
            has_certificate: true,
        },
    }
}

fn input<'a>(
    standard: &'a CompensationStandard,
    buildings: &'a [BuildingForCompensation],
    appraisals: &'a [AppraisalItem],
) -> CompensationInput<'a> {
    CompensationInput {
        standard,
        buildings,
        appraisals,
        resettled_persons: 0,
        signed_on: None,
        vacated_on: None,
    }
}

fn amounts(sheet: &CompensationSheet) -> Vec<i64> {
    sheet.lines.iter().map(|l| l.amount.0).collect()
}

#[test]
fn building_line_is_area_times_rate() {
    let standard = CompensationStandard::example_2019();
    let buildings = [building(
        "",
        BuildingStructure::BrickConcrete,
        12_035,
        12_035,
    )];
    let sheet = compute(&input(&standard, &buildings, &[])).unwrap();
    let line = &sheet.lines[0];
    assert_eq!(line.kind, LineKind::Building);
    assert_eq!(line.label, "房屋补偿（砖混 120.35㎡ × ¥1,900.00/㎡）");
    // 120.35 m² × ¥1,900 = ¥228,665.00.
    assert_eq!(line.amount, Fen(22_866_500));
}

#[test]
fn half_a_fen_rounds_up_and_less_rounds_down() {
    let mut standard = CompensationStandard::example_2019();
    let buildings = [building("主房", BuildingStructure::Frame, 10_001, 10_001)];
    // 100.01 m² × ¥1,000.50 = ¥100,060.005 → ¥100,060.01.
    standard
        .rates_per_m2
        .insert(BuildingStructure::Frame, Fen(100_050));
    let sheet = compute(&input(&standard, &buildings, &[])).unwrap();
    assert_eq!(sheet.lines[0].amount, Fen(10_006_001));
    assert_eq!(
        sheet.lines[0].label,
        "房屋补偿（主房，框架 100.01㎡ × ¥1,000.50/㎡）"
    );
    // 100.01 m² × ¥1,000.49 = ¥100,059.0049 → ¥100,059.00.
    standard
        .rates_per_m2
        .insert(BuildingStructure::Frame, Fen(100_049));
    let sheet = compute(&input(&standard, &buildings, &[])).unwrap();
    assert_eq!(sheet.lines[0].amount, Fen(10_005_900));
}

#[test]
fn full_household_sheet_matches_hand_computation() {
    let standard = CompensationStandard::example_2019();
    // 150.00 measured, 120.35 legal: recognised 120.35 + 29.65 × 50 % (14.825 → 14.83) = 135.18.
    let buildings = [building(
        "浙(2015)建德市不动产权第001号",
        BuildingStructure::BrickConcrete,
        15_000,
        12_035,
    )];
    let appraisals = [
        AppraisalItem {
            kind: AppraisalKind::Decoration,
            description: "客厅吊顶".into(),
            amount: Fen(3_500_000),
        },
        AppraisalItem {
            kind: AppraisalKind::Crops,
            description: " ".into(),
            amount: Fen(123_456),
        },
    ];
    let sheet = compute(&CompensationInput {
        resettled_persons: 3,
        signed_on: Some(date(2019, 6, 10)),
        vacated_on: Some(date(2019, 7, 2)),
        ..input(&standard, &buildings, &appraisals)
    })
    .unwrap();
    let labels: Vec<&str> = sheet.lines.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "房屋补偿（浙(2015)建德市不动产权第001号，砖混 135.18㎡ × ¥1,900.00/㎡）",
            "装修补偿（客厅吊顶）",
            "青苗补偿",
            "搬家补助",
            "过渡费（3人 × 18个月 × ¥600.00/人·月）",
            "按期签约奖励（2019-06-10签约，期限2019-06-15）",
        ]
    );
    // ¥256,842.00 + ¥35,000.00 + ¥1,234.56 + ¥2,000 + ¥32,400 + ¥20,000; vacated too late.
    assert_eq!(
        amounts(&sheet),
        [
            25_684_200, 3_500_000, 123_456, 200_000, 3_240_000, 2_000_000
        ]
    );
    assert_eq!(sheet.total, Fen(34_747_656));
    assert_eq!(sheet.total.to_string(), "¥347,476.56");
}

#[test]
fn same_input_gives_same_sheet() {
    let standard = CompensationStandard::example_2019();
    let buildings = [building("a", BuildingStructure::BrickWood, 9_999, 5_001)];
    let i = CompensationInput {
        resettled_persons: 4,
        signed_on: Some(date(2019, 6, 1)),
        ..input(&standard, &buildings, &[])
    };
    assert_eq!(compute(&i), compute(&i));
}

#[test]
fn appraisal_kinds_read_codes_and_words() {
    crate::testing::assert_reads_back(&AppraisalKind::ALL, |k| AppraisalKind::parse(k.code()));
    crate::testing::assert_reads_back(&AppraisalKind::ALL, |k| AppraisalKind::parse(k.label()));
    assert_eq!(AppraisalKind::parse("家具"), None);
}

#[test]
fn negative_appraisal_is_refused_in_chinese() {
    let standard = CompensationStandard::example_2019();
    let appraisals = [AppraisalItem {
        kind: AppraisalKind::Attachment,
        description: "围墙".into(),
        amount: Fen(-100),
    }];
    let err = compute(&input(&standard, &[], &appraisals)).unwrap_err();
    assert_eq!(err.to_string(), "评估项目「围墙」的金额不能为负（-¥1.00）");
}

#[test]
fn missing_rate_is_refused() {
    let mut standard = CompensationStandard::example_2019();
    standard.rates_per_m2.remove(&BuildingStructure::Simple);
    let buildings = [building("棚", BuildingStructure::Simple, 1_000, 0)];
    let err = compute(&input(&standard, &buildings, &[])).unwrap_err();
    assert!(err.to_string().contains("缺少简易结构的补偿单价"), "{err}");
}

#[test]
fn negative_area_is_refused() {
    let standard = CompensationStandard::example_2019();
    let buildings = [building("主房", BuildingStructure::Frame, -1, 0)];
    assert_eq!(
        compute(&input(&standard, &buildings, &[])),
        Err(CompensationError::NegativeArea("主房".into()))
    );
}

#[test]
fn absurd_amounts_are_errors_not_wraps() {
    let standard = CompensationStandard::example_2019();
    let buildings = [building(
        "主房",
        BuildingStructure::Frame,
        i64::MAX,
        i64::MAX,
    )];
    let err = compute(&input(&standard, &buildings, &[])).unwrap_err();
    assert!(matches!(err, CompensationError::TooLarge(_)), "{err}");
    assert!(
        err.to_string().ends_with("的金额超出上限，请核对数据"),
        "{err}"
    );
    // Lines each under the limit whose sum is over it.
    let item = AppraisalItem {
        kind: AppraisalKind::Other,
        description: "x".into(),
        amount: MAX_AMOUNT,
    };
    let err = compute(&input(&standard, &[], &[item.clone(), item])).unwrap_err();
    assert_eq!(err, CompensationError::TooLarge("合计".into()));
}

#[test]
fn reward_on_the_deadline_day_is_paid() {
    let standard = CompensationStandard::example_2019();
    let sheet = compute(&CompensationInput {
        signed_on: Some(date(2019, 6, 15)),
        vacated_on: Some(date(2019, 6, 30)),
        ..input(&standard, &[], &[])
    })
    .unwrap();
    let kinds: Vec<LineKind> = sheet.lines.iter().map(|l| l.kind).collect();
    assert!(kinds.contains(&LineKind::SigningReward));
    assert!(kinds.contains(&LineKind::VacatingReward));
}

fn arb_structure() -> impl Strategy<Value = BuildingStructure> {
    prop::sample::select(BuildingStructure::ALL.to_vec())
}

fn arb_kind() -> impl Strategy<Value = AppraisalKind> {
    prop::sample::select(AppraisalKind::ALL.to_vec())
}

fn arb_date() -> impl Strategy<Value = Option<NaiveDate>> {
    prop::option::of((0i64..120).prop_map(|d| date(2019, 5, 1) + chrono::Duration::days(d)))
}

prop_compose! {
    fn arb_building(max: i64)(s in arb_structure(), measured in 0..max, legal in 0..max, cert in any::<bool>())
        -> BuildingForCompensation {
        BuildingForCompensation {
            label: String::new(),
            building: Building { structure: s, measured: SquareMetres(measured), legal: SquareMetres(legal), has_certificate: cert },
        }
    }
}

prop_compose! {
    fn arb_item(max: i64)(kind in arb_kind(), amount in 0..max) -> AppraisalItem {
        AppraisalItem { kind, description: "项".into(), amount: Fen(amount) }
    }
}

proptest! {
    #[test]
    fn lines_sum_to_total_and_are_never_negative(
        buildings in prop::collection::vec(arb_building(10_000_000), 0..5),
        appraisals in prop::collection::vec(arb_item(100_000_000), 0..5),
        rates in prop::collection::vec(0i64..10_000_000, 4),
        persons in 0u32..20,
        signed_on in arb_date(),
        vacated_on in arb_date(),
    ) {
        let mut standard = CompensationStandard::example_2019();
        for (s, r) in BuildingStructure::ALL.into_iter().zip(rates) {
            standard.rates_per_m2.insert(s, Fen(r));
        }
        let sheet = compute(&CompensationInput {
            standard: &standard, buildings: &buildings, appraisals: &appraisals,
            resettled_persons: persons, signed_on, vacated_on,
        }).unwrap();
        let sum: i64 = sheet.lines.iter().map(|l| l.amount.0).sum();
        prop_assert_eq!(sum, sheet.total.0);
        prop_assert!(sheet.lines.iter().all(|l| l.amount.0 >= 0));
        prop_assert!(sheet.total.0 >= 0);
    }

    #[test]
    fn any_input_gives_a_sheet_or_an_error_never_a_panic(
        measured in any::<i64>(), legal in any::<i64>(), rate in any::<i64>(),
        item in any::<i64>(), persons in any::<u32>(), months in any::<u32>(), monthly in any::<i64>(),
    ) {
        let mut standard = CompensationStandard::example_2019();
        standard.rates_per_m2.insert(BuildingStructure::Frame, Fen(rate));
        standard.transition_months = months;
        standard.transition_subsidy_per_person_month = Fen(monthly);
        let buildings = [building("b", BuildingStructure::Frame, measured, legal)];
        let appraisals = [AppraisalItem { kind: AppraisalKind::Other, description: "x".into(), amount: Fen(item) }];
        let result = compute(&CompensationInput {
            resettled_persons: persons, ..input(&standard, &buildings, &appraisals)
        });
        match result {
            Ok(sheet) => {
                prop_assert!(sheet.lines.iter().all(|l| l.amount.0 >= 0 && l.amount <= MAX_AMOUNT));
                prop_assert!(sheet.total >= Fen::ZERO && sheet.total <= MAX_AMOUNT);
                prop_assert_eq!(sheet.lines.iter().map(|l| l.amount.0).sum::<i64>(), sheet.total.0);
            }
            Err(_) => prop_assert!(
                measured < 0 || legal < 0 || rate < 0 || item < 0 || monthly < 0
                    || rate > MAX_AMOUNT.0 || monthly > MAX_AMOUNT.0 || item > MAX_AMOUNT.0
                    || months > crate::relocation::standard::MAX_TRANSITION_MONTHS
                    || i128::from(measured) * i128::from(rate) / 100 > i128::from(MAX_AMOUNT.0) / 4
                    || i128::from(persons) * i128::from(months) * i128::from(monthly) > i128::from(MAX_AMOUNT.0) / 4
                    || i128::from(item) > i128::from(MAX_AMOUNT.0) / 4
            ),
        }
    }

    #[test]
    fn huge_areas_give_an_error(measured in MAX_AMOUNT.0..i64::MAX) {
        let standard = CompensationStandard::example_2019();
        let buildings = [building("b", BuildingStructure::Frame, measured, measured)];
        prop_assert!(matches!(
            compute(&input(&standard, &buildings, &[])),
            Err(CompensationError::TooLarge(_))
        ));
    }

    #[test]
    fn rewards_appear_iff_done_by_the_deadline(signed_on in arb_date(), vacated_on in arb_date()) {
        let standard = CompensationStandard::example_2019();
        let sheet = compute(&CompensationInput { signed_on, vacated_on, ..input(&standard, &[], &[]) }).unwrap();
        let has = |k: LineKind| sheet.lines.iter().any(|l| l.kind == k);
        prop_assert_eq!(has(LineKind::SigningReward), signed_on.is_some_and(|d| d <= date(2019, 6, 15)));
        prop_assert_eq!(has(LineKind::VacatingReward), vacated_on.is_some_and(|d| d <= date(2019, 6, 30)));
    }
}
