//! The union hierarchy and its officers: city federation → township federations → enterprise
//! and joint unions, and the "专+兼" reform of the township federations.
//!
//! The hierarchy rules are checked here, once, so that an import cannot hang an enterprise
//! union under another enterprise union and make the coverage counts lie.

use crate::platform::labelled::labelled;
use serde::{Deserialize, Serialize};

labelled! {
    /// The four kinds of union organisation the city federation deals with.
    UnionKind as "工会类型" {
        /// 市总工会: the top of the tree; there is exactly one and it has no parent.
        CityFederation => ("city_federation", "市总工会", ["建德市总工会"]),
        /// 乡镇总工会: one per township or subdistrict, under the city federation.
        TownshipFederation => ("township_federation", "乡镇总工会", ["乡镇（街道）总工会", "街道总工会"]),
        /// 企业工会: the union of exactly one enterprise.
        EnterpriseUnion => ("enterprise_union", "企业工会", []),
        /// 联合工会: one union covering several small enterprises (often of one area or trade),
        /// the usual way enterprises too small for their own union are covered.
        JointUnion => ("joint_union", "联合工会", ["区域性联合工会", "行业性联合工会"]),
    }
}

/// Why a union cannot be placed or staffed as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnionError {
    /// The city federation is the top of the tree.
    #[error("市总工会是最高一级工会，不能有上级工会")]
    CityHasParent,
    /// Every other union sits under one.
    #[error("{0}必须有上级工会")]
    MissingParent(UnionKind),
    /// A parent of a kind this kind cannot sit under.
    #[error("{child}的上级工会不能是{parent}，应为{expected}")]
    WrongParent {
        /// The union being placed.
        child: UnionKind,
        /// The parent asked for.
        parent: UnionKind,
        /// The kinds allowed, in words.
        expected: String,
    },
    /// An enterprise union covers exactly its own enterprise.
    #[error("企业工会只能覆盖一家企业，现为{0}家")]
    EnterpriseUnionCoversOne(usize),
    /// A joint union exists to cover several small enterprises.
    #[error("联合工会应覆盖两家及以上企业，现为{0}家")]
    JointUnionCoversSeveral(usize),
    /// Federations cover enterprises only through the unions under them.
    #[error("{0}不直接覆盖企业，企业应通过企业工会或联合工会覆盖")]
    FederationCoversNoEnterprise(UnionKind),
    /// A union has one chair at a time.
    #[error("一个工会同时只能有一名主席，现为{0}名")]
    SeveralChairs(usize),
}

impl UnionKind {
    /// The kinds this kind may sit under. An enterprise or joint union normally belongs to its
    /// township federation, but a few large enterprises report to the city federation directly,
    /// so both are allowed. Empty for the city federation, which has no parent.
    pub fn allowed_parents(self) -> &'static [UnionKind] {
        match self {
            UnionKind::CityFederation => &[],
            UnionKind::TownshipFederation => &[UnionKind::CityFederation],
            UnionKind::EnterpriseUnion | UnionKind::JointUnion => {
                &[UnionKind::TownshipFederation, UnionKind::CityFederation]
            }
        }
    }

    /// Whether this is a federation (city or township), i.e. a union of unions rather than a
    /// union of workers at enterprises.
    pub fn is_federation(self) -> bool {
        matches!(
            self,
            UnionKind::CityFederation | UnionKind::TownshipFederation
        )
    }
}

/// Checks that `child` may sit under `parent` (`None` = no parent). Called when a union is
/// created, imported or moved, so the tree the coverage counts walk is always well formed.
pub fn validate_parent(child: UnionKind, parent: Option<UnionKind>) -> Result<(), UnionError> {
    let allowed = child.allowed_parents();
    match parent {
        None if allowed.is_empty() => Ok(()),
        None => Err(UnionError::MissingParent(child)),
        Some(_) if allowed.is_empty() => Err(UnionError::CityHasParent),
        Some(p) if allowed.contains(&p) => Ok(()),
        Some(p) => Err(UnionError::WrongParent {
            child,
            parent: p,
            expected: allowed
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join("或"),
        }),
    }
}

