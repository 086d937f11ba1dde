//! Grievances, the hotline and discipline (信访、举报、纪律监督).
//!
//! Anyone may question the campaign: by the project's supervision hotline (监督电话), the
//! form on its public page, a visit or a letter. Each report gets a handler and a deadline
//! fixed by its kind at the day it was received; until it is answered it is *on track*,
//! *at risk* in its last [`AT_RISK_DAYS`] days, and *overdue* after the deadline — and an
//! overdue report escalates to the commander. Who reported is for the discipline inspectors
//! alone ([`sees_reporter`]): the person a report may be about is often the one handling
//! it, so handlers and commanders read the content with the reporter masked.
//!
//! Petition incidents (上访) and misconduct findings (违规违纪) are registered apart
//! ([`IncidentKind`]): the yearbook reports how many of each a year had.
//!
//! The deadline is counted in calendar days from the day received, the day itself not
//! counted (received 3 June with 15 days: due 18 June, overdue from 19 June).

use crate::platform::Role;
use crate::platform::labelled::labelled;
use crate::platform::masking::{mask_mobile, mask_name};
use crate::platform::time::normalise_text;
use chrono::{Days, NaiveDate};
use serde::Serialize;

labelled! {
    /// How a report reached the headquarters.
    Channel {
        /// 监督电话: a call to the project's hotline.
        Hotline => ("hotline", "监督电话", ["电话", "热线", "举报电话"]),
        /// 网上留言: the form on the project's public page.
        PublicForm => ("public_form", "网上留言", ["网上", "留言", "公示页"]),
        /// 来访: in person at the headquarters.
        Visit => ("visit", "来访", ["上门", "当面"]),
        /// 来信.
        Letter => ("letter", "来信", ["信件", "书信"]),
    }
}

labelled! {
    /// What the reporter wants; it fixes the deadline ([`GrievanceKind::days`]).
    GrievanceKind {
        /// 咨询: a question about the policy or one's own case.
        Consultation => ("consultation", "咨询", ["询问"]),
        /// 投诉: a complaint about how one was treated.
        Complaint => ("complaint", "投诉", []),
        /// 举报: a report of wrongdoing by staff or others (discipline).
        Report => ("report", "举报", ["检举"]),
        /// 信访: a petition in the sense of the petition regulations.
        Petition => ("petition", "信访", ["信访事项"]),
    }
}

impl GrievanceKind {
    /// Calendar days allowed to answer. A question is answered within a working week; a
    /// complaint within half a month; a report of wrongdoing needs an inquiry (30 days);
    /// a petition has the 60 days the petition regulations (信访工作条例) allow.
    pub fn days(self) -> u32 {
        match self {
            GrievanceKind::Consultation => 5,
            GrievanceKind::Complaint => 15,
            GrievanceKind::Report => 30,
            GrievanceKind::Petition => 60,
        }
    }

    /// The last day to answer a report of this kind received on `received`.
    pub fn deadline(self, received: NaiveDate) -> NaiveDate {
        received
            .checked_add_days(Days::new(u64::from(self.days())))
            .unwrap_or(NaiveDate::MAX)
    }
}

labelled! {
    /// Where a report stands in its handling.
    GrievanceState {
        /// 办理中: received, not yet answered.
        Open => ("open", "办理中", ["待办", "未答复"]),
        /// 已答复: answered; the reporter may still come back.
        Answered => ("answered", "已答复", ["答复"]),
        /// 已办结: closed with its answer.
        Closed => ("closed", "已办结", ["办结", "关闭"]),
    }
}

impl GrievanceState {
    /// The state after answering: only an open report is answered (an answer is never
    /// silently replaced; a new question is a new report).
    pub fn answer(self) -> Result<GrievanceState, GrievanceError> {
        match self {
            GrievanceState::Open => Ok(GrievanceState::Answered),
            GrievanceState::Answered => Err(GrievanceError::AlreadyAnswered),
            GrievanceState::Closed => Err(GrievanceError::AlreadyClosed),
        }
    }

    /// The state after closing: only an answered report is closed.
    pub fn close(self) -> Result<GrievanceState, GrievanceError> {
        match self {
            GrievanceState::Answered => Ok(GrievanceState::Closed),
            GrievanceState::Open => Err(GrievanceError::NotAnswered),
            GrievanceState::Closed => Err(GrievanceError::AlreadyClosed),
        }
    }
}

/// Days before the deadline (the deadline day included) in which an open report is
/// at risk: enough for the commander to step in before it is late.
pub const AT_RISK_DAYS: u32 = 3;

