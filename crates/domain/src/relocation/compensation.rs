//! The compensation sheet (补偿明细) of one household: every item and amount that goes
//! into the signed agreement and onto the public posting.
//!
//! The sheet is computed from the project's published [`CompensationStandard`], the
//! buildings as verified by title verification, the appraisal items, the number of
//! resettled persons and the signing and vacating dates. It reads no clock and no
//! database: the same input always gives the same sheet, so a posted sheet can be
//! recomputed by anyone and must come out identical.
//!
//! Lines, in this order: one per building (recognised area × rate for its structure),
//! one per appraisal item, the moving allowance, the transition subsidy (persons ×
//! months × monthly rate), the signing reward if signed on or before its deadline, and
//! the vacating reward if vacated on or before its deadline.
//!
//! **Rounding rule.** Each line is computed exactly in integer arithmetic (with `i128`
//! intermediates, so nothing is lost) and rounded **once, half up, to the fen**. The
//! recognised area is itself a title-verification figure at the survey's precision (a
//! hundredth of a square metre, see [`super::title`]) and is printed on the line, so
//! "120.35㎡ × ¥1,900.00/㎡" can be checked with a calculator. The **total is the sum of
//! the rounded lines**, never a separately rounded figure, so the lines always add up to
//! the total on the agreement.
//!
//! **Limits.** No line and no total may exceed [`MAX_AMOUNT`] (10¹³ fen, a hundred
//! billion yuan). Anything larger is a typing error and is reported, never wrapped or
//! saturated. Negative areas and negative appraisal amounts are rejected, so no line and
//! no total is ever negative.

use super::standard::{CompensationStandard, InvalidStandard};
use super::structure::BuildingStructure;
use super::title::Building;
use crate::platform::Fen;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The largest amount a line or a total may reach: 10¹³ fen (¥100,000,000,000.00). Far
/// above any real household, far below where `i64` arithmetic could wrap.
pub const MAX_AMOUNT: Fen = Fen(10_000_000_000_000);

/// What an appraisal item values; the kinds are listed separately on the posting because
/// households compare them with their neighbours'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AppraisalKind {
    /// 装修: interior decoration.
    Decoration,
    /// 附属物: walls, wells, sheds and other attachments.
    Attachment,
    /// 青苗: standing crops and trees.
    Crops,
    /// 其他: anything else the appraisers valued.
    Other,
}

impl AppraisalKind {
    /// Every kind, for forms and imports.
    pub const ALL: [AppraisalKind; 4] = [
        AppraisalKind::Decoration,
        AppraisalKind::Attachment,
        AppraisalKind::Crops,
        AppraisalKind::Other,
    ];

    /// The Chinese word used by the appraisal group.
    pub fn label(self) -> &'static str {
        match self {
            AppraisalKind::Decoration => "装修",
            AppraisalKind::Attachment => "附属物",
            AppraisalKind::Crops => "青苗",
            AppraisalKind::Other => "其他",
        }
    }

    /// The stable code kept in the database.
    pub fn code(self) -> &'static str {
        match self {
            AppraisalKind::Decoration => "decoration",
            AppraisalKind::Attachment => "attachment",
            AppraisalKind::Crops => "crops",
            AppraisalKind::Other => "other",
        }
    }

    /// Reads a code or the Chinese word (`青苗`, `附属物` …); `None` for anything else.
    pub fn parse(text: &str) -> Option<AppraisalKind> {
        let t = crate::platform::time::normalise_text(text);
        AppraisalKind::ALL
            .into_iter()
            .find(|k| k.code() == t || k.label() == t)
    }
}

/// One valued item from the appraisal report (评估报告); its amount is taken as given,
/// because the appraiser, not this system, is responsible for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisalItem {
    /// Which kind of item.
    pub kind: AppraisalKind,
    /// What the appraiser wrote, e.g. "客厅吊顶".
    pub description: String,
    /// The appraised amount; must not be negative.
    pub amount: Fen,
}

/// A building to be paid for: its name on the sheet (the certificate number or "主房")
/// and its title-verification data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingForCompensation {
    /// Shown on the line so the household can tell its buildings apart; may be empty.
    pub label: String,
    /// Structure, measured and legal area, certificate.
    pub building: Building,
}

/// Everything the sheet depends on, and nothing else: no clock, no lookup.
#[derive(Debug, Clone, Copy)]
pub struct CompensationInput<'a> {
    /// The standard in force for the project when the agreement is computed.
    pub standard: &'a CompensationStandard,
    /// The household's buildings.
    pub buildings: &'a [BuildingForCompensation],
    /// The appraisal items.
    pub appraisals: &'a [AppraisalItem],
    /// Persons confirmed for resettlement (安置人口), who receive the transition subsidy.
    pub resettled_persons: u32,
    /// Date the agreement was signed, if it has been.
    pub signed_on: Option<NaiveDate>,
    /// Date the household vacated, if it has.
    pub vacated_on: Option<NaiveDate>,
}

/// What a line pays for; lets reports sum house compensation, appraisals and rewards
/// separately without parsing labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LineKind {
    /// 房屋补偿.
    Building,
    /// An appraisal item of the given kind.
    Appraisal(AppraisalKind),
    /// 搬家补助.
    RelocationAllowance,
    /// 过渡费.
    TransitionSubsidy,
    /// 按期签约奖励.
    SigningReward,
    /// 按期腾空奖励.
    VacatingReward,
}

/// One line of the sheet, with a Chinese label that shows how the amount was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompensationLine {
    /// What the line pays for.
    pub kind: LineKind,
    /// E.g. "房屋补偿（砖混 120.35㎡ × ¥1,900.00/㎡）".
    pub label: String,
    /// Rounded once, half up, to the fen; never negative.
    pub amount: Fen,
}

