//! What the worker queues on its own each day: every project's daily report to its chat
//! group at the time the project set, the digest to the inspectors with the audit
//! chain's head (sequence number and hash), so that a later deletion of the newest
//! entries shows against what they received, and a text the day before an activity to
//! every member signed up to it.
//!
//! Each is queued with a key derived from what it is and the day, so a restart, a second
//! server or a report already sent on demand that day never makes a second message.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::platform::notify::{Audience, Channel, IdempotencyKey};
use domain::platform::time::shanghai;
use std::collections::HashMap;
use store::error::StoreResult;
use store::platform::notify::delivery::WORKER;
use store::platform::notify::{self as outbox, NewMessage};
use store::relocation::{projects, wall};
use store::union::signups::{self, Reminder};
use store::{Conn, Db};

/// Who receives the inspectors' digest: `email:addr`, `sms:mobile`, `dingtalk` or
/// `wecom` (a robot's default group), separated by commas (`GROUNDWORK_DIGEST_TO`).
pub fn parse_targets(text: &str) -> Result<Vec<(Channel, String)>, String> {
    text.split([',', '，'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let (ch, to) = t.split_once(':').unwrap_or((t, ""));
            let channel = Channel::parse(ch).ok_or_else(|| format!("未知渠道：{ch}"))?;
            channel.check_recipient(to).map_err(|e| e.to_string())?;
            Ok((channel, to.to_string()))
        })
        .collect()
}

/// The digest's text for the chain's head.
pub fn digest_text(seq: i64, hash: &str, at: DateTime<Utc>) -> String {
    format!(
        "审计日志每日摘要（{}）：链头为第 {seq} 条，哈希 {hash}。请留存：日后若第 {seq} 条或之前的条目被删改，校验时将与此不符。",
        at.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M")
    )
}

/// Queues today's digest to every target (once a day each); returns how many were new.
pub async fn queue_audit_digest(
    db: &Db,
    targets: &[(Channel, String)],
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let (seq, hash) = store::audit::anchor(db)
        .await?
        .map_or((0, store::audit::GENESIS_HASH.to_string()), |a| {
            (a.sequence, a.hash)
        });
    let day = now.with_timezone(&shanghai()).date_naive().to_string();
    let text = digest_text(seq, &hash, now);
    let mut tx = db.begin().await?;
    let mut new = 0;
    for (channel, to) in targets {
        let key = IdempotencyKey::derived(&["audit-digest", &day, channel.code(), to]);
        let mut m = NewMessage::text(*channel, to, &text, key);
        m.subject = "审计日志每日摘要".into();
        m.source = "审计摘要".into();
        if outbox::enqueue(&mut tx, WORKER, &m).await?.new {
            new += 1;
        }
    }
    tx.commit().await?;
    Ok(new)
}

/// Queues a project's daily report to its group robot on `channel` for today (the same
/// key as the report page's button, so one a day whichever sends it).
pub async fn queue_project_report(
    db: &Db,
    project_id: i64,
    channel: Channel,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let p = projects::by_id(&mut Conn::Pool(db), project_id).await?;
    let today = now.with_timezone(&shanghai()).date_naive();
    let w = wall::wall(db, &p, today).await?;
    let key = IdempotencyKey::derived(&[
        "daily-report",
        &p.id.to_string(),
        &today.to_string(),
        channel.code(),
    ]);
    let mut m = NewMessage::text(
        channel,
        &format!("project:{}", p.id),
        &wall::daily_report(&w),
        key,
    );
    m.subject = format!("{} 进度日报", p.name);
    m.source = format!("项目 {} 日报", p.code);
    m.audience = Audience::Town(p.town.clone());
    let mut tx = db.begin().await?;
    let q = outbox::enqueue(&mut tx, WORKER, &m).await?;
    tx.commit().await?;
    Ok(q.new)
}

/// The reminder a signed-up member receives the day before an activity.
pub fn reminder_text(r: &Reminder) -> String {
    let day = chrono::NaiveDate::parse_from_str(&r.start_on, "%Y-%m-%d")
        .map(|d| d.format("%-m月%-d日").to_string())
        .unwrap_or_else(|_| r.start_on.clone());
    format!(
        "【建德市总工会】{}您好：您报名的“{}”将于明天（{day}）在{}举行，请准时参加。如不能参加，请在会员服务中取消报名。",
        r.member_name, r.activity_name, r.place
    )
}

