//! The expropriation and resettlement headquarters (征收安置指挥部): part B.
//!
//! Pure rules, no I/O: building structures, title verification (确权), the published
//! compensation standard, the household's compensation sheet, milestones, the resettlement flats, the
//! entitlement and the order in which households choose them, the review-and-posting of the
//! resettlement population, the deadlines of grievances, and the arithmetic of the progress
//! wall and daily report;
//! also the closed vocabularies (project kinds, working groups, household kinds, visit
//! modes, attitudes) that forms, imports and storage share.

pub mod care;
pub mod choosing_order;
pub mod compensation;
pub mod flat;
pub mod grievance;
pub mod household;
pub mod milestone;
pub mod posting;
pub mod posting_rounds;
pub mod progress;
pub mod project;
pub mod standard;
pub mod structure;
pub mod title;
pub mod worklog;

pub use care::{CareError, CareKind, TemporaryHousing};
pub use choosing_order::{
    ChoosingPosition, HouseholdMoments, RecordedMoment, calling_order, choosing_order,
};
pub use compensation::{
    AppraisalItem, AppraisalKind, BuildingForCompensation, CompensationError, CompensationInput,
    CompensationLine, CompensationSheet, LineKind, compute,
};
pub use flat::{
    CompensationOption, EntitlementRule, Excess, ExcessError, FlatKind, FlatState,
    ResettlementTerms,
};
pub use grievance::{
    Channel, GrievanceError, GrievanceKind, GrievanceState, IncidentKind, Reference, Reporter,
    Standing,
};
pub use household::{HeadId, HeadIdError, HouseholdKind, Residence};
pub use milestone::{Milestone, MilestoneDates, MilestoneError};
pub use posting::{
    ObjectionReference, PopulationReview, PostingEnd, PostingRecord, ReviewError, ReviewEvent,
    ReviewStage,
};
pub use progress::{Permille, Progress};
pub use project::{ProjectKind, ProjectStatus, TeamKind};
pub use standard::{CompensationStandard, DeadlineReward, InvalidStandard};
pub use structure::BuildingStructure;
pub use title::{Building, RecognitionRule};
pub use worklog::{Attitude, VisitMode};
