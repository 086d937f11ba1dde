//! "Sunshine verification" of the resettlement population (安置人口阳光核定): the list of
//! persons a household is resettled with goes through initial review (初审), re-review by
//! the policy group (复审), public posting in the village for a set period (公示) during
//! which anyone may object (异议), and is confirmed (认定) only after the period has ended
//! with every objection resolved.
//!
//! The workflow is a state machine whose only entry points are the transitions below.
//! Each consumes the review and returns the next one or an error, so a list cannot be
//! confirmed early or with an objection pending — there is no way to write that state.
//! Every successful transition is appended to an event log; [`PopulationReview::replay`]
//! rebuilds a review from its stored log through the same checks, so storage can never
//! hold a review the rules would not have produced.
//!
//! An objection that is upheld sends the list back to draft for correction, from
//! whatever stage it is in; it then goes through both reviews and a fresh posting again.
//! Objections not yet resolved stay open across that round and must still be resolved
//! before confirmation.
//!
//! What is posted is frozen: a change to the household's members once the list has been
//! posted (or confirmed) starts a change round (成果变更): the list goes back to draft, the
//! round number goes up, and it is reviewed and posted again. Every posting is kept with
//! how it ended ([`PostingRecord`]), so the history of rounds can be shown.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

pub use super::posting_rounds::{ObjectionReference, PostingEnd, PostingRecord, ReviewError};

/// The usual posting period in the town: seven days, first and last day included.
pub const DEFAULT_POSTING_DAYS: u32 = 7;

/// Where a review stands, with who did what and when, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewStage {
    /// 草稿: being prepared or corrected.
    Draft,
    /// 已初审.
    InitiallyReviewed {
        /// The initial reviewer.
        by: String,
        /// The day of the initial review.
        on: NaiveDate,
    },
    /// 已复审 by a member of the policy group; the initial reviewer is kept so that the
    /// same person cannot do both.
    ReReviewed {
        /// The initial reviewer (kept to refuse the same person reviewing twice).
        initially_by: String,
        /// The second reviewer.
        by: String,
        /// The day of the second review.
        on: NaiveDate,
    },
    /// 公示中, from the first to the last day inclusive.
    Posted {
        /// First day of the posting.
        from: NaiveDate,
        /// Last day of the posting (included).
        until: NaiveDate,
    },
    /// 已认定.
    Confirmed {
        /// The day of the confirmation.
        on: NaiveDate,
    },
}

impl ReviewStage {
    /// The Chinese name shown in lists and in error messages.
    pub fn label(&self) -> &'static str {
        match self {
            ReviewStage::Draft => "草稿",
            ReviewStage::InitiallyReviewed { .. } => "已初审",
            ReviewStage::ReReviewed { .. } => "已复审",
            ReviewStage::Posted { .. } => "公示中",
            ReviewStage::Confirmed { .. } => "已认定",
        }
    }
}

/// How an objection was dealt with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// 异议成立: the list is wrong and goes back to draft; `note` says what to correct.
    Upheld {
        /// What to correct.
        note: String,
    },
    /// 异议不成立: the list stands; the reason is required because it is answered to the
    /// objector and kept for the discipline inspectors.
    Dismissed {
        /// Why the objection does not hold.
        reason: String,
    },
}

/// An objection lodged during the posting, and its resolution once made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    /// The day it was lodged; within the posting period.
    pub lodged_on: NaiveDate,
    /// Who objected; may be empty for an anonymous report through the hotline.
    pub by: String,
    /// What the objection says.
    pub content: String,
    /// `None` while open.
    pub resolved: Option<Resolved>,
}

/// When, by whom and how an objection was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// The day of the decision.
    pub on: NaiveDate,
    /// Who decided.
    pub by: String,
    /// The decision.
    pub resolution: Resolution,
}

