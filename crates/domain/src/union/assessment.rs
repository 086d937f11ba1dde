//! Drive and oversight: the year's assessment of townships (考核激励) computed from their
//! coverage figures by a weighting the city sets, and the social-responsibility assessment
//! of enterprises (企业社会责任评价).
//!
//! Weights are integer basis points that must add up to 10000, and rates are basis points
//! too, so a score is exact integer arithmetic: score = Σ weight × rate / 10000, in
//! hundredths of a point out of 100.00, rounded down once at the end. Two townships with
//! the same figures always get the same score.

use super::coverage::{FULL_RATE_BP, TownshipCoverage};
use crate::platform::labelled::labelled;
use serde::{Deserialize, Serialize};

/// How the city weighs the coverage figures in a township's score, in basis points of the
/// whole (they add up to 10000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentWeights {
    /// Weight of the rate of must-have enterprises with a union (应建会覆盖率).
    pub must_rate: u32,
    /// Weight of the rate of tracked (50+) enterprises with a union.
    pub tracked_rate: u32,
    /// Weight of the rate of all enterprises with a union (总体覆盖率).
    pub all_rate: u32,
}

/// The 2019 weighting: must-have coverage counts most.
impl Default for AssessmentWeights {
    fn default() -> AssessmentWeights {
        AssessmentWeights {
            must_rate: 6_000,
            tracked_rate: 2_500,
            all_rate: 1_500,
        }
    }
}

/// Weights that do not add up to the whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("各项权重之和应为100%（10000个基点），现为{sum}个基点")]
pub struct WeightsError {
    /// What they add up to.
    pub sum: u64,
}

impl AssessmentWeights {
    /// Checks that the weights add up to 10000 basis points.
    pub fn new(
        must_rate: u32,
        tracked_rate: u32,
        all_rate: u32,
    ) -> Result<AssessmentWeights, WeightsError> {
        let sum = u64::from(must_rate) + u64::from(tracked_rate) + u64::from(all_rate);
        if sum != u64::from(FULL_RATE_BP) {
            return Err(WeightsError { sum });
        }
        Ok(AssessmentWeights {
            must_rate,
            tracked_rate,
            all_rate,
        })
    }

    /// A township's score in hundredths of a point (10000 = 100.00 points).
    pub fn score(&self, c: &TownshipCoverage) -> u32 {
        let weighted = u64::from(self.must_rate) * u64::from(c.must_rate_bp())
            + u64::from(self.tracked_rate) * u64::from(c.tracked_rate_bp())
            + u64::from(self.all_rate) * u64::from(c.all_rate_bp());
        u32::try_from(weighted / u64::from(FULL_RATE_BP)).unwrap_or(u32::MAX)
    }
}

/// A score in hundredths of a point as shown: `87.50`.
pub fn format_score(hundredths: u32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

labelled! {
    /// The result of an enterprise's social-responsibility assessment.
    ResponsibilityGrade as "评价结果" {
        /// 优秀: an average of 90 or more.
        Excellent => ("excellent", "优秀", []),
        /// 良好: 75 or more.
        Good => ("good", "良好", []),
        /// 合格: 60 or more.
        Pass => ("pass", "合格", ["达标"]),
        /// 不合格.
        Fail => ("fail", "不合格", ["不达标"]),
    }
}

/// A score above 100.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}得分应在0至100之间，现为{score}")]
pub struct ScoreError {
    /// Which of the four aspects.
    pub what: &'static str,
    /// The score given.
    pub score: u32,
}

/// The four aspects of an enterprise's social responsibility, each scored 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibilityScores {
    market: u32,
    environment: u32,
    employment: u32,
    welfare: u32,
}

impl ResponsibilityScores {
    /// Checks each score lies in 0–100.
    pub fn new(
        market: u32,
        environment: u32,
        employment: u32,
        welfare: u32,
    ) -> Result<ResponsibilityScores, ScoreError> {
        for (what, score) in [
            ("市场责任", market),
            ("环境责任", environment),
            ("就业责任", employment),
            ("公益责任", welfare),
        ] {
            if score > 100 {
                return Err(ScoreError { what, score });
            }
        }
        Ok(ResponsibilityScores {
            market,
            environment,
            employment,
            welfare,
        })
    }

    /// Market responsibility (市场责任).
    pub fn market(&self) -> u32 {
        self.market
    }
    /// Environmental responsibility (环境责任).
    pub fn environment(&self) -> u32 {
        self.environment
    }
    /// Employment responsibility (就业责任).
    pub fn employment(&self) -> u32 {
        self.employment
    }
    /// Public welfare (公益责任).
    pub fn welfare(&self) -> u32 {
        self.welfare
    }

    /// The sum of the four, 0–400.
    pub fn total(&self) -> u32 {
        self.market + self.environment + self.employment + self.welfare
    }

    /// The grade of the average (total over four, compared without division).
    pub fn grade(&self) -> ResponsibilityGrade {
        match self.total() {
            t if t >= 360 => ResponsibilityGrade::Excellent,
            t if t >= 300 => ResponsibilityGrade::Good,
            t if t >= 240 => ResponsibilityGrade::Pass,
            _ => ResponsibilityGrade::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(must: (u32, u32), tracked: (u32, u32), all: (u32, u32)) -> TownshipCoverage {
        TownshipCoverage {
            township: "新安江街道".into(),
            must_total: must.0,
            must_covered: must.1,
            tracked_total: tracked.0,
            tracked_covered: tracked.1,
            all_total: all.0,
            all_covered: all.1,
            unions_founded_in_year: 0,
            sizeable_founded_in_year: 0,
            members_joined_in_year: 0,
        }
    }

    #[test]
    fn weights_must_add_up_to_the_whole() {
        assert!(AssessmentWeights::new(5_000, 3_000, 2_000).is_ok());
        assert_eq!(
            AssessmentWeights::new(5_000, 3_000, 1_000),
            Err(WeightsError { sum: 9_000 })
        );
        let d = AssessmentWeights::default();
        assert!(AssessmentWeights::new(d.must_rate, d.tracked_rate, d.all_rate).is_ok());
    }

    #[test]
    fn score_is_the_weighted_rates_rounded_down_once() {
        let w = AssessmentWeights::new(6_000, 2_500, 1_500).unwrap_or_default();
        // 100%, 50%, 1/3 = 3333 bp: 6000 + 1250 + 499.95 → 7749 hundredths.
        let s = w.score(&line((1, 1), (2, 1), (3, 1)));
        assert_eq!(s, 7_749);
        assert_eq!(format_score(s), "77.49");
        assert_eq!(w.score(&line((0, 0), (0, 0), (0, 0))), 10_000);
    }

    #[test]
    fn grade_follows_the_average() {
        let g = |a, b, c, d| ResponsibilityScores::new(a, b, c, d).map(|s| s.grade());
        assert_eq!(g(90, 90, 90, 90), Ok(ResponsibilityGrade::Excellent));
        assert_eq!(g(90, 90, 90, 89), Ok(ResponsibilityGrade::Good));
        assert_eq!(g(60, 60, 60, 60), Ok(ResponsibilityGrade::Pass));
        assert_eq!(g(59, 60, 60, 60), Ok(ResponsibilityGrade::Fail));
        assert!(ResponsibilityScores::new(101, 0, 0, 0).is_err());
    }
}