/// Checks how many enterprises a union covers: an enterprise union exactly one, a joint union
/// at least two (with one it would just be an enterprise union), a federation none directly.
/// Coverage is counted per enterprise, so this keeps one enterprise from counting twice over.
pub fn validate_enterprise_count(kind: UnionKind, enterprises: usize) -> Result<(), UnionError> {
    match kind {
        UnionKind::EnterpriseUnion if enterprises != 1 => {
            Err(UnionError::EnterpriseUnionCoversOne(enterprises))
        }
        UnionKind::JointUnion if enterprises < 2 => {
            Err(UnionError::JointUnionCoversSeveral(enterprises))
        }
        UnionKind::CityFederation | UnionKind::TownshipFederation if enterprises > 0 => {
            Err(UnionError::FederationCoversNoEnterprise(kind))
        }
        _ => Ok(()),
    }
}

labelled! {
    /// An officer's post on a union committee.
    OfficerPost as "职务" {
        /// 主席.
        Chair => ("chair", "主席", ["工会主席"]),
        /// 副主席: the reform makes most of these part-time posts held by people from enterprises.
        ViceChair => ("vice_chair", "副主席", ["工会副主席"]),
        /// 委员: committee member.
        Member => ("member", "委员", ["工会委员"]),
    }
}

labelled! {
    /// Whether an officer does union work as their job or beside another one.
    Engagement as "专兼职" {
        /// 专职: paid to do union work.
        FullTime => ("full_time", "专职", []),
        /// 兼职: does union work beside a job, typically at an enterprise.
        PartTime => ("part_time", "兼职", []),
    }
}

/// What the reform rule needs to know about one current officer; the store builds these from
/// the officers whose term includes the day in question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerSummary {
    /// The officer's post.
    pub post: OfficerPost,
    /// Full-time or part-time.
    pub engagement: Engagement,
    /// Whether the officer is a frontline worker (一线职工) rather than a cadre or manager.
    pub frontline: bool,
}

labelled! {
    /// One thing a township federation still lacks before its reform counts as complete; listed
    /// on the federation's page so staff know what to fix rather than just "not reformed".
    ReformGap as "改革缺项" {
        /// No full-time chair or vice-chair.
        NoFullTimeLeader => ("no_full_time_leader", "缺少专职主席或副主席", []),
        /// No part-time vice-chair.
        NoPartTimeViceChair => ("no_part_time_vice_chair", "缺少兼职副主席", []),
        /// No frontline worker among the officers.
        NoFrontlineWorker => ("no_frontline_worker", "缺少一线职工", []),
    }
}

/// What a township federation's current officers still lack for the "专+兼" reform; empty
/// when the reform is complete.
///
/// Our reading of "专+兼扁平化、副主席兼职化、吸纳一线职工": the federation is led by at least
/// one full-time chair or vice-chair (专), has at least one part-time vice-chair (兼,
/// 副主席兼职化), and has co-opted at least one frontline worker into any post (吸纳一线职工).
pub fn reform_gaps(officers: &[OfficerSummary]) -> Vec<ReformGap> {
    let full_time_leader = officers.iter().any(|o| {
        o.engagement == Engagement::FullTime
            && matches!(o.post, OfficerPost::Chair | OfficerPost::ViceChair)
    });
    let part_time_vice = officers
        .iter()
        .any(|o| o.engagement == Engagement::PartTime && o.post == OfficerPost::ViceChair);
    let frontline = officers.iter().any(|o| o.frontline);
    [
        (full_time_leader, ReformGap::NoFullTimeLeader),
        (part_time_vice, ReformGap::NoPartTimeViceChair),
        (frontline, ReformGap::NoFrontlineWorker),
    ]
    .into_iter()
    .filter(|(met, _)| !met)
    .map(|(_, gap)| gap)
    .collect()
}

/// Whether a township federation's reform is complete (see [`reform_gaps`] for the rule);
/// the yearbook counts these ("16 township federations reformed").
pub fn reform_complete(officers: &[OfficerSummary]) -> bool {
    reform_gaps(officers).is_empty()
}