/// Queues one SMS per member signed up to an activity starting tomorrow (Asia/Shanghai):
/// once per member and activity whatever the time or the number of runs (the key is the
/// activity and the member), skipping members who opted out of texts or whose registered
/// mobile does not read. Returns how many were new.
pub async fn queue_activity_reminders(db: &Db, now: DateTime<Utc>) -> StoreResult<usize> {
    let tomorrow = now.with_timezone(&shanghai()).date_naive() + chrono::Days::new(1);
    let due = signups::to_remind(db, tomorrow).await?;
    let mut tx = db.begin().await?;
    let mut new = 0;
    for r in &due {
        let Ok(mobile) = Channel::Sms.recipient(&r.mobile) else {
            continue;
        };
        if outbox::opted_out(&mut tx, Channel::Sms, &mobile).await? {
            continue;
        }
        let key = IdempotencyKey::derived(&[
            "activity-reminder",
            &r.activity_id.to_string(),
            &r.member_id.to_string(),
        ]);
        let mut m = NewMessage::text(Channel::Sms, &mobile, &reminder_text(r), key);
        m.source = format!("活动提醒：{}", r.activity_name);
        m.audience = Audience::Union;
        if outbox::enqueue(&mut tx, WORKER, &m).await?.new {
            new += 1;
        }
    }
    tx.commit().await?;
    Ok(new)
}

/// The worker's daily jobs and what it already did today.
#[derive(Debug, Default)]
pub struct Schedule {
    /// When the digest goes out (Asia/Shanghai), if it is configured.
    pub digest_at: Option<NaiveTime>,
    /// Who receives it.
    pub digest_to: Vec<(Channel, String)>,
    digest_done: Option<NaiveDate>,
    /// When the day-before reminders to members signed up to an activity go out
    /// (Asia/Shanghai); `None` for never.
    pub reminders_at: Option<NaiveTime>,
    reminders_done: Option<NaiveDate>,
    reports_done: HashMap<(String, Channel), NaiveDate>,
}

impl Schedule {
    /// A schedule from the settings; a target list that does not read is refused.
    pub fn new(digest_at: &str, digest_to: &str) -> Result<Schedule, String> {
        let digest_to = parse_targets(digest_to)?;
        let digest_at = if digest_to.is_empty() {
            None
        } else {
            let at = if digest_at.trim().is_empty() {
                "07:00"
            } else {
                digest_at.trim()
            };
            Some(
                NaiveTime::parse_from_str(at, "%H:%M")
                    .map_err(|_| format!("摘要发送时间应为 时:分，实为 {at}"))?,
            )
        };
        Ok(Schedule {
            digest_at,
            digest_to,
            ..Schedule::default()
        })
    }

    /// The same schedule with the activity reminders at `at` (`HH:MM`; empty or `off` for
    /// none).
    pub fn with_reminders_at(mut self, at: &str) -> Result<Schedule, String> {
        let at = at.trim();
        self.reminders_at = if at.is_empty() || at.eq_ignore_ascii_case("off") {
            None
        } else {
            Some(
                NaiveTime::parse_from_str(at, "%H:%M")
                    .map_err(|_| format!("活动提醒发送时间应为 时:分，实为 {at}"))?,
            )
        };
        Ok(self)
    }

    /// Queues whatever is due at `now` and not yet queued today.
    pub async fn run_due(&mut self, db: &Db, now: DateTime<Utc>) -> StoreResult<()> {
        let local = now.with_timezone(&shanghai());
        let (today, time) = (local.date_naive(), local.time());
        if let Some(at) = self.digest_at
            && time >= at
            && self.digest_done != Some(today)
        {
            queue_audit_digest(db, &self.digest_to, now).await?;
            self.digest_done = Some(today);
        }
        if let Some(at) = self.reminders_at
            && time >= at
            && self.reminders_done != Some(today)
        {
            queue_activity_reminders(db, now).await?;
            self.reminders_done = Some(today);
        }
        for (scope, channel, at) in outbox::scheduled_routes(db).await? {
            let Some(id) = scope
                .strip_prefix("project:")
                .and_then(|i| i.parse::<i64>().ok())
            else {
                continue;
            };
            let done = self.reports_done.get(&(scope.clone(), channel)) == Some(&today);
            if time >= at && !done {
                queue_project_report(db, id, channel, now).await?;
                self.reports_done.insert((scope, channel), today);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_targets_read_channel_and_recipient() {
        let t = parse_targets("email:jw@jiande.test, sms:13800001111，dingtalk").unwrap();
        assert_eq!(
            t,
            vec![
                (Channel::Email, "jw@jiande.test".to_string()),
                (Channel::Sms, "13800001111".to_string()),
                (Channel::DingTalk, String::new()),
            ]
        );
        assert!(parse_targets("fax:1").is_err());
        assert!(parse_targets("sms:123").is_err());
        assert!(Schedule::new("", "").unwrap().digest_at.is_none());
        assert!(Schedule::new("25:00", "dingtalk").is_err());
        let s = Schedule::default().with_reminders_at("18:30").unwrap();
        assert_eq!(s.reminders_at, NaiveTime::from_hms_opt(18, 30, 0));
        assert!(
            Schedule::default()
                .with_reminders_at("off")
                .unwrap()
                .reminders_at
                .is_none()
        );
        assert!(Schedule::default().with_reminders_at("9点").is_err());
    }

    #[test]
    fn the_digest_names_the_chains_head() {
        let at = DateTime::parse_from_rfc3339("2019-06-01T00:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let t = digest_text(42, "abcd", at);
        assert!(t.contains("2019-06-01 08:30") && t.contains("第 42 条") && t.contains("abcd"));
    }
}
