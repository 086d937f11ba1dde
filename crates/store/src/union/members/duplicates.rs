//! Suspected duplicate registrations and their merge (see
//! `domain::union::duplicates`): the same person under two resident IDs. A merge keeps
//! one record and both histories: the merged record as it was is kept in
//! `member_merges`, its transfers move to the record kept, the earlier join date is
//! kept, and an account linked to the merged ID is linked to the kept one.

use super::counts::Recount;
use super::{MEMBERS, Member, Scope, TRANSFERS, get};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Tx};
use crate::error::{Refusal, StoreResult};
use crate::platform::users::USERS;
use crate::query;
use crate::union::codes;
use domain::union::duplicates::{Registration, check_merge};

/// The merges, audited: each keeps the merged record as it was.
pub const MERGES: AuditedTable = AuditedTable {
    entity: "member_merge",
    table: "member_merges",
    secret_columns: &[],
};

/// The records that belong to a member by `member_id`: a merge moves them all to the
/// member kept (the transfers, team memberships, sign-ups, participations, aid
/// applications, protection claims and programme enrolments).
const MEMBER_RECORDS: [&AuditedTable; 7] = [
    &TRANSFERS,
    &crate::union::teams::TEAM_MEMBERS,
    &crate::union::signups::SIGNUPS,
    &crate::union::participations::PARTICIPATIONS,
    &crate::union::aid::APPLICATIONS,
    &crate::union::claims::CLAIMS,
    &crate::union::programmes::ENROLMENTS,
];

/// Places one person holds only once (the unique indexes of those tables): two records
/// holding the same one cannot simply be moved together.
const OVERLAPS: [(&str, &str); 4] = [
    (
        "同一队伍的成员身份",
        "SELECT COUNT(*) FROM union_team_members a JOIN union_team_members b
         ON b.team_id = a.team_id WHERE a.member_id = $1 AND b.member_id = $2",
    ),
    (
        "同一活动的报名",
        "SELECT COUNT(*) FROM union_signups a JOIN union_signups b ON b.activity_id = a.activity_id
         WHERE a.member_id = $1 AND b.member_id = $2
           AND a.cancelled_at IS NULL AND b.cancelled_at IS NULL",
    ),
    (
        "同一福利项目的报名",
        "SELECT COUNT(*) FROM union_enrolments a JOIN union_enrolments b ON b.programme_id = a.programme_id
         WHERE a.member_id = $1 AND b.member_id = $2
           AND a.state <> 'withdrawn' AND b.state <> 'withdrawn'",
    ),
    (
        "同一节日的慰问",
        "SELECT COUNT(*) FROM union_aid_applications a JOIN union_aid_applications b
         ON b.year = a.year AND b.festival = a.festival
         WHERE a.member_id = $1 AND b.member_id = $2 AND a.festival IS NOT NULL
           AND a.stage <> 'rejected' AND b.stage <> 'rejected'",
    ),
];

/// Two records that look like one person; `first` is the older registration.
#[derive(Debug, Clone)]
pub struct Suspects {
    /// The older record (the one a merge keeps by default).
    pub first: Member,
    /// The newer record.
    pub second: Member,
}

/// How many pairs the list shows at most: a registry with more suspects than this is
/// cleaned up in rounds.
pub const MAX_SUSPECTS: i64 = 200;

fn registration(m: &Member) -> Registration<'_> {
    Registration {
        resident_id: &m.resident_id,
        name: &m.name,
        mobile: m.mobile.as_ref(),
    }
}

/// Pairs of records with the same mobile, name and birth date under different IDs, both
/// inside `scope`, oldest first. The database pairs them through the index on
/// (mobile, name); the birth date (the ID's 7th to 14th characters) is compared there
/// too, and the domain's rule confirms each pair.
pub async fn suspects(conn: impl Into<Conn<'_>>, scope: Scope) -> StoreResult<Vec<Suspects>> {
    let mut conn = conn.into();
    let pairs: Vec<(i64, i64)> = query::rows(
        &mut conn,
        "SELECT a.id, b.id FROM members a
         JOIN members b ON b.mobile = a.mobile AND b.name = a.name AND b.id > a.id
         WHERE a.mobile IS NOT NULL
           AND substr(a.resident_id, 7, 8) = substr(b.resident_id, 7, 8)
         ORDER BY a.id, b.id LIMIT $1",
        &[MAX_SUSPECTS.into()],
        Ok,
    )
    .await?;
    let mut found = Vec::new();
    for (a, b) in pairs {
        let (Ok(first), Ok(second)) = (
            get(&mut conn, scope, a).await,
            get(&mut conn, scope, b).await,
        ) else {
            continue;
        };
        if domain::union::duplicates::suspected(registration(&first), registration(&second)) {
            found.push(Suspects { first, second });
        }
    }
    Ok(found)
}

