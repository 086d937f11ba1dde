//! Who a logged-in user is, as one value: the role together with exactly what that role
//! needs (a township, a town, a working group, a resident ID).
//!
//! The database keeps a role and four optional columns, which can hold combinations that
//! mean nothing (township staff without a township, a member without an ID). They are read
//! into an [`Account`] once, where the row is decoded, and refused there if they do not
//! fit; past that point no code asks "is the township set?" again, and both scopes (union
//! and relocation) are worked out from the account alone.

use super::resident_id::ResidentId;
use super::role::Role;
use crate::union::township::Township;

/// A user's kind with what that kind of user has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// Runs the system: users, configuration, backups.
    Admin,
    /// City federation staff: every township's union records.
    UnionAdmin,
    /// A township federation's staff: only their own township.
    UnionStaff {
        /// The township they serve.
        township: Township,
    },
    /// Commander of a town's expropriation headquarters: all of that town's projects.
    RelocationCommander {
        /// The town whose projects they command.
        town: String,
    },
    /// A member of one working group of a project: only that group's households.
    RelocationStaff {
        /// Their working group (team) id; the group's project gives the town.
        team: i64,
    },
    /// Discipline inspector: reads everything, changes nothing.
    Inspector,
    /// A union member using the member portal: only their own record.
    Member {
        /// Links them to their own member record.
        resident_id: ResidentId,
    },
}

/// The stored shape of an account: a role and the optional columns beside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountColumns {
    /// The role code (`union_staff`).
    pub role: String,
    /// `township` column (union staff).
    pub township: Option<String>,
    /// `town` column (relocation commanders).
    pub town: Option<String>,
    /// `team_id` column (relocation staff).
    pub team_id: Option<i64>,
    /// `member_resident_id` column (members).
    pub resident_id: Option<String>,
}

/// Why role and columns do not make an account; worded for the person who entered them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The role code is not one of ours.
    #[error("未知角色：{0}")]
    UnknownRole(String),
    /// A role that needs a scope has none.
    #[error("{}必须指定{}", .0.label(), .1)]
    Missing(Role, &'static str),
    /// A scope field is set that the role does not have.
    #[error("{}不应指定{}", .0.label(), .1)]
    Unexpected(Role, &'static str),
    /// The township is not one of Jiande's.
    #[error("所属乡镇不正确：{0}")]
    Township(String),
    /// The member's resident ID does not parse.
    #[error("会员身份证号不正确：{0}")]
    ResidentId(String),
}

const TOWNSHIP: &str = "所属乡镇";
const TOWN: &str = "所属镇";
const TEAM: &str = "所属工作组";
const RESIDENT_ID: &str = "关联身份证号";

impl Account {
    /// Reads the stored role and columns; a field the role needs must be there, and a
    /// field it does not have must be empty.
    pub fn from_columns(c: &AccountColumns) -> Result<Account, AccountError> {
        let role = Role::parse(&c.role).ok_or_else(|| AccountError::UnknownRole(c.role.clone()))?;
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let (township, town, resident_id) =
            (text(&c.township), text(&c.town), text(&c.resident_id));
        let present = [
            (township.is_some(), TOWNSHIP),
            (town.is_some(), TOWN),
            (c.team_id.is_some(), TEAM),
            (resident_id.is_some(), RESIDENT_ID),
        ];
        let own = match role {
            Role::UnionStaff => Some(TOWNSHIP),
            Role::RelocationCommander => Some(TOWN),
            Role::RelocationStaff => Some(TEAM),
            Role::Member => Some(RESIDENT_ID),
            _ => None,
        };
        if let Some((_, field)) = present.iter().find(|(set, f)| *set && Some(*f) != own) {
            return Err(AccountError::Unexpected(role, field));
        }
        let missing = |field| AccountError::Missing(role, field);
        Ok(match role {
            Role::Admin => Account::Admin,
            Role::UnionAdmin => Account::UnionAdmin,
            Role::Inspector => Account::Inspector,
            Role::UnionStaff => {
                let t = township.ok_or(missing(TOWNSHIP))?;
                Account::UnionStaff {
                    township: Township::parse(&t).map_err(|_| AccountError::Township(t))?,
                }
            }
            Role::RelocationCommander => Account::RelocationCommander {
                town: town.ok_or(missing(TOWN))?,
            },
            Role::RelocationStaff => Account::RelocationStaff {
                team: c.team_id.ok_or(missing(TEAM))?,
            },
            Role::Member => {
                let id = resident_id.ok_or(missing(RESIDENT_ID))?;
                Account::Member {
                    resident_id: ResidentId::parse(&id)
                        .map_err(|_| AccountError::ResidentId(id))?,
                }
            }
        })
    }

    /// The stored shape, for writing the account back.
    pub fn columns(&self) -> AccountColumns {
        let mut c = AccountColumns {
            role: self.role().code().to_string(),
            ..AccountColumns::default()
        };
        match self {
            Account::UnionStaff { township } => c.township = Some(township.name().to_string()),
            Account::RelocationCommander { town } => c.town = Some(town.clone()),
            Account::RelocationStaff { team } => c.team_id = Some(*team),
            Account::Member { resident_id } => c.resident_id = Some(resident_id.as_str().into()),
            Account::Admin | Account::UnionAdmin | Account::Inspector => {}
        }
        c
    }

    /// The role, which the route table decides access by.
    pub fn role(&self) -> Role {
        match self {
            Account::Admin => Role::Admin,
            Account::UnionAdmin => Role::UnionAdmin,
            Account::UnionStaff { .. } => Role::UnionStaff,
            Account::RelocationCommander { .. } => Role::RelocationCommander,
            Account::RelocationStaff { .. } => Role::RelocationStaff,
            Account::Inspector => Role::Inspector,
            Account::Member { .. } => Role::Member,
        }
    }

    /// What the account is scoped to, in words for lists (`新安江街道`, `工作组#3`).
    pub fn scope_label(&self) -> String {
        match self {
            Account::UnionStaff { township } => township.name().to_string(),
            Account::RelocationCommander { town } => town.clone(),
            Account::RelocationStaff { team } => format!("工作组#{team}"),
            _ => String::new(),
        }
    }

    /// Whose union records the account may see: the whole city, or one township.
    /// Accounts outside the union module never reach its routes (the route table), so
    /// they are given the city here, as the command line is.
    pub fn union_township(&self) -> Option<Township> {
        match self {
            Account::UnionStaff { township } => Some(*township),
            _ => None,
        }
    }

    /// How far the account reaches in the relocation module, before the working group's
    /// project is looked up.
    pub fn relocation_reach(&self) -> RelocationReach<'_> {
        match self {
            Account::Admin | Account::Inspector => RelocationReach::All,
            Account::RelocationCommander { town } => RelocationReach::Town(town),
            Account::RelocationStaff { team } => RelocationReach::Team(*team),
            _ => RelocationReach::Nothing,
        }
    }
}

