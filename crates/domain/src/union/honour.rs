//! Honours (先进典型): model workers and craftsmen are people, innovation studios and pioneer
//! teams are collectives, and each is awarded at a level. The yearbook counts them by kind and
//! level ("35 model workers at city level or above"), so kind and level are closed lists.

use crate::platform::labelled::labelled;

labelled! {
    /// The honours the federation records.
    HonourKind as "荣誉类型" {
        /// 劳模 (劳动模范): a person.
        ModelWorker => ("model_worker", "劳模", ["劳动模范"]),
        /// 浙江工匠: a person; awarded by the province only.
        ZhejiangCraftsman => ("zhejiang_craftsman", "浙江工匠", []),
        /// 劳模工匠创新工作室: a collective, a workplace studio led by a model worker or craftsman.
        InnovationStudio => ("innovation_studio", "劳模工匠创新工作室", ["创新工作室", "劳模创新工作室"]),
        /// 工人先锋号: a collective, a team or workshop.
        PioneerTeam => ("pioneer_team", "工人先锋号", []),
    }
}

impl HonourKind {
    /// Whether the honour goes to a collective (a team, a studio) rather than to a person; it
    /// decides whether the holder is looked up among members or among organisations.
    pub fn is_collective(self) -> bool {
        matches!(self, HonourKind::InnovationStudio | HonourKind::PioneerTeam)
    }
}

labelled! {
    /// The level an honour was awarded at, from the highest down.
    HonourLevel as "荣誉级别" {
        /// 全国.
        National => ("national", "全国", ["国家级", "全国级"]),
        /// 省级 (Zhejiang).
        Provincial => ("provincial", "省级", ["浙江省级", "省"]),
        /// 杭州市级 (the prefecture Jiande belongs to).
        Hangzhou => ("hangzhou", "杭州市级", ["杭州市"]),
        /// 建德市级 (Jiande itself, a county-level city).
        Jiande => ("jiande", "建德市级", ["建德市"]),
    }
}

impl HonourLevel {
    /// 1 for national down to 4 for Jiande; lower is higher.
    fn height(self) -> u8 {
        match self {
            HonourLevel::National => 1,
            HonourLevel::Provincial => 2,
            HonourLevel::Hangzhou => 3,
            HonourLevel::Jiande => 4,
        }
    }

    /// Whether this level is `other` or higher, for counts such as "provincial level or
    /// above". Not `Ord`, because "national < provincial" would read backwards.
    pub fn is_at_least(self, other: HonourLevel) -> bool {
        self.height() <= other.height()
    }
}

/// Why an honour cannot be recorded as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HonourError {
    /// The honour exists only at one level.
    #[error("{kind}只能是{expected}荣誉，不能是{level}")]
    WrongLevel {
        /// The honour.
        kind: HonourKind,
        /// The level asked for.
        level: HonourLevel,
        /// The level it has.
        expected: HonourLevel,
    },
}

/// Checks that `kind` can be awarded at `level`. 浙江工匠 is by its name a provincial title, so
/// it can only be provincial; the other honours exist at every level.
pub fn validate_level(kind: HonourKind, level: HonourLevel) -> Result<(), HonourError> {
    match kind {
        HonourKind::ZhejiangCraftsman if level != HonourLevel::Provincial => {
            Err(HonourError::WrongLevel {
                kind,
                level,
                expected: HonourLevel::Provincial,
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn studios_and_pioneer_teams_are_collective() {
        assert!(!HonourKind::ModelWorker.is_collective());
        assert!(!HonourKind::ZhejiangCraftsman.is_collective());
        assert!(HonourKind::InnovationStudio.is_collective());
        assert!(HonourKind::PioneerTeam.is_collective());
    }

    #[test]
    fn levels_compare_from_national_down() {
        use HonourLevel::*;
        assert!(National.is_at_least(Provincial));
        assert!(Jiande.is_at_least(Jiande));
        assert!(!Jiande.is_at_least(Hangzhou));
        assert!(!Provincial.is_at_least(National));
    }

    #[test]
    fn zhejiang_craftsman_is_provincial_only() {
        assert_eq!(
            validate_level(HonourKind::ZhejiangCraftsman, HonourLevel::Provincial),
            Ok(())
        );
        let err = validate_level(HonourKind::ZhejiangCraftsman, HonourLevel::Jiande);
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("浙江工匠只能是省级荣誉，不能是建德市级".to_string())
        );
        for level in HonourLevel::ALL {
            assert_eq!(validate_level(HonourKind::PioneerTeam, *level), Ok(()));
        }
    }

    #[test]
    fn honours_read_their_usual_names() {
        assert_eq!(HonourKind::parse("劳动模范"), Ok(HonourKind::ModelWorker));
        assert_eq!(HonourLevel::parse("杭州市"), Ok(HonourLevel::Hangzhou));
        assert!(HonourLevel::parse("市级").is_err());
    }
}
