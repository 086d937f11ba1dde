//! Resettlement flats (安置房源) and what a household may choose: the compensation option
//! taken at signing, the flat inventory's kinds and states, the entitlement (应安置面积)
//! a household's records give it, and the price of area chosen beyond it.
//!
//! Only households that took property exchange (产权调换) choose flats; cash households
//! (货币补偿) are paid and leave the series. The entitlement is shown before choosing so a
//! household knows what it may take free of charge; area beyond it is sold at the
//! standard's rate and the difference is a line on the sheet.

use super::compensation::MAX_AMOUNT;
use crate::platform::labelled::labelled;
use crate::platform::{Fen, SquareMetres};
use serde::{Deserialize, Serialize};

labelled! {
    /// What a household takes at signing; the agreement and the sheet say which.
    CompensationOption {
        /// 货币补偿: paid in money, no flat.
        Cash => ("cash", "货币补偿", ["货币", "现金", "货币安置"]),
        /// 产权调换: a resettlement flat in exchange, chosen in the session.
        Exchange => ("exchange", "产权调换", ["调换", "房屋安置", "产权置换"]),
    }
}

labelled! {
    /// The three inventories of a resettlement project; storerooms and parking spaces are
    /// chosen together with the flat.
    FlatKind {
        /// 住宅: the flat itself.
        Flat => ("flat", "住宅", ["套房", "安置房", "房屋"]),
        /// 储藏室.
        Storeroom => ("storeroom", "储藏室", ["储藏间", "杂物间"]),
        /// 车位.
        Parking => ("parking", "车位", ["停车位", "汽车位"]),
    }
}

labelled! {
    /// Where a unit of the inventory stands. Only a vacant unit can be chosen; a reserved
    /// one is held back for the session (e.g. for a household whose case is pending) and
    /// released by staff; a void one is out of use, with its reason kept.
    FlatState {
        /// 可选.
        Vacant => ("vacant", "可选", ["空置", "未选"]),
        /// 保留.
        Reserved => ("reserved", "保留", ["预留"]),
        /// 已选.
        Chosen => ("chosen", "已选", []),
        /// 停用.
        Void => ("void", "停用", ["作废"]),
    }
}

/// How a project works out the area a household is entitled to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum EntitlementRule {
    /// 按人口: so much per confirmed resettlement person.
    PerPerson {
        /// Area per person.
        area_per_person: SquareMetres,
    },
    /// 按合法面积: the recognised legal area of the household's buildings.
    LegalArea,
    /// 就高: the larger of the two, never above `cap`.
    Greater {
        /// Area per person.
        area_per_person: SquareMetres,
        /// The most any household is entitled to.
        cap: SquareMetres,
    },
}

impl EntitlementRule {
    /// The area a household with `persons` confirmed persons and `legal` recognised legal
    /// area is entitled to.
    pub fn entitlement(&self, persons: u32, legal: SquareMetres) -> SquareMetres {
        let per_person = |a: SquareMetres| SquareMetres(a.0.saturating_mul(i64::from(persons)));
        match *self {
            EntitlementRule::PerPerson { area_per_person } => per_person(area_per_person),
            EntitlementRule::LegalArea => legal,
            EntitlementRule::Greater {
                area_per_person,
                cap,
            } => SquareMetres(per_person(area_per_person).0.max(legal.0).min(cap.0)),
        }
    }

    /// The rule in words, shown beside the entitlement.
    pub fn describe(&self) -> String {
        match self {
            EntitlementRule::PerPerson { area_per_person } => {
                format!("按安置人口，每人{area_per_person}㎡")
            }
            EntitlementRule::LegalArea => "按认定合法面积".to_string(),
            EntitlementRule::Greater {
                area_per_person,
                cap,
            } => format!("按人口（每人{area_per_person}㎡）与合法面积就高，最多{cap}㎡"),
        }
    }
}

/// A project's resettlement terms, part of its published standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResettlementTerms {
    /// How the entitlement is worked out.
    pub entitlement: EntitlementRule,
    /// Price per m² of area chosen beyond the entitlement.
    pub excess_rate_per_m2: Fen,
    /// Whether a household may sign only once its population review is confirmed.
    #[serde(default)]
    pub require_confirmed_population: bool,
}

/// What a choice costs beyond the entitlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excess {
    /// Area chosen beyond the entitlement (zero when within it).
    pub area: SquareMetres,
    /// Its price at the standard's rate, rounded once, half up, to the fen.
    pub price: Fen,
}

