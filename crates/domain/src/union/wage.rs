//! Collective wage bargaining (工资集体协商): contracts per enterprise and the signing rate
//! the federation reports (工资专项集体合同签订率 ≥ 98% in 2019).
//!
//! Only a contract in force on the report day counts; an expired one is the most common
//! reason an enterprise silently drops out of the rate, so validity is one rule used everywhere.

use super::coverage::rate_bp;
use crate::platform::labelled::labelled;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

labelled! {
    /// The kinds of collective contract an enterprise may sign.
    ContractKind as "集体合同类型" {
        /// 工资专项集体合同: the wage-specific contract the signing rate counts.
        WageSpecific => ("wage_specific", "工资专项集体合同", ["工资专项合同", "工资集体合同"]),
        /// 综合性集体合同: the general collective contract.
        Comprehensive => ("comprehensive", "综合性集体合同", ["集体合同"]),
        /// 女职工权益保护专项集体合同: special contract on women workers' rights.
        FemaleWorkers => ("female_workers", "女职工权益保护专项集体合同", ["女职工专项合同"]),
        /// 劳动安全卫生专项集体合同: special contract on occupational safety and health.
        Safety => ("safety", "劳动安全卫生专项集体合同", ["劳动安全卫生专项合同"]),
    }
}

impl ContractKind {
    /// Whether a contract of this kind counts towards the wage signing rate. Only the
    /// wage-specific one does: that is what the target and the yearbook figure measure.
    pub fn counts_for_wage_rate(self) -> bool {
        self == ContractKind::WageSpecific
    }
}

/// Why a contract cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WageError {
    /// A contract that expires before it was signed.
    #[error("合同到期日（{expiry}）不能早于签订日（{signed}）")]
    ExpiryBeforeSigning {
        /// Day signed.
        signed: NaiveDate,
        /// Day it expires.
        expiry: NaiveDate,
    },
}

/// A collective contract whose dates have been checked: it always expires on or after the day
/// it was signed, so validity on a day is a plain range test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WageContract {
    kind: ContractKind,
    signed: NaiveDate,
    expiry: NaiveDate,
}

impl WageContract {
    /// Checks the dates once, when the contract is entered or imported.
    pub fn new(
        kind: ContractKind,
        signed: NaiveDate,
        expiry: NaiveDate,
    ) -> Result<WageContract, WageError> {
        if expiry < signed {
            return Err(WageError::ExpiryBeforeSigning { signed, expiry });
        }
        Ok(WageContract {
            kind,
            signed,
            expiry,
        })
    }

    /// The contract's kind.
    pub fn kind(&self) -> ContractKind {
        self.kind
    }

    /// The day it was signed.
    pub fn signed(&self) -> NaiveDate {
        self.signed
    }

    /// The last day it is in force.
    pub fn expiry(&self) -> NaiveDate {
        self.expiry
    }

    /// Whether it is in force on `on` (see [`contract_valid_on`]).
    pub fn valid_on(&self, on: NaiveDate) -> bool {
        contract_valid_on(self.signed, self.expiry, on)
    }

    /// Whether it makes its enterprise count as "signed" for the wage rate on `on`.
    pub fn counts_for_wage_rate_on(&self, on: NaiveDate) -> bool {
        self.kind.counts_for_wage_rate() && self.valid_on(on)
    }
}

/// Whether a contract signed on `signed` and expiring on `expiry` is in force on `on`: both
/// ends inclusive, since a contract "valid until 31 December" still holds on that day. A
/// contract whose expiry precedes its signing is never in force.
pub fn contract_valid_on(signed: NaiveDate, expiry: NaiveDate, on: NaiveDate) -> bool {
    signed <= on && on <= expiry
}

/// The signing rate in basis points (10000 = 100%): enterprises with a valid wage contract
/// over enterprises that must have one. Rounded down, so 100% means every one has signed; with
/// none that must sign the rate is 100% (nothing is missing). A numerator above the
/// denominator (e.g. contracts at enterprises outside the target list) is capped at 100%.
pub fn signing_rate_bp(with_valid_contract: u32, must_have: u32) -> u32 {
    rate_bp(with_valid_contract, must_have)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::time::day;
    use crate::union::coverage::format_rate;
    use proptest::prelude::*;

    #[test]
    fn contract_is_valid_from_signing_through_expiry() {
        let (signed, expiry) = (day(2019, 3, 1), day(2021, 12, 31));
        assert!(!contract_valid_on(signed, expiry, day(2019, 2, 28)));
        assert!(contract_valid_on(signed, expiry, signed));
        assert!(contract_valid_on(signed, expiry, day(2020, 6, 1)));
        assert!(contract_valid_on(signed, expiry, expiry));
        assert!(!contract_valid_on(signed, expiry, day(2022, 1, 1)));
    }

    #[test]
    fn contract_cannot_expire_before_it_is_signed() {
        let err = WageContract::new(ContractKind::WageSpecific, day(2019, 3, 1), day(2019, 2, 1));
        assert!(err.is_err());
        assert!(!contract_valid_on(
            day(2019, 3, 1),
            day(2019, 2, 1),
            day(2019, 2, 15)
        ));
        let one_day =
            WageContract::new(ContractKind::WageSpecific, day(2019, 3, 1), day(2019, 3, 1));
        assert!(one_day.is_ok_and(|c| c.valid_on(day(2019, 3, 1))));
    }

    #[test]
    fn only_wage_specific_contracts_count_for_the_rate() {
        let on = day(2019, 12, 31);
        let wage = WageContract::new(
            ContractKind::WageSpecific,
            day(2019, 1, 1),
            day(2021, 12, 31),
        );
        let general = WageContract::new(
            ContractKind::Comprehensive,
            day(2019, 1, 1),
            day(2021, 12, 31),
        );
        assert!(wage.is_ok_and(|c| c.counts_for_wage_rate_on(on)));
        assert!(general.is_ok_and(|c| !c.counts_for_wage_rate_on(on)));
    }

    #[test]
    fn signing_rate_matches_the_2019_report() {
        // 969 of 986 enterprises signed: 98.27%, shown as 98.3%.
        assert_eq!(signing_rate_bp(969, 986), 9827);
        assert_eq!(format_rate(signing_rate_bp(969, 986)), "98.3%");
        assert_eq!(signing_rate_bp(0, 0), 10_000);
        assert_eq!(signing_rate_bp(5, 4), 10_000);
    }

    #[test]
    fn contract_kinds_read_their_usual_names() {
        assert_eq!(
            ContractKind::parse("工资专项合同"),
            Ok(ContractKind::WageSpecific)
        );
    }

    proptest! {
        #[test]
        fn signing_rate_never_exceeds_full(a in any::<u32>(), b in any::<u32>()) {
            prop_assert!(signing_rate_bp(a, b) <= 10_000);
        }
    }
}
