//! The order in which households choose resettlement flats (安置分房): "whoever signs and
//! vacates first chooses first" (先签约且腾空者先选房).
//!
//! The order is published before the public choosing session and households check it
//! against their own dates, so the rule must be total, mechanical and recomputable by
//! anyone from the published list:
//!
//! 1. only households that chose property exchange (产权调换) and have **both** signed and
//!    vacated take part (cash households have no place);
//! 2. a household qualifies at the later of its two moments. A moment is the server's
//!    record time of the milestone; a milestone entered for an earlier day (a date without
//!    a time) counts at the **end** of that day, so typing a date can never move a
//!    household ahead of those recorded live that day;
//! 3. earlier qualification chooses earlier; ties go to the earlier signing moment, then
//!    to the lottery: SHA-256 of `seed + ":" + household_code` as lowercase hex,
//!    ascending. The seed is committed (its SHA-256 published) before the session and
//!    revealed at its start, so nobody can pick a seed that favours a household. Until the
//!    seed is revealed, ties are shown in household-code order and marked provisional.

use crate::platform::time::shanghai;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The rule in one sentence, published with the order so a reader knows how to check it.
pub const RULE: &str = "先签约且腾空者先选房：按签约、腾空两个时刻中较晚者排序（补录日期按当日结束计）；\
    相同者签约在先者优先；仍相同者按抽签值（SHA-256(种子 + \":\" + 户号) 的小写十六进制）升序。";

/// A milestone as recorded: the day it happened and the moment the server recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedMoment {
    /// The day entered by staff.
    pub on: NaiveDate,
    /// When the server recorded it (UTC).
    pub recorded_at: DateTime<Utc>,
}

impl RecordedMoment {
    /// The moment that counts for the order: the record time when it was recorded on the
    /// day itself (Asia/Shanghai), else the end of that day (23:59:59 in Shanghai).
    pub fn effective(&self) -> DateTime<Utc> {
        if self.recorded_at.with_timezone(&shanghai()).date_naive() == self.on {
            self.recorded_at
        } else {
            end_of_day(self.on)
        }
    }
}

/// 23:59:59 of `day` in Shanghai, as UTC.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    shanghai()
        .from_local_datetime(&day.and_time(last))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(last).and_utc())
}

/// What the order needs to know about a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMoments {
    /// The household's code (户号), printed in the published order.
    pub code: String,
    /// Its signing, if it has signed.
    pub signed: Option<RecordedMoment>,
    /// Its vacating, if it has vacated.
    pub vacated: Option<RecordedMoment>,
}

/// One place in the published choosing order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoosingPosition {
    /// 1 for the first to choose.
    pub position: usize,
    /// The household's code.
    pub code: String,
    /// When it qualified: the later of the effective signing and vacating moments.
    pub qualified_at: DateTime<Utc>,
    /// The effective signing moment (the first tie-break).
    pub signed_at: DateTime<Utc>,
    /// The lottery value, once the seed is revealed.
    pub lottery: Option<String>,
}

/// The lottery value of a household: SHA-256 of `seed:code` as lowercase hex.
pub fn lottery(seed: &str, code: &str) -> String {
    sha256_hex(&format!("{seed}:{code}"))
}

/// SHA-256 of `text` as lowercase hex: the published commitment of a seed.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `seed` is the one committed by `commitment` (its SHA-256 in hex, any case).
pub fn seed_matches(seed: &str, commitment: &str) -> bool {
    sha256_hex(seed).eq_ignore_ascii_case(commitment.trim())
}

/// The choosing order of `households` under the rule in the module documentation,
/// numbered from 1, with ties drawn by `seed` once revealed (`None`: by code,
/// provisionally). Households that have not both signed and vacated are left out; the
/// caller passes only the series' households (property exchange).
pub fn choosing_order(
    households: &[HouseholdMoments],
    seed: Option<&str>,
) -> Vec<ChoosingPosition> {
    let mut order: Vec<ChoosingPosition> = households
        .iter()
        .filter_map(|h| {
            let (signed, vacated) = (h.signed?.effective(), h.vacated?.effective());
            Some(ChoosingPosition {
                position: 0,
                code: h.code.clone(),
                qualified_at: signed.max(vacated),
                signed_at: signed,
                lottery: seed.map(|s| lottery(s, &h.code)),
            })
        })
        .collect();
    order.sort_by(|a, b| {
        (a.qualified_at, a.signed_at, &a.lottery, &a.code).cmp(&(
            b.qualified_at,
            b.signed_at,
            &b.lottery,
            &b.code,
        ))
    });
    for (i, p) in order.iter_mut().enumerate() {
        p.position = i + 1;
    }
    order
}

/// The order in which households are called in the session: `order` (the published
/// order) with the households marked absent when called moved after the rest of the
/// series, in their own published order.
pub fn calling_order<'a, T>(
    order: impl IntoIterator<Item = &'a T>,
    absent: impl Fn(&T) -> bool,
) -> Vec<&'a T> {
    let (away, present): (Vec<_>, Vec<_>) = order.into_iter().partition(|p| absent(p));
    present.into_iter().chain(away).collect()
}

#[cfg(test)]
#[path = "choosing_order_tests.rs"]
mod tests;
