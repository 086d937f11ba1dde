//! The member registry: list (search by name, ID or mobile; filters; sorting; paging;
//! Excel), a member's page with the transfer history, and the forms to register,
//! transfer and record leaving. Lists mask IDs and mobiles; the member's page shows them
//! in full to those whose scope includes the member.

use super::{Record, field, kept_filters, on_record, required, required_date, scope, tri};
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::change;
use crate::pages::{Asked, Chrome, Keyed, given, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::{Mobile, ResidentId};
use domain::union::township::Township;
use imports::union::export::{headers, member_cells};
use imports::union::members::COLUMNS;
use serde::{Deserialize, Serialize};
use store::Tx;
use store::keyset::{Cursor, Side};
use store::union::Scope;
use store::union::members::{self, Member, MemberFilter, MemberSort, NewMember, Transfer};
use store::union::organisations::{self, UnionOrg};

/// Filters of the list, as in the query string (the page's and the API's).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 姓名（前缀）、身份证号或手机号.
    pub(crate) q: Option<String>,
    /// 乡镇（名称或代码）.
    township: Option<String>,
    /// 工会编号.
    union_id: Option<String>,
    /// 状态（active 在册 / left 已离会）.
    status: Option<String>,
    /// 农民工（yes/no）.
    migrant: Option<String>,
    /// 入会年度.
    year: Option<String>,
    /// 排序（newest 最新登记 / joined 入会日期 / name 姓名 / union 按工会）.
    pub(crate) sort: Option<String>,
    /// API: 每页条数（1–200，默认 20）.
    #[serde(skip_serializing)]
    pub(crate) limit: Option<i64>,
    /// The next page: after this row's key (see `store::keyset`).
    after: Option<String>,
    /// The previous page: before this row's key.
    before: Option<String>,
}

/// Members per page of the list.
const PER_PAGE: i64 = 50;

impl ListQuery {
    /// The page asked for: after or before a row's key, or the first.
    pub(crate) fn cursor(&self) -> Option<Cursor> {
        let after = field(&self.after).and_then(|t| Cursor::parse(Side::After, &t));
        after.or_else(|| field(&self.before).and_then(|t| Cursor::parse(Side::Before, &t)))
    }

    /// The store's filter for these parameters.
    pub(crate) fn filter(&self) -> MemberFilter {
        MemberFilter {
            q: field(&self.q),
            township: field(&self.township).and_then(|t| Township::parse(&t).ok()),
            union_id: field(&self.union_id).and_then(|u| u.parse().ok()),
            active: match field(&self.status).as_deref() {
                Some("active") => Some(true),
                Some("left") => Some(false),
                _ => None,
            },
            migrant_worker: tri(&self.migrant),
            joined_year: field(&self.year).and_then(|y| y.parse().ok()),
            sort: MemberSort::parse(field(&self.sort).as_deref().unwrap_or("")),
        }
    }
}

#[derive(Template)]
#[template(path = "union/members.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Member>,
    total: i64,
    /// Links to the pages beside this one, by keyset (none at an end).
    previous: Option<String>,
    next: Option<String>,
    /// Whether this is a page after the first (offers the way back to the start).
    deeper: bool,
    base: String,
    sort: String,
    q: ListQuery,
    townships: Vec<Township>,
    city: bool,
    unions: std::sync::Arc<Vec<UnionOrg>>,
    may_write: bool,
    today: String,
}

/// The list (IDs and mobiles masked).
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let at_row = q.cursor();
    let page = members::list_from(&at.state.db, sc, &q.filter(), at_row.as_ref(), PER_PAGE).await?;
    let base = kept_filters(&q);
    let sort = field(&q.sort).unwrap_or_default();
    let link = |c: &Cursor| {
        let side = match c.side {
            Side::After => "after",
            Side::Before => "before",
        };
        format!(
            "?{base}&sort={sort}&{side}={}",
            crate::access::urlencode(&c.token())
        )
    };
    let kept = at.state.figures.read(&at.state.db).await?;
    let unions = super::union_choices(&kept, &at.state.db, sc).await?;
    render(&ListPage {
        chrome: Chrome::new("会员名册", &at.viewer),
        previous: page.previous.as_ref().map(link),
        next: page.next.as_ref().map(link),
        deeper: at_row.is_some() && page.previous.is_some(),
        rows: page.rows,
        total: page.total,
        base,
        sort,
        townships: Township::all().to_vec(),
        city: sc == Scope::City,
        unions,
        may_write: super::may_write(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
        q,
    })
}

/// Members read per chunk of an export.
const EXPORT_CHUNK: i64 = 500;