/// One step of the workflow as stored in the log; replaying the log rebuilds the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewEvent {
    /// 初审.
    InitialReview {
        /// Reviewer.
        by: String,
        /// Day of the review.
        on: NaiveDate,
    },
    /// 复审.
    ReReview {
        /// Reviewer; must differ from the initial one.
        by: String,
        /// Day of the review.
        on: NaiveDate,
    },
    /// 公示 for `days` days starting `from`.
    Post {
        /// First day of the posting.
        from: NaiveDate,
        /// Length of the posting in days, first and last included.
        days: u32,
    },
    /// 异议.
    Object {
        /// Day lodged.
        on: NaiveDate,
        /// Who objected (may be empty).
        by: String,
        /// What the objection says.
        content: String,
    },
    /// Resolution of the objection at `index` (0-based, in the order lodged).
    Resolve {
        /// Which objection.
        index: usize,
        /// Day of the decision.
        on: NaiveDate,
        /// Who decided.
        by: String,
        /// The decision.
        resolution: Resolution,
    },
    /// 认定.
    Confirm {
        /// Day of the confirmation.
        on: NaiveDate,
    },
    /// 成果变更: the members were changed after the list was reviewed or posted; the
    /// list goes back to draft, and a posted or confirmed list starts a new round.
    MembersChanged {
        /// Day of the change.
        on: NaiveDate,
    },
}

/// The verification of one household's resettlement population. `Clone` so a caller can
/// keep the old state when a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationReview {
    stage: ReviewStage,
    objections: Vec<Objection>,
    events: Vec<ReviewEvent>,
    /// Date of the last change of stage; later steps may not be dated before it.
    since: Option<NaiveDate>,
    /// The current round, from 1.
    round: u32,
    /// Every posting, in order.
    postings: Vec<PostingRecord>,
}

impl Default for PopulationReview {
    fn default() -> Self {
        PopulationReview::new()
    }
}

impl PopulationReview {
    /// A new list, in draft.
    pub fn new() -> PopulationReview {
        PopulationReview {
            stage: ReviewStage::Draft,
            objections: Vec::new(),
            events: Vec::new(),
            since: None,
            round: 1,
            postings: Vec::new(),
        }
    }

    /// Rebuilds a review from its stored log, applying every check again.
    pub fn replay(events: &[ReviewEvent]) -> Result<PopulationReview, ReviewError> {
        events
            .iter()
            .cloned()
            .try_fold(PopulationReview::new(), PopulationReview::apply)
    }

    /// Where the review stands.
    pub fn stage(&self) -> &ReviewStage {
        &self.stage
    }

    /// Every objection ever lodged, in order; indices are stable.
    pub fn objections(&self) -> &[Objection] {
        &self.objections
    }

    /// How many objections are still open.
    pub fn open_objections(&self) -> usize {
        self.objections
            .iter()
            .filter(|o| o.resolved.is_none())
            .count()
    }

    /// The current round: 1, then one more for each change round (成果变更).
    pub fn round(&self) -> u32 {
        self.round
    }

    /// Every posting so far, in order, with its round and how it ended.
    pub fn postings(&self) -> &[PostingRecord] {
        &self.postings
    }

    /// The person who did the initial review of the current list, if it is reviewed.
    pub fn initial_reviewer(&self) -> Option<&str> {
        match &self.stage {
            ReviewStage::InitiallyReviewed { by, .. } => Some(by),
            ReviewStage::ReReviewed { initially_by, .. } => Some(initially_by),
            _ => None,
        }
    }

    /// The log to store; feeding it to [`PopulationReview::replay`] gives this review back.
    pub fn events(&self) -> &[ReviewEvent] {
        &self.events
    }

    /// 初审, from draft.
    pub fn initial_review(self, by: &str, on: NaiveDate) -> Result<Self, ReviewError> {
        self.apply(ReviewEvent::InitialReview {
            by: by.trim().to_string(),
            on,
        })
    }

    /// 复审 by the policy group, after the initial review and by someone else.
    pub fn re_review(self, by: &str, on: NaiveDate) -> Result<Self, ReviewError> {
        self.apply(ReviewEvent::ReReview {
            by: by.trim().to_string(),
            on,
        })
    }

    /// 公示 for `days` days (at least one) starting `from`, both ends included.
    pub fn post(self, from: NaiveDate, days: u32) -> Result<Self, ReviewError> {
        self.apply(ReviewEvent::Post { from, days })
    }

    /// 异议, lodged on a day within the posting period.
    pub fn object(self, on: NaiveDate, by: &str, content: &str) -> Result<Self, ReviewError> {
        let (by, content) = (by.trim().to_string(), content.trim().to_string());
        self.apply(ReviewEvent::Object { on, by, content })
    }