/// How a report stands against its deadline on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Open, more than [`AT_RISK_DAYS`] days left.
    OnTrack,
    /// Open, in its last [`AT_RISK_DAYS`] days.
    AtRisk,
    /// Open after its deadline: escalated to the commander.
    Overdue,
    /// Answered by the deadline.
    Answered,
    /// Answered, but after the deadline.
    AnsweredLate,
}

impl Standing {
    /// Where a report due on `deadline`, answered on `answered_on` (if at all), stands on
    /// `today`.
    pub fn of(deadline: NaiveDate, answered_on: Option<NaiveDate>, today: NaiveDate) -> Standing {
        match answered_on {
            Some(on) if on > deadline => Standing::AnsweredLate,
            Some(_) => Standing::Answered,
            None if today > deadline => Standing::Overdue,
            None if (deadline - today).num_days() < i64::from(AT_RISK_DAYS) => Standing::AtRisk,
            None => Standing::OnTrack,
        }
    }

    /// Stable code (API, list filter).
    pub fn code(self) -> &'static str {
        match self {
            Standing::OnTrack => "on_track",
            Standing::AtRisk => "at_risk",
            Standing::Overdue => "overdue",
            Standing::Answered => "answered",
            Standing::AnsweredLate => "answered_late",
        }
    }

    /// The Chinese word shown in lists.
    pub fn label(self) -> &'static str {
        match self {
            Standing::OnTrack => "正常",
            Standing::AtRisk => "临期",
            Standing::Overdue => "已超期",
            Standing::Answered => "按期答复",
            Standing::AnsweredLate => "超期答复",
        }
    }

    /// Whether the commander must step in: an open report past its deadline.
    pub fn escalated(self) -> bool {
        self == Standing::Overdue
    }
}

/// Whether a role may see who reported (name and phone): discipline inspectors only.
pub fn sees_reporter(role: Role) -> bool {
    role == Role::Inspector
}

/// Who reported, as given (both may be empty: reports may be anonymous).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reporter {
    /// Name as given.
    pub name: String,
    /// Phone as given.
    pub phone: String,
}

impl Reporter {
    /// The reporter as handlers and commanders see them: `张*三`, `138****5678`.
    pub fn masked(&self) -> Reporter {
        Reporter {
            name: mask_name(&self.name),
            phone: mask_mobile(&self.phone),
        }
    }

    /// The reporter as `role` may see them.
    pub fn for_role(&self, role: Role) -> Reporter {
        if sees_reporter(role) {
            self.clone()
        } else {
            self.masked()
        }
    }

    /// Whether nobody was named.
    pub fn is_anonymous(&self) -> bool {
        self.name.is_empty() && self.phone.is_empty()
    }
}

/// A telephone number as people write it: `0571-64712345`, `12345`, `138 1234 5678`.
/// Digits with `-`, spaces, `+` and brackets, five to twenty digits in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Phone(String);

impl Phone {
    /// Reads a number, trimmed and with full-width characters made half-width.
    pub fn parse(text: &str) -> Result<Phone, GrievanceError> {
        let t = normalise_text(text);
        let digits = t.chars().filter(char::is_ascii_digit).count();
        let allowed = t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')'));
        if allowed && (5..=20).contains(&digits) && t.chars().count() <= 30 {
            Ok(Phone(t))
        } else {
            Err(GrievanceError::PhoneInvalid(text.trim().to_string()))
        }
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Read through [`Phone::parse`], so a form field of this type is a valid number.
impl<'de> serde::Deserialize<'de> for Phone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Phone, D::Error> {
        let text = String::deserialize(d)?;
        Phone::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The reference number a reporter follows their report with: `XF2019-0001`, the year
/// received and its place in that year's series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    year: i32,
    seq: u32,
}

impl Reference {
    /// The prefix every reference carries (信访).
    pub const PREFIX: &'static str = "XF";

    /// The `seq`-th report of `year`.
    pub fn new(year: i32, seq: u32) -> Reference {
        Reference { year, seq }
    }

    /// Reads a reference as typed (`xf2019-1`, `ＸＦ2019－0001`, surrounding spaces).
    pub fn parse(text: &str) -> Option<Reference> {
        let (year, seq) = parse_numbered(text, Reference::PREFIX)?;
        Some(Reference { year, seq })
    }

    /// The year received.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The counter key of this reference's series (`XF2019`).
    pub fn series(year: i32) -> String {
        format!("{}{year}", Reference::PREFIX)
    }
}

