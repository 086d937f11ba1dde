//! The union tree and one union's page: officers (with the "专+兼" reform check for
//! township federations), covered enterprises, child unions; forms to create a union, add
//! an officer, end a term and record the reform date.

use super::{Record, date, field, flag, form_id, on_record, required, required_date, scope};
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::change;
use crate::pages::{Asked, Chrome, Keyed, render};
use askama::Template;
use axum::response::{Html, Response};
use domain::union::organisation::{Engagement, OfficerPost, UnionKind, reform_gaps};
use domain::union::township::Township;
use imports::union::export::{headers, union_rows};
use imports::union::unions::COLUMNS;
use serde::Deserialize;
use store::Tx;
use store::union::Scope;
use store::union::enterprises::{self, Enterprise};
use store::union::officers::{self, Officer, OfficerInput};
use store::union::organisations::{self, TreeNode, UnionInput, UnionOrg, UnionRef};

#[derive(Template)]
#[template(path = "union/tree.html")]
struct TreePage {
    chrome: Chrome,
    nodes: Vec<TreeNode>,
    federations: Vec<UnionOrg>,
    kinds: Vec<UnionKind>,
    townships: Vec<Township>,
    may_write: bool,
}

/// The tree, with the form to create a union.
pub async fn tree(Asked { state, viewer }: Asked) -> Result<Html<String>, AppError> {
    let sc = scope(&viewer)?;
    let nodes = organisations::tree(&state.db, sc).await?;
    let federations = nodes
        .iter()
        .map(|n| n.union.clone())
        .filter(|u| u.kind.is_federation() && (sc == Scope::City || u.township.is_some()))
        .collect();
    let kinds = match sc {
        Scope::City => UnionKind::ALL.to_vec(),
        Scope::Township(_) => vec![UnionKind::JointUnion, UnionKind::EnterpriseUnion],
    };
    let townships = match sc {
        Scope::City => Township::all().to_vec(),
        Scope::Township(t) => vec![t],
    };
    render(&TreePage {
        chrome: Chrome::new("工会组织", &viewer),
        nodes,
        federations,
        kinds,
        townships,
        may_write: super::may_write(&viewer),
    })
}

/// The scope's unions as Excel, in the import's columns, parents first (it re-imports).
pub async fn export(Asked { state, viewer }: Asked) -> Result<Response, AppError> {
    let rows = union_rows(&state.db, scope(&viewer)?).await?;
    crate::download::xlsx("工会组织.xlsx", None, &headers(COLUMNS), rows)
}

/// Fields of the new-union form, also the body of `POST /api/v1/union/unions`.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct UnionForm {
    /// 工会名称.
    #[serde(deserialize_with = "form::text")]
    name: Option<String>,
    /// 工会类型（代码或名称，如 joint_union / 联合工会）.
    #[serde(deserialize_with = "form::text")]
    kind: Option<String>,
    /// 上级工会的编号.
    #[serde(deserialize_with = "form::text")]
    #[schema(value_type = Option<i64>)]
    parent_id: Option<String>,
    /// 所属乡镇（名称或代码）.
    #[serde(deserialize_with = "form::text")]
    township: Option<String>,
    /// 成立日期.
    #[serde(deserialize_with = "form::text")]
    founded_on: Option<String>,
}

impl UnionForm {
    /// Creates the union in `sc`: the one rule for the page and the API. Its id.
    pub(crate) async fn create(
        &self,
        tx: &mut Tx,
        actor: &str,
        sc: Scope,
    ) -> Result<i64, AppError> {
        let kind = UnionKind::parse(&required(&self.kind, "工会类型")?)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let parent = match field(&self.parent_id) {
            Some(_) => {
                let p =
                    organisations::get(&mut *tx, sc, form_id(&self.parent_id, "上级工会")?).await?;
                Some(UnionRef {
                    id: p.id,
                    kind: p.kind,
                    township: p.township,
                })
            }
            None => None,
        };
        let township = match field(&self.township) {
            Some(t) => Some(Township::parse(&t).map_err(|e| AppError::BadRequest(e.to_string()))?),
            None => None,
        };
        let input = UnionInput {
            name: required(&self.name, "工会名称")?,
            kind,
            parent,
            township,
            founded_on: date(&self.founded_on, "成立日期")?,
        };
        Ok(organisations::create(&mut *tx, actor, sc, &input).await?)
    }
}

