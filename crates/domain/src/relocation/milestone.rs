//! A household's milestones: signed 签约 → vacated 腾空 → demolished 拆除 → land cleared
//! 清表. They happen in that order and only in that order — nobody demolishes a house
//! whose owner has not signed — and the dates are what progress charts, deadline rewards
//! and the choosing order are computed from, so they are kept consistent here rather
//! than trusted from whoever typed them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One step of a household's expropriation, in the order they must happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Milestone {
    /// 签约: the agreement is signed.
    Signed,
    /// 腾空: the household has moved out.
    Vacated,
    /// 拆除: the buildings are demolished.
    Demolished,
    /// 清表: the land is cleared and handed over.
    Cleared,
}

impl Milestone {
    /// Every milestone, in order.
    pub const ALL: [Milestone; 4] = [
        Milestone::Signed,
        Milestone::Vacated,
        Milestone::Demolished,
        Milestone::Cleared,
    ];

    /// The Chinese word on the wall charts and in the daily report.
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Signed => "签约",
            Milestone::Vacated => "腾空",
            Milestone::Demolished => "拆除",
            Milestone::Cleared => "清表",
        }
    }

    /// The stable code kept in the database and used in URLs and the API.
    pub fn code(self) -> &'static str {
        match self {
            Milestone::Signed => "signed",
            Milestone::Vacated => "vacated",
            Milestone::Demolished => "demolished",
            Milestone::Cleared => "cleared",
        }
    }

    /// Reads a code or the Chinese word.
    pub fn parse(text: &str) -> Option<Milestone> {
        let t = text.trim();
        Milestone::ALL
            .into_iter()
            .find(|m| m.code() == t || m.label() == t)
    }

    /// The milestone that must be recorded before this one, if any.
    pub fn previous(self) -> Option<Milestone> {
        match self {
            Milestone::Signed => None,
            Milestone::Vacated => Some(Milestone::Signed),
            Milestone::Demolished => Some(Milestone::Vacated),
            Milestone::Cleared => Some(Milestone::Demolished),
        }
    }

    /// The milestone that follows this one, if any.
    pub fn following(self) -> Option<Milestone> {
        Milestone::ALL
            .into_iter()
            .find(|m| m.previous() == Some(self))
    }
}

/// Shown as the Chinese word.
impl fmt::Display for Milestone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a milestone could not be recorded or undone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MilestoneError {
    /// Milestones come in order: the one before has not been reached.
    #[error("尚未{missing}，不能登记{milestone}")]
    PreviousMissing {
        /// The milestone asked for.
        milestone: Milestone,
        /// The earlier one still missing.
        missing: Milestone,
    },
    /// Each milestone is reached once.
    #[error("已于{on}登记{milestone}，不能重复登记")]
    AlreadyRecorded {
        /// The milestone asked for.
        milestone: Milestone,
        /// When it was recorded.
        on: NaiveDate,
    },
    /// Dates never go back along the order.
    #[error("{milestone}日期{on}早于{previous}日期{previous_on}")]
    BeforePrevious {
        /// The milestone asked for.
        milestone: Milestone,
        /// Its date.
        on: NaiveDate,
        /// The milestone before it.
        previous: Milestone,
        /// That one's date.
        previous_on: NaiveDate,
    },
    /// Undoing a milestone never recorded.
    #[error("尚未登记{0}，无需撤销")]
    NotRecorded(Milestone),
    /// Only the latest milestone can be undone, so the recorded ones stay a prefix.
    #[error("已登记{later}，不能撤销{milestone}；请先撤销{later}")]
    NotLatest {
        /// The milestone asked to undo.
        milestone: Milestone,
        /// A later one still recorded.
        later: Milestone,
    },
}

/// The dates a household reached each milestone. The fields are private: the recorded
/// milestones always form a prefix of the order with non-decreasing dates, because the
/// only ways in are [`MilestoneDates::record`] and [`MilestoneDates::from_dates`], which
/// replays the same checks on stored data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawDates", into = "RawDates")]
pub struct MilestoneDates {
    signed: Option<NaiveDate>,
    vacated: Option<NaiveDate>,
    demolished: Option<NaiveDate>,
    cleared: Option<NaiveDate>,
}