/// Why a price difference cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExcessError {
    /// A negative area or rate (a data error).
    #[error("面积或单价不能为负")]
    Negative,
    /// Beyond any real amount.
    #[error("超面积差价超出上限，请核对数据")]
    TooLarge,
}

impl ResettlementTerms {
    /// The area chosen beyond `entitlement` and its price when `chosen` m² are taken.
    pub fn excess(
        &self,
        chosen: SquareMetres,
        entitlement: SquareMetres,
    ) -> Result<Excess, ExcessError> {
        if chosen.0 < 0 || entitlement.0 < 0 || self.excess_rate_per_m2.0 < 0 {
            return Err(ExcessError::Negative);
        }
        let area = SquareMetres((chosen.0 - entitlement.0).max(0));
        // Hundredths of m² × fen per m² / 100, half up.
        let exact = i128::from(area.0) * i128::from(self.excess_rate_per_m2.0);
        let fen = (exact + 50) / 100;
        let price = i64::try_from(fen)
            .ok()
            .filter(|v| *v <= MAX_AMOUNT.0)
            .ok_or(ExcessError::TooLarge)?;
        Ok(Excess {
            area,
            price: Fen(price),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m2(text: &str) -> SquareMetres {
        SquareMetres::parse(text).unwrap_or(SquareMetres(-1))
    }

    #[test]
    fn entitlement_by_each_rule() {
        let per = EntitlementRule::PerPerson {
            area_per_person: m2("40"),
        };
        assert_eq!(per.entitlement(3, m2("200")), m2("120"));
        assert_eq!(
            EntitlementRule::LegalArea.entitlement(3, m2("95.55")),
            m2("95.55")
        );
        let greater = EntitlementRule::Greater {
            area_per_person: m2("40"),
            cap: m2("180"),
        };
        assert_eq!(greater.entitlement(3, m2("95.55")), m2("120"));
        assert_eq!(greater.entitlement(2, m2("130.25")), m2("130.25"));
        assert_eq!(greater.entitlement(6, m2("100")), m2("180"));
        assert_eq!(greater.entitlement(0, m2("0")), m2("0"));
    }

    #[test]
    fn area_beyond_the_entitlement_is_priced_at_the_rate() {
        let terms = ResettlementTerms {
            entitlement: EntitlementRule::LegalArea,
            excess_rate_per_m2: Fen(350_000),
            require_confirmed_population: false,
        };
        // 12.33 m² × ¥3,500 = ¥43,155.00
        let e = terms.excess(m2("132.33"), m2("120")).ok();
        assert_eq!(
            e.map(|e| (e.area, e.price)),
            Some((m2("12.33"), Fen(4_315_500)))
        );
        // Within the entitlement: nothing to pay.
        let e = terms.excess(m2("100"), m2("120")).ok();
        assert_eq!(e.map(|e| e.price), Some(Fen(0)));
        // Half a fen rounds up: 0.01 m² × ¥0.50 = 0.5 fen.
        let half = ResettlementTerms {
            excess_rate_per_m2: Fen(50),
            ..terms
        };
        assert_eq!(
            half.excess(m2("0.01"), m2("0")).map(|e| e.price),
            Ok(Fen(1))
        );
        assert_eq!(terms.excess(m2("-1"), m2("0")), Err(ExcessError::Negative));
        let huge = ResettlementTerms {
            excess_rate_per_m2: Fen(i64::MAX),
            ..terms
        };
        assert_eq!(huge.excess(m2("1000"), m2("0")), Err(ExcessError::TooLarge));
    }

    #[test]
    fn terms_read_back_from_their_json() {
        let terms = ResettlementTerms {
            entitlement: EntitlementRule::Greater {
                area_per_person: m2("40"),
                cap: m2("180"),
            },
            excess_rate_per_m2: Fen(350_000),
            require_confirmed_population: true,
        };
        let json = serde_json::to_string(&terms).unwrap_or_default();
        assert!(json.contains("\"by\":\"greater\""), "{json}");
        assert_eq!(
            serde_json::from_str::<ResettlementTerms>(&json).ok(),
            Some(terms)
        );
    }

    #[test]
    fn vocabularies_parse_their_synonyms() {
        assert_eq!(
            CompensationOption::parse("产权置换"),
            Some(CompensationOption::Exchange)
        );
        assert_eq!(FlatKind::parse("停车位"), Some(FlatKind::Parking));
        assert_eq!(FlatState::parse("vacant"), Some(FlatState::Vacant));
    }
}