/// The filtered list as Excel in the import's columns. Full IDs (so the file re-imports)
/// only for city administrators; others get the masked list. Logged as an export of
/// personal data. The members are read a chunk at a time by keyset and each row goes to
/// disk as it is written, so a million members never sit in memory. (`POST
/// /union/members/export` does the same as a background job: [`export_job`].)
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let mut sheet = crate::download::Sheet::new(None, &headers(COLUMNS))?;
    write_members(&at.state.db, &at.viewer, &q, &mut sheet, None).await?;
    sheet.download("会员名册.xlsx")
}

/// Writes the members `q` selects, as `viewer` may see them, into `sheet` and logs the
/// export; `None` when `job` was cancelled on the way (nothing logged).
async fn write_members(
    db: &store::Db,
    viewer: &crate::session::Viewer,
    q: &ListQuery,
    sheet: &mut crate::download::Sheet,
    job: Option<&crate::jobs::Live>,
) -> Result<Option<usize>, AppError> {
    let (sc, filter) = (scope(viewer)?, q.filter());
    let masked = !super::is_city(viewer);
    let (mut at_row, mut total) = (None, 0usize);
    loop {
        if job.is_some_and(|j| j.is_cancelled()) {
            return Ok(None);
        }
        let (rows, next) =
            members::chunk_from(db, sc, &filter, at_row.as_ref(), EXPORT_CHUNK).await?;
        total += rows.len();
        for m in &rows {
            sheet.push(&member_cells(m, masked))?;
        }
        if let Some(j) = job {
            j.progress.read(rows.len() as u64);
            j.progress.wrote(rows.len() as u64);
        }
        match next {
            Some(n) => at_row = Some(n),
            None => break,
        }
    }
    let mut tx = db.begin().await?;
    store::audit::record_event(
        &mut tx,
        &viewer.user.username,
        "export",
        "member",
        &format!("{total} 条{}", if masked { "（脱敏）" } else { "" }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(total))
}

/// `POST /union/members/export`: the export of [`export`] as a background job (a million
/// members take minutes): its page shows the rows written and the time left, may cancel
/// it, and then offers the file for a week.
pub async fn export_job(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let (_, total) = members::list(&at.state.db, scope(&at.viewer)?, &q.filter(), 0, 0).await?;
    let (db, viewer) = (at.state.db.clone(), at.viewer.clone());
    let id = crate::jobs::start(
        &at.state,
        "export:members",
        "导出会员名册",
        &at.viewer.user.username,
        Some(total),
        async move |work| {
            let file = "members.xlsx";
            let written = async {
                let mut sheet = crate::download::Sheet::new(None, &headers(COLUMNS))?;
                match write_members(&db, &viewer, &q, &mut sheet, Some(&work.live)).await? {
                    Some(n) => sheet.save(&work.dir.join(file)).map(|()| Some(n)),
                    None => Ok(None),
                }
            };
            match written.await {
                Ok(Some(n)) => crate::jobs::End::Done {
                    summary: serde_json::json!({
                        "lines": [format!("共导出 {n} 名会员。")],
                        "file_name": "会员名册.xlsx",
                    }),
                    file: Some(file.to_string()),
                    written: n as u64,
                },
                Ok(None) => crate::jobs::End::Cancelled,
                Err(e) => crate::jobs::End::Failed(e.user_message()),
            }
        },
    )
    .await?;
    Ok(crate::pages::jobs::go_to(id))
}

/// Fields of the new-member form, also the body of `POST /api/v1/union/members`. The
/// resident ID, mobile and date stay text here and are parsed by [`MemberForm::input`], so
/// a mistyped one is answered with its own message (422) rather than as a body that does
/// not decode.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberForm {
    /// 姓名.
    #[serde(deserialize_with = "form::text")]
    name: Option<String>,
    /// 身份证号（18 位）.
    #[serde(deserialize_with = "form::text")]
    resident_id: Option<String>,
    /// 手机号.
    #[serde(deserialize_with = "form::text")]
    mobile: Option<String>,
    /// 所属工会的编号.
    #[serde(deserialize_with = "form::id")]
    union_id: Option<i64>,
    /// 入会日期（2019-03-05）.
    #[serde(deserialize_with = "form::text")]
    joined_on: Option<String>,
    /// 是否农民工.
    #[serde(deserialize_with = "form::flag")]
    migrant_worker: bool,
}

