//! Households: the list (search, filters, sorting, paging, Excel), adding one, and a
//! household's page with everything recorded about it.

use super::projects::ScopedProject;
use super::records::on_household;
use super::{scope, xlsx};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Chrome, Keyed, Paged, paging, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::Mobile;
use domain::relocation::CompensationOption;
use domain::relocation::{HeadId, HouseholdKind, Milestone, RecognitionRule, Residence};
use serde::Deserialize;
use store::relocation::Scope;
use store::relocation::choosing::choices;
use store::relocation::compensation::{self, SheetView};
use store::relocation::households::{
    self, Household, HouseholdFields, HouseholdFilter, HouseholdRow, HouseholdSort, Stage,
};
use store::relocation::projects::{self, Project};
use store::relocation::{appraisals, buildings, members, standards, teams, worklog};
use store::{Conn, Tx};

/// Households per page, on the page and in the API.
pub(crate) const PER_PAGE: i64 = 50;

/// Search, filters, order and page of the list.
#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 户编号、户主、村或手机号检索.
    q: String,
    /// 类型（residential/enterprise）.
    kind: String,
    /// 村.
    village: String,
    /// 工作组编号（0 为未分配）.
    team: String,
    /// 进度（代码）.
    stage: String,
    /// 难点户（yes/no）.
    difficult: String,
    /// 现居住地（in_town/elsewhere）.
    residence: String,
    /// 排序（code/name/village/person/stage）.
    sort: String,
    /// 倒序（1）.
    desc: String,
    /// 页码.
    pub(crate) page: Option<i64>,
}

impl ListQuery {
    /// The store's filter for these parameters.
    pub(crate) fn filter(&self) -> Result<HouseholdFilter, AppError> {
        let flag = |v: &str| match v {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        Ok(HouseholdFilter {
            search: Some(self.q.clone()).filter(|s| !s.trim().is_empty()),
            kind: HouseholdKind::parse(&self.kind),
            village: Some(self.village.clone()).filter(|s| !s.trim().is_empty()),
            team_id: super::form_id(&self.team)?,
            person_id: None,
            stage: Stage::parse(&self.stage),
            difficult: flag(&self.difficult),
            in_town: match self.residence.as_str() {
                "in_town" => Some(true),
                "elsewhere" => Some(false),
                _ => None,
            },
            sort: HouseholdSort::parse(&self.sort),
            descending: self.desc == "1",
        })
    }

    /// The query string without page and order, for links that change only those.
    fn base(&self) -> String {
        serde_urlencoded::to_string([
            ("q", &self.q),
            ("kind", &self.kind),
            ("village", &self.village),
            ("team", &self.team),
            ("stage", &self.stage),
            ("difficult", &self.difficult),
            ("residence", &self.residence),
        ])
        .unwrap_or_default()
    }
}

/// A column header that sorts.
pub struct SortLink {
    label: &'static str,
    href: String,
    mark: &'static str,
}

fn sort_links(q: &ListQuery) -> Vec<SortLink> {
    let current = HouseholdSort::parse(&q.sort);
    let desc = q.desc == "1";
    [
        (HouseholdSort::Code, "户编号"),
        (HouseholdSort::Name, "户主"),
        (HouseholdSort::Village, "村/组"),
        (HouseholdSort::Person, "工作组/责任人"),
        (HouseholdSort::Stage, "进度"),
    ]
    .into_iter()
    .map(|(s, label)| {
        let flip = s == current && !desc;
        SortLink {
            label,
            href: format!(
                "?{}&sort={}&desc={}",
                q.base(),
                s.code(),
                if flip { "1" } else { "0" }
            ),
            mark: if s != current {
                ""
            } else if desc {
                "▼"
            } else {
                "▲"
            },
        }
    })
    .collect()
}

#[derive(Template)]
#[template(path = "relocation/households.html")]
struct ListPage {
    chrome: Chrome,
    p: Project,
    list: Paged<(HouseholdRow, &'static str)>,
    base: String,
    order: String,
    q: ListQuery,
    groups: Vec<teams::Team>,
    sorts: Vec<SortLink>,
    stages: [Stage; 5],
    may_create: bool,
}

/// Each row with the label of the stage its household has reached, for the lists.
pub(crate) fn with_stages(rows: Vec<HouseholdRow>) -> Vec<(HouseholdRow, &'static str)> {
    rows.into_iter()
        .map(|r| {
            let stage = Stage::of(&r.household).label();
            (r, stage)
        })
        .collect()
}

/// The project's households in scope.
pub async fn list(
    Query(q): Query<ListQuery>,
    ScopedProject(at, scope, p): ScopedProject,
) -> Result<Html<String>, AppError> {
    let (page, per, offset) = paging(q.page, PER_PAGE);
    let (rows, total) =
        households::list(&at.state.db, &scope, p.id, &q.filter()?, per, offset).await?;
    render(&ListPage {
        chrome: Chrome::new(format!("{} 被征收户", p.name), &at.viewer),
        groups: teams::groups(&at.state.db, p.id).await?,
        sorts: sort_links(&q),
        base: q.base(),
        order: format!("sort={}&desc={}", q.sort, q.desc),
        stages: Stage::ALL,
        may_create: super::may_command(&at.viewer),
        p,
        list: Paged::new(with_stages(rows), total, page, per),
        q,
    })
}

/// The list as Excel, with the same filters and order.
pub async fn export(
    Query(q): Query<ListQuery>,
    ScopedProject(at, scope, p): ScopedProject,
) -> Result<Response, AppError> {
    let (rows, _) = households::list(&at.state.db, &scope, p.id, &q.filter()?, i64::MAX, 0).await?;
    let headers = [
        "户编号",
        "类型",
        "户主姓名",
        "证件号码",
        "手机号",
        "村",
        "组",
        "现居住地",
        "工作组",
        "责任人",
        "难点户",
        "签约",
        "腾空",
        "拆除",
        "清表",
    ];
    let data: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            let h = r.household;
            let on = |m: Milestone| {
                h.milestones
                    .get(m)
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            };
            vec![
                h.code.clone(),
                h.kind.label().to_string(),
                h.head_name.clone(),
                h.head_id.clone(),
                h.mobile.clone().unwrap_or_default(),
                h.village.clone(),
                h.village_group.clone(),
                h.residence.to_string(),
                r.team_name.unwrap_or_default(),
                r.person_name.unwrap_or_default(),
                if h.difficult { "是" } else { "" }.to_string(),
                on(Milestone::Signed),
                on(Milestone::Vacated),
                on(Milestone::Demolished),
                on(Milestone::Cleared),
            ]
        })
        .collect();
    xlsx(
        &format!("{}-被征收户.xlsx", p.code),
        &format!("{} 被征收户", p.name),
        &headers,
        &data,
    )
}

