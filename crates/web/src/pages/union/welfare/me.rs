//! The member's own pages (会员之家), phone-first: the year's programmes with their own
//! place or waiting position, enrolling and withdrawing; applying for aid and following
//! each application. Every record is looked up with the member of the account, so an id
//! of another member's record answers 404.

use super::aid::ApplyForm;
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Asked, Chrome, Keyed, change, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::response::{Html, Response};
use chrono::Datelike;
use domain::platform::Account;
use domain::union::aid::{AidDocument, AidKind, Festival};
use domain::union::welfare::EnrolmentState;
use store::Tx;
use store::union::Scope;
use store::union::aid::{self, Application};
use store::union::members::{self, Member};
use store::union::programmes::{self, Enrolment, Programme};

/// The member record of the viewer's account: not found when the account is not a
/// member's or the registry has no such member.
async fn myself(state: &AppState, viewer: &Viewer) -> Result<Member, AppError> {
    match &viewer.user.account {
        Account::Member { resident_id } => {
            Ok(members::by_resident_id(&state.db, Scope::City, resident_id).await?)
        }
        _ => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "union/me_programmes.html")]
struct ProgrammesPage {
    chrome: Chrome,
    open: Vec<(Programme, Option<Enrolment>)>,
    mine: Vec<Enrolment>,
    names: Vec<(i64, String)>,
}

/// `/union/me/programmes`.
pub async fn programmes(at: Asked) -> Result<Html<String>, AppError> {
    let me = myself(&at.state, &at.viewer).await?;
    let db = &at.state.db;
    let year = domain::platform::time::today_local().year();
    let mine = programmes::of_member(db, me.id).await?;
    let all = programmes::list(db, None).await?;
    let names = all.iter().map(|p| (p.id, p.name.clone())).collect();
    // This year's programmes; before the city opens any, the latest year's.
    let from = all.first().map_or(year, |p| p.year.min(year));
    let open = all
        .into_iter()
        .filter(|p| p.year >= from)
        .map(|p| {
            let own = mine
                .iter()
                .find(|e| e.programme_id == p.id && e.state != EnrolmentState::Withdrawn)
                .cloned();
            (p, own)
        })
        .collect();
    render(&ProgrammesPage {
        chrome: Chrome::new("福利项目报名", &at.viewer),
        open,
        mine,
        names,
    })
}

/// Enrols the member in programme `id`.
pub async fn enrol(post: Keyed) -> Response {
    post.change("/union/me/programmes", async |tx| {
        let me = myself(&post.state, &post.viewer).await?;
        programmes::enrol(
            &mut *tx,
            &post.viewer.user.username,
            Scope::City,
            post.key,
            &me.resident_id,
        )
        .await?;
        Ok("/union/me/programmes".to_string())
    })
    .await
}

/// Withdraws the member's own enrolment `id`.
pub async fn withdraw(post: Keyed) -> Response {
    post.change("/union/me/programmes", async |tx: &mut Tx| {
        let me = myself(&post.state, &post.viewer).await?;
        let e = programmes::enrolment(&mut *tx, Scope::City, post.key).await?;
        if e.holder.member_id != me.id {
            return Err(AppError::NotFound);
        }
        programmes::withdraw(&mut *tx, &post.viewer.user.username, Scope::City, post.key).await?;
        Ok("/union/me/programmes".to_string())
    })
    .await
}

#[derive(Template)]
#[template(path = "union/me_aid.html")]
struct AidPage {
    chrome: Chrome,
    mine: Vec<Application>,
    kinds: &'static [AidKind],
    festivals: &'static [Festival],
    documents: &'static [AidDocument],
}

/// `/union/me/aid`: the member's applications and the form to apply.
pub async fn aid(at: Asked) -> Result<Html<String>, AppError> {
    let me = myself(&at.state, &at.viewer).await?;
    render(&AidPage {
        chrome: Chrome::new("申请帮扶", &at.viewer),
        mine: aid::of_member(&at.state.db, me.id).await?,
        kinds: AidKind::ALL,
        festivals: Festival::ALL,
        documents: AidDocument::ALL,
    })
}

/// Files the member's own application.
pub async fn apply(at: Asked, Form(f): Form<ApplyForm>) -> Response {
    change(&at.state, &at.viewer, "/union/me/aid", async |tx| {
        let me = myself(&at.state, &at.viewer).await?;
        let input = f.input(me.resident_id.clone())?;
        let id = aid::apply(&mut *tx, &at.viewer.user.username, Scope::City, &input).await?;
        Ok(format!("/union/me/aid/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/me_aid_one.html")]
struct AidOnePage {
    chrome: Chrome,
    a: Application,
    missing: Vec<AidDocument>,
}

/// `/union/me/aid/{id}`: one of the member's own applications.
pub async fn aid_one(at: Keyed) -> Result<Html<String>, AppError> {
    let me = myself(&at.state, &at.viewer).await?;
    let a = aid::get_own(&at.state.db, me.id, at.key).await?;
    render(&AidOnePage {
        chrome: Chrome::new("帮扶申请进度", &at.viewer),
        missing: a.missing_documents(),
        a,
    })
}
