//! Projects: the overview with the year's figures, a project's page, creating and editing
//! projects, and the versioned compensation standard.

use super::{change, form_date, project_change, project_page, scope};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Asked, Chrome, Keyed, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::extract::Query;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use domain::platform::{Fen, Mu, SquareMetres};
use domain::relocation::{
    BuildingStructure, CompensationStandard, DeadlineReward, EntitlementRule, Progress,
    ProjectKind, ProjectStatus, ResettlementTerms,
};
use serde::Deserialize;
use std::collections::HashMap;
use store::Tx;
use store::relocation::projects::{self, Project, ProjectFields, ProjectFilter};
use store::relocation::standards::{self, StandardVersion};
use store::relocation::summary::{self, YearSummary};
use store::relocation::{Scope, teams, wall};

/// A request for a page of the project its path names (`{code}`): who asks, the scope the
/// project was found in, and the project — what every project page looked up first. Out
/// of the viewer's scope is "not found".
pub(crate) struct ScopedProject(pub Asked, pub Scope, pub Project);

impl FromRequestParts<AppState> for ScopedProject {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let keyed = Keyed::<String>::from_request_parts(parts, state).await?;
        ScopedProject::of(keyed)
            .await
            .map_err(IntoResponse::into_response)
    }
}

impl ScopedProject {
    /// The project `keyed` names, in the viewer's scope (for a handler that answers its
    /// own errors, as the JSON API does).
    pub(crate) async fn of(keyed: Keyed<String>) -> Result<ScopedProject, AppError> {
        let Keyed { state, viewer, key } = keyed;
        let scope = scope(&state, &viewer).await?;
        let p = projects::by_code(&state.db, &scope, &key).await?;
        Ok(ScopedProject(Asked { state, viewer }, scope, p))
    }
}

impl<K> Keyed<K> {
    /// A change of project `code` by the viewer asking (see [`project_change`]).
    pub(crate) async fn project_change<F>(&self, code: &str, back: &str, f: F) -> Response
    where
        F: AsyncFnOnce(&mut Tx, &str, &Scope, &Project) -> Result<(), AppError>,
    {
        project_change(&self.state, &self.viewer, code, back, f).await
    }

    /// A change of the project its own path names, returning to the project's page
    /// `rest` (`"/flats"`, `"/choosing"` …).
    pub(crate) async fn on_project<F>(&self, rest: &str, f: F) -> Response
    where
        K: AsRef<str>,
        F: AsyncFnOnce(&mut Tx, &str, &Scope, &Project) -> Result<(), AppError>,
    {
        let code = self.key.as_ref();
        self.project_change(code, &project_page(code, rest), f)
            .await
    }

    /// A relocation change by the viewer asking (see [`change`]).
    pub(crate) async fn relocation_change<F>(&self, back: &str, f: F) -> Response
    where
        F: AsyncFnOnce(&mut Tx, &str, &Scope) -> Result<Option<i64>, AppError>,
    {
        change(&self.state, &self.viewer, back, f).await
    }
}

/// Filters of the overview.
#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    year: Option<String>,
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "relocation/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    rows: Vec<(Project, Progress)>,
    years: Vec<(i32, bool)>,
    kind: String,
    summary: Option<YearSummary>,
    may_create: bool,
}

/// `/relocation/`: the projects in scope, with the year's figures.
pub async fn overview(at: Asked, Query(q): Query<OverviewQuery>) -> Result<Html<String>, AppError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let all = projects::list(&at.state.db, &scope, &ProjectFilter::default()).await?;
    let mut years: Vec<i32> = all.iter().map(|p| p.year).collect();
    years.dedup();
    let year = match q.year.as_deref().map(str::trim) {
        Some("") => None,
        Some(y) => Some(
            y.parse()
                .map_err(|_| AppError::BadRequest(format!("年度不正确：{y}")))?,
        ),
        None => years.first().copied(),
    };
    let kind = q.kind.as_deref().and_then(ProjectKind::parse);
    let totals = wall::totals(&at.state.db).await?;
    let rows = all
        .into_iter()
        .filter(|p| year.is_none_or(|y| p.year == y) && kind.is_none_or(|k| p.kind == k))
        .map(|p| {
            let progress = totals.get(&p.id).copied().unwrap_or_default();
            (p, progress)
        })
        .collect();
    let summary = match year {
        Some(y) => Some(summary::year_summary(&at.state.db, &scope, y).await?),
        None => None,
    };
    render(&OverviewPage {
        chrome: Chrome::new("征收安置项目", &at.viewer),
        rows,
        years: years.into_iter().map(|y| (y, Some(y) == year)).collect(),
        kind: kind.map(|k| k.code().to_string()).unwrap_or_default(),
        summary,
        may_create: super::may_command(&at.viewer),
    })
}

/// The project form's fields.
#[derive(Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    code: String,
    name: String,
    kind: String,
    town: String,
    year: String,
    land_mu: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    sign_deadline: String,
    #[serde(default)]
    vacate_deadline: String,
    #[serde(default)]
    clear_deadline: String,
    status: String,
}

