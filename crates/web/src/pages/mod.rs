//! Server-rendered pages: one module per area, one function per page.

pub mod audit;
pub mod home;
pub mod imports;
pub mod jobs;
pub mod login;
pub mod notifications;
pub mod optouts;
pub mod platform;
pub mod relocation;
pub mod union;
pub mod users;
pub mod yearbook;

use crate::error::AppError;
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use store::Tx;

pub use crate::views::{Chrome, message_page};
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Renders a template into a response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, AppError> {
    Ok(Html(t.render()?))
}

#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage {
    chrome: Chrome,
    message: String,
    back: String,
}

/// What a form post answers: a redirect to the target it returned when it worked; a page
/// with the reason (in Chinese) and a link back to `back` when a rule refused it; the
/// usual error page otherwise.
pub fn after_form(result: Result<String, AppError>, viewer: &Viewer, back: &str) -> Response {
    match result {
        Ok(to) => axum::response::Redirect::to(&to).into_response(),
        Err(e)
            if matches!(
                e.status(),
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let page = RefusedPage {
                chrome: Chrome::new("未能保存", viewer),
                message: e.user_message(),
                back: back.to_string(),
            };
            match page.render() {
                Ok(html) => (e.status(), Html(html)).into_response(),
                Err(_) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

/// What a committed change answers: where the browser goes next, and the relocation
/// project whose live wall must be told (told only after the commit, so a wall never
/// re-reads figures that are not yet visible).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    to: String,
    project: Option<i64>,
}

impl Done {
    /// Go to `to` afterwards.
    pub fn to(to: impl Into<String>) -> Done {
        Done {
            to: to.into(),
            project: None,
        }
    }

    /// Also tell the wall of `project` (if any) that its figures changed.
    pub fn telling(mut self, project: Option<i64>) -> Done {
        self.project = project;
        self
    }
}

impl From<String> for Done {
    fn from(to: String) -> Done {
        Done::to(to)
    }
}

/// The unit of work of a form post, for every module: begins a write transaction, runs
/// `work` in it (its checks read in the same transaction, so two requests cannot both pass
/// them), commits, and answers as [`after_form`] does. An error rolls the transaction back
/// (it is dropped uncommitted).
pub async fn change<T, F>(state: &AppState, viewer: &Viewer, back: &str, work: F) -> Response
where
    F: AsyncFnOnce(&mut Tx) -> Result<T, AppError>,
    T: Into<Done>,
{
    let result = commit(state, async |tx| {
        let done: Done = work(tx).await?.into();
        Ok((done.to, done.project))
    })
    .await;
    after_form(result, viewer, back)
}

/// The unit of work itself, for forms ([`change`]) and the JSON API alike: begins a write
/// transaction, runs `work` in it, commits, then tells the wall of the project `work`
/// names (if any) and hands back its value.
pub async fn commit<T, F>(state: &AppState, work: F) -> Result<T, AppError>
where
    F: AsyncFnOnce(&mut Tx) -> Result<(T, Option<i64>), AppError>,
{
    let mut tx = state.db.begin().await?;
    let (value, project) = work(&mut tx).await?;
    tx.commit().await?;
    if let Some(p) = project {
        state.wall.changed(p);
    }
    Ok(value)
}

/// Who asks and the state to answer from: what every page handler starts with.
pub struct Asked {
    /// The application state.
    pub state: AppState,
    /// Who asks.
    pub viewer: Viewer,
}

impl FromRequestParts<AppState> for Asked {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(Asked {
            state: state.clone(),
            viewer: Viewer::from_request_parts(parts, state).await?,
        })
    }
}

/// A request about the one record its path names (`…/{id}`, `…/{code}`): who asks, the
/// record's key and the state to answer from — what every such handler took one by one.
pub struct Keyed<K = i64> {
    /// The application state.
    pub state: AppState,
    /// Who asks.
    pub viewer: Viewer,
    /// The key in the path.
    pub key: K,
}

impl<K: DeserializeOwned + Send> FromRequestParts<AppState> for Keyed<K> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let viewer = Viewer::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(key) = Path::<K>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Keyed {
            state: state.clone(),
            viewer,
            key,
        })
    }
}

