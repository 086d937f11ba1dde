//! Title verification (确权): how much of a building's floor area is recognised for
//! compensation.
//!
//! The rule, fixed per project and published with the compensation standard:
//!
//! * the **legal area** (合法面积, covered by a certificate or a planning approval) is
//!   recognised in full, but never more than the **measured area** (测绘面积) — a legal
//!   figure larger than what stands on the ground is capped at the measured one;
//! * the **unlicensed part** (无证部分) = measured − legal, when positive, is recognised at a
//!   percentage that depends on the structure (e.g. frame and brick-concrete 50 %,
//!   brick-wood 30 %, simple sheds 0 %);
//! * the recognised unlicensed part is rounded **half up to the hundredth of a square
//!   metre**, the precision of the survey, so the recognised area can be written on the
//!   agreement and multiplied by hand.
//!
//! Optionally a project can require a certificate before any area counts as legal; then
//! a building without one has its whole measured area treated as unlicensed.

use super::structure::BuildingStructure;
use crate::platform::SquareMetres;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A building as title verification sees it: what was measured, what the documents
/// cover, what it is built of, and whether the household holds a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Building {
    /// What it is built of; decides the share of the unlicensed part that counts.
    pub structure: BuildingStructure,
    /// Floor area measured by the surveyors (测绘面积).
    pub measured: SquareMetres,
    /// Floor area covered by a certificate or approval (合法面积).
    pub legal: SquareMetres,
    /// Whether a property certificate (产权证) exists; matters only when the project's
    /// rule says approvals alone do not make area legal.
    pub has_certificate: bool,
}

/// The project's rule for recognising area. Kept as data, not code, because each
/// project publishes its own percentages and they must be stored with the standard
/// that was in force when an agreement was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecognitionRule {
    /// Percentage (0–100) of the unlicensed part recognised, per structure. A structure
    /// that is missing is recognised at 0 %: when the policy is silent, nothing unlicensed
    /// is paid for. Values above 100 are treated as 100, so the unlicensed part never
    /// counts for more than legal area.
    pub unlicensed_percent: BTreeMap<BuildingStructure, u32>,
    /// When true, a building without a certificate has no legal area, whatever its
    /// approvals say; some projects recognise approved area only with a certificate.
    #[serde(default)]
    pub legal_area_requires_certificate: bool,
}

impl Default for RecognitionRule {
    /// The percentages most projects in the town have used: solid buildings half,
    /// brick-wood 30 %, sheds nothing.
    fn default() -> Self {
        let unlicensed_percent = BTreeMap::from([
            (BuildingStructure::Frame, 50),
            (BuildingStructure::BrickConcrete, 50),
            (BuildingStructure::BrickWood, 30),
            (BuildingStructure::Simple, 0),
        ]);
        RecognitionRule {
            unlicensed_percent,
            legal_area_requires_certificate: false,
        }
    }
}

impl RecognitionRule {
    /// The percentage applied to a structure's unlicensed part, capped at 100.
    pub fn percent_for(&self, structure: BuildingStructure) -> u32 {
        self.unlicensed_percent
            .get(&structure)
            .copied()
            .unwrap_or(0)
            .min(100)
    }

    /// The legal area that counts: capped at the measured area, zero without a
    /// certificate when the rule demands one, never negative.
    pub fn counted_legal_area(&self, building: &Building) -> SquareMetres {
        let measured = building.measured.0.max(0);
        if self.legal_area_requires_certificate && !building.has_certificate {
            return SquareMetres(0);
        }
        SquareMetres(building.legal.0.clamp(0, measured))
    }