impl ProjectForm {
    fn fields(&self, code: &str) -> Result<ProjectFields, AppError> {
        let bad = |m: String| AppError::BadRequest(m);
        Ok(ProjectFields {
            code: code.trim().to_string(),
            name: self.name.trim().to_string(),
            kind: ProjectKind::parse(&self.kind)
                .ok_or_else(|| bad(format!("项目类型不正确：{}", self.kind)))?,
            town: self.town.trim().to_string(),
            year: self
                .year
                .trim()
                .parse()
                .map_err(|_| bad(format!("年度不正确：{}", self.year)))?,
            land: if self.land_mu.trim().is_empty() {
                Mu(0)
            } else {
                Mu::parse(&self.land_mu).map_err(|e| bad(e.to_string()))?
            },
            started_on: form_date(&self.started_on, "开始日期")?,
            sign_deadline: form_date(&self.sign_deadline, "签约期限")?,
            vacate_deadline: form_date(&self.vacate_deadline, "腾空期限")?,
            clear_deadline: form_date(&self.clear_deadline, "清表期限")?,
            status: ProjectStatus::parse(&self.status)
                .ok_or_else(|| bad(format!("项目状态不正确：{}", self.status)))?,
        })
    }
}

#[derive(Template)]
#[template(path = "relocation/project_new.html")]
struct NewProjectPage {
    chrome: Chrome,
    town: String,
    year: i32,
}

/// The form for a new project.
pub async fn new_form(viewer: Viewer) -> Result<Html<String>, AppError> {
    render(&NewProjectPage {
        chrome: Chrome::new("新建项目", &viewer),
        town: match &viewer.user.account {
            domain::platform::Account::RelocationCommander { town } => town.clone(),
            _ => String::new(),
        },
        year: chrono::Datelike::year(&domain::platform::time::today_local()),
    })
}

/// Creates a project (with its four groups). A commander creates only in their town.
pub async fn create(at: Asked, Form(f): Form<ProjectForm>) -> Response {
    let back = project_page(&f.code, "");
    change(&at.state, &at.viewer, &back, async |tx, actor, scope| {
        let fields = f.fields(&f.code)?;
        if matches!(scope, Scope::Town(t) if *t != fields.town) {
            return Err(AppError::BadRequest("只能在本镇新建项目".into()));
        }
        projects::create(tx, actor, &fields).await?;
        Ok(None)
    })
    .await
}

#[derive(Template)]
#[template(path = "relocation/project.html")]
struct ProjectPage {
    chrome: Chrome,
    p: Project,
    progress: Progress,
    groups: Vec<teams::Team>,
    standard: Option<StandardVersion>,
    may_command: bool,
    kinds: &'static [ProjectKind],
    statuses: &'static [ProjectStatus],
    grievances: super::grievances::Summary,
}

/// A project's page.
pub async fn show(ScopedProject(at, _, p): ScopedProject) -> Result<Html<String>, AppError> {
    let progress = wall::totals(&at.state.db)
        .await?
        .get(&p.id)
        .copied()
        .unwrap_or_default();
    let groups = teams::groups(&at.state.db, p.id).await?;
    let standard = standards::versions(&at.state.db, p.id)
        .await?
        .into_iter()
        .find(StandardVersion::is_published);
    render(&ProjectPage {
        chrome: Chrome::new(p.name.clone(), &at.viewer),
        grievances: super::grievances::summary(&at.state, &at.viewer, &p).await?,
        progress,
        groups,
        standard,
        may_command: super::may_command(&at.viewer),
        kinds: ProjectKind::ALL,
        statuses: ProjectStatus::ALL,
        p,
    })
}

/// Saves a project's fields.
pub async fn update(at: Keyed<String>, Form(f): Form<ProjectForm>) -> Response {
    let back = project_page(&at.key, "");
    at.project_change(&at.key, &back, async |tx, actor, scope, p| {
        let fields = f.fields(&p.code)?;
        if !scope.sees_project(p.id, &fields.town) {
            return Err(AppError::BadRequest("不能把项目移到其他镇".into()));
        }
        projects::update(tx, actor, p.id, &fields).await?;
        Ok(())
    })
    .await
}

/// One structure's row of the standard form.
pub struct StructureRow {
    code: &'static str,
    label: &'static str,
    rate: String,
    percent: u32,
}

#[derive(Template)]
#[template(path = "relocation/standard.html")]
struct StandardPage {
    chrome: Chrome,
    p: Project,
    versions: Vec<StandardVersion>,
    shown: CompensationStandard,
    structures: Vec<StructureRow>,
    may_command: bool,
    has_draft: bool,
    /// The entitlement rule's code and figures, for the form's fields.
    entitlement_code: &'static str,
    area_per_person: String,
    area_cap: String,
    require_confirmed: bool,
}

fn yuan(f: Fen) -> String {
    f.to_yuan_string()
}