/// What an account reaches in the relocation module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelocationReach<'a> {
    /// Every project.
    All,
    /// The projects of one town.
    Town(&'a str),
    /// One working group's households.
    Team(i64),
    /// Nothing: the account works outside the module.
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(role: &str) -> AccountColumns {
        AccountColumns {
            role: role.into(),
            ..AccountColumns::default()
        }
    }

    #[test]
    fn township_staff_without_a_township_is_refused() {
        let e = Account::from_columns(&cols("union_staff")).unwrap_err();
        assert_eq!(e, AccountError::Missing(Role::UnionStaff, TOWNSHIP));
        assert!(e.to_string().contains("必须指定所属乡镇"));
    }

    #[test]
    fn a_field_the_role_does_not_have_is_refused() {
        let c = AccountColumns {
            town: Some("杨村桥镇".into()),
            ..cols("admin")
        };
        assert_eq!(
            Account::from_columns(&c),
            Err(AccountError::Unexpected(Role::Admin, TOWN))
        );
    }

    #[test]
    fn an_unknown_role_is_refused() {
        assert!(matches!(
            Account::from_columns(&cols("root")),
            Err(AccountError::UnknownRole(_))
        ));
    }

    #[test]
    fn accounts_round_trip_through_their_columns() {
        let accounts = [
            Account::Admin,
            Account::UnionStaff {
                township: Township::parse("新安江街道").unwrap(),
            },
            Account::RelocationCommander {
                town: "杨村桥镇".into(),
            },
            Account::RelocationStaff { team: 3 },
            Account::Member {
                resident_id: ResidentId::parse("330182199001010014").unwrap(),
            },
        ];
        for a in accounts {
            assert_eq!(Account::from_columns(&a.columns()), Ok(a));
        }
    }

    #[test]
    fn inspectors_reach_every_project_and_members_none() {
        assert_eq!(Account::Inspector.relocation_reach(), RelocationReach::All);
        let m = Account::Member {
            resident_id: ResidentId::parse("330182199001010014").unwrap(),
        };
        assert_eq!(m.relocation_reach(), RelocationReach::Nothing);
        assert_eq!(m.union_township(), None);
    }
}
