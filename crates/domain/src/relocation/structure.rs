//! Building structure types (房屋结构). The compensation rate per square metre and the
//! share of unlicensed area that is recognised both depend on the structure, so it is a
//! closed set read once from the Chinese word staff write on survey sheets.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The structure of a building, as recorded by the surveyors. Ordered from the most to
/// the least solid, which is also the order rates are listed in a published standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BuildingStructure {
    /// 框架: reinforced-concrete frame.
    Frame,
    /// 砖混: brick walls with concrete floors.
    BrickConcrete,
    /// 砖木: brick walls with timber floors or roof.
    BrickWood,
    /// 简易: sheds and other light structures.
    Simple,
}

/// Why a structure word could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureError {
    /// Not one of the four structures.
    #[error("房屋结构不正确：{0}（应为框架、砖混、砖木或简易）")]
    Unknown(String),
}

impl BuildingStructure {
    /// Every structure, in the order a standard lists them, so that forms and
    /// validation can walk the whole set without forgetting one.
    pub const ALL: [BuildingStructure; 4] = [
        BuildingStructure::Frame,
        BuildingStructure::BrickConcrete,
        BuildingStructure::BrickWood,
        BuildingStructure::Simple,
    ];

    /// The Chinese word used on survey sheets, agreements and posted lists.
    pub fn label(self) -> &'static str {
        match self {
            BuildingStructure::Frame => "框架",
            BuildingStructure::BrickConcrete => "砖混",
            BuildingStructure::BrickWood => "砖木",
            BuildingStructure::Simple => "简易",
        }
    }

    /// The stable code kept in the database.
    pub fn code(self) -> &'static str {
        match self {
            BuildingStructure::Frame => "frame",
            BuildingStructure::BrickConcrete => "brick_concrete",
            BuildingStructure::BrickWood => "brick_wood",
            BuildingStructure::Simple => "simple",
        }
    }

    /// Reads a stored code back.
    pub fn from_code(code: &str) -> Option<BuildingStructure> {
        BuildingStructure::ALL
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// Reads the Chinese word as typed in a spreadsheet: surrounding spaces and full-width
    /// spaces are ignored, and the suffix `结构` (`砖混结构`) is accepted because surveyors
    /// often write it.
    pub fn parse(text: &str) -> Result<BuildingStructure, StructureError> {
        let cleaned = crate::platform::time::normalise_text(text);
        let word = cleaned.strip_suffix("结构").unwrap_or(&cleaned).trim();
        BuildingStructure::ALL
            .into_iter()
            .find(|s| s.label() == word)
            .ok_or_else(|| StructureError::Unknown(cleaned.clone()))
    }
}

/// Shown as the Chinese word, the only way staff and households read it.
impl fmt::Display for BuildingStructure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_reads_back;

    #[test]
    fn labels_parse_back() {
        assert_reads_back(&BuildingStructure::ALL, |s| {
            BuildingStructure::parse(s.label()).ok()
        });
    }

    #[test]
    fn parse_accepts_spaces_and_structure_suffix() {
        crate::testing::assert_reads(
            |s| BuildingStructure::parse(s).ok(),
            &[
                (" 砖混 ", Some(BuildingStructure::BrickConcrete)),
                ("\u{3000}框架结构", Some(BuildingStructure::Frame)),
            ],
        );
    }

    #[test]
    fn codes_round_trip() {
        assert_reads_back(&BuildingStructure::ALL, |s| {
            BuildingStructure::from_code(s.code())
        });
        assert_eq!(BuildingStructure::from_code("框架"), None);
    }

    #[test]
    fn parse_rejects_unknown_words() {
        assert!(BuildingStructure::parse("钢结构").is_err());
        assert!(BuildingStructure::parse("").is_err());
        assert!(BuildingStructure::parse("结构").is_err());
    }
}