/// Merges record `merged` into record `kept` (both inside `scope`, suspects of each
/// other, with a written reason), in the caller's transaction, every step audited.
pub async fn merge(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    kept: i64,
    merged: i64,
    reason: &str,
) -> StoreResult<()> {
    let k = get(&mut *tx, scope, kept).await?;
    let m = get(&mut *tx, scope, merged).await?;
    check_merge(registration(&k), registration(&m), reason)?;
    for (what, sql) in OVERLAPS {
        let both: Option<i64> = query::value(&mut *tx, sql, &[k.id.into(), m.id.into()]).await?;
        if both.unwrap_or(0) > 0 {
            return Err(Refusal::MergeOverlap(what).into());
        }
    }
    let kept_count = Recount::begin(tx, k.id).await?;
    let merged_count = Recount::begin(tx, m.id).await?;
    audit::insert(
        tx,
        actor,
        &MERGES,
        "INSERT INTO member_merges (kept_member_id, merged_member_id, merged_resident_id, merged_name,
         merged_mobile, merged_union_id, merged_joined_on, merged_left_on, merged_migrant_worker,
         reason, merged_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        &[
            k.id.into(),
            m.id.into(),
            m.resident_id.as_str().into(),
            m.name.as_str().into(),
            crate::sql::Bind::OptText(m.mobile.as_ref().map(|x| x.as_str().to_string())),
            m.union_id.into(),
            codes::date_text(m.joined_on).into(),
            crate::sql::Bind::OptText(m.left_on.map(codes::date_text)),
            crate::sql::Bind::Bool(m.migrant_worker),
            reason.trim().into(),
            crate::now_text().into(),
        ],
    )
    .await?;
    for table in MEMBER_RECORDS {
        let sql = format!(
            "SELECT id FROM {} WHERE member_id = $1 ORDER BY id",
            table.table
        );
        let ids: Vec<i64> =
            query::rows(&mut *tx, &sql, &[m.id.into()], |(id,): (i64,)| Ok(id)).await?;
        let update = format!("UPDATE {} SET member_id = $1 WHERE id = $2", table.table);
        for id in ids {
            audit::update(
                tx,
                actor,
                (table, id),
                "merge",
                &update,
                &[k.id.into(), id.into()],
            )
            .await?;
        }
    }
    let accounts: Vec<i64> = query::rows(
        &mut *tx,
        "SELECT id FROM users WHERE member_resident_id = $1",
        &[m.resident_id.as_str().into()],
        |(id,): (i64,)| Ok(id),
    )
    .await?;
    for u in accounts {
        audit::update(
            tx,
            actor,
            (&USERS, u),
            "merge",
            "UPDATE users SET member_resident_id = $1 WHERE id = $2",
            &[k.resident_id.as_str().into(), u.into()],
        )
        .await?;
    }
    if m.joined_on < k.joined_on {
        audit::update(
            tx,
            actor,
            (&MEMBERS, k.id),
            "merge",
            "UPDATE members SET joined_on = $1, updated_at = $2 WHERE id = $3",
            &[
                codes::date_text(m.joined_on).into(),
                crate::now_text().into(),
                k.id.into(),
            ],
        )
        .await?;
    }
    audit::delete(tx, actor, &MEMBERS, m.id).await?;
    kept_count.finish(tx).await?;
    merged_count.finish(tx).await
}

/// A merge as the member's page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Merge {
    /// The merged record's resident ID.
    pub merged_resident_id: String,
    /// Its join date.
    pub merged_joined_on: String,
    /// Its union then.
    pub merged_union: String,
    /// Why it was merged.
    pub reason: String,
    /// When (stored UTC text).
    pub merged_at: String,
}

impl Merge {
    /// When it was merged, in Asia/Shanghai.
    pub fn merged_at_local(&self) -> String {
        crate::parse_timestamp(&self.merged_at)
            .map(domain::platform::time::show_local)
            .unwrap_or_else(|| self.merged_at.clone())
    }
}

/// The records merged into member `kept`, oldest first.
pub async fn merges_into(conn: impl Into<Conn<'_>>, kept: i64) -> StoreResult<Vec<Merge>> {
    query::rows(
        conn,
        "SELECT g.merged_resident_id, g.merged_joined_on, u.name AS merged_union, g.reason, g.merged_at
         FROM member_merges g JOIN unions u ON u.id = g.merged_union_id
         WHERE g.kept_member_id = $1 ORDER BY g.id",
        &[kept.into()],
        Ok,
    )
    .await
}
