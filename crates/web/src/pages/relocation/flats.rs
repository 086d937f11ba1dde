//! The flat inventory of a project (安置房源): the stock by building and layout, each
//! building drawn as a floor-by-room grid coloured by state, adding or correcting a unit,
//! reserving, releasing and voiding, the Excel export and the JSON list for the hall's
//! devices. Bulk loading goes through the relocation import (`flats`).

use super::project_xlsx;
use super::projects::ScopedProject;
use crate::access::Access;
use crate::error::{ApiError, AppError};
use crate::form::{self, Form};
use crate::pages::{Chrome, Keyed, given, render};
use crate::routes::{Route, get, post};
use askama::Template;
use axum::Json;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::SquareMetres;
use domain::relocation::{FlatKind, FlatState};
use imports::relocation::export::{flat_headers, flat_row};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use store::relocation::flats::{self, Flat, FlatFilter, FlatPlace, Handling, Stock};
use store::relocation::projects::Project;

/// This page's routes.
pub(super) fn routes(read: Access, _write: Access, command: Access) -> Vec<Route> {
    vec![
        get("/relocation/projects/{code}/flats", read, "安置房源", page),
        get(
            "/relocation/projects/{code}/flats.xlsx",
            read,
            "导出安置房源",
            export,
        ),
        post(
            "/relocation/projects/{code}/flats",
            command,
            "登记安置房源",
            save,
        ),
        post(
            "/relocation/projects/{code}/flats/handle",
            command,
            "保留、释放或停用房源",
            handle,
        ),
        get(
            "/api/v1/relocation/projects/{code}/flats",
            read,
            "安置房源（JSON）",
            api_list,
        ),
    ]
}

/// The list's filters.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FlatQuery {
    /// 类型（flat/storeroom/parking）.
    #[serde(deserialize_with = "form::parsed")]
    #[param(value_type = Option<String>)]
    kind: Option<FlatKind>,
    /// 状态（vacant/chosen …）.
    #[serde(deserialize_with = "form::parsed")]
    #[param(value_type = Option<String>)]
    state: Option<FlatState>,
    #[serde(deserialize_with = "form::text")]
    building: Option<String>,
}

impl FlatQuery {
    /// The query string asking for the same units: the export takes what the page shows.
    fn query_string(&self) -> String {
        crate::pages::asked_query(&[
            ("kind", self.kind.map(FlatKind::code)),
            ("state", self.state.map(FlatState::code)),
            ("building", self.building.as_deref()),
        ])
    }

    fn filter(&self) -> FlatFilter {
        FlatFilter {
            kind: self.kind,
            state: self.state,
            building: self.building.clone(),
        }
    }
}

/// A cell of a building's grid.
pub struct Cell {
    flat: Flat,
    colour: &'static str,
}

/// A building drawn floor by floor (top first), one column per unit-and-room.
pub struct BuildingGrid {
    kind: FlatKind,
    building: String,
    columns: Vec<String>,
    floors: Vec<(i64, Vec<Option<Cell>>)>,
}

/// The colour of a state, the same on the grid and the big screen.
pub(super) fn colour(state: FlatState) -> &'static str {
    match state {
        FlatState::Vacant => "#2e7d32",
        FlatState::Reserved => "#f9a825",
        FlatState::Chosen => "#c62828",
        FlatState::Void => "#757575",
    }
}

fn grids(flats: Vec<Flat>) -> Vec<BuildingGrid> {
    let mut by_building: BTreeMap<(FlatKind, String), Vec<Flat>> = BTreeMap::new();
    for f in flats {
        by_building
            .entry((f.kind, f.place.building.clone()))
            .or_default()
            .push(f);
    }
    let column = |f: &Flat| {
        if f.place.unit.is_empty() {
            f.place.room.clone()
        } else {
            format!("{}-{}", f.place.unit, f.place.room)
        }
    };
    by_building
        .into_iter()
        .map(|((kind, building), flats)| {
            let mut columns: Vec<String> = flats.iter().map(column).collect();
            columns.sort_by_key(|c| (room_number(c), c.clone()));
            columns.dedup();
            let mut floors: BTreeMap<i64, Vec<Option<Cell>>> = BTreeMap::new();
            for f in flats {
                let Some(i) = columns.iter().position(|c| *c == column(&f)) else {
                    continue;
                };
                let row = floors
                    .entry(f.place.floor)
                    .or_insert_with(|| (0..columns.len()).map(|_| None).collect());
                row[i] = Some(Cell {
                    colour: colour(f.state),
                    flat: f,
                });
            }
            BuildingGrid {
                kind,
                building,
                columns,
                floors: floors.into_iter().rev().collect(),
            }
        })
        .collect()
}

/// Rooms sort as numbers where they are (`502` after `98`).
fn room_number(column: &str) -> (String, u64) {
    let (unit, room) = column.rsplit_once('-').unwrap_or(("", column));
    let digits: String = room.chars().filter(char::is_ascii_digit).collect();
    (unit.to_string(), digits.parse().unwrap_or(u64::MAX))
}

#[derive(Template)]
#[template(path = "relocation/flats.html")]
struct FlatsPage {
    chrome: Chrome,
    p: Project,
    stock: Vec<Stock>,
    grids: Vec<BuildingGrid>,
    kinds: &'static [FlatKind],
    states: &'static [FlatState],
    shown: usize,
    may_command: bool,
    /// What the page was asked for: the filters keep it, the export asks for it again.
    q: FlatQuery,
    asked: String,
}