/// The household's compensation sheet; `total` is always the sum of the lines' amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompensationSheet {
    /// In the order described in the module documentation.
    pub lines: Vec<CompensationLine>,
    /// Sum of the lines.
    pub total: Fen,
}

/// Why a sheet could not be computed; each names the item to correct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompensationError {
    /// The standard itself is not usable.
    #[error(transparent)]
    Standard(#[from] InvalidStandard),
    /// A building's structure has no rate in the standard.
    #[error("补偿标准缺少{0}结构的补偿单价")]
    MissingRate(BuildingStructure),
    /// A building with a negative area (a data error).
    #[error("房屋「{0}」的面积不能为负")]
    NegativeArea(String),
    /// An appraised item with a negative amount.
    #[error("评估项目「{description}」的金额不能为负（{amount}）")]
    NegativeAppraisal {
        /// The item.
        description: String,
        /// Its amount.
        amount: Fen,
    },
    /// A line beyond any real amount: the input is wrong, and wrapping would be worse.
    #[error("「{0}」的金额超出上限，请核对数据")]
    TooLarge(String),
}

/// Computes a household's compensation sheet; see the module documentation for the
/// lines, the rounding rule and the limits.
pub fn compute(input: &CompensationInput<'_>) -> Result<CompensationSheet, CompensationError> {
    let standard = input.standard;
    standard.validate()?;
    let mut lines = Vec::new();

    for b in input.buildings {
        let name = b.label.trim();
        if b.building.measured.0 < 0 || b.building.legal.0 < 0 {
            return Err(CompensationError::NegativeArea(name.to_string()));
        }
        let structure = b.building.structure;
        let rate = *standard
            .rates_per_m2
            .get(&structure)
            .ok_or(CompensationError::MissingRate(structure))?;
        let area = standard.recognition.recognised_area(&b.building);
        let label = if name.is_empty() {
            format!("房屋补偿（{structure} {area}㎡ × {rate}/㎡）")
        } else {
            format!("房屋补偿（{name}，{structure} {area}㎡ × {rate}/㎡）")
        };
        // Area in hundredths of m² × fen per m², divided by 100.
        let exact = i128::from(area.0).checked_mul(i128::from(rate.0));
        let amount = fen_of(exact.map(|v| round_half_up(v, 100)), &label)?;
        lines.push(CompensationLine {
            kind: LineKind::Building,
            label,
            amount,
        });
    }

    for item in input.appraisals {
        let description = item.description.trim();
        if item.amount.0 < 0 {
            return Err(CompensationError::NegativeAppraisal {
                description: description.to_string(),
                amount: item.amount,
            });
        }
        let label = if description.is_empty() {
            format!("{}补偿", item.kind.label())
        } else {
            format!("{}补偿（{description}）", item.kind.label())
        };
        let amount = fen_of(Some(i128::from(item.amount.0)), &label)?;
        lines.push(CompensationLine {
            kind: LineKind::Appraisal(item.kind),
            label,
            amount,
        });
    }

    let label = "搬家补助".to_string();
    let amount = fen_of(
        Some(i128::from(standard.relocation_allowance_per_household.0)),
        &label,
    )?;
    lines.push(CompensationLine {
        kind: LineKind::RelocationAllowance,
        label,
        amount,
    });

    let (persons, months, rate) = (
        input.resettled_persons,
        standard.transition_months,
        standard.transition_subsidy_per_person_month,
    );
    let label = format!("过渡费（{persons}人 × {months}个月 × {rate}/人·月）");
    let exact = i128::from(persons)
        .checked_mul(i128::from(months))
        .and_then(|v| v.checked_mul(i128::from(rate.0)));
    let amount = fen_of(exact, &label)?;
    lines.push(CompensationLine {
        kind: LineKind::TransitionSubsidy,
        label,
        amount,
    });

    let rewards = [
        (
            &standard.signing_reward,
            input.signed_on,
            LineKind::SigningReward,
            "签约",
        ),
        (
            &standard.vacating_reward,
            input.vacated_on,
            LineKind::VacatingReward,
            "腾空",
        ),
    ];
    for (reward, done_on, kind, act) in rewards {
        let (Some(reward), Some(on)) = (reward, done_on) else {
            continue;
        };
        if !reward.earned(Some(on)) {
            continue;
        }
        let label = format!("按期{act}奖励（{on}{act}，期限{}）", reward.deadline);
        let amount = fen_of(Some(i128::from(reward.amount_per_household.0)), &label)?;
        lines.push(CompensationLine {
            kind,
            label,
            amount,
        });
    }

    let total = lines
        .iter()
        .try_fold(0i128, |sum, l| sum.checked_add(i128::from(l.amount.0)));
    let total = fen_of(total, "合计")?;
    Ok(CompensationSheet { lines, total })
}

/// Rounds a non-negative `numerator / denominator` half up. Every caller passes
/// non-negative values (negative inputs are rejected before), so half up and half away
/// from zero coincide.
fn round_half_up(numerator: i128, denominator: i128) -> i128 {
    (numerator + denominator / 2) / denominator
}

/// An exact amount in fen as a `Fen`, or the error naming the line when it overflowed
/// (`None`) or exceeds [`MAX_AMOUNT`].
fn fen_of(exact: Option<i128>, label: &str) -> Result<Fen, CompensationError> {
    exact
        .filter(|v| (0..=i128::from(MAX_AMOUNT.0)).contains(v))
        .and_then(|v| i64::try_from(v).ok())
        .map(Fen)
        .ok_or_else(|| CompensationError::TooLarge(label.to_string()))
}

#[cfg(test)]
#[path = "compensation_tests.rs"]
mod tests;
