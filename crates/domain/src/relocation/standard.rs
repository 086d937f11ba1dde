//! The compensation standard (补偿标准) a project publishes before any household is
//! approached: rates per square metre by structure, allowances, transition subsidy,
//! rewards for signing and vacating before deadlines, and the title-verification rule.
//!
//! It is data, stored with the project and copied into every agreement's computation,
//! so that a later change of policy never silently changes a signed amount.

use super::compensation::MAX_AMOUNT;
use super::flat::{EntitlementRule, ResettlementTerms};
use super::structure::BuildingStructure;
use super::title::RecognitionRule;
use crate::platform::{Fen, SquareMetres};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The longest transition period a standard may promise: ten years. Anything longer is a
/// typing error (months typed as days), not a policy.
pub const MAX_TRANSITION_MONTHS: u32 = 120;

/// A reward paid per household for acting on or before a deadline — the town's main
/// lever for finishing a campaign quickly and fairly (the same date for everyone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineReward {
    /// The last day on which the act still earns the reward (inclusive).
    pub deadline: NaiveDate,
    /// Paid once per household.
    pub amount_per_household: Fen,
}

impl DeadlineReward {
    /// Whether an act done on `on` earns the reward; not done yet earns nothing.
    pub fn earned(&self, on: Option<NaiveDate>) -> bool {
        on.is_some_and(|d| d <= self.deadline)
    }
}

/// A project's published compensation standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompensationStandard {
    /// Fen per whole square metre of recognised area, per structure.
    pub rates_per_m2: BTreeMap<BuildingStructure, Fen>,
    /// Moving allowance (搬家补助), once per household.
    pub relocation_allowance_per_household: Fen,
    /// Transition subsidy (过渡费) per resettled person per month, paid while the
    /// household waits for its resettlement flat.
    pub transition_subsidy_per_person_month: Fen,
    /// How many months of transition subsidy the standard pays.
    pub transition_months: u32,
    /// Reward for signing by a deadline (按期签约奖励), if the project offers one.
    pub signing_reward: Option<DeadlineReward>,
    /// Reward for vacating by a deadline (按期腾空奖励), if the project offers one.
    pub vacating_reward: Option<DeadlineReward>,
    /// How recognised area is derived from measured and legal area.
    pub recognition: RecognitionRule,
    /// Resettlement by property exchange: the entitlement rule and the price of area
    /// beyond it. `None` where the project offers cash only.
    #[serde(default)]
    pub resettlement: Option<ResettlementTerms>,
}

/// One thing wrong with a standard, in words the policy group can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StandardProblem {
    /// A structure without a rate.
    #[error("缺少{0}结构的补偿单价")]
    MissingRate(BuildingStructure),
    /// A negative rate.
    #[error("{0}结构的补偿单价不能为负（{1}）")]
    NegativeRate(BuildingStructure, Fen),
    /// A rate beyond the plausible limit.
    #[error("{0}结构的补偿单价超出上限（{1}）")]
    RateTooLarge(BuildingStructure, Fen),
    /// A negative fixed amount (named).
    #[error("{0}不能为负（{1}）")]
    NegativeAmount(&'static str, Fen),
    /// A fixed amount beyond the plausible limit.
    #[error("{0}超出上限（{1}）")]
    AmountTooLarge(&'static str, Fen),
    /// A transition period longer than the policy allows.
    #[error("过渡期{0}个月超过上限{max}个月", max = MAX_TRANSITION_MONTHS)]
    TooManyMonths(u32),
    /// A share above 100%.
    #[error("{0}结构无证部分认定比例{1}%超过100%")]
    PercentAbove100(BuildingStructure, u32),
}

/// A standard that cannot be used, with every problem found, so the policy group can fix
/// them all in one pass rather than one error at a time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidStandard {
    /// Never empty.
    pub problems: Vec<StandardProblem>,
}