/// The standard's versions and the form to draft the next one.
pub async fn standard_form(
    ScopedProject(at, _, p): ScopedProject,
) -> Result<Html<String>, AppError> {
    let versions = standards::versions(&at.state.db, p.id).await?;
    let shown = versions
        .first()
        .map_or_else(CompensationStandard::example_2019, |v| v.standard.clone());
    let structures = BuildingStructure::ALL
        .into_iter()
        .map(|s| StructureRow {
            code: s.code(),
            label: s.label(),
            rate: shown
                .rates_per_m2
                .get(&s)
                .map(|f| yuan(*f))
                .unwrap_or_default(),
            percent: shown.recognition.percent_for(s),
        })
        .collect();
    let (entitlement_code, per, cap) = match shown.resettlement.map(|t| t.entitlement) {
        None => ("none", None, None),
        Some(EntitlementRule::PerPerson { area_per_person }) => {
            ("per_person", Some(area_per_person), None)
        }
        Some(EntitlementRule::LegalArea) => ("legal_area", None, None),
        Some(EntitlementRule::Greater {
            area_per_person,
            cap,
        }) => ("greater", Some(area_per_person), Some(cap)),
    };
    let text = |a: Option<SquareMetres>| a.map(|a| a.to_string()).unwrap_or_default();
    render(&StandardPage {
        chrome: Chrome::new(format!("{} 补偿标准", p.name), &at.viewer),
        entitlement_code,
        area_per_person: text(per),
        area_cap: text(cap),
        require_confirmed: shown
            .resettlement
            .is_some_and(|t| t.require_confirmed_population),
        has_draft: versions.first().is_some_and(|v| !v.is_published()),
        p,
        versions,
        shown,
        structures,
        may_command: super::may_command(&at.viewer),
    })
}

fn standard_from(form: &HashMap<String, String>) -> Result<CompensationStandard, AppError> {
    let field = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let money = |k: &str, what: &str| {
        Fen::parse_yuan(field(k)).map_err(|e| AppError::BadRequest(format!("{what}：{e}")))
    };
    let mut s = CompensationStandard::example_2019();
    for b in BuildingStructure::ALL {
        s.rates_per_m2.insert(
            b,
            money(&format!("rate_{}", b.code()), &format!("{}单价", b.label()))?,
        );
        let pct = field(&format!("percent_{}", b.code()));
        let pct: u32 = pct.parse().map_err(|_| {
            AppError::BadRequest(format!("{}无证部分认定比例不正确：{pct}", b.label()))
        })?;
        s.recognition.unlicensed_percent.insert(b, pct);
    }
    s.recognition.legal_area_requires_certificate = form.contains_key("requires_certificate");
    s.relocation_allowance_per_household = money("allowance", "搬家补助")?;
    s.transition_subsidy_per_person_month = money("transition", "过渡费标准")?;
    s.transition_months = field("months")
        .parse()
        .map_err(|_| AppError::BadRequest(format!("过渡期月数不正确：{}", field("months"))))?;
    let reward =
        |date: &str, amount: &str, what: &str| -> Result<Option<DeadlineReward>, AppError> {
            match super::form_date(field(date), what)? {
                Some(deadline) => Ok(Some(DeadlineReward {
                    deadline,
                    amount_per_household: money(amount, what)?,
                })),
                None => Ok(None),
            }
        };
    s.signing_reward = reward("signing_deadline", "signing_amount", "签约奖励")?;
    s.vacating_reward = reward("vacating_deadline", "vacating_amount", "腾空奖励")?;
    let area = |k: &str, what: &str| {
        SquareMetres::parse(field(k)).map_err(|e| AppError::BadRequest(format!("{what}：{e}")))
    };
    let entitlement = match field("entitlement") {
        "" | "none" => None,
        "per_person" => Some(EntitlementRule::PerPerson {
            area_per_person: area("area_per_person", "人均安置面积")?,
        }),
        "legal_area" => Some(EntitlementRule::LegalArea),
        "greater" => Some(EntitlementRule::Greater {
            area_per_person: area("area_per_person", "人均安置面积")?,
            cap: area("area_cap", "安置面积上限")?,
        }),
        other => {
            return Err(AppError::BadRequest(format!(
                "未知安置面积计算方式：{other}"
            )));
        }
    };
    s.resettlement = match entitlement {
        Some(entitlement) => Some(ResettlementTerms {
            entitlement,
            excess_rate_per_m2: money("excess_rate", "超面积单价")?,
            require_confirmed_population: form.contains_key("require_confirmed_population"),
        }),
        None => None,
    };
    Ok(s)
}

/// Saves the form as the project's draft standard (a new version if the latest is published).
pub async fn save_standard(
    at: Keyed<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let back = project_page(&at.key, "/standard");
    at.project_change(&at.key, &back, async |tx, actor, _, p| {
        standards::save_draft(tx, actor, p.id, &standard_from(&form)?).await?;
        Ok(())
    })
    .await
}

/// Publishes the draft.
pub async fn publish_standard(at: Keyed<String>) -> Response {
    let back = project_page(&at.key, "/standard");
    at.project_change(&at.key, &back, async |tx, actor, _, p| {
        standards::publish(tx, actor, p.id).await?;
        Ok(())
    })
    .await
}
