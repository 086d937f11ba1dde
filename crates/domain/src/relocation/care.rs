//! Care for the households (群众关怀): where a household lives while its new home is
//! built (过渡安置: where, from, until, months of transition subsidy) and the help the
//! headquarters gives (help with moving, harvesting the crops 青苗 before the land is
//! cleared). A stay past its until-date is flagged, because it means the resettlement
//! flat is late and the subsidy has to be extended.

use crate::platform::labelled::labelled;
use chrono::NaiveDate;

labelled! {
    /// What kind of help was given.
    CareKind {
        /// 帮助搬家.
        Moving => ("moving", "帮助搬家", ["搬家", "搬迁"]),
        /// 抢收青苗: harvesting the crops before the land is cleared.
        Harvest => ("harvest", "抢收青苗", ["青苗", "抢收"]),
        /// 其他帮扶.
        Other => ("other", "其他帮扶", ["其他"]),
    }
}

/// Months of transition subsidy one stay may carry (ten years).
pub const MAX_SUBSIDY_MONTHS: u32 = 120;

/// A household's temporary housing, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemporaryHousing {
    /// Where (an address, 周转房 number, "自行租房 …").
    pub place: String,
    /// Moved in.
    pub from: NaiveDate,
    /// Expected to leave (the resettlement flat handed over).
    pub until: NaiveDate,
    /// Months of transition subsidy paid for it.
    pub subsidy_months: u32,
}

/// Why a temporary housing or care record was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CareError {
    /// Nothing said about where.
    #[error("请填写过渡安置地点")]
    PlaceMissing,
    /// An until-date before the from-date.
    #[error("过渡截止日期不能早于开始日期")]
    UntilBeforeFrom,
    /// Too many subsidy months.
    #[error("过渡补助月数不超过{MAX_SUBSIDY_MONTHS}个月")]
    TooManyMonths,
    /// A care action without who helped.
    #[error("请填写帮扶人员")]
    HelpersMissing,
    /// A care action dated in the future.
    #[error("帮扶日期不能晚于今天")]
    InFuture,
}

impl TemporaryHousing {
    /// Checks a stay as entered.
    pub fn new(
        place: &str,
        from: NaiveDate,
        until: NaiveDate,
        subsidy_months: u32,
    ) -> Result<TemporaryHousing, CareError> {
        let place = place.trim();
        if place.is_empty() {
            return Err(CareError::PlaceMissing);
        }
        if until < from {
            return Err(CareError::UntilBeforeFrom);
        }
        if subsidy_months > MAX_SUBSIDY_MONTHS {
            return Err(CareError::TooManyMonths);
        }
        Ok(TemporaryHousing {
            place: place.to_string(),
            from,
            until,
            subsidy_months,
        })
    }

    /// Whether the household is still there after its until-date (`today` excluded:
    /// the last day is still within the stay).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        overdue(self.until, today)
    }
}

/// Whether a stay ending `until` is overdue on `today`.
pub fn overdue(until: NaiveDate, today: NaiveDate) -> bool {
    until < today
}

/// Checks a care action: someone helped, and not in the future.
pub fn check_action(helpers: &str, on: NaiveDate, today: NaiveDate) -> Result<(), CareError> {
    if helpers.trim().is_empty() {
        return Err(CareError::HelpersMissing);
    }
    if on > today {
        return Err(CareError::InFuture);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, m, day).expect("valid test date")
    }

    #[test]
    fn a_stay_needs_a_place_and_an_order_of_dates() {
        assert_eq!(
            TemporaryHousing::new(" ", d(3, 1), d(9, 1), 6),
            Err(CareError::PlaceMissing)
        );
        assert_eq!(
            TemporaryHousing::new("周转房3号", d(9, 1), d(3, 1), 6),
            Err(CareError::UntilBeforeFrom)
        );
        assert_eq!(
            TemporaryHousing::new("周转房3号", d(3, 1), d(9, 1), 121),
            Err(CareError::TooManyMonths)
        );
        let stay = TemporaryHousing::new(" 周转房3号 ", d(3, 1), d(9, 1), 6).expect("valid");
        assert_eq!(stay.place, "周转房3号");
    }

    #[test]
    fn a_stay_is_overdue_only_after_its_last_day() {
        let stay = TemporaryHousing::new("周转房3号", d(3, 1), d(9, 1), 6).expect("valid");
        assert!(!stay.overdue(d(8, 31)));
        assert!(!stay.overdue(d(9, 1)));
        assert!(stay.overdue(d(9, 2)));
    }

    #[test]
    fn care_actions_need_helpers_and_a_past_day() {
        assert_eq!(
            check_action(" ", d(5, 1), d(5, 2)),
            Err(CareError::HelpersMissing)
        );
        assert_eq!(
            check_action("镇干部", d(5, 3), d(5, 2)),
            Err(CareError::InFuture)
        );
        assert!(check_action("镇干部", d(5, 2), d(5, 2)).is_ok());
        assert_eq!(CareKind::parse("青苗"), Some(CareKind::Harvest));
        assert_eq!(CareKind::parse("moving"), Some(CareKind::Moving));
    }
}
