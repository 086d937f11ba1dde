//! Union coverage of enterprises: which enterprises must have a union (百人以上企业建会), the
//! per-township checklist that is ticked off as unions are founded (清单消号), and the ranking
//! of townships that the federation circulates (排名通报).
//!
//! Rates are integer basis points (10000 = 100%) so that two townships with the same counts
//! always get the same rate and the same rank, and a printed ranking never disagrees with the
//! screen because of float rounding.

use super::township::Township;
use crate::platform::labelled::labelled;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;

/// A rate of 100%, in basis points.
pub const FULL_RATE_BP: u32 = 10_000;

/// Which enterprises the federation's targets cover. This is configuration, not law: the
/// province moves the thresholds from year to year, so they are read from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CoverageRule {
    /// Headcount from which an enterprise must have a union; 100 in 2019.
    pub must_min_headcount: u32,
    /// Whether "must" applies only to enterprises registered with the provincial federation
    /// (省总备案); true in 2019. Unregistered enterprises that are large enough are tracked.
    pub must_require_provincial: bool,
    /// Headcount from which an enterprise without a "must" is still tracked, so that new
    /// unions at 50+ enterprises can be counted; 50 in 2019.
    pub tracked_min_headcount: u32,
}

/// The 2019 targets: provincially registered enterprises with 100+ staff must have a union;
/// enterprises with 50+ staff are tracked.
impl Default for CoverageRule {
    fn default() -> CoverageRule {
        CoverageRule {
            must_min_headcount: 100,
            must_require_provincial: true,
            tracked_min_headcount: 50,
        }
    }
}

/// What the federation expects of one enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Obligation {
    /// Must have a union: it is on its township's checklist until one is founded.
    Must,
    /// Not required, but in the second band (50+ staff): its new union counts in the figures.
    Tracked,
    /// Neither: a union is welcome but not counted against the township.
    None,
}

impl CoverageRule {
    /// The obligation of an enterprise with `headcount` staff. A large enterprise that is not
    /// provincially registered (when that is required) falls to `Tracked`, not `None`.
    pub fn obligation(&self, headcount: u32, provincially_registered: bool) -> Obligation {
        let big_enough = headcount >= self.must_min_headcount;
        if big_enough && (provincially_registered || !self.must_require_provincial) {
            Obligation::Must
        } else if headcount >= self.tracked_min_headcount {
            Obligation::Tracked
        } else {
            Obligation::None
        }
    }
}

labelled! {
    /// Fixed headcount bands for reports. They do not follow [`CoverageRule`], so that reports of
    /// different years stay comparable even if the thresholds change.
    HeadcountBand as "规模段" {
        /// Fewer than 50 staff.
        Under50 => ("under50", "50人以下", ["不足50人"]),
        /// 50 to 99 staff.
        From50To99 => ("from50_to99", "50—99人", ["50-99人"]),
        /// 100 to 299 staff.
        From100To299 => ("from100_to299", "100—299人", ["100-299人"]),
        /// 300 staff or more.
        From300 => ("from300", "300人及以上", ["300人以上"]),
    }
}

/// The band an enterprise of `headcount` staff falls in.
pub fn band_of(headcount: u32) -> HeadcountBand {
    match headcount {
        0..=49 => HeadcountBand::Under50,
        50..=99 => HeadcountBand::From50To99,
        100..=299 => HeadcountBand::From100To299,
        _ => HeadcountBand::From300,
    }
}

/// What the coverage arithmetic needs to know about one enterprise; the store builds these
/// from the enterprise registry and its unions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseCoverage {
    /// The enterprise's name, so that checklist lines can be read.
    pub name: String,
    /// Full name of its township (as in [`Township::all`]).
    pub township: String,
    /// Staff count.
    pub headcount: u32,
    /// Registered with the provincial federation (省总备案).
    pub provincial: bool,
    /// Whether it has a union now (its own or a joint union); this alone decides coverage.
    pub has_union: bool,
    /// When its union was founded, if known; only used to count the year's new unions.
    pub union_founded: Option<NaiveDate>,
}

impl EnterpriseCoverage {
    fn founded_in(&self, year: i32) -> bool {
        self.union_founded.is_some_and(|d| d.year() == year)
    }
}