/// Reads `PREFIXyyyy-n` as typed (any case, full-width forms, surrounding spaces): the
/// year and the sequence number (from 1), for every numbered series of the area.
///
/// The year is 1000 to 9999: a year written with a leading zero (`XF0504-21`) was never
/// issued, and would print back as `XF504-0021`, which reads as nothing (found by the
/// `identifiers` fuzz target).
pub(crate) fn parse_numbered(text: &str, prefix: &str) -> Option<(i32, u32)> {
    let t = normalise_text(text).to_ascii_uppercase();
    let rest = t.strip_prefix(prefix)?;
    let (year, seq) = rest.split_once('-')?;
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if year.len() != 4 || !all_digits(year) || year.starts_with('0') {
        return None;
    }
    if !all_digits(seq) || seq.len() > 6 {
        return None;
    }
    let seq: u32 = seq.parse().ok()?;
    (seq > 0).then_some((year.parse().ok()?, seq))
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}-{:04}", Reference::PREFIX, self.year, self.seq)
    }
}

labelled! {
    /// What the discipline register (纪律监督台账) records.
    IncidentKind {
        /// 上访: a group or individual petition to a higher authority about the campaign.
        Petition => ("petition", "上访", ["越级上访", "集体上访"]),
        /// 违规违纪: a finding of misconduct by an official or staff member.
        Misconduct => ("misconduct", "违规违纪", ["违纪", "违规"]),
    }
}

/// A grievance refused by its rules, worded for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrievanceError {
    /// Nothing said.
    #[error("请填写反映的内容")]
    ContentMissing,
    /// Too much said for one report.
    #[error("反映内容不超过2000字")]
    ContentTooLong,
    /// A subject over the limit.
    #[error("标题不超过100字")]
    SubjectTooLong,
    /// A name over the limit.
    #[error("姓名不超过30字")]
    NameTooLong,
    /// A phone number that is not one.
    #[error("电话号码不正确：{0}")]
    PhoneInvalid(String),
    /// Answering with nothing.
    #[error("请填写答复内容")]
    AnswerMissing,
    /// Answering twice.
    #[error("该件已答复，不能重复答复")]
    AlreadyAnswered,
    /// Closing before answering.
    #[error("尚未答复，不能办结")]
    NotAnswered,
    /// Changing a closed report.
    #[error("该件已办结")]
    AlreadyClosed,
    /// A handler who cannot handle relocation reports of this project.
    #[error("承办人须为本项目的征收安置工作人员或指挥长")]
    HandlerNotEligible,
    /// A register entry without its description.
    #[error("请填写事由")]
    IncidentWhatMissing,
    /// An answer dated before the report was received.
    #[error("答复日期不能早于受理日期")]
    AnswerBeforeReceived,
    /// A received day or incident day after today.
    #[error("日期不能晚于今天")]
    DateInFuture,
}

