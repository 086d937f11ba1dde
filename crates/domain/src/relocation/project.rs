//! What a project is and how the headquarters organises its people: the kind of project,
//! where it stands, and the four working groups every campaign is split into.

use crate::platform::labelled::labelled;

labelled! {
    /// Expropriation takes land and buildings; resettlement houses the households whose
    /// homes were taken. The yearbook counts them separately (11 and 6 in 2019).
    ProjectKind {
        /// 征收项目.
        Expropriation => ("expropriation", "征收", ["征收项目", "征迁"]),
        /// 安置项目.
        Resettlement => ("resettlement", "安置", ["安置项目", "搬迁安置"]),
    }
}

labelled! {
    /// Where a project stands; only active projects appear on the wall by default.
    ProjectStatus {
        /// 筹备中: scope and standard being prepared.
        Preparing => ("preparing", "筹备中", ["筹备"]),
        /// 实施中: households are being approached.
        Active => ("active", "实施中", ["进行中"]),
        /// 已完成: land handed over.
        Closed => ("closed", "已完成", ["完成", "已结束"]),
    }
}

labelled! {
    /// The four working groups (工作组) the commander splits staff into. Households are
    /// assigned to one group and one named person in it, who "takes them one by one".
    TeamKind {
        /// 综合政策组: explains the policy, handles disputes and special cases.
        Policy => ("policy", "综合政策组", ["政策组"]),
        /// 评估组: values decoration, attachments and crops.
        Appraisal => ("appraisal", "评估组", []),
        /// 确权组: checks certificates and approvals, measures and recognises area.
        Title => ("title", "确权组", []),
        /// 征收组: negotiates and signs the agreements.
        Expropriation => ("expropriation", "征收组", []),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_labels_and_synonyms_parse() {
        for k in TeamKind::ALL {
            assert_eq!(TeamKind::parse(k.code()), Some(*k));
            assert_eq!(TeamKind::parse(k.label()), Some(*k));
        }
        assert_eq!(TeamKind::parse(" 政策组 "), Some(TeamKind::Policy));
        assert_eq!(ProjectKind::parse("安置"), Some(ProjectKind::Resettlement));
        assert_eq!(ProjectStatus::parse("unknown"), None);
        assert_eq!(TeamKind::Title.to_string(), "确权组");
    }
}