/// One township's line in the coverage report and ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownshipCoverage {
    /// Full name of the township.
    pub township: String,
    /// Enterprises that must have a union.
    pub must_total: u32,
    /// … of which have one.
    pub must_covered: u32,
    /// Enterprises in the second band (tracked, not "must").
    pub tracked_total: u32,
    /// … of which have a union.
    pub tracked_covered: u32,
    /// All enterprises of the township in the registry.
    pub all_total: u32,
    /// … of which have a union.
    pub all_covered: u32,
    /// Unions founded in the report year, at enterprises of any size. A union founded and
    /// dissolved within the year still counts: it was founded.
    pub unions_founded_in_year: u32,
    /// Of those, the ones at enterprises with at least `tracked_min_headcount` staff — the
    /// yearbook's "new unions at 50+ enterprises".
    pub sizeable_founded_in_year: u32,
    /// New members who joined unions of the township in the report year (counted by the member
    /// registry, passed through so the report has one line per township).
    pub members_joined_in_year: u32,
}

impl TownshipCoverage {
    /// A township's line before any enterprise is counted: what both [`summarise`] and the
    /// store's aggregates start from.
    pub fn empty(township: &str, members_joined_in_year: u32) -> TownshipCoverage {
        TownshipCoverage {
            township: township.to_string(),
            must_total: 0,
            must_covered: 0,
            tracked_total: 0,
            tracked_covered: 0,
            all_total: 0,
            all_covered: 0,
            unions_founded_in_year: 0,
            sizeable_founded_in_year: 0,
            members_joined_in_year,
        }
    }
}

/// `covered / total` in basis points, rounded down so that 100% (10000) means nothing at all
/// is missing. With nothing to cover (`total == 0`) nothing is missing either, so the rate is
/// 10000. `covered` above `total` is treated as `total`: a rate never exceeds 10000.
pub fn rate_bp(covered: u32, total: u32) -> u32 {
    if total == 0 {
        return FULL_RATE_BP;
    }
    let covered = u64::from(covered.min(total));
    let bp = covered * u64::from(FULL_RATE_BP) / u64::from(total);
    u32::try_from(bp).unwrap_or(FULL_RATE_BP)
}

impl TownshipCoverage {
    /// Coverage of the enterprises that must have a union — the figure the ranking leads with.
    pub fn must_rate_bp(&self) -> u32 {
        rate_bp(self.must_covered, self.must_total)
    }

    /// Coverage of the tracked (second-band) enterprises.
    pub fn tracked_rate_bp(&self) -> u32 {
        rate_bp(self.tracked_covered, self.tracked_total)
    }

    /// Coverage of all enterprises of the township.
    pub fn all_rate_bp(&self) -> u32 {
        rate_bp(self.all_covered, self.all_total)
    }

    /// The ranking key without the name: townships equal on it share a rank.
    fn rank_key(&self) -> (Reverse<u32>, Reverse<u32>, Reverse<u32>) {
        (
            Reverse(self.must_rate_bp()),
            Reverse(self.all_rate_bp()),
            Reverse(self.unions_founded_in_year),
        )
    }
}

/// Counts one township's coverage for `year`. `enterprises` may hold the whole city: only
/// those whose `township` equals `township` are counted, so the caller can pass one list for
/// all 16 lines.
pub fn summarise(
    rule: &CoverageRule,
    township: &str,
    enterprises: &[EnterpriseCoverage],
    year: i32,
    members_joined_in_year: u32,
) -> TownshipCoverage {
    let mut line = TownshipCoverage::empty(township, members_joined_in_year);
    let bump = |n: &mut u32, yes: bool| *n = n.saturating_add(u32::from(yes));
    for e in enterprises.iter().filter(|e| e.township == township) {
        let obligation = rule.obligation(e.headcount, e.provincial);
        bump(&mut line.all_total, true);
        bump(&mut line.all_covered, e.has_union);
        bump(&mut line.must_total, obligation == Obligation::Must);
        bump(
            &mut line.must_covered,
            obligation == Obligation::Must && e.has_union,
        );
        bump(&mut line.tracked_total, obligation == Obligation::Tracked);
        bump(
            &mut line.tracked_covered,
            obligation == Obligation::Tracked && e.has_union,
        );
        let founded = e.founded_in(year);
        bump(&mut line.unions_founded_in_year, founded);
        bump(
            &mut line.sizeable_founded_in_year,
            founded && e.headcount >= rule.tracked_min_headcount,
        );
    }
    line
}