/// Checks a union's current officers: at most one chair at a time. A second chair is almost
/// always an old officer whose term was not closed, which would double-count in reports.
pub fn validate_officers(officers: &[OfficerSummary]) -> Result<(), UnionError> {
    let chairs = officers
        .iter()
        .filter(|o| o.post == OfficerPost::Chair)
        .count();
    if chairs > 1 {
        return Err(UnionError::SeveralChairs(chairs));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Engagement::{FullTime, PartTime};
    use OfficerPost::{Chair, Member, ViceChair};
    use UnionKind::*;

    fn officer(post: OfficerPost, engagement: Engagement, frontline: bool) -> OfficerSummary {
        OfficerSummary {
            post,
            engagement,
            frontline,
        }
    }

    #[test]
    fn city_federation_has_no_parent() {
        assert_eq!(validate_parent(CityFederation, None), Ok(()));
        assert_eq!(
            validate_parent(CityFederation, Some(CityFederation)),
            Err(UnionError::CityHasParent)
        );
    }

    #[test]
    fn township_federation_sits_under_the_city() {
        assert_eq!(
            validate_parent(TownshipFederation, Some(CityFederation)),
            Ok(())
        );
        assert_eq!(
            validate_parent(TownshipFederation, None),
            Err(UnionError::MissingParent(TownshipFederation))
        );
        assert!(validate_parent(TownshipFederation, Some(TownshipFederation)).is_err());
    }

    #[test]
    fn enterprise_and_joint_unions_sit_under_a_township_or_the_city() {
        for child in [EnterpriseUnion, JointUnion] {
            assert_eq!(validate_parent(child, Some(TownshipFederation)), Ok(()));
            assert_eq!(validate_parent(child, Some(CityFederation)), Ok(()));
            assert!(validate_parent(child, None).is_err());
            assert!(validate_parent(child, Some(EnterpriseUnion)).is_err());
            assert!(validate_parent(child, Some(JointUnion)).is_err());
        }
        let message = validate_parent(EnterpriseUnion, Some(JointUnion))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "企业工会的上级工会不能是联合工会，应为乡镇总工会或市总工会"
        );
    }

    #[test]
    fn enterprise_union_covers_exactly_one_enterprise() {
        assert_eq!(validate_enterprise_count(EnterpriseUnion, 1), Ok(()));
        assert!(validate_enterprise_count(EnterpriseUnion, 0).is_err());
        assert!(validate_enterprise_count(EnterpriseUnion, 2).is_err());
    }

    #[test]
    fn joint_union_covers_several_enterprises() {
        assert_eq!(validate_enterprise_count(JointUnion, 2), Ok(()));
        assert_eq!(validate_enterprise_count(JointUnion, 30), Ok(()));
        assert!(validate_enterprise_count(JointUnion, 1).is_err());
        assert!(validate_enterprise_count(TownshipFederation, 1).is_err());
        assert_eq!(validate_enterprise_count(CityFederation, 0), Ok(()));
    }

    #[test]
    fn reform_needs_full_time_leader_part_time_vice_chair_and_frontline_worker() {
        let reformed = [
            officer(Chair, FullTime, false),
            officer(ViceChair, PartTime, false),
            officer(Member, PartTime, true),
        ];
        assert!(reform_complete(&reformed));

        // A full-time vice-chair can be the full-time leader.
        let vice_led = [
            officer(ViceChair, FullTime, false),
            officer(ViceChair, PartTime, true),
        ];
        assert!(reform_complete(&vice_led));
    }

    #[test]
    fn reform_gaps_say_what_is_missing() {
        assert_eq!(
            reform_gaps(&[]),
            vec![
                ReformGap::NoFullTimeLeader,
                ReformGap::NoPartTimeViceChair,
                ReformGap::NoFrontlineWorker
            ]
        );
        // The old shape: a full-time chair and full-time vice-chairs, no one from the shop floor.
        let old = [
            officer(Chair, FullTime, false),
            officer(ViceChair, FullTime, false),
        ];
        assert_eq!(
            reform_gaps(&old),
            vec![ReformGap::NoPartTimeViceChair, ReformGap::NoFrontlineWorker]
        );
        // A part-time chair does not count as the full-time leader, nor as the part-time vice-chair.
        let part_time_chair = [
            officer(Chair, PartTime, true),
            officer(Member, FullTime, false),
        ];
        assert_eq!(
            reform_gaps(&part_time_chair),
            vec![ReformGap::NoFullTimeLeader, ReformGap::NoPartTimeViceChair]
        );
    }

    #[test]
    fn one_chair_at_a_time() {
        assert_eq!(
            validate_officers(&[officer(Chair, FullTime, false)]),
            Ok(())
        );
        assert_eq!(
            validate_officers(&[
                officer(Chair, FullTime, false),
                officer(Chair, PartTime, true)
            ]),
            Err(UnionError::SeveralChairs(2))
        );
    }

    #[test]
    fn posts_and_kinds_read_their_usual_names() {
        assert_eq!(UnionKind::parse("街道总工会"), Ok(TownshipFederation));
        assert_eq!(OfficerPost::parse("工会副主席"), Ok(ViceChair));
        assert!(OfficerPost::parse("秘书长").is_err());
    }
}