impl fmt::Display for InvalidStandard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("补偿标准有误：")?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("；")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl CompensationStandard {
    /// Checks the standard before it is published or used; returns every problem at once.
    pub fn validate(&self) -> Result<(), InvalidStandard> {
        let mut problems = Vec::new();
        for s in BuildingStructure::ALL {
            match self.rates_per_m2.get(&s) {
                None => problems.push(StandardProblem::MissingRate(s)),
                Some(r) if r.0 < 0 => problems.push(StandardProblem::NegativeRate(s, *r)),
                Some(r) if *r > MAX_AMOUNT => problems.push(StandardProblem::RateTooLarge(s, *r)),
                Some(_) => {}
            }
            let percent = self
                .recognition
                .unlicensed_percent
                .get(&s)
                .copied()
                .unwrap_or(0);
            if percent > 100 {
                problems.push(StandardProblem::PercentAbove100(s, percent));
            }
        }
        let mut amounts = vec![
            ("搬家补助", self.relocation_allowance_per_household),
            ("过渡费标准", self.transition_subsidy_per_person_month),
        ];
        if let Some(r) = &self.signing_reward {
            amounts.push(("签约奖励", r.amount_per_household));
        }
        if let Some(r) = &self.vacating_reward {
            amounts.push(("腾空奖励", r.amount_per_household));
        }
        if let Some(r) = &self.resettlement {
            amounts.push(("超面积单价", r.excess_rate_per_m2));
        }
        for (what, amount) in amounts {
            if amount.0 < 0 {
                problems.push(StandardProblem::NegativeAmount(what, amount));
            } else if amount > MAX_AMOUNT {
                problems.push(StandardProblem::AmountTooLarge(what, amount));
            }
        }
        if self.transition_months > MAX_TRANSITION_MONTHS {
            problems.push(StandardProblem::TooManyMonths(self.transition_months));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(InvalidStandard { problems })
        }
    }

    /// A realistic standard for the 2019 demo campaign: frame ¥2,200/㎡, brick-concrete
    /// ¥1,900, brick-wood ¥1,300, simple ¥400; ¥2,000 for moving; ¥600 per person per
    /// month for 18 months; ¥20,000 for signing by 2019-06-15 and ¥10,000 for vacating by
    /// 2019-06-30; the default recognition rule; property exchange at 40 m² per person or
    /// the legal area, whichever is greater, at most 180 m², and ¥3,500/㎡ beyond.
    pub fn example_2019() -> CompensationStandard {
        let rates_per_m2 = BTreeMap::from([
            (BuildingStructure::Frame, Fen(220_000)),
            (BuildingStructure::BrickConcrete, Fen(190_000)),
            (BuildingStructure::BrickWood, Fen(130_000)),
            (BuildingStructure::Simple, Fen(40_000)),
        ]);
        CompensationStandard {
            rates_per_m2,
            relocation_allowance_per_household: Fen(200_000),
            transition_subsidy_per_person_month: Fen(60_000),
            transition_months: 18,
            signing_reward: NaiveDate::from_ymd_opt(2019, 6, 15).map(|deadline| DeadlineReward {
                deadline,
                amount_per_household: Fen(2_000_000),
            }),
            vacating_reward: NaiveDate::from_ymd_opt(2019, 6, 30).map(|deadline| DeadlineReward {
                deadline,
                amount_per_household: Fen(1_000_000),
            }),
            recognition: RecognitionRule::default(),
            resettlement: Some(ResettlementTerms {
                entitlement: EntitlementRule::Greater {
                    area_per_person: SquareMetres::from_whole(40),
                    cap: SquareMetres::from_whole(180),
                },
                excess_rate_per_m2: Fen(350_000),
                require_confirmed_population: false,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_standard_is_valid() {
        let s = CompensationStandard::example_2019();
        assert_eq!(s.validate(), Ok(()));
        assert!(s.signing_reward.is_some() && s.vacating_reward.is_some());
    }

    #[test]
    fn validation_lists_every_problem_in_chinese() {
        let mut s = CompensationStandard::example_2019();
        s.rates_per_m2.remove(&BuildingStructure::BrickWood);
        s.rates_per_m2.insert(BuildingStructure::Simple, Fen(-1));
        s.relocation_allowance_per_household = Fen(-100);
        s.transition_months = 180;
        s.recognition
            .unlicensed_percent
            .insert(BuildingStructure::Frame, 120);
        let err = s.validate().unwrap_err();
        assert_eq!(err.problems.len(), 5);
        let text = err.to_string();
        assert!(text.starts_with("补偿标准有误："), "{text}");
        assert!(text.contains("缺少砖木结构的补偿单价"), "{text}");
        assert!(text.contains("搬家补助不能为负（-¥1.00）"), "{text}");
        assert!(text.contains("过渡期180个月超过上限120个月"), "{text}");
        assert!(
            text.contains("框架结构无证部分认定比例120%超过100%"),
            "{text}"
        );
    }

    #[test]
    fn reward_is_earned_on_the_deadline_but_not_after() {
        let r = DeadlineReward {
            deadline: NaiveDate::from_ymd_opt(2019, 6, 15).unwrap(),
            amount_per_household: Fen(100),
        };
        assert!(r.earned(NaiveDate::from_ymd_opt(2019, 6, 15)));
        assert!(r.earned(NaiveDate::from_ymd_opt(2019, 6, 1)));
        assert!(!r.earned(NaiveDate::from_ymd_opt(2019, 6, 16)));
        assert!(!r.earned(None));
    }
}