impl<K> Keyed<K> {
    /// Runs `work` as one [`change`], returning to `back` when it is refused.
    pub async fn change<T, F>(&self, back: &str, work: F) -> Response
    where
        F: AsyncFnOnce(&mut Tx) -> Result<T, AppError>,
        T: Into<Done>,
    {
        change(&self.state, &self.viewer, back, work).await
    }
}

/// A field the form must give (a choice from a list, a required date): its value, or a
/// 400 page saying `missing` (`请选择类别`).
pub(crate) fn given<T: Clone>(v: &Option<T>, missing: &str) -> Result<T, AppError> {
    v.clone()
        .ok_or_else(|| AppError::BadRequest(missing.to_string()))
}

/// A form date (`2019-06-01`, or as people type it); empty is `None`.
pub(crate) fn form_date(text: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    domain::platform::time::parse_date(t)
        .map(Some)
        .ok_or_else(|| AppError::BadRequest(format!("{what}格式不正确：{t}")))
}

/// A required form date.
pub(crate) fn required_date(text: &str, what: &str) -> Result<NaiveDate, AppError> {
    form_date(text, what)?.ok_or_else(|| AppError::BadRequest(format!("请填写{what}")))
}

/// The 404 page for unknown paths.
pub async fn not_found() -> Response {
    AppError::NotFound.into_response()
}

/// `?year=` of every page and API answer about one year (blank or absent: the latest
/// year with records, as each page decides).
#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 年份（如 2019）.
    #[serde(default)]
    pub year: Option<String>,
}

/// The query string that keeps a list's filters in its links (sort headers, pager, Excel):
/// every field of the list's query but `page`, `sort` and the keyset cursors, trimmed,
/// empty ones left out, in the order the struct declares them. Read off the query struct
/// itself, so that no list spells its filters a second time and a new filter cannot be
/// left out of the links.
pub(crate) fn kept_filters<Q: serde::Serialize>(q: &Q) -> String {
    let all: Vec<(String, String)> = serde_urlencoded::to_string(q)
        .ok()
        .and_then(|s| serde_urlencoded::from_str(&s).ok())
        .unwrap_or_default();
    let kept: Vec<(String, String)> = all
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "page" | "sort" | "after" | "before"))
        .map(|(k, v)| (k, v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// The query string of the filters a page was asked with, for query structs whose typed
/// fields cannot go through [`kept_filters`]: the pairs that are set, in order.
pub(crate) fn asked_query(asked: &[(&str, Option<&str>)]) -> String {
    let set: Vec<(&str, &str)> = asked.iter().filter_map(|&(k, v)| Some((k, v?))).collect();
    serde_urlencoded::to_string(set).unwrap_or_default()
}

/// A page of a longer list as every paged list shows it: its rows, how many match in all,
/// which page of how many. The pager (`templates/pager.html`) reads it as `list`.
pub struct Paged<T> {
    /// The rows of this page.
    pub rows: Vec<T>,
    /// How many match in all.
    pub total: i64,
    /// This page's number, from 1.
    pub page: i64,
    /// How many pages there are (at least one).
    pub pages: i64,
}

impl<T> Paged<T> {
    /// Page `page` of `per` rows: `rows` of the `total` that match.
    pub fn new(rows: Vec<T>, total: i64, page: i64, per: i64) -> Paged<T> {
        Paged {
            rows,
            total,
            page,
            pages: page_count(total, per),
        }
    }
}

/// Page number and size from a query, clamped to sane values.
pub fn paging(page: Option<i64>, per_page: i64) -> (i64, i64, i64) {
    // Clamped, so `page=9223372036854775807` cannot overflow the offset.
    let page = page.unwrap_or(1).clamp(1, MAX_PAGE);
    (page, per_page, (page - 1) * per_page)
}

/// The highest page number a list accepts (a billion rows at a thousand per page).
pub const MAX_PAGE: i64 = 1_000_000;

/// Number of pages for `total` rows.
fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}
