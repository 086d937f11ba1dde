//! Who a text to a group of members reaches: the current members (not left) with a
//! mobile of one union, of one team or association, or of every union of a township.
//! The pages that compose such a text preview it for these people and queue one SMS each.
//!
//! The caller checks that the group is in the viewer's scope (the union, team or township
//! read through its scoped getter) before asking for its members.

use crate::db::Db;
use crate::error::StoreResult;
use crate::query;
use crate::sql::Bind;
use domain::union::township::Township;

/// One member a text to a group goes to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    /// The member.
    pub member_id: i64,
    /// Their name.
    pub name: String,
    /// Their mobile as registered.
    pub mobile: String,
    /// Their union's name (the `{{工会}}` of a template).
    pub union_name: String,
}

const SELECT: &str = "SELECT m.id AS member_id, m.name, m.mobile, u.name AS union_name
    FROM members m JOIN unions u ON u.id = m.union_id";

const REACHABLE: &str = "m.left_on IS NULL AND m.mobile IS NOT NULL AND m.mobile <> ''";

/// The current members of union `union_id` with a mobile, by id.
pub async fn of_union(db: &Db, union_id: i64) -> StoreResult<Vec<Recipient>> {
    let sql = format!("{SELECT} WHERE m.union_id = $1 AND {REACHABLE} ORDER BY m.id");
    query::rows(db, &sql, &[Bind::Int(union_id)], Ok).await
}

/// The current members of team `team_id` with a mobile, in order of joining the team.
pub async fn of_team(db: &Db, team_id: i64) -> StoreResult<Vec<Recipient>> {
    let sql = format!(
        "{SELECT} JOIN union_team_members tm ON tm.member_id = m.id \
         WHERE tm.team_id = $1 AND {REACHABLE} ORDER BY tm.id"
    );
    query::rows(db, &sql, &[Bind::Int(team_id)], Ok).await
}

/// The current members with a mobile of every union of township `t`, by union and id.
pub async fn of_township(db: &Db, t: Township) -> StoreResult<Vec<Recipient>> {
    let sql = format!("{SELECT} WHERE u.township = $1 AND {REACHABLE} ORDER BY u.id, m.id");
    query::rows(db, &sql, &[Bind::Text(t.code().to_string())], Ok).await
}