/// Creates a union (most often a joint union for small enterprises).
pub async fn create(at: Asked, Form(f): Form<UnionForm>) -> Response {
    change(&at.state, &at.viewer, "/union/unions", async |tx| {
        let id = f
            .create(tx, &at.viewer.user.username, scope(&at.viewer)?)
            .await?;
        Ok(format!("/union/unions/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/union.html")]
struct UnionPage {
    chrome: Chrome,
    u: UnionOrg,
    parent: Option<UnionOrg>,
    current: Vec<Officer>,
    former: Vec<Officer>,
    gaps: Vec<&'static str>,
    covered: Vec<Enterprise>,
    children: Vec<UnionOrg>,
    posts: Vec<OfficerPost>,
    engagements: Vec<Engagement>,
    may_change: bool,
    today: String,
}

/// One union.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let u = organisations::get(&at.state.db, sc, at.key).await?;
    let parent = match u.parent_id {
        Some(p) => organisations::get(&at.state.db, Scope::City, p).await.ok(),
        None => None,
    };
    let today = domain::platform::time::today_local();
    let (current, former): (Vec<Officer>, Vec<Officer>) =
        officers::officers(&at.state.db, Some(at.key))
            .await?
            .into_iter()
            .partition(|o| o.current_on(today));
    let gaps = if u.kind == UnionKind::TownshipFederation {
        let summaries: Vec<_> = current.iter().map(Officer::summary).collect();
        reform_gaps(&summaries)
            .into_iter()
            .map(|g| g.label())
            .collect()
    } else {
        Vec::new()
    };
    let children = organisations::children(&at.state.db, at.key)
        .await?
        .into_iter()
        .filter(|c| sc.may_see(c.township.map(Township::code)))
        .collect();
    render(&UnionPage {
        chrome: Chrome::new(u.name.clone(), &at.viewer),
        may_change: super::may_write(&at.viewer) && sc.allows_code(u.township.map(Township::code)),
        covered: enterprises::covered_by(&at.state.db, at.key).await?,
        parent,
        current,
        former,
        gaps,
        children,
        posts: OfficerPost::ALL.to_vec(),
        engagements: Engagement::ALL.to_vec(),
        today: today.to_string(),
        u,
    })
}

/// Fields of the officer form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OfficerForm {
    name: Option<String>,
    post: Option<String>,
    engagement: Option<String>,
    frontline: Option<String>,
    term_start: Option<String>,
    term_end: Option<String>,
}

/// Adds an officer.
pub async fn add_officer(post: Keyed, Form(f): Form<OfficerForm>) -> Response {
    on_record(&post, Record::Union, async |tx, actor, scope, id| {
        let bad = |e: domain::union::LabelError| AppError::BadRequest(e.to_string());
        let o = OfficerInput {
            name: required(&f.name, "姓名")?,
            post: OfficerPost::parse(&required(&f.post, "职务")?).map_err(bad)?,
            engagement: Engagement::parse(&required(&f.engagement, "专兼职")?).map_err(bad)?,
            frontline: flag(&f.frontline),
            term_start: required_date(&f.term_start, "任职日期")?,
            term_end: date(&f.term_end, "离任日期")?,
        };
        officers::add_officer(&mut *tx, actor, scope, id, &o).await?;
        Ok(None)
    })
    .await
}

/// Fields of the end-of-term form.
#[derive(Deserialize, Default)]
pub struct EndForm {
    #[serde(default)]
    term_end: Option<String>,
}

/// Ends an officer's term.
pub async fn end_term(at: Keyed, Form(f): Form<EndForm>) -> Response {
    at.change("/union/unions", async |tx| {
        let union = officers::union_of(&mut *tx, at.key).await?;
        organisations::get_for_change(&mut *tx, scope(&at.viewer)?, union).await?;
        let on = required_date(&f.term_end, "离任日期")?;
        let union = officers::end_term(
            &mut *tx,
            &at.viewer.user.username,
            scope(&at.viewer)?,
            at.key,
            on,
        )
        .await?;
        Ok(format!("/union/unions/{union}"))
    })
    .await
}

/// Fields of the reform form.
#[derive(Deserialize, Default)]
pub struct ReformForm {
    #[serde(default)]
    reform_effective_on: Option<String>,
}

/// Records (or clears) the date the federation's reform took effect.
pub async fn reform(post: Keyed, Form(f): Form<ReformForm>) -> Response {
    on_record(&post, Record::Union, async |tx, actor, scope, id| {
        let on = date(&f.reform_effective_on, "改革生效日期")?;
        organisations::set_reform(&mut *tx, actor, scope, id, on).await?;
        Ok(None)
    })
    .await
}
