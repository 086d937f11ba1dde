//! Progress on the wall (进度上墙): the counts, percentages, countdowns and daily curves
//! the headquarters puts on its charts, and the plain-text daily report pasted into the
//! chat groups every evening.
//!
//! Percentages are integer per-mille (‰), shown with one decimal as a percentage, so a
//! report recomputed tomorrow from the same counts prints the same characters. Rounding is
//! half up, except that a percentage never shows 100.0 % before the last household is
//! done nor 0.0 % once the first one is: on the wall, "100 %" means finished.

use super::milestone::{Milestone, MilestoneDates};
use chrono::NaiveDate;
use std::fmt;
use std::fmt::Write as _;

/// The longest span a daily curve may cover: ten years of days. A longer one is a
/// mistyped date, and would otherwise allocate without bound.
pub const MAX_CURVE_DAYS: i64 = 3_660;

/// A share in thousandths, shown as a percentage with one decimal (`918` → `91.8%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Permille(pub u32);

impl Permille {
    /// `part / total` in thousandths; see the module documentation for the rounding.
    /// An empty total gives 0, and a part above the total (bad data) shows as 100 %.
    pub fn of(part: u32, total: u32) -> Permille {
        if total == 0 || part == 0 {
            return Permille(0);
        }
        if part >= total {
            return Permille(1000);
        }
        let rounded = (u64::from(part) * 1000 + u64::from(total) / 2) / u64::from(total);
        // part < total, so rounded ≤ 1000 and fits; keep it off both ends.
        Permille(u32::try_from(rounded).unwrap_or(999).clamp(1, 999))
    }
}

/// `91.8%`.
impl fmt::Display for Permille {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}%", self.0 / 10, self.0 % 10)
    }
}

/// How many households of a project (or a group, or a person's list) have reached each
/// milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Households in scope.
    pub total: u32,
    /// Signed 签约.
    pub signed: u32,
    /// Vacated 腾空.
    pub vacated: u32,
    /// Demolished 拆除.
    pub demolished: u32,
    /// Land cleared 清表.
    pub cleared: u32,
}

impl Progress {
    /// Counts the milestones of a set of households; each household counts once in
    /// `total` whatever it has reached.
    pub fn tally<'a, I: IntoIterator<Item = &'a MilestoneDates>>(households: I) -> Progress {
        households
            .into_iter()
            .fold(Progress::default(), |mut p, h| {
                p.total = p.total.saturating_add(1);
                for m in Milestone::ALL {
                    if h.has(m) {
                        let count = p.count_mut(m);
                        *count = count.saturating_add(1);
                    }
                }
                p
            })
    }

    /// How many households reached `m`.
    pub fn count(&self, m: Milestone) -> u32 {
        match m {
            Milestone::Signed => self.signed,
            Milestone::Vacated => self.vacated,
            Milestone::Demolished => self.demolished,
            Milestone::Cleared => self.cleared,
        }
    }

    fn count_mut(&mut self, m: Milestone) -> &mut u32 {
        match m {
            Milestone::Signed => &mut self.signed,
            Milestone::Vacated => &mut self.vacated,
            Milestone::Demolished => &mut self.demolished,
            Milestone::Cleared => &mut self.cleared,
        }
    }

    /// The share of households that reached `m`.
    pub fn permille(&self, m: Milestone) -> Permille {
        Permille::of(self.count(m), self.total)
    }

    /// Households still to sign — the number the nightly meeting works down.
    pub fn remaining_to_sign(&self) -> u32 {
        self.total.saturating_sub(self.signed)
    }

    /// "Cleared to zero" (清零): every household of a non-empty project has signed.
    pub fn cleared_to_zero(&self) -> bool {
        self.total > 0 && self.signed >= self.total
    }

    /// `签约 45/49（91.8%）`: the form used on the wall and in the report.
    pub fn describe(&self, m: Milestone) -> String {
        format!(
            "{} {}/{}（{}）",
            m.label(),
            self.count(m),
            self.total,
            self.permille(m)
        )
    }
}

