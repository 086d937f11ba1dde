//! Honours (先进典型) by year: of people (model workers by level, Zhejiang craftsmen) and of
//! collectives (innovation studios, pioneer teams). The natural key is year, kind, level,
//! holder and workplace, so an import of the same list twice changes nothing.
//!
//! A township's honours (township set) are its staff's; honours without a township are
//! the city's and seen by every reader.

use super::Scope;
use super::codes::{self, from_code};
use super::services::visible_row;
use super::sql::{Bind, Where};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use domain::platform::ResidentId;
use domain::platform::masking::mask_id;
use domain::union::honour::{HonourKind, HonourLevel};
use domain::union::township::Township;
use serde::Serialize;

/// The honours table as audited.
pub const HONOURS: AuditedTable = AuditedTable {
    entity: "union_honour",
    table: "union_honours",
    secret_columns: &[],
};

/// An honour as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Honour {
    /// Database id.
    pub id: i64,
    /// Kind.
    pub kind: HonourKind,
    /// Level.
    pub level: HonourLevel,
    /// Year awarded.
    pub year: i32,
    /// The person's name, or the collective's.
    pub holder: String,
    /// The person's resident ID (people only, when known).
    pub resident_id: Option<String>,
    /// Workplace (enterprise or body).
    pub workplace: String,
    /// Township, none for the city's own list.
    pub township: Option<Township>,
}

impl Honour {
    /// The ID as lists show it.
    pub fn masked_id(&self) -> String {
        self.resident_id.as_deref().map(mask_id).unwrap_or_default()
    }
}

#[derive(sqlx::FromRow)]
struct HonourRow {
    id: i64,
    kind: String,
    level: String,
    year: i64,
    holder: String,
    resident_id: Option<String>,
    workplace: String,
    township: Option<String>,
}

impl HonourRow {
    fn into_honour(self) -> StoreResult<Honour> {
        Ok(Honour {
            id: self.id,
            kind: from_code(HonourKind::ALL, HonourKind::code, &self.kind)?,
            level: from_code(HonourLevel::ALL, HonourLevel::code, &self.level)?,
            year: i32::try_from(self.year)
                .map_err(|_| StoreError::corrupt(format!("荣誉年份有误：{}", self.year)))?,
            township: self.township.as_deref().map(codes::township).transpose()?,
            holder: self.holder,
            resident_id: self.resident_id,
            workplace: self.workplace,
        })
    }
}

const SELECT: &str = "SELECT h.id, h.kind, h.level, h.year, h.holder, h.resident_id,
    h.workplace, h.township FROM union_honours h";

/// What a form or an import row gives for an honour (level checked by the domain's
/// `validate_level`).
#[derive(Debug, Clone)]
pub struct HonourInput {
    /// Kind.
    pub kind: HonourKind,
    /// Level.
    pub level: HonourLevel,
    /// Year.
    pub year: i32,
    /// Person's or collective's name.
    pub holder: String,
    /// Person's resident ID.
    pub resident_id: Option<ResidentId>,
    /// Workplace.
    pub workplace: String,
    /// Township.
    pub township: Option<Township>,
}

/// Filters of the honour list.
#[derive(Debug, Clone, Default)]
pub struct HonourFilter {
    /// Part of the holder's name or workplace.
    pub q: Option<String>,
    /// One kind.
    pub kind: Option<HonourKind>,
    /// One level.
    pub level: Option<HonourLevel>,
    /// One year.
    pub year: Option<i32>,
}

fn filter_sql(scope: Scope, f: &HonourFilter) -> Where {
    let mut w = Where::default();
    w.push_some(
        "(h.township IS NULL OR h.township = ?)",
        scope.township_code(),
    );
    w.push_search(
        "(h.holder LIKE ? ESCAPE '\\' OR h.workplace LIKE ? ESCAPE '\\')",
        f.q.as_deref(),
    );
    w.push_some("h.kind = ?", f.kind.map(|k| k.code()));
    w.push_some("h.level = ?", f.level.map(|l| l.code()));
    w.push_some("h.year = ?", f.year.map(i64::from));
    w
}

/// A page of honours in scope (latest year first), and how many match.
pub async fn list(
    db: &Db,
    scope: Scope,
    f: &HonourFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Honour>, i64)> {
    query::page(
        db,
        (SELECT, "SELECT COUNT(*) FROM union_honours h"),
        &filter_sql(scope, f),
        "h.year DESC, h.kind, h.holder, h.id",
        (limit, offset),
        HonourRow::into_honour,
    )
    .await
}