/// The household form's fields, also the body of the API's households.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct HouseholdForm {
    /// 户编号（新增时必填；修改时不变）.
    #[serde(default)]
    code: String,
    /// 类型（residential 住户 / enterprise 企业，代码或名称）.
    kind: String,
    /// 户主姓名或企业名称.
    head_name: String,
    /// 户主身份证号或企业信用代码.
    head_id: String,
    /// 手机号.
    #[serde(default)]
    mobile: String,
    /// 村.
    #[serde(default)]
    village: String,
    /// 组.
    #[serde(default)]
    village_group: String,
    /// 现居住地.
    #[serde(default)]
    residence: String,
}

impl HouseholdForm {
    /// Adds the household to project `p`; a code already used there is refused. The one
    /// rule for the page and the API; the new household's id.
    pub(crate) async fn create_in(
        &self,
        tx: &mut Tx,
        actor: &str,
        p: &Project,
    ) -> Result<i64, AppError> {
        let fields = self.fields(&self.code, &p.town)?;
        let (id, created) = households::upsert(tx, actor, p, &fields).await?;
        if !created {
            return Err(AppError::BadRequest(format!(
                "户编号已存在：{}",
                fields.code
            )));
        }
        Ok(id)
    }

    /// Saves household `id`'s identity and contact fields (the code stays). The one rule
    /// for the page and the API; the household's project.
    pub(crate) async fn update(
        &self,
        tx: &mut Tx,
        actor: &str,
        scope: &Scope,
        id: i64,
    ) -> Result<i64, AppError> {
        let h = households::get(&mut *tx, scope, id).await?;
        let p = projects::by_id(&mut Conn::Tx(&mut *tx), h.project_id).await?;
        households::upsert(tx, actor, &p, &self.fields(&h.code, &p.town)?).await?;
        Ok(p.id)
    }

    fn fields(&self, code: &str, town: &str) -> Result<HouseholdFields, AppError> {
        let bad = |m: String| AppError::BadRequest(m);
        let kind =
            HouseholdKind::parse(&self.kind).ok_or_else(|| bad("类型应为住户或企业".into()))?;
        Ok(HouseholdFields {
            code: code.trim().to_string(),
            kind,
            head_name: self.head_name.trim().to_string(),
            head_id: HeadId::parse(kind, &self.head_id).map_err(|e| bad(e.to_string()))?,
            mobile: match self.mobile.trim() {
                "" => None,
                m => Some(Mobile::parse(m).map_err(|e| bad(e.to_string()))?),
            },
            village: self.village.clone(),
            village_group: self.village_group.clone(),
            residence: Residence::parse(&self.residence, town),
        })
    }
}

