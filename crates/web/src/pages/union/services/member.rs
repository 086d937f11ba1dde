//! The member's own activities (`/union/me/activities`), phone-first: the open activities
//! of their township and the city, their sign-ups and participations, and the buttons to
//! sign up and cancel. The member is always the one the account is linked to; an id in a
//! URL names an activity or a sign-up, and a sign-up of anyone else is not found.

use crate::error::AppError;
use crate::pages::{Asked, Chrome, Keyed, render};
use askama::Template;
use axum::response::{Html, Response};
use domain::platform::Account;
use domain::platform::time::today_local;
use store::Tx;
use store::union::Scope;
use store::union::activities::{self, Activity, ActivityFilter};
use store::union::members::{self, Member};
use store::union::participations::{self, Participation};
use store::union::signups::{self, Signup};

/// The member the viewer's account is linked to; not found for other accounts or when
/// the registry has no such member.
async fn me(
    conn: impl Into<store::Conn<'_>>,
    viewer: &crate::session::Viewer,
) -> Result<Member, AppError> {
    match &viewer.user.account {
        Account::Member { resident_id } => {
            Ok(members::by_resident_id(conn, Scope::City, resident_id).await?)
        }
        _ => Err(AppError::NotFound),
    }
}

/// What a member sees of activities: their township's and the city's.
fn reach(m: &Member) -> Scope {
    m.township.map_or(Scope::City, Scope::Township)
}

#[derive(Template)]
#[template(path = "union/my_activities.html")]
struct Page {
    chrome: Chrome,
    open: Vec<Activity>,
    signups: Vec<Signup>,
    participations: Vec<Participation>,
}

impl Page {
    /// The member's standing sign-up to `activity`, if any.
    fn signed_up(&self, activity: &i64) -> Option<&Signup> {
        self.signups
            .iter()
            .find(|s| s.activity_id == *activity && s.cancelled_at.is_none())
    }
}

/// `/union/me/activities`.
pub async fn page(at: Asked) -> Result<Html<String>, AppError> {
    let m = me(&at.state.db, &at.viewer).await?;
    let filter = ActivityFilter {
        open_on: Some(today_local()),
        sort: activities::ActivitySort::Oldest,
        ..ActivityFilter::default()
    };
    let (open, _) = activities::list(&at.state.db, reach(&m), &filter, 100, 0).await?;
    render(&Page {
        chrome: Chrome::new("我的活动", &at.viewer),
        open,
        signups: signups::of_member(&at.state.db, m.id).await?,
        participations: participations::of_member(&at.state.db, m.id).await?,
    })
}

/// Runs a member's change with their own record found in the transaction.
async fn as_member<F>(post: &Keyed, work: F) -> Response
where
    F: AsyncFnOnce(&mut Tx, &Member) -> Result<(), AppError>,
{
    post.change("/union/me/activities", async |tx| {
        let m = me(&mut *tx, &post.viewer).await?;
        work(tx, &m).await?;
        Ok("/union/me/activities".to_string())
    })
    .await
}

/// Signs the member up to activity `{id}` (one they can see).
pub async fn sign_up(post: Keyed) -> Response {
    as_member(&post, async |tx, m| {
        if !m.active() {
            return Err(store::StoreError::Conflict("您已离会，不能报名活动".into()).into());
        }
        let a = activities::get(&mut *tx, reach(m), post.key).await?;
        signups::sign_up(tx, &post.viewer.user.username, a.id, m.id, today_local()).await?;
        Ok(())
    })
    .await
}

/// Cancels the member's own sign-up `{id}`.
pub async fn cancel(post: Keyed) -> Response {
    as_member(&post, async |tx, m| {
        signups::cancel(tx, &post.viewer.user.username, post.key, m.id).await?;
        Ok(())
    })
    .await
}