/// One honour a reader may see; not found otherwise.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Honour> {
    let sql = format!("{SELECT} WHERE h.id = $1");
    visible_row(
        conn,
        scope,
        &sql,
        id,
        HonourRow::into_honour,
        |h: &Honour| h.township,
    )
    .await
}

/// Records an honour, or corrects the one with the same natural key (audited, logged only
/// when something changed); township staff only for their township. The id and whether
/// it was new.
pub async fn record(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    h: &HonourInput,
) -> StoreResult<(i64, bool)> {
    if !scope.allows_code(h.township.map(Township::code)) {
        return Err(StoreError::Conflict(
            "只能登记本乡镇（街道）的荣誉，市级名单由市总工会登记".into(),
        ));
    }
    let key = [
        Bind::Int(i64::from(h.year)),
        h.kind.code().into(),
        h.level.code().into(),
        Bind::from(&h.holder),
        Bind::from(&h.workplace),
    ];
    let existing: Option<(i64, Option<String>)> = query::row(
        &mut *tx,
        "SELECT id, township FROM union_honours
         WHERE year = $1 AND kind = $2 AND level = $3 AND holder = $4 AND workplace = $5",
        &key,
        Ok,
    )
    .await?;
    if let Some((_, t)) = &existing
        && !scope.allows_code(t.as_deref())
    {
        return Err(StoreError::Conflict(
            "该荣誉已由其他乡镇（街道）登记".into(),
        ));
    }
    let rest = [
        h.resident_id.as_ref().map(ResidentId::as_str).into(),
        h.township.map(Township::code).into(),
        crate::now_text().into(),
    ];
    let binds: Vec<Bind> = key.iter().cloned().chain(rest).collect();
    audit::upsert(
        tx,
        actor,
        &HONOURS,
        existing.map(|(id, _)| id),
        audit::UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                &mut *tx,
                "UPDATE union_honours SET resident_id = $1, township = $2, updated_at = $3
                 WHERE id = $4 AND NOT (resident_id IS NOT DISTINCT FROM $1 AND township IS NOT DISTINCT FROM $2)",
                &[binds[5].clone(), binds[6].clone(), binds[7].clone(), id.into()],
            )
            .await
        },
        async |tx| {
            query::one(
                &mut *tx,
                "INSERT INTO union_honours (year, kind, level, holder, workplace, resident_id, township, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                &binds,
            )
            .await
        },
    )
    .await
}

/// Removes an honour recorded by mistake (audited); not found outside the scope.
pub async fn remove(tx: &mut Tx, actor: &str, scope: Scope, id: i64) -> StoreResult<()> {
    let h = get(&mut *tx, scope, id).await?;
    if !scope.allows_code(h.township.map(Township::code)) {
        return Err(StoreError::NotFound);
    }
    audit::delete(tx, actor, &HONOURS, id).await
}

/// One year's honour figures in a scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HonourFigures {
    /// Model workers at city level or above (Jiande, Hangzhou, provincial, national).
    pub model_workers: i64,
    /// Zhejiang craftsmen.
    pub zhejiang_craftsmen: i64,
    /// Innovation studios.
    pub innovation_studios: i64,
    /// Pioneer teams.
    pub pioneer_teams: i64,
}

/// The honours of `year` in `scope` (a township's own, or the whole city's), counted by SQL.
pub async fn year_figures(
    conn: impl Into<Conn<'_>>,
    year: i32,
    scope: Scope,
) -> StoreResult<HonourFigures> {
    let mut binds = vec![Bind::Int(i64::from(year))];
    let township = match scope.township_code() {
        Some(code) => {
            binds.push(code.into());
            " AND township = $2"
        }
        None => "",
    };
    let rows: Vec<(String, String, i64)> = query::rows(
        conn,
        &format!(
            "SELECT kind, level, COUNT(*) FROM union_honours WHERE year = $1{township} GROUP BY kind, level"
        ),
        &binds,
        Ok,
    )
    .await?;
    let mut f = HonourFigures::default();
    for (kind, level, n) in rows {
        let level = from_code(HonourLevel::ALL, HonourLevel::code, &level)?;
        match from_code(HonourKind::ALL, HonourKind::code, &kind)? {
            HonourKind::ModelWorker if level.is_at_least(HonourLevel::Jiande) => {
                f.model_workers += n;
            }
            HonourKind::ModelWorker => {}
            HonourKind::ZhejiangCraftsman => f.zhejiang_craftsmen += n,
            HonourKind::InnovationStudio => f.innovation_studios += n,
            HonourKind::PioneerTeam => f.pioneer_teams += n,
        }
    }
    Ok(f)
}