    /// Resolves the objection at `index` (0-based). Upholding it sends the list back to
    /// draft; dismissing it needs a reason.
    pub fn resolve(
        self,
        index: usize,
        on: NaiveDate,
        by: &str,
        resolution: Resolution,
    ) -> Result<Self, ReviewError> {
        self.apply(ReviewEvent::Resolve {
            index,
            on,
            by: by.trim().to_string(),
            resolution,
        })
    }

    /// 认定, only once `today` is after the last day of the posting and no objection is
    /// open.
    pub fn confirm(self, today: NaiveDate) -> Result<Self, ReviewError> {
        self.apply(ReviewEvent::Confirm { on: today })
    }

    /// The household's members changed on `on`. A draft stays as it is (nothing is
    /// logged); a reviewed list goes back to draft; a posted or confirmed list goes back
    /// to draft in a new round (成果变更), to be reviewed and posted again. Never refused:
    /// the members are the facts, the review follows them.
    pub fn members_changed(self, on: NaiveDate) -> Result<Self, ReviewError> {
        match self.stage {
            ReviewStage::Draft => Ok(self),
            _ => self.apply(ReviewEvent::MembersChanged { on }),
        }
    }

    /// The one place where the rules live: checks `event` against the current state and
    /// returns the next state with the event logged.
    fn apply(mut self, event: ReviewEvent) -> Result<Self, ReviewError> {
        let next_stage = match (&self.stage, &event) {
            (ReviewStage::Draft, ReviewEvent::InitialReview { by, on }) => {
                non_empty(by, "初审人")?;
                self.not_before_since(*on)?;
                Some(ReviewStage::InitiallyReviewed {
                    by: by.clone(),
                    on: *on,
                })
            }
            (
                ReviewStage::InitiallyReviewed {
                    by: first,
                    on: first_on,
                },
                ReviewEvent::ReReview { by, on },
            ) => {
                non_empty(by, "复审人")?;
                if by == first {
                    return Err(ReviewError::SameReviewer);
                }
                not_before(*on, *first_on)?;
                Some(ReviewStage::ReReviewed {
                    initially_by: first.clone(),
                    by: by.clone(),
                    on: *on,
                })
            }
            (
                ReviewStage::ReReviewed {
                    on: reviewed_on, ..
                },
                ReviewEvent::Post { from, days },
            ) => {
                let extra = days.checked_sub(1).ok_or(ReviewError::EmptyPeriod)?;
                not_before(*from, *reviewed_on)?;
                let until = from
                    .checked_add_days(Days::new(u64::from(extra)))
                    .ok_or(ReviewError::DateOutOfRange)?;
                Some(ReviewStage::Posted { from: *from, until })
            }
            (ReviewStage::Posted { from, until }, ReviewEvent::Object { on, by, content }) => {
                non_empty(content, "异议内容")?;
                if on < from || on > until {
                    return Err(ReviewError::OutsidePeriod {
                        from: *from,
                        until: *until,
                    });
                }
                self.objections.push(Objection {
                    lodged_on: *on,
                    by: by.clone(),
                    content: content.clone(),
                    resolved: None,
                });
                None
            }
            (ReviewStage::Confirmed { .. }, ReviewEvent::Resolve { .. }) => {
                return Err(self.wrong_stage(&event));
            }
            (
                _,
                ReviewEvent::Resolve {
                    index,
                    on,
                    by,
                    resolution,
                },
            ) => {
                non_empty(by, "处理人")?;
                if let Resolution::Dismissed { reason } = resolution {
                    non_empty(reason, "驳回理由")?;
                }
                let number = index.saturating_add(1);
                let objection = self
                    .objections
                    .get_mut(*index)
                    .ok_or(ReviewError::NoSuchObjection(number))?;
                if objection.resolved.is_some() {
                    return Err(ReviewError::AlreadyResolved(number));
                }
                not_before(*on, objection.lodged_on)?;
                objection.resolved = Some(Resolved {
                    on: *on,
                    by: by.clone(),
                    resolution: resolution.clone(),
                });
                match resolution {
                    Resolution::Upheld { .. } => Some(ReviewStage::Draft),
                    Resolution::Dismissed { .. } => None,
                }
            }
            (ReviewStage::Posted { until, .. }, ReviewEvent::Confirm { on }) => {
                if on <= until {
                    return Err(ReviewError::PeriodNotOver { until: *until });
                }
                match self.open_objections() {
                    0 => Some(ReviewStage::Confirmed { on: *on }),
                    n => return Err(ReviewError::UnresolvedObjections(n)),
                }
            }
            (ReviewStage::Draft, ReviewEvent::MembersChanged { .. }) => None,
            (_, ReviewEvent::MembersChanged { .. }) => Some(ReviewStage::Draft),
            _ => return Err(self.wrong_stage(&event)),
        };
        self.keep_postings(&event);
        if let Some(stage) = next_stage {
            // A change of members is a fact of its day, not a step after the last one:
            // it never moves the dates back (a posting may start in the future).
            let on = event_date(&event);
            self.since = Some(self.since.map_or(on, |s| s.max(on)));
            self.stage = stage;
        }
        self.events.push(event);
        Ok(self)
    }

