//! Who a user is to the system. Each role sees only what it must: staff are scoped to a
//! township or a team, inspectors read everything and change nothing.

use serde::{Deserialize, Serialize};

/// A user's role. The anonymous public has no role and sees only `/public/…` pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the system: users, configuration, backups.
    Admin,
    /// City federation staff: every township's union records.
    UnionAdmin,
    /// A township federation's staff: only their own township.
    UnionStaff,
    /// Commander of a town's expropriation headquarters: all of that town's projects.
    RelocationCommander,
    /// A member of one working group (team) of a project: only that team's households.
    RelocationStaff,
    /// Discipline inspector: reads everything, including the audit log; changes nothing.
    Inspector,
    /// A union member using the member portal: only their own record.
    Member,
}

impl Role {
    /// Every role, in the order the user list shows them.
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::UnionAdmin,
        Role::UnionStaff,
        Role::RelocationCommander,
        Role::RelocationStaff,
        Role::Inspector,
        Role::Member,
    ];

    /// The name used on the command line, in the database and in the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::UnionAdmin => "union_admin",
            Role::UnionStaff => "union_staff",
            Role::RelocationCommander => "relocation_commander",
            Role::RelocationStaff => "relocation_staff",
            Role::Inspector => "inspector",
            Role::Member => "member",
        }
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::UnionAdmin => "市总工会管理员",
            Role::UnionStaff => "乡镇工会工作人员",
            Role::RelocationCommander => "征收指挥部总指挥",
            Role::RelocationStaff => "征收工作组成员",
            Role::Inspector => "纪检监督员",
            Role::Member => "工会会员",
        }
    }

    /// Reads a role code (`union_staff`) as written on the command line.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Whether the role may change records at all; inspectors and members may not
    /// (members change nothing but their own session).
    pub fn may_write(self) -> bool {
        !matches!(self, Role::Inspector | Role::Member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        crate::testing::assert_reads_back(&Role::ALL, |r| Role::parse(r.code()));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn inspectors_change_nothing() {
        assert!(!Role::Inspector.may_write());
    }
}
