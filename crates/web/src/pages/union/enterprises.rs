//! The enterprise registry: list (search, filters, sorting, paging, Excel), detail, and
//! the forms to register, correct, found a union (ticking the checklist) or join a joint
//! union.

use super::{
    Record, field, flag, form_id, kept_filters, on_record, required, required_date, scope, tri,
};
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::change;
use crate::pages::{Asked, Chrome, Keyed, Paged, paging, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::CreditCode;
use domain::union::coverage::{CoverageRule, Obligation};
use domain::union::township::Township;
use imports::union::enterprises::COLUMNS;
use imports::union::export::{enterprise_cells, headers};
use serde::{Deserialize, Serialize};
use store::Tx;
use store::union::Scope;
use store::union::coverage;
use store::union::enterprises::{
    self, Enterprise, EnterpriseFilter, EnterpriseInput, EnterpriseSort,
};
use store::union::organisations::{self, UnionOrg};

/// Filters of the list, as in the query string.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 名称或信用代码检索.
    q: Option<String>,
    /// 乡镇（名称或代码）.
    township: Option<String>,
    /// 是否已建会（yes/no）.
    covered: Option<String>,
    /// 是否省总备案（yes/no）.
    provincial: Option<String>,
    /// 建会要求（must/tracked/none）.
    obligation: Option<String>,
    /// 排序（name/headcount …）.
    sort: Option<String>,
    /// 页码.
    pub(crate) page: Option<i64>,
}

impl ListQuery {
    /// The store's filter for these parameters.
    pub(crate) fn filter(&self) -> EnterpriseFilter {
        EnterpriseFilter {
            q: field(&self.q),
            township: field(&self.township).and_then(|t| Township::parse(&t).ok()),
            covered: tri(&self.covered),
            provincial: tri(&self.provincial),
            obligation: match field(&self.obligation).as_deref() {
                Some("must") => Some(Obligation::Must),
                Some("tracked") => Some(Obligation::Tracked),
                Some("none") => Some(Obligation::None),
                _ => None,
            },
            sort: EnterpriseSort::parse(field(&self.sort).as_deref().unwrap_or("")),
        }
    }
}

/// A list line with what the template shows.
pub struct Line {
    e: Enterprise,
    obligation: &'static str,
}

fn obligation_label(o: Obligation) -> &'static str {
    match o {
        Obligation::Must => "应建会",
        Obligation::Tracked => "跟踪",
        Obligation::None => "",
    }
}

#[derive(Template)]
#[template(path = "union/enterprises.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Line>,
    base: String,
    sort: String,
    q: ListQuery,
    townships: Vec<Township>,
    fixed_township: Option<Township>,
    may_write: bool,
}

/// The list.
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let (page, per, offset) = paging(q.page, 50);
    let (rows, total) = enterprises::list(&at.state.db, sc, &q.filter(), per, offset).await?;
    let rule = coverage::rule(&at.state.db).await?;
    let lines = rows
        .into_iter()
        .map(|e| Line {
            obligation: obligation_label(e.obligation(&rule)),
            e,
        })
        .collect();
    render(&ListPage {
        chrome: Chrome::new("企业名录", &at.viewer),
        list: Paged::new(lines, total, page, per),
        base: kept_filters(&q),
        sort: field(&q.sort).unwrap_or_default(),
        townships: Township::all().to_vec(),
        fixed_township: sc.township(),
        may_write: super::may_write(&at.viewer),
        q,
    })
}

/// The filtered list as Excel, in the import's columns (it re-imports).
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let (rows, _) =
        enterprises::list(&at.state.db, scope(&at.viewer)?, &q.filter(), i64::MAX, 0).await?;
    crate::download::xlsx(
        "企业名录.xlsx",
        None,
        &headers(COLUMNS),
        rows.iter().map(enterprise_cells),
    )
}

/// Fields of the enterprise form, also the body of the API's create and update.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct EnterpriseForm {
    /// 单位名称.
    #[serde(deserialize_with = "form::text")]
    name: Option<String>,
    /// 统一社会信用代码（18 位）.
    #[serde(deserialize_with = "form::text")]
    credit_code: Option<String>,
    /// 所属乡镇（名称或代码）.
    #[serde(deserialize_with = "form::text")]
    township: Option<String>,
    /// 职工人数.
    #[serde(deserialize_with = "form::text")]
    #[schema(value_type = Option<i64>)]
    headcount: Option<String>,
    /// 是否省总备案（yes/no 或 true/false）.
    #[serde(deserialize_with = "form::text")]
    #[schema(value_type = Option<bool>)]
    provincial: Option<String>,
}