/// The stored shape, checked on the way in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RawDates {
    signed: Option<NaiveDate>,
    vacated: Option<NaiveDate>,
    demolished: Option<NaiveDate>,
    cleared: Option<NaiveDate>,
}

impl TryFrom<RawDates> for MilestoneDates {
    type Error = MilestoneError;
    fn try_from(r: RawDates) -> Result<Self, Self::Error> {
        MilestoneDates::from_dates(r.signed, r.vacated, r.demolished, r.cleared)
    }
}

impl From<MilestoneDates> for RawDates {
    fn from(d: MilestoneDates) -> Self {
        RawDates {
            signed: d.signed,
            vacated: d.vacated,
            demolished: d.demolished,
            cleared: d.cleared,
        }
    }
}

impl MilestoneDates {
    /// Rebuilds a record from stored dates (signed, vacated, demolished, cleared),
    /// refusing combinations `record` could never have produced.
    pub fn from_dates(
        signed: Option<NaiveDate>,
        vacated: Option<NaiveDate>,
        demolished: Option<NaiveDate>,
        cleared: Option<NaiveDate>,
    ) -> Result<MilestoneDates, MilestoneError> {
        let mut dates = MilestoneDates::default();
        for (m, on) in Milestone::ALL
            .into_iter()
            .zip([signed, vacated, demolished, cleared])
        {
            if let Some(on) = on {
                dates.record(m, on)?;
            }
        }
        Ok(dates)
    }

    /// The date a milestone was reached, if it has been.
    pub fn get(&self, m: Milestone) -> Option<NaiveDate> {
        match m {
            Milestone::Signed => self.signed,
            Milestone::Vacated => self.vacated,
            Milestone::Demolished => self.demolished,
            Milestone::Cleared => self.cleared,
        }
    }

    fn slot(&mut self, m: Milestone) -> &mut Option<NaiveDate> {
        match m {
            Milestone::Signed => &mut self.signed,
            Milestone::Vacated => &mut self.vacated,
            Milestone::Demolished => &mut self.demolished,
            Milestone::Cleared => &mut self.cleared,
        }
    }

    /// Records that `m` was reached on `on`. The previous milestone must already be
    /// recorded, on the same day or earlier, and `m` must not be recorded yet: a wrong
    /// date is corrected by undoing, which leaves a trace, not by overwriting.
    pub fn record(&mut self, m: Milestone, on: NaiveDate) -> Result<(), MilestoneError> {
        if let Some(existing) = self.get(m) {
            return Err(MilestoneError::AlreadyRecorded {
                milestone: m,
                on: existing,
            });
        }
        if let Some(previous) = m.previous() {
            let Some(previous_on) = self.get(previous) else {
                return Err(MilestoneError::PreviousMissing {
                    milestone: m,
                    missing: previous,
                });
            };
            if on < previous_on {
                return Err(MilestoneError::BeforePrevious {
                    milestone: m,
                    on,
                    previous,
                    previous_on,
                });
            }
        }
        *self.slot(m) = Some(on);
        Ok(())
    }

    /// Removes the record of `m`, which must be the latest recorded milestone, so that
    /// the record never has a gap (vacated without signed).
    pub fn undo(&mut self, m: Milestone) -> Result<(), MilestoneError> {
        if self.get(m).is_none() {
            return Err(MilestoneError::NotRecorded(m));
        }
        if let Some((later, _)) = self.latest().filter(|(latest, _)| *latest != m) {
            return Err(MilestoneError::NotLatest {
                milestone: m,
                later,
            });
        }
        *self.slot(m) = None;
        Ok(())
    }

    /// The furthest milestone reached and its date; `None` before signing.
    pub fn latest(&self) -> Option<(Milestone, NaiveDate)> {
        Milestone::ALL
            .into_iter()
            .rev()
            .find_map(|m| self.get(m).map(|on| (m, on)))
    }

    /// The milestone to work on next; `None` once the land is cleared.
    pub fn next(&self) -> Option<Milestone> {
        match self.latest() {
            None => Some(Milestone::Signed),
            Some((m, _)) => m.following(),
        }
    }