/// The checklist (清单) of one township: its enterprises that must have a union and have none.
/// An enterprise drops off the moment `has_union` turns true (消号). Largest first, because
/// those weigh most on the township's rate; then by name, so the printed list is stable.
pub fn checklist_outstanding<'a>(
    rule: &CoverageRule,
    township: &str,
    enterprises: &'a [EnterpriseCoverage],
) -> Vec<&'a EnterpriseCoverage> {
    let mut open: Vec<&EnterpriseCoverage> = enterprises
        .iter()
        .filter(|e| e.township == township && !e.has_union)
        .filter(|e| rule.obligation(e.headcount, e.provincial) == Obligation::Must)
        .collect();
    open.sort_by(|a, b| {
        b.headcount
            .cmp(&a.headcount)
            .then_with(|| a.name.cmp(&b.name))
    });
    open
}

/// Coverage of one headcount band, for the "coverage by band" table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandCoverage {
    /// The band.
    pub band: HeadcountBand,
    /// Enterprises in the band.
    pub total: u32,
    /// … of which have a union.
    pub covered: u32,
}

/// Coverage per headcount band over the given enterprises (filter by township first for a
/// township's table); every band appears, even when empty, so tables keep their shape.
pub fn coverage_by_band(enterprises: &[EnterpriseCoverage]) -> Vec<BandCoverage> {
    HeadcountBand::ALL
        .iter()
        .map(|&band| {
            let in_band = enterprises.iter().filter(|e| band_of(e.headcount) == band);
            let (total, covered) = in_band.fold((0u32, 0u32), |(t, c), e| {
                (
                    t.saturating_add(1),
                    c.saturating_add(u32::from(e.has_union)),
                )
            });
            BandCoverage {
                band,
                total,
                covered,
            }
        })
        .collect()
}

/// One line of the circulated ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedTownship {
    /// 1-based rank; townships equal on every ranking figure share one (1, 2, 2, 4).
    pub rank: u32,
    /// The township's figures.
    pub coverage: TownshipCoverage,
}

/// Ranks townships for circulation (排名通报): by must-band coverage rate, then all-enterprise
/// coverage rate, then unions founded this year — all descending. Townships equal on all three
/// share a rank (competition ranking: 1, 2, 2, 4), since a circulated ranking must not put one
/// township above another for its name. Within a shared rank they are listed in the city's
/// official order ([`Township::all`]), names not in it after, by name, so the output is
/// deterministic.
pub fn rank(mut townships: Vec<TownshipCoverage>) -> Vec<RankedTownship> {
    let all = Township::all();
    let official = |name: &str| {
        all.iter()
            .position(|t| t.name() == name)
            .unwrap_or(all.len())
    };
    townships.sort_by(|a, b| {
        a.rank_key()
            .cmp(&b.rank_key())
            .then_with(|| official(&a.township).cmp(&official(&b.township)))
            .then_with(|| a.township.cmp(&b.township))
    });
    let mut ranked: Vec<RankedTownship> = Vec::with_capacity(townships.len());
    for (i, coverage) in townships.into_iter().enumerate() {
        let position = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        let rank = match ranked.last() {
            Some(prev) if prev.coverage.rank_key() == coverage.rank_key() => prev.rank,
            _ => position,
        };
        ranked.push(RankedTownship { rank, coverage });
    }
    ranked
}

/// A rate in basis points as a percentage with one decimal, rounded half up: 9850 → `98.5%`,
/// 9855 → `98.6%`. One exception: a rate below 100% is never shown as `100.0%` (9996 →
/// `99.9%`), so a circulated ranking never claims full coverage while a checklist is open.
pub fn format_rate(bp: u32) -> String {
    let mut tenths = (u64::from(bp) + 5) / 10;
    if bp < FULL_RATE_BP && tenths >= 1000 {
        tenths = 999;
    }
    format!("{}.{}%", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests;
