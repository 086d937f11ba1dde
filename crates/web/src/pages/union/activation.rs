//! The member app's first activation (会员之家激活), on a phone, without a session: the
//! resident ID and the mobile on record, then the one-time code sent to that mobile and a
//! password of the member's choosing. Afterwards the member logs in on `/login` with the
//! resident ID. The page answers the same whether or not the ID is registered.

use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::login::{anonymous_csrf, anonymous_csrf_ok};
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::platform::{Mobile, ResidentId};
use serde::Deserialize;
use std::net::SocketAddr;
use store::union::activation::{self, Activated, CODE_MINUTES};

/// Where the member is in the activation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Asked for the resident ID and mobile.
    Identify,
    /// Asked for the code and a password.
    Code,
    /// The account exists.
    Done,
}

#[derive(Template)]
#[template(path = "union/activate.html")]
struct ActivatePage {
    chrome: Chrome,
    step: Step,
    resident_id: String,
    error: Option<String>,
    minutes: i64,
}

fn page(
    state: &AppState,
    status: StatusCode,
    step: Step,
    resident_id: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (token, cookie) = anonymous_csrf(state)?;
    let mut chrome = Chrome::anonymous("会员之家 · 激活账号");
    chrome.csrf = token;
    let html = render(&ActivatePage {
        chrome,
        step,
        resident_id,
        error,
        minutes: CODE_MINUTES,
    })?;
    Ok((status, [(header::SET_COOKIE, cookie)], html).into_response())
}

/// `/member/activate`: the first step's form.
pub async fn start(State(state): State<AppState>) -> Result<Response, AppError> {
    page(&state, StatusCode::OK, Step::Identify, String::new(), None)
}

/// Fields of the first step.
#[derive(Deserialize, Default)]
pub struct IdentifyForm {
    #[serde(default, deserialize_with = "form::text")]
    resident_id: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    mobile: Option<String>,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

const EXPIRED: &str = "页面已过期，请重新填写";

/// Sends the code (if the ID and mobile match a member without an account) and asks for it.
pub async fn request(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<IdentifyForm>,
) -> Result<Response, AppError> {
    let retry =
        |status, error: String| page(&state, status, Step::Identify, String::new(), Some(error));
    if !anonymous_csrf_ok(&headers, &f.csrf) {
        return retry(StatusCode::BAD_REQUEST, EXPIRED.into());
    }
    let id = match ResidentId::parse(f.resident_id.as_deref().unwrap_or("")) {
        Ok(id) => id,
        Err(e) => return retry(StatusCode::UNPROCESSABLE_ENTITY, format!("身份证号：{e}")),
    };
    let mobile = match Mobile::parse(f.mobile.as_deref().unwrap_or("")) {
        Ok(m) => m,
        Err(e) => return retry(StatusCode::UNPROCESSABLE_ENTITY, format!("手机号：{e}")),
    };
    // Sent or not, the member reads the same next step: nobody learns here who is registered.
    activation::request(
        &state.db,
        &id,
        &mobile,
        &addr.ip().to_string(),
        chrono::Utc::now(),
    )
    .await?;
    page(
        &state,
        StatusCode::OK,
        Step::Code,
        id.as_str().to_string(),
        None,
    )
}

/// Fields of the second step.
#[derive(Deserialize, Default)]
pub struct CodeForm {
    #[serde(default, deserialize_with = "form::text")]
    resident_id: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    code: Option<String>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// Checks the code and creates the account.
pub async fn confirm(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let typed = f.resident_id.clone().unwrap_or_default();
    let again =
        |status, error: String| page(&state, status, Step::Code, typed.clone(), Some(error));
    if !anonymous_csrf_ok(&headers, &f.csrf) {
        return again(StatusCode::BAD_REQUEST, EXPIRED.into());
    }
    let Ok(id) = ResidentId::parse(&typed) else {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            Step::Identify,
            String::new(),
            Some("身份证号不正确，请重新开始".into()),
        );
    };
    if f.password != f.password_again {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "两次输入的密码不一致".into(),
        );
    }
    let outcome = activation::activate(
        &state.db,
        &id,
        f.code.as_deref().unwrap_or(""),
        &f.password,
        &addr.ip().to_string(),
        chrono::Utc::now(),
    )
    .await;
    match outcome {
        Ok(Activated::Ok(_)) => page(&state, StatusCode::OK, Step::Done, typed, None),
        Ok(Activated::Wrong) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "验证码不正确或已过期，请核对短信或重新获取".into(),
        ),
        Ok(Activated::Locked { until }) => {
            let shown = store::parse_timestamp(&until)
                .map(domain::platform::time::show_local)
                .unwrap_or(until);
            again(
                StatusCode::TOO_MANY_REQUESTS,
                format!("尝试次数过多，已锁定至 {shown}，请稍后再试"),
            )
        }
        Err(e) if e.is_refusal() => again(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(e) => Err(e.into()),
    }
}