/// Days left until `deadline`: 0 on the day itself, negative once it has passed.
pub fn days_to_deadline(today: NaiveDate, deadline: NaiveDate) -> i64 {
    (deadline - today).num_days()
}

/// One point of a cumulative daily curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    /// The day.
    pub date: NaiveDate,
    /// Events on or before this day.
    pub cumulative: u32,
}

/// Why a curve could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    /// A span that ends before it starts.
    #[error("结束日期{end}早于开始日期{start}")]
    EndBeforeStart {
        /// First day asked for.
        start: NaiveDate,
        /// Last day asked for.
        end: NaiveDate,
    },
    /// A span too long to draw (and to compute per request).
    #[error("图表区间{0}天过长（最多{max}天）", max = MAX_CURVE_DAYS)]
    SpanTooLong(i64),
}

/// The cumulative count per day from `start` to `end` inclusive, e.g. of signing dates.
/// Events before `start` are already in the first point (the curve starts where the
/// campaign stood); events after `end` are left out.
pub fn cumulative_curve(
    events: &[NaiveDate],
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<CurvePoint>, ProgressError> {
    let counted: Vec<(NaiveDate, u32)> = events.iter().map(|d| (*d, 1)).collect();
    curve_from_daily_counts(&counted, start, end)
}

/// The same curve from events already counted per day (`(day, count)`, in any order,
/// days may repeat), as the wall keeps them: its cost depends on the number of days, not
/// on the number of events, so the wall stays fast however long the work log grows.
pub fn curve_from_daily_counts(
    counts: &[(NaiveDate, u32)],
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<CurvePoint>, ProgressError> {
    if end < start {
        return Err(ProgressError::EndBeforeStart { start, end });
    }
    let days = (end - start).num_days().saturating_add(1);
    if days > MAX_CURVE_DAYS {
        return Err(ProgressError::SpanTooLong(days));
    }
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut next = 0;
    let mut cumulative = 0u32;
    let mut curve = Vec::new();
    for date in start.iter_days().take_while(|d| *d <= end) {
        while next < sorted.len() && sorted[next].0 <= date {
            cumulative = cumulative.saturating_add(sorted[next].1);
            next += 1;
        }
        curve.push(CurvePoint { date, cumulative });
    }
    Ok(curve)
}

/// A person's line in the daily report: name, households signed today, signed in total.
pub type PersonTally = (String, u32, u32);

/// The evening report pasted into the chat groups, in Chinese. `headquarters` (e.g.
/// "杨村桥镇") names the sender in the title; groups and persons are listed in the order
/// given, so the caller decides the ranking.
pub fn daily_report(
    headquarters: &str,
    project_name: &str,
    date: NaiveDate,
    progress: &Progress,
    per_group: &[(String, Progress)],
    per_person: &[PersonTally],
) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored for that reason only.
    let _ = writeln!(out, "【{}征收进度日报】{date}", headquarters.trim());
    let _ = writeln!(out, "项目：{}", project_name.trim());
    for m in Milestone::ALL {
        let _ = write!(out, "{}", progress.describe(m));
        if m == Milestone::Signed {
            if progress.cleared_to_zero() {
                let _ = write!(out, "，已清零");
            } else {
                let _ = write!(out, "，未签 {} 户", progress.remaining_to_sign());
            }
        }
        out.push('\n');
    }
    if !per_group.is_empty() {
        out.push_str("分组进度：\n");
        for (group, p) in per_group {
            let signed = p.describe(Milestone::Signed);
            let vacated = p.describe(Milestone::Vacated);
            let _ = writeln!(out, "· {}：{signed}，{vacated}", group.trim());
        }
    }
    if !per_person.is_empty() {
        let today: u32 = per_person
            .iter()
            .fold(0u32, |sum, p| sum.saturating_add(p.1));
        let _ = writeln!(out, "今日共签约 {today} 户：");
        for (person, signed_today, signed_total) in per_person {
            let _ = writeln!(
                out,
                "· {}：今日 {signed_today} 户，累计 {signed_total} 户",
                person.trim()
            );
        }
    }
    out
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;