    /// Keeps the record of postings up to date with `event`, which the rules accepted;
    /// called before the stage moves on.
    fn keep_postings(&mut self, event: &ReviewEvent) {
        let posted_or_confirmed = matches!(
            self.stage,
            ReviewStage::Posted { .. } | ReviewStage::Confirmed { .. }
        );
        let current = self.postings.last_mut().filter(|p| p.ended.is_none());
        match (event, current) {
            (ReviewEvent::Post { from, days }, _) => {
                let until = from
                    .checked_add_days(Days::new(u64::from(days.saturating_sub(1))))
                    .unwrap_or(*from);
                self.postings.push(PostingRecord {
                    round: self.round,
                    from: *from,
                    until,
                    confirmed_on: None,
                    ended: None,
                });
            }
            (ReviewEvent::Confirm { on }, Some(p)) => p.confirmed_on = Some(*on),
            (
                ReviewEvent::Resolve {
                    on,
                    resolution: Resolution::Upheld { .. },
                    ..
                },
                Some(p),
            ) if posted_or_confirmed => p.ended = Some((PostingEnd::Upheld, *on)),
            (ReviewEvent::MembersChanged { on }, current) if posted_or_confirmed => {
                if let Some(p) = current {
                    p.ended = Some((PostingEnd::Changed, *on));
                }
                self.round = self.round.saturating_add(1);
            }
            _ => {}
        }
    }

    fn not_before_since(&self, on: NaiveDate) -> Result<(), ReviewError> {
        self.since
            .map_or(Ok(()), |previous| not_before(on, previous))
    }

    fn wrong_stage(&self, event: &ReviewEvent) -> ReviewError {
        let action = match event {
            ReviewEvent::InitialReview { .. } => "初审",
            ReviewEvent::ReReview { .. } => "复审",
            ReviewEvent::Post { .. } => "公示",
            ReviewEvent::Object { .. } => "提出异议",
            ReviewEvent::Resolve { .. } => "处理异议",
            ReviewEvent::Confirm { .. } => "认定",
            ReviewEvent::MembersChanged { .. } => "变更成员",
        };
        ReviewError::WrongStage {
            stage: self.stage.label(),
            action,
        }
    }
}

fn event_date(event: &ReviewEvent) -> NaiveDate {
    match event {
        ReviewEvent::InitialReview { on, .. }
        | ReviewEvent::ReReview { on, .. }
        | ReviewEvent::Object { on, .. }
        | ReviewEvent::Resolve { on, .. }
        | ReviewEvent::Confirm { on }
        | ReviewEvent::MembersChanged { on } => *on,
        ReviewEvent::Post { from, .. } => *from,
    }
}

fn non_empty(text: &str, what: &'static str) -> Result<(), ReviewError> {
    if text.trim().is_empty() {
        Err(ReviewError::Missing(what))
    } else {
        Ok(())
    }
}

fn not_before(on: NaiveDate, previous: NaiveDate) -> Result<(), ReviewError> {
    if on < previous {
        Err(ReviewError::DateGoesBack { on, previous })
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[path = "posting_tests.rs"]
mod tests;