/// The checks a report's text passes before it is stored: content present and not over
/// 2,000 characters, subject up to 100, name up to 30.
pub fn check_text(subject: &str, content: &str, name: &str) -> Result<(), GrievanceError> {
    if content.trim().is_empty() {
        return Err(GrievanceError::ContentMissing);
    }
    if content.chars().count() > 2000 {
        return Err(GrievanceError::ContentTooLong);
    }
    if subject.chars().count() > 100 {
        return Err(GrievanceError::SubjectTooLong);
    }
    if name.chars().count() > 30 {
        return Err(GrievanceError::NameTooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn deadline_follows_the_kind() {
        let received = day(2019, 6, 3);
        assert_eq!(
            GrievanceKind::Consultation.deadline(received),
            day(2019, 6, 8)
        );
        assert_eq!(
            GrievanceKind::Complaint.deadline(received),
            day(2019, 6, 18)
        );
        assert_eq!(GrievanceKind::Report.deadline(received), day(2019, 7, 3));
        assert_eq!(GrievanceKind::Petition.deadline(received), day(2019, 8, 2));
        // Across the year end.
        assert_eq!(
            GrievanceKind::Complaint.deadline(day(2019, 12, 25)),
            day(2020, 1, 9)
        );
    }

    #[test]
    fn open_reports_are_on_track_then_at_risk_then_overdue() {
        let due = day(2019, 6, 18);
        assert_eq!(Standing::of(due, None, day(2019, 6, 3)), Standing::OnTrack);
        assert_eq!(Standing::of(due, None, day(2019, 6, 15)), Standing::OnTrack);
        assert_eq!(Standing::of(due, None, day(2019, 6, 16)), Standing::AtRisk);
        assert_eq!(Standing::of(due, None, day(2019, 6, 18)), Standing::AtRisk);
        assert_eq!(Standing::of(due, None, day(2019, 6, 19)), Standing::Overdue);
        assert!(Standing::of(due, None, day(2019, 6, 19)).escalated());
        assert!(!Standing::of(due, None, day(2019, 6, 18)).escalated());
    }

    #[test]
    fn answered_reports_are_judged_by_the_day_answered_not_today() {
        let due = day(2019, 6, 18);
        let late_today = day(2020, 1, 1);
        assert_eq!(
            Standing::of(due, Some(day(2019, 6, 18)), late_today),
            Standing::Answered
        );
        assert_eq!(
            Standing::of(due, Some(day(2019, 6, 19)), late_today),
            Standing::AnsweredLate
        );
        assert!(!Standing::AnsweredLate.escalated());
    }

    #[test]
    fn states_move_open_answered_closed_only() {
        assert_eq!(GrievanceState::Open.answer(), Ok(GrievanceState::Answered));
        assert_eq!(
            GrievanceState::Answered.answer(),
            Err(GrievanceError::AlreadyAnswered)
        );
        assert_eq!(
            GrievanceState::Open.close(),
            Err(GrievanceError::NotAnswered)
        );
        assert_eq!(GrievanceState::Answered.close(), Ok(GrievanceState::Closed));
        assert_eq!(
            GrievanceState::Closed.answer(),
            Err(GrievanceError::AlreadyClosed)
        );
    }

    #[test]
    fn only_inspectors_see_the_reporter() {
        let r = Reporter {
            name: "张小三".into(),
            phone: "13812345678".into(),
        };
        for role in Role::ALL {
            let seen = r.for_role(role);
            if role == Role::Inspector {
                assert_eq!(seen, r);
            } else {
                assert_eq!(seen.name, "张*三", "{role:?}");
                assert_eq!(seen.phone, "138****5678", "{role:?}");
            }
        }
        let anonymous = Reporter {
            name: String::new(),
            phone: String::new(),
        };
        assert!(anonymous.masked().is_anonymous());
    }

    #[test]
    fn references_print_and_parse_back() {
        let r = Reference::new(2019, 1);
        assert_eq!(r.to_string(), "XF2019-0001");
        assert_eq!(Reference::parse(" xf2019-0001 "), Some(r));
        assert_eq!(Reference::parse("XF2019-1"), Some(r));
        assert_eq!(Reference::parse("ＸＦ2019－0001"), Some(r));
        assert_eq!(Reference::new(2020, 12345).to_string(), "XF2020-12345");
        for bad in [
            "",
            "XF2019",
            "XF19-0001",
            "XF2019-0000",
            "YC2019-0001",
            "XF2019-00a1",
        ] {
            assert_eq!(Reference::parse(bad), None, "{bad}");
        }
    }

    /// Found by `fuzz/fuzz_targets/identifiers.rs`: a year with a leading zero parsed as
    /// year 504, which prints as `XF504-0021` and does not parse back.
    #[test]
    fn a_year_with_a_leading_zero_is_no_reference() {
        assert_eq!(Reference::parse("ｘｆ0504－021"), None);
        assert_eq!(Reference::parse("XF0999-1"), None);
        assert_eq!(
            crate::relocation::posting_rounds::ObjectionReference::parse("YY0504-21"),
            None
        );
        let r = Reference::parse("XF1000-1").expect("the first four-digit year");
        assert_eq!(Reference::parse(&r.to_string()), Some(r));
    }

    #[test]
    fn phones_are_digits_with_separators() {
        assert_eq!(
            Phone::parse(" 0571-64712345 ").unwrap().as_str(),
            "0571-64712345"
        );
        assert!(Phone::parse("12345").is_ok());
        assert!(Phone::parse("１３８１２３４５６７８").is_ok());
        assert!(Phone::parse("1234").is_err());
        assert!(Phone::parse("call me").is_err());
    }

    #[test]
    fn text_limits() {
        assert_eq!(check_text("", " ", ""), Err(GrievanceError::ContentMissing));
        assert!(check_text("拆迁款", "何时发放？", "").is_ok());
        assert_eq!(
            check_text("", &"字".repeat(2001), ""),
            Err(GrievanceError::ContentTooLong)
        );
    }

    #[test]
    fn kinds_and_channels_parse_from_codes_and_labels() {
        assert_eq!(GrievanceKind::parse("举报"), Some(GrievanceKind::Report));
        assert_eq!(
            GrievanceKind::parse("petition"),
            Some(GrievanceKind::Petition)
        );
        assert_eq!(Channel::parse("来信"), Some(Channel::Letter));
        assert_eq!(IncidentKind::parse("违纪"), Some(IncidentKind::Misconduct));
    }
}
