//! Why a record of the union's services, rights and oversight work (facilities, collective
//! contracts, assessments, leader talks) cannot be kept: the domain's own rules and the few
//! the store checks against the records, typed up to the web's one error page.

use super::assessment::{ScoreError, WeightsError};
use super::facility::FacilityError;
use super::wage::WageError;

/// A refused change to a facility, contract, assessment or leader talk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RightsError {
    /// A facility's status or award rule.
    #[error(transparent)]
    Facility(#[from] FacilityError),
    /// A contract's dates.
    #[error(transparent)]
    Wage(#[from] WageError),
    /// Assessment weights that do not add up.
    #[error(transparent)]
    Weights(#[from] WeightsError),
    /// A responsibility score out of range.
    #[error(transparent)]
    Score(#[from] ScoreError),
    /// Township staff changing what only the city federation sets.
    #[error("只有市总工会可以修改此项")]
    CityOnly,
    /// Township staff writing a record of another township.
    #[error("只能登记本乡镇（街道）的记录")]
    OutsideTownship,
    /// A required text left empty.
    #[error("请填写{0}")]
    Missing(&'static str),
    /// A follow-up marked done before the talk took place.
    #[error("整改完成日期不能早于约谈日期")]
    FollowUpBeforeTalk,
}