/// The inventory page.
pub async fn page(
    ScopedProject(at, _, p): ScopedProject,
    Query(q): Query<FlatQuery>,
) -> Result<Html<String>, AppError> {
    let list = flats::list(&at.state.db, p.id, &q.filter()).await?;
    render(&FlatsPage {
        chrome: Chrome::new(format!("{} 安置房源", p.name), &at.viewer),
        stock: flats::stock(&at.state.db, p.id).await?,
        shown: list.len(),
        grids: grids(list),
        kinds: FlatKind::ALL,
        states: FlatState::ALL,
        may_command: super::may_command(&at.viewer),
        asked: q.query_string(),
        q,
        p,
    })
}

/// The project's units as an Excel sheet in the import's columns.
pub async fn export(
    ScopedProject(at, _, p): ScopedProject,
    Query(q): Query<FlatQuery>,
) -> Result<Response, AppError> {
    let rows: Vec<Vec<String>> = flats::list(&at.state.db, p.id, &q.filter())
        .await?
        .into_iter()
        .map(|f| {
            let (state, reason) = (f.state.label().to_string(), f.void_reason.clone());
            let mut row = flat_row(&p.code, f);
            row.extend([state, reason]);
            row
        })
        .collect();
    let mut headers = flat_headers();
    headers.extend(["状态", "停用原因"]);
    project_xlsx(&p, "安置房源", &headers, &rows)
}

/// A unit as a form gives it.
#[derive(Deserialize)]
pub struct FlatForm {
    #[serde(default, deserialize_with = "form::text")]
    code: Option<String>,
    #[serde(default, deserialize_with = "form::parsed")]
    kind: Option<FlatKind>,
    #[serde(default, deserialize_with = "form::text")]
    building: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    unit: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    floor: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    room: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    layout: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    area: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    orientation: Option<String>,
}

/// Adds a unit or corrects the one with the same code.
pub async fn save(at: Keyed<String>, Form(f): Form<FlatForm>) -> Response {
    at.on_project("/flats", async |tx, actor, scope, p| {
        let floor = f
            .floor
            .as_deref()
            .unwrap_or_default()
            .parse::<i64>()
            .map_err(|_| AppError::BadRequest("楼层应为整数（地下层用负数）".into()))?;
        let area = SquareMetres::parse(f.area.as_deref().unwrap_or_default())
            .map_err(|e| AppError::BadRequest(format!("面积：{e}")))?;
        let place = FlatPlace {
            building: f.building.clone().unwrap_or_default(),
            unit: f.unit.clone().unwrap_or_default(),
            floor,
            room: f.room.clone().unwrap_or_default(),
            layout: f.layout.clone().unwrap_or_default(),
            area,
            orientation: f.orientation.clone().unwrap_or_default(),
        };
        let kind = f.kind.unwrap_or(FlatKind::Flat);
        let code = f.code.clone().unwrap_or_default();
        flats::upsert(tx, actor, scope, p.id, &code, kind, &place).await?;
        Ok(())
    })
    .await
}

/// Reserve, release or void.
#[derive(Deserialize)]
pub struct HandleForm {
    #[serde(default, deserialize_with = "form::id")]
    flat: Option<i64>,
    #[serde(default, deserialize_with = "form::text")]
    action: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    reason: Option<String>,
}

/// Reserves, releases or voids a unit.
pub async fn handle(at: Keyed<String>, Form(f): Form<HandleForm>) -> Response {
    at.on_project("/flats", async |tx, actor, scope, p| {
        let handling = match f.action.as_deref() {
            Some("reserve") => Handling::Reserve,
            Some("release") => Handling::Release,
            Some("void") => Handling::Void(f.reason.clone().unwrap_or_default()),
            other => {
                return Err(AppError::BadRequest(format!(
                    "未知操作：{}",
                    other.unwrap_or_default()
                )));
            }
        };
        let flat = given(&f.flat, "请选择房源")?;
        let unit = flats::by_id(&mut *tx, flat).await?;
        if unit.project_id != p.id {
            return Err(AppError::NotFound);
        }
        flats::handle(tx, actor, scope, flat, &handling).await?;
        Ok(())
    })
    .await
}

/// `GET /api/v1/relocation/projects/{code}/flats?state=vacant&kind=flat`: the units as
/// `[{"flat_code", "building", "room", "type", "area", "state"}]` (area a number in m²).
#[utoipa::path(get, path = "/api/v1/relocation/projects/{code}/flats",
    params(("code" = String, Path, description = "项目编号", example = "YCQ2019-01"), FlatQuery),
    responses((status = 200, body = Value), (status = 404, body = crate::error::ErrorBody)), tag = "relocation")]
pub async fn api_list(
    at: Keyed<String>,
    Query(q): Query<FlatQuery>,
) -> Result<Json<Value>, ApiError> {
    let (_, p) = super::choosing::api_project(&at).await?;
    let list = flats::list(&at.state.db, p.id, &q.filter()).await?;
    let units: Vec<Value> = list
        .into_iter()
        .map(|f| {
            json!({
                "flat_code": f.code,
                "kind": f.kind.code(),
                "building": f.place.building,
                "unit": f.place.unit,
                "floor": f.place.floor,
                "room": f.place.room,
                "type": f.place.layout,
                "area": area_number(f.place.area),
                "state": f.state.code(),
            })
        })
        .collect();
    Ok(Json(Value::Array(units)))
}

/// An exact area as a JSON number (`118.46`), without going through a float.
pub(super) fn area_number(a: SquareMetres) -> Value {
    serde_json::from_str(&a.to_string()).unwrap_or(Value::Null)
}