    /// The recognised area (认定面积) under this rule; see the module documentation. Never
    /// negative and never more than the measured area, so it cannot inflate a payment.
    pub fn recognised_area(&self, building: &Building) -> SquareMetres {
        let measured = building.measured.0.max(0);
        let legal = self.counted_legal_area(building).0;
        let unlicensed = i128::from(measured - legal);
        let percent = i128::from(self.percent_for(building.structure));
        // Hundredths of m² × percent / 100, rounded half up; all terms are non-negative.
        let counted = (unlicensed * percent + 50) / 100;
        // counted ≤ unlicensed because percent ≤ 100, so the sum fits in i64.
        let counted = i64::try_from(counted).unwrap_or(measured - legal);
        SquareMetres(legal + counted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn building(structure: BuildingStructure, measured: i64, legal: i64) -> Building {
        Building {
            structure,
            measured: SquareMetres(measured),
            legal: SquareMetres(legal),
            has_certificate: true,
        }
    }

    #[test]
    fn legal_area_counts_in_full_and_unlicensed_by_structure() {
        let rule = RecognitionRule::default();
        // 150.00 measured, 120.35 legal: 29.65 unlicensed × 50 % = 14.825 → 14.83.
        let b = building(BuildingStructure::BrickConcrete, 15_000, 12_035);
        assert_eq!(rule.recognised_area(&b), SquareMetres(12_035 + 1_483));
        // Brick-wood at 30 %: 10.00 × 30 % = 3.00.
        let b = building(BuildingStructure::BrickWood, 11_000, 10_000);
        assert_eq!(rule.recognised_area(&b), SquareMetres(10_300));
        // Sheds: nothing unlicensed counts.
        let b = building(BuildingStructure::Simple, 5_000, 0);
        assert_eq!(rule.recognised_area(&b), SquareMetres(0));
    }

    #[test]
    fn legal_area_is_capped_at_measured() {
        let rule = RecognitionRule::default();
        let b = building(BuildingStructure::Frame, 10_000, 12_000);
        assert_eq!(rule.recognised_area(&b), SquareMetres(10_000));
    }

    #[test]
    fn unlicensed_half_hundredth_rounds_up() {
        let rule = RecognitionRule::default();
        // 0.01 m² unlicensed at 50 % is 0.005 → 0.01.
        let b = building(BuildingStructure::Frame, 10_001, 10_000);
        assert_eq!(rule.recognised_area(&b), SquareMetres(10_001));
    }

    #[test]
    fn certificate_requirement_turns_legal_area_into_unlicensed() {
        let rule = RecognitionRule {
            legal_area_requires_certificate: true,
            ..RecognitionRule::default()
        };
        let mut b = building(BuildingStructure::Frame, 10_000, 10_000);
        b.has_certificate = false;
        assert_eq!(rule.recognised_area(&b), SquareMetres(5_000));
        b.has_certificate = true;
        assert_eq!(rule.recognised_area(&b), SquareMetres(10_000));
    }

    #[test]
    fn missing_or_excessive_percentages_are_safe() {
        let mut rule = RecognitionRule::default();
        rule.unlicensed_percent.remove(&BuildingStructure::Frame);
        rule.unlicensed_percent
            .insert(BuildingStructure::BrickWood, 250);
        assert_eq!(
            rule.recognised_area(&building(BuildingStructure::Frame, 200, 100)),
            SquareMetres(100)
        );
        assert_eq!(
            rule.recognised_area(&building(BuildingStructure::BrickWood, 200, 100)),
            SquareMetres(200)
        );
    }

    proptest! {
        #[test]
        fn recognised_area_lies_between_legal_and_measured(
            measured in any::<i64>(),
            legal in any::<i64>(),
            percent in 0u32..300,
            certificate in any::<bool>(),
        ) {
            let mut rule = RecognitionRule::default();
            rule.unlicensed_percent.insert(BuildingStructure::Frame, percent);
            let b = Building {
                structure: BuildingStructure::Frame,
                measured: SquareMetres(measured),
                legal: SquareMetres(legal),
                has_certificate: certificate,
            };
            let area = rule.recognised_area(&b).0;
            prop_assert!(area >= 0);
            prop_assert!(area <= measured.max(0));
            prop_assert!(area >= rule.counted_legal_area(&b).0);
        }
    }
}