/// Adds a household to the project (commanders).
pub async fn create(at: Keyed<String>, Form(f): Form<HouseholdForm>) -> Response {
    let back = super::project_page(&at.key, "/households");
    at.project_change(&at.key, &back, async |tx, actor, _, p| {
        f.create_in(tx, actor, p).await?;
        Ok(())
    })
    .await
}

#[derive(Template)]
#[template(path = "relocation/household.html")]
struct HouseholdPage {
    chrome: Chrome,
    p: Project,
    h: Household,
    members: Vec<members::Member>,
    buildings: Vec<(buildings::BuildingRecord, String)>,
    appraisals: Vec<appraisals::Appraisal>,
    visits: Vec<worklog::Visit>,
    sheet: SheetView,
    /// The population review with its objections' references and posting history.
    population: super::population::ReviewView,
    /// The review's stage as a code, to offer only the steps that apply.
    review_stage: &'static str,
    groups: Vec<teams::Team>,
    persons: Vec<teams::Person>,
    team_name: String,
    person_name: String,
    next: Option<Milestone>,
    latest: Option<Milestone>,
    milestones: Vec<(Milestone, Option<households::MilestoneRecord>)>,
    may_write: bool,
    may_command: bool,
    today: String,
    /// The options offered at signing.
    options: &'static [CompensationOption],
    /// Entitlement and choice of a property-exchange household.
    entitlement: Option<choices::Entitlement>,
    choice: Option<choices::Choice>,
    /// Temporary housing and care actions.
    care: super::care::CareView,
}

/// A household's page.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let db = &at.state.db;
    let h = households::get(db, &scope, at.key).await?;
    let mut conn = Conn::Pool(db);
    let p = projects::by_id(&mut conn, h.project_id).await?;
    let rule = standards::published(&mut conn, p.id)
        .await?
        .map_or_else(RecognitionRule::default, |s| s.standard.recognition);
    let bs = buildings::of_household(&mut conn, h.id)
        .await?
        .into_iter()
        .map(|b| {
            let area = b.recognised(&rule).to_string();
            (b, area)
        })
        .collect();
    let groups = teams::groups(db, p.id).await?;
    let persons = teams::persons(db, p.id).await?;
    let team_name = groups
        .iter()
        .find(|g| Some(g.id) == h.team_id)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let person_name = persons
        .iter()
        .find(|x| Some(x.id) == h.person_id)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let population = super::population::of_household(&at.state, &h).await?;
    let now = chrono::Utc::now().with_timezone(&domain::platform::time::shanghai());
    render(&HouseholdPage {
        chrome: Chrome::new(format!("{} {}", h.code, h.head_name), &at.viewer),
        members: members::of_household(&mut conn, h.id).await?,
        buildings: bs,
        appraisals: appraisals::of_household(&mut conn, h.id).await?,
        visits: worklog::of_household(&mut conn, h.id).await?,
        sheet: compensation::sheet(db, &h).await?,
        review_stage: super::population::stage_code(&population.review),
        population,
        care: super::care::of_household(&at.state, h.id).await?,
        next: h.milestones.next(),
        latest: h.milestones.latest().map(|(m, _)| m),
        milestones: Milestone::ALL
            .into_iter()
            .map(|m| (m, h.record(m).cloned()))
            .collect(),
        may_write: super::may_write(&at.viewer),
        may_command: super::may_command(&at.viewer),
        today: now.format("%Y-%m-%d").to_string(),
        options: CompensationOption::ALL,
        entitlement: choices::entitlement(db, h.id).await?,
        choice: choices::of_household(db, h.id).await?,
        groups,
        persons,
        team_name,
        person_name,
        p,
        h,
    })
}

/// Saves a household's identity and contact fields (the code stays).
pub async fn update(post: Keyed, Form(f): Form<HouseholdForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        f.update(tx, actor, scope, post.key).await?;
        Ok(None)
    })
    .await
}

/// The concerns form.
#[derive(Deserialize)]
pub struct ConcernsForm {
    #[serde(default)]
    concerns: String,
    difficult: Option<String>,
}

/// Records a household's concerns and whether it is a difficult case.
pub async fn concerns(post: Keyed, Form(f): Form<ConcernsForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let difficult = f.difficult.is_some();
        households::set_concerns(tx, actor, scope, post.key, &f.concerns, difficult).await?;
        Ok(None)
    })
    .await
}