    /// Whether `m` has been reached.
    pub fn has(&self, m: Milestone) -> bool {
        self.get(m).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, 6, day).expect("valid test date")
    }

    #[test]
    fn milestones_are_recorded_in_order() {
        let mut m = MilestoneDates::default();
        assert_eq!(m.next(), Some(Milestone::Signed));
        assert_eq!(m.latest(), None);
        m.record(Milestone::Signed, d(1)).unwrap();
        m.record(Milestone::Vacated, d(1)).unwrap();
        m.record(Milestone::Demolished, d(5)).unwrap();
        assert_eq!(m.latest(), Some((Milestone::Demolished, d(5))));
        assert_eq!(m.next(), Some(Milestone::Cleared));
        m.record(Milestone::Cleared, d(9)).unwrap();
        assert_eq!(m.next(), None);
    }

    #[test]
    fn codes_and_labels_parse() {
        crate::testing::assert_reads_back(&Milestone::ALL, |m| Milestone::parse(m.code()));
        crate::testing::assert_reads_back(&Milestone::ALL, |m| Milestone::parse(m.label()));
        assert_eq!(Milestone::parse("moved"), None);
    }

    #[test]
    fn cannot_vacate_before_signing() {
        let mut m = MilestoneDates::default();
        let err = m.record(Milestone::Vacated, d(1)).unwrap_err();
        assert_eq!(err.to_string(), "尚未签约，不能登记腾空");
        assert_eq!(m, MilestoneDates::default());
    }

    #[test]
    fn after_signing_an_earlier_date_or_a_second_signing_is_refused() {
        let refused = [
            // Dates cannot go back before the previous milestone.
            (
                Milestone::Vacated,
                d(9),
                "腾空日期2019-06-09早于签约日期2019-06-10",
            ),
            // Recording twice is refused.
            (
                Milestone::Signed,
                d(11),
                "已于2019-06-10登记签约，不能重复登记",
            ),
        ];
        for (milestone, on, reason) in refused {
            let mut m = MilestoneDates::default();
            m.record(Milestone::Signed, d(10)).unwrap();
            let err = m.record(milestone, on).unwrap_err();
            assert_eq!(err.to_string(), reason);
        }
    }

    #[test]
    fn only_the_latest_milestone_can_be_undone() {
        let mut m = MilestoneDates::default();
        m.record(Milestone::Signed, d(1)).unwrap();
        m.record(Milestone::Vacated, d(2)).unwrap();
        let err = m.undo(Milestone::Signed).unwrap_err();
        assert_eq!(err.to_string(), "已登记腾空，不能撤销签约；请先撤销腾空");
        assert_eq!(
            m.undo(Milestone::Demolished),
            Err(MilestoneError::NotRecorded(Milestone::Demolished))
        );
        m.undo(Milestone::Vacated).unwrap();
        m.undo(Milestone::Signed).unwrap();
        assert_eq!(m, MilestoneDates::default());
    }

    #[test]
    fn stored_dates_are_checked_when_rebuilt() {
        assert!(MilestoneDates::from_dates(None, Some(d(1)), None, None).is_err());
        assert!(MilestoneDates::from_dates(Some(d(2)), Some(d(1)), None, None).is_err());
        let ok = MilestoneDates::from_dates(Some(d(1)), Some(d(2)), None, None).unwrap();
        assert_eq!(ok.latest(), Some((Milestone::Vacated, d(2))));
    }

    proptest! {
        #[test]
        fn any_sequence_of_operations_keeps_a_consistent_record(
            ops in prop::collection::vec((0usize..4, any::<bool>(), 1u32..29), 0..40)
        ) {
            let mut m = MilestoneDates::default();
            for (i, undo, day) in ops {
                let which = Milestone::ALL[i];
                let _ = if undo { m.undo(which) } else { m.record(which, d(day)) };
                // Recorded milestones form a prefix with non-decreasing dates.
                let recorded: Vec<Option<NaiveDate>> = Milestone::ALL.iter().map(|x| m.get(*x)).collect();
                let n = recorded.iter().take_while(|x| x.is_some()).count();
                prop_assert!(recorded[n..].iter().all(Option::is_none));
                prop_assert!(recorded[..n].windows(2).all(|w| w[0] <= w[1]));
                let rebuilt = MilestoneDates::from_dates(recorded[0], recorded[1], recorded[2], recorded[3]);
                prop_assert_eq!(rebuilt, Ok(m));
            }
        }
    }
}