impl EnterpriseForm {
    /// The registry fields, checked: the one rule for the page and the API.
    pub(crate) fn input(&self) -> Result<EnterpriseInput, AppError> {
        let bad = |e: String| AppError::BadRequest(e);
        let headcount = required(&self.headcount, "职工人数")?;
        Ok(EnterpriseInput {
            name: required(&self.name, "单位名称")?,
            credit_code: CreditCode::parse(&required(&self.credit_code, "统一社会信用代码")?)
                .map_err(|e| bad(e.to_string()))?,
            township: Township::parse(&required(&self.township, "所属乡镇")?)
                .map_err(|e| bad(e.to_string()))?,
            headcount: headcount
                .parse()
                .map_err(|_| bad(format!("职工人数应为整数：{headcount}")))?,
            provincial: flag(&self.provincial),
        })
    }
}

impl EnterpriseForm {
    /// Registers the enterprise in `sc`: the one rule for the page and the API. Its id.
    pub(crate) async fn register(
        &self,
        tx: &mut Tx,
        actor: &str,
        sc: Scope,
    ) -> Result<i64, AppError> {
        Ok(enterprises::create(&mut *tx, actor, sc, &self.input()?).await?)
    }
}

/// Registers an enterprise.
pub async fn create(at: Asked, Form(f): Form<EnterpriseForm>) -> Response {
    change(&at.state, &at.viewer, "/union/enterprises", async |tx| {
        let id = f
            .register(tx, &at.viewer.user.username, scope(&at.viewer)?)
            .await?;
        Ok(format!("/union/enterprises/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/enterprise.html")]
struct DetailPage {
    chrome: Chrome,
    e: Enterprise,
    obligation: &'static str,
    rule: CoverageRule,
    union: Option<UnionOrg>,
    joint_unions: Vec<UnionOrg>,
    townships: Vec<Township>,
    may_write: bool,
    today: String,
}

/// One enterprise, with its union and the forms.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let e = enterprises::get(&at.state.db, sc, at.key).await?;
    let rule = coverage::rule(&at.state.db).await?;
    let union = match e.union_id {
        Some(u) => Some(organisations::get(&at.state.db, Scope::City, u).await?),
        None => None,
    };
    let joint_unions = organisations::list(&at.state.db, Scope::Township(e.township))
        .await?
        .into_iter()
        .filter(|u| {
            !u.kind.is_federation() && u.township == Some(e.township) && Some(u.id) != e.union_id
        })
        .collect();
    render(&DetailPage {
        chrome: Chrome::new(e.name.clone(), &at.viewer),
        obligation: obligation_label(e.obligation(&rule)),
        rule,
        union,
        joint_unions,
        townships: Township::all().to_vec(),
        may_write: super::may_write(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
        e,
    })
}

/// Corrects an enterprise's registry fields.
pub async fn update(post: Keyed, Form(f): Form<EnterpriseForm>) -> Response {
    on_record(&post, Record::Enterprise, async |tx, actor, scope, id| {
        enterprises::update(&mut *tx, actor, scope, id, &f.input()?).await?;
        Ok(None)
    })
    .await
}

/// Fields of the found-a-union form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FoundForm {
    name: Option<String>,
    founded_on: Option<String>,
}

/// Founds the enterprise's own union: the checklist line is ticked off.
pub async fn found(post: Keyed, Form(f): Form<FoundForm>) -> Response {
    on_record(&post, Record::Enterprise, async |tx, actor, scope, id| {
        let name = required(&f.name, "工会名称")?;
        let on = required_date(&f.founded_on, "成立日期")?;
        let union =
            organisations::found_for_enterprise(&mut *tx, actor, scope, id, &name, on).await?;
        Ok(Some(format!("/union/unions/{union}")))
    })
    .await
}

/// Fields of the cover form.
#[derive(Deserialize, Default)]
pub struct CoverForm {
    #[serde(default)]
    union_id: Option<String>,
}

/// Puts the enterprise under an existing (joint) union of its township.
pub async fn cover(post: Keyed, Form(f): Form<CoverForm>) -> Response {
    on_record(&post, Record::Enterprise, async |tx, actor, scope, id| {
        let union = form_id(&f.union_id, "工会")?;
        organisations::cover_enterprise(&mut *tx, actor, scope, id, union).await?;
        Ok(None)
    })
    .await
}
