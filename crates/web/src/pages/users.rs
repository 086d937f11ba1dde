//! User administration and the viewer's own account (API tokens).

use super::{Chrome, render};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::Asked;
use crate::pages::Keyed;
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::platform::Role;
use serde::Deserialize;
use store::platform::tokens::{self, TokenInfo};
use store::platform::users;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<users::User>,
    roles: [Role; 7],
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    viewer: &Viewer,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let users = users::list(&state.db).await?;
    render(&UsersPage {
        chrome: Chrome::new("用户管理", viewer),
        users,
        roles: Role::ALL,
        error,
    })
}

/// The user list with the form to add one.
pub async fn list(Asked { state, viewer }: Asked) -> Result<Html<String>, AppError> {
    users_page(&state, &viewer, None).await
}

/// Fields of the add-user form.
#[derive(Deserialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    password: String,
    role: String,
    township: Option<String>,
    town: Option<String>,
    team_id: Option<String>,
    member_resident_id: Option<String>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Adds a user; errors are shown on the same page.
pub async fn create(at: Asked, Form(f): Form<NewUserForm>) -> Result<Response, AppError> {
    let role = Role::parse(&f.role)
        .ok_or_else(|| AppError::BadRequest(format!("未知角色：{}", f.role)))?;
    let team_id = match non_empty(f.team_id) {
        Some(t) => Some(
            t.parse::<i64>()
                .map_err(|_| AppError::BadRequest("工作组编号应为数字".into()))?,
        ),
        None => None,
    };
    let member_resident_id = match non_empty(f.member_resident_id) {
        Some(id) => Some(
            domain::platform::ResidentId::parse(&id)
                .map_err(|e| AppError::BadRequest(e.to_string()))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let new = users::NewUser {
        username: f.username.trim().to_string(),
        display_name: f.display_name.trim().to_string(),
        role,
        township: non_empty(f.township),
        town: non_empty(f.town),
        team_id,
        member_resident_id,
        password: f.password,
    };
    match users::create(&at.state.db, &at.viewer.user.username, &new).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(e) if e.is_refusal() || matches!(e, store::StoreError::Conflict(_)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            users_page(&at.state, &at.viewer, Some(e.to_string())).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// Disables an account and ends its sessions.
pub async fn disable(at: Keyed<String>) -> Result<Response, AppError> {
    if at.key == at.viewer.user.username {
        return Err(AppError::BadRequest("不能停用自己的账号".into()));
    }
    users::set_disabled(&at.state.db, &at.viewer.user.username, &at.key, true).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// Re-enables an account.
pub async fn enable(at: Keyed<String>) -> Result<Response, AppError> {
    users::set_disabled(&at.state.db, &at.viewer.user.username, &at.key, false).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    viewer_username: String,
    new_token: Option<String>,
    may_create_token: bool,
    tokens: Vec<TokenInfo>,
    now: chrono::DateTime<chrono::Utc>,
}

async fn account_page(
    state: &AppState,
    viewer: &Viewer,
    new_token: Option<String>,
) -> Result<Html<String>, AppError> {
    render(&AccountPage {
        chrome: Chrome::new("我的账号", viewer),
        viewer_username: viewer.user.username.clone(),
        new_token,
        may_create_token: viewer.may(crate::routes::roles::STAFF),
        tokens: tokens::of_user(&state.db, viewer.user.id).await?,
        now: chrono::Utc::now(),
    })
}

/// The viewer's own account, with their API tokens.
pub async fn account(at: Asked) -> Result<Html<String>, AppError> {
    account_page(&at.state, &at.viewer, None).await
}

/// Token form.
#[derive(Deserialize)]
pub struct TokenForm {
    label: String,
}

/// Issues an API token and shows it once.
pub async fn create_token(at: Asked, Form(f): Form<TokenForm>) -> Result<Html<String>, AppError> {
    let label = f.label.trim();
    if label.is_empty() {
        return Err(AppError::BadRequest("请填写令牌用途".into()));
    }
    let token = tokens::create(
        &at.state.db,
        &at.viewer.user.username,
        at.viewer.user.id,
        label,
    )
    .await?;
    account_page(&at.state, &at.viewer, Some(token)).await
}

/// Revokes one of the viewer's tokens.
pub async fn revoke_token(at: Keyed) -> Response {
    crate::pages::change(&at.state, &at.viewer, "/account", async |tx| {
        tokens::revoke(tx, &at.viewer.user.username, at.viewer.user.id, at.key).await?;
        Ok("/account".to_string())
    })
    .await
}

/// `GET /api/v1/tokens`: the caller's tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, body = Value)), tag = "platform")]
pub async fn api_tokens(at: Asked) -> Result<axum::Json<Vec<TokenInfo>>, crate::error::ApiError> {
    Ok(axum::Json(
        tokens::of_user(&at.state.db, at.viewer.user.id).await?,
    ))
}

/// `POST /api/v1/tokens/{id}/revoke`: revokes one of the caller's tokens (204).
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", params(("id" = i64, Path, example = 1)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)), tag = "platform")]
pub async fn api_revoke_token(at: Keyed) -> Result<axum::http::StatusCode, crate::error::ApiError> {
    let mut tx = at.state.db.begin().await?;
    tokens::revoke(&mut tx, &at.viewer.user.username, at.viewer.user.id, at.key).await?;
    tx.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