impl MemberForm {
    /// Registers the member in `scope`: the one rule for the page and the API (an ID
    /// already registered anywhere is refused). The new member's id.
    pub(crate) async fn join(
        &self,
        tx: &mut Tx,
        actor: &str,
        scope: Scope,
    ) -> Result<i64, AppError> {
        let bad = |e: String| AppError::BadRequest(e);
        let m = NewMember {
            resident_id: ResidentId::parse(&required(&self.resident_id, "身份证号")?)
                .map_err(|e| bad(e.to_string()))?,
            name: required(&self.name, "姓名")?,
            mobile: self
                .mobile
                .as_deref()
                .map(Mobile::parse)
                .transpose()
                .map_err(|e| bad(e.to_string()))?,
            union_id: self.union_id.ok_or_else(|| bad("请填写所属工会".into()))?,
            joined_on: required_date(&self.joined_on, "入会日期")?,
            migrant_worker: self.migrant_worker,
        };
        if m.joined_on > domain::platform::time::today_local() {
            return Err(bad("入会日期晚于今天".into()));
        }
        Ok(members::add(&mut *tx, actor, scope, &m).await?)
    }
}

/// Registers a member.
pub async fn create(at: Asked, Form(f): Form<MemberForm>) -> Response {
    change(&at.state, &at.viewer, "/union/members", async |tx| {
        let id = f
            .join(tx, &at.viewer.user.username, scope(&at.viewer)?)
            .await?;
        Ok(format!("/union/members/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/member.html")]
struct DetailPage {
    chrome: Chrome,
    m: Member,
    birth: String,
    age: String,
    history: Vec<Transfer>,
    merges: Vec<store::union::members::duplicates::Merge>,
    targets: Vec<UnionOrg>,
    may_write: bool,
    today: String,
}

/// One member, in full, with the transfer history.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let m = members::get(&at.state.db, scope(&at.viewer)?, at.key).await?;
    let today = domain::platform::time::today_local();
    let targets = organisations::list(&at.state.db, Scope::City)
        .await?
        .into_iter()
        .filter(|u| !u.kind.is_federation() && u.id != m.union_id)
        .collect();
    render(&DetailPage {
        chrome: Chrome::new(format!("会员 {}", m.name), &at.viewer),
        birth: m.birth_date().to_string(),
        age: m.age_on(today).to_string(),
        history: members::transfers(&at.state.db, at.key).await?,
        merges: members::duplicates::merges_into(&at.state.db, at.key).await?,
        targets,
        may_write: super::may_write(&at.viewer),
        today: today.to_string(),
        m,
    })
}

/// Fields of the transfer form, also the body of the API's transfer.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct TransferForm {
    /// 转入工会的编号.
    #[serde(deserialize_with = "form::id")]
    union_id: Option<i64>,
    /// 转会日期.
    #[serde(deserialize_with = "form::text")]
    on: Option<String>,
}

impl TransferForm {
    /// Transfers member `id` (found in `scope`): the one rule for the page and the API.
    pub(crate) async fn apply(
        &self,
        tx: &mut Tx,
        actor: &str,
        scope: Scope,
        id: i64,
    ) -> Result<(), AppError> {
        let to = given(&self.union_id, "请填写转入工会")?;
        let on = required_date(&self.on, "转会日期")?;
        Ok(members::transfer(&mut *tx, actor, scope, id, to, on).await?)
    }
}

/// Transfers a member to another union.
pub async fn transfer(post: Keyed, Form(f): Form<TransferForm>) -> Response {
    on_record(&post, Record::Member, async |tx, actor, scope, id| {
        f.apply(tx, actor, scope, id).await?;
        // After a transfer out of the township the member is no longer in the staff's scope.
        Ok(match members::get(&mut *tx, scope, id).await {
            Ok(_) => None,
            Err(_) => Some("/union/members".to_string()),
        })
    })
    .await
}

/// Fields of the leave form, also the body of the API's leave.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct LeaveForm {
    /// 离会日期.
    #[serde(deserialize_with = "form::text")]
    on: Option<String>,
}

impl LeaveForm {
    /// Records that member `id` left; the record stays. The one rule for page and API.
    pub(crate) async fn apply(
        &self,
        tx: &mut Tx,
        actor: &str,
        scope: Scope,
        id: i64,
    ) -> Result<(), AppError> {
        let on = required_date(&self.on, "离会日期")?;
        Ok(members::leave(&mut *tx, actor, scope, id, on).await?)
    }
}

/// Records that a member left; the record stays.
pub async fn leave(post: Keyed, Form(f): Form<LeaveForm>) -> Response {
    on_record(&post, Record::Member, async |tx, actor, scope, id| {
        f.apply(tx, actor, scope, id).await?;
        Ok(None)
    })
    .await
}
