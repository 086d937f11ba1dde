//! The programmes' JSON API: `GET/POST /api/v1/union/programmes` and
//! `POST /api/v1/union/programmes/{id}/enrolments`, with the statuses the contract names:
//! 201 created or enrolled, 202 put on the waiting list (with the position), 409 already
//! enrolled, 422 not eligible or not a member, 404 no such programme.

use super::super::scope;
use super::programmes::ProgrammeForm;
use crate::error::ApiError;
use crate::pages::YearQuery;
use crate::pages::{Asked, Keyed};
use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::platform::ResidentId;
use domain::union::welfare::WelfareError;
use serde::Deserialize;
use serde_json::{Value, json};
use store::StoreError;
use store::union::programmes::{self, Outcome};

/// `GET /api/v1/union/programmes?year=Y`: the year's programmes with their places.
#[utoipa::path(get, path = "/api/v1/union/programmes", params(YearQuery),
    responses((status = 200, body = Value)), tag = "union")]
pub async fn programmes(at: Asked, Query(q): Query<YearQuery>) -> Result<Json<Value>, ApiError> {
    let year = super::year(&at.state, &q.year).await?;
    let list = programmes::list(&at.state.db, Some(year)).await?;
    Ok(Json(Value::Array(
        list.iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "name": p.name,
                    "kind": p.kind.code(),
                    "level": p.level.map(|l| l.code()),
                    "year": p.year,
                    "quota": p.places.quota,
                    "enrolled": p.places.enrolled,
                    "waiting": p.places.waiting,
                })
            })
            .collect(),
    )))
}

/// The body of a new programme.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProgrammeBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    year: Option<i64>,
    #[serde(default)]
    quota: Option<i64>,
}

/// `POST /api/v1/union/programmes`: 201 `{"id"}`.
#[utoipa::path(post, path = "/api/v1/union/programmes", request_body = ProgrammeBody,
    responses((status = 201, body = crate::api::Saved), (status = 422, body = crate::error::ErrorBody)), tag = "union")]
pub async fn create(
    at: Asked,
    crate::api::Body(b): crate::api::Body<ProgrammeBody>,
) -> Result<Response, ApiError> {
    let form = ProgrammeForm {
        name: b.name,
        kind: b.kind,
        level: b.level,
        year: b.year.map(|y| y.to_string()),
        quota: b.quota.map(|q| q.to_string()),
    };
    let p = form.input(&at.state).await?;
    let mut tx = at.state.db.begin().await?;
    let id = programmes::create(&mut tx, &at.viewer.user.username, &p).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

/// The body of an enrolment.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EnrolBody {
    #[serde(default)]
    resident_id: Option<String>,
}

/// `POST /api/v1/union/programmes/{id}/enrolments`: 201 enrolled, 202 waiting with its
/// position, 409 already enrolled, 422 not eligible or not a member.
#[utoipa::path(post, path = "/api/v1/union/programmes/{id}/enrolments", params(("id" = i64, Path, example = 1)),
    request_body = EnrolBody,
    responses((status = 201, body = Value), (status = 202, body = Value), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)), tag = "union")]
pub async fn enrol(
    at: Keyed,
    crate::api::Body(b): crate::api::Body<EnrolBody>,
) -> Result<Response, ApiError> {
    let rid = b
        .resident_id
        .as_deref()
        .and_then(|r| ResidentId::parse(r).ok())
        .ok_or(StoreError::Welfare(WelfareError::NotMember))?;
    let mut tx = at.state.db.begin().await?;
    let outcome = programmes::enrol(
        &mut tx,
        &at.viewer.user.username,
        scope(&at.viewer)?,
        at.key,
        &rid,
    )
    .await?;
    tx.commit().await?;
    Ok(match outcome {
        Outcome::Enrolled(id) => (
            StatusCode::CREATED,
            Json(json!({ "id": id, "state": "enrolled" })),
        ),
        Outcome::Waiting { id, position } => (
            StatusCode::ACCEPTED,
            Json(json!({ "id": id, "state": "waiting", "position": position })),
        ),
    }
    .into_response())
}
