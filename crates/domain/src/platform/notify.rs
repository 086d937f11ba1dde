//! Notifications as the outbox keeps them: the channels, the life of a message
//! (queued → sending → sent, or failed, or cancelled), the retry back-off, the
//! idempotency key that keeps a message from being sent twice, and templates with
//! variables.
//!
//! Nothing here sends anything: delivery is the `notify` crate's worker. What is decided
//! here is what every sender must obey — a message is claimed before it is sent, a claimed
//! message whose outcome is unknown is never sent again on its own, and a failed one goes
//! back to the queue only after its back-off or by a person's retry.

use crate::platform::labelled::labelled;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

labelled! {
    /// Where a message goes.
    Channel {
        /// A DingTalk group robot (钉钉群机器人).
        DingTalk => ("dingtalk", "钉钉群", ["钉钉"]),
        /// A WeCom group robot (企业微信群机器人).
        WeCom => ("wecom", "企业微信群", ["企业微信"]),
        /// A text message through Alibaba Cloud SMS.
        Sms => ("sms", "短信", []),
        /// Email over SMTP.
        Email => ("email", "电子邮件", ["邮件"])
    }
}

impl Channel {
    /// Whether the channel posts to a group robot, whose recipient is the configured
    /// group rather than a person (so `--to` may be left out).
    pub fn is_robot(self) -> bool {
        matches!(self, Channel::DingTalk | Channel::WeCom)
    }

    /// The recipient as stored and compared (opt-outs match on it): a mobile as its bare
    /// 11 digits, an address in lower case, a robot's scope trimmed; refused when it does
    /// not fit the channel.
    pub fn recipient(self, to: &str) -> Result<String, NotifyError> {
        let to = to.trim();
        self.check_recipient(to)?;
        Ok(match self {
            Channel::Sms => crate::platform::Mobile::parse(to)
                .map(|m| m.as_str().to_string())
                .unwrap_or_else(|_| to.to_string()),
            Channel::Email => to.to_lowercase(),
            Channel::DingTalk | Channel::WeCom => to.to_string(),
        })
    }

    /// Checks a recipient for the channel: a mobile for SMS, an address for email; a robot
    /// takes an empty recipient (its default group) or the name of a configured group.
    pub fn check_recipient(self, to: &str) -> Result<(), NotifyError> {
        let ok = match self {
            Channel::DingTalk | Channel::WeCom => true,
            Channel::Sms => crate::platform::Mobile::parse(to).is_ok(),
            Channel::Email => {
                let mut parts = to.split('@');
                matches!((parts.next(), parts.next(), parts.next()),
                    (Some(user), Some(host), None) if !user.is_empty() && host.contains('.'))
            }
        };
        if ok {
            Ok(())
        } else {
            Err(NotifyError::BadRecipient {
                channel: self,
                to: to.to_string(),
            })
        }
    }
}

labelled! {
    /// Where a message is in its life.
    State {
        /// Waiting for the worker (first try or after a back-off).
        Queued => ("queued", "待发送", []),
        /// Claimed by the worker and handed to the provider; the outcome is not yet recorded.
        Sending => ("sending", "发送中", []),
        /// The provider accepted it.
        Sent => ("sent", "已发送", []),
        /// Given up: the reason is kept; a person may retry it.
        Failed => ("failed", "失败", []),
        /// Withdrawn by a person, or skipped because the recipient opted out.
        Cancelled => ("cancelled", "已取消", [])
    }
}

/// What a message may not do, worded for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    /// The state does not allow this step.
    #[error("消息当前为“{from}”，不能{step}")]
    Transition {
        /// The state it is in.
        from: State,
        /// The step refused, in Chinese.
        step: &'static str,
    },
    /// The recipient does not fit the channel.
    #[error("{channel}的收件人不正确：{to}")]
    BadRecipient {
        /// The channel.
        channel: Channel,
        /// What was given.
        to: String,
    },
    /// A template names a variable that was not given.
    #[error("模板变量“{0}”没有值")]
    MissingVariable(String),
    /// A template has an unclosed `{{`.
    #[error("模板格式不正确：“{{{{”没有对应的“}}}}”")]
    Unclosed,
    /// Nothing to send.
    #[error("消息内容不能为空")]
    Empty,
}

impl State {
    /// Claiming a queued message for sending.
    pub fn claim(self) -> Result<State, NotifyError> {
        self.step(matches!(self, State::Queued), State::Sending, "发送")
    }

    /// The provider accepted a message being sent.
    pub fn sent(self) -> Result<State, NotifyError> {
        self.step(matches!(self, State::Sending), State::Sent, "记为已发送")
    }

    /// A try failed: back to the queue if another try is due, else failed.
    pub fn attempt_failed(self, retry: bool) -> Result<State, NotifyError> {
        let to = if retry { State::Queued } else { State::Failed };
        self.step(matches!(self, State::Sending), to, "记为失败")
    }

    /// A person asks for another round of tries.
    pub fn retry(self) -> Result<State, NotifyError> {
        self.step(
            matches!(self, State::Failed | State::Cancelled),
            State::Queued,
            "重试",
        )
    }

    /// A person withdraws a message not yet handed to a provider (or one failed).
    pub fn cancel(self) -> Result<State, NotifyError> {
        self.step(
            matches!(self, State::Queued | State::Failed),
            State::Cancelled,
            "取消",
        )
    }

    /// A message found `sending` after a restart: whoever claimed it died between
    /// handing it over and recording the outcome. `delivered` is what the provider says
    /// when it can be asked (SMS by our key); when it cannot (robots, SMTP), the outcome is
    /// unknown and the message is failed for a person to check — never sent again on its
    /// own, since it may already have arrived.
    pub fn recover(self, delivered: Option<bool>) -> Result<State, NotifyError> {
        let to = match delivered {
            Some(true) => State::Sent,
            Some(false) => State::Queued,
            None => State::Failed,
        };
        self.step(matches!(self, State::Sending), to, "恢复")
    }

    fn step(self, allowed: bool, to: State, step: &'static str) -> Result<State, NotifyError> {
        if allowed {
            Ok(to)
        } else {
            Err(NotifyError::Transition { from: self, step })
        }
    }
}

/// When a failed try is tried again: `base · 2^(n−1)` after the n-th failure, capped at
/// `cap`, for at most `max_attempts` tries in a round (a person's retry starts a new
/// round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait after the first failure.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Tries in a round before the message is failed.
    pub max_attempts: u32,
}

impl Default for Backoff {
    /// 30 s, 1 min, 2 min, 4 min … up to an hour, six tries: a provider outage of a few
    /// minutes costs no message, a wrong key fails within about half an hour.
    fn default() -> Backoff {
        Backoff {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(3600),
            max_attempts: 6,
        }
    }
}

impl Backoff {
    /// The wait after the `attempt`-th failed try of a round (1-based), or `None` when
    /// the round is spent and the message fails.
    pub fn after(&self, attempt: u32) -> Option<Duration> {
        if attempt == 0 || attempt >= self.max_attempts {
            return None;
        }
        let factor = 1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX);
        Some(self.base.saturating_mul(factor).min(self.cap))
    }
}

/// The key that makes a message unique in the outbox: queuing the same key twice gives
/// the one message, and the provider is handed the key (SMS `OutId`, email `Message-ID`)
/// so a message whose outcome was lost can be looked up, not sent again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A key derived from what makes the message what it is (`daily-report`, the project,
    /// the day): the same parts always give the same key, so a report asked for twice on
    /// one day is queued once.
    pub fn derived(parts: &[&str]) -> IdempotencyKey {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        IdempotencyKey(format!("gw-{hex}"))
    }

    /// A key for a one-off message from random bytes the caller draws.
    pub fn from_random(bytes: [u8; 16]) -> IdempotencyKey {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        IdempotencyKey(format!("gw-{hex}"))
    }

    /// A stored key read back.
    pub fn from_stored(text: String) -> IdempotencyKey {
        IdempotencyKey(text)
    }

    /// The key as text (ASCII, at most 35 characters: fits SMS `OutId`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A message text with `{{变量}}` placeholders (household, project, date, figures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Var(String),
}

impl Template {
    /// Reads a template; `{{ name }}` is a variable (spaces around the name ignored).
    pub fn parse(text: &str) -> Result<Template, NotifyError> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or(NotifyError::Unclosed)?;
            pieces.push(Piece::Var(after[..close].trim().to_string()));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Template { pieces })
    }

    /// The variables the template uses, in order of first use.
    pub fn variables(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.pieces {
            if let Piece::Var(v) = p
                && !out.contains(&v.as_str())
            {
                out.push(v);
            }
        }
        out
    }

    /// The text with every variable filled in (what the preview shows and what is sent);
    /// a variable without a value is refused rather than sent as a blank.
    pub fn render(&self, vars: &BTreeMap<String, String>) -> Result<String, NotifyError> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(v) => out.push_str(
                    vars.get(v)
                        .ok_or_else(|| NotifyError::MissingVariable(v.clone()))?,
                ),
            }
        }
        if out.trim().is_empty() {
            return Err(NotifyError::Empty);
        }
        Ok(out)
    }
}

/// Which staff see a message on the outbox page: the office and, for relocation, the
/// town it concerns. Administrators and inspectors see every message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// The city federation's messages (members, unions, townships).
    Union,
    /// A town headquarters' messages (its projects' groups and households).
    Town(String),
    /// The platform's own (the audit digest, messages queued from the command line).
    Platform,
}

impl Audience {
    /// As stored in the outbox.
    pub fn code(&self) -> String {
        match self {
            Audience::Union => "union".into(),
            Audience::Town(t) => format!("relocation:{t}"),
            Audience::Platform => String::new(),
        }
    }

    /// What an account sees on the outbox page: `None` for every message, else one
    /// audience. (Group staff and members are kept off the page by the route table.)
    pub fn of(account: &crate::platform::Account) -> Option<Audience> {
        use crate::platform::Account;
        match account {
            Account::Admin | Account::Inspector => None,
            Account::UnionAdmin | Account::UnionStaff { .. } | Account::Member { .. } => {
                Some(Audience::Union)
            }
            Account::RelocationCommander { town } => Some(Audience::Town(town.clone())),
            Account::RelocationStaff { .. } => Some(Audience::Town(String::new())),
        }
    }
}

/// Shows a secret as its first and last two characters (`SE…9c`), enough to tell two
/// keys apart on the settings page and nothing more; short ones are hidden whole.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.is_empty() {
        return "（未设置）".into();
    }
    if chars.len() < 8 {
        return "****".into();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}****{tail}")
}

/// A webhook URL with its token hidden: the query (`access_token=…`, `key=…`) is the
/// secret, the host and path are not.
pub fn mask_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?****"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_message_goes_queued_sending_sent() {
        let s = State::Queued.claim().unwrap();
        assert_eq!(s, State::Sending);
        assert_eq!(s.sent().unwrap(), State::Sent);
    }

    #[test]
    fn a_sent_message_can_be_neither_retried_nor_cancelled_nor_claimed() {
        assert!(State::Sent.retry().is_err());
        assert!(State::Sent.cancel().is_err());
        assert!(State::Sent.claim().is_err());
        assert_eq!(
            State::Sending.cancel().unwrap_err().to_string(),
            "消息当前为“发送中”，不能取消"
        );
    }

    #[test]
    fn failures_requeue_until_the_round_is_spent() {
        assert_eq!(State::Sending.attempt_failed(true).unwrap(), State::Queued);
        assert_eq!(State::Sending.attempt_failed(false).unwrap(), State::Failed);
        assert_eq!(State::Failed.retry().unwrap(), State::Queued);
        assert_eq!(State::Cancelled.retry().unwrap(), State::Queued);
    }

    #[test]
    fn an_interrupted_send_is_never_resent_unless_the_provider_says_it_was_not_delivered() {
        assert_eq!(State::Sending.recover(None).unwrap(), State::Failed);
        assert_eq!(State::Sending.recover(Some(true)).unwrap(), State::Sent);
        assert_eq!(State::Sending.recover(Some(false)).unwrap(), State::Queued);
        assert!(State::Queued.recover(None).is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_ends_the_round() {
        let b = Backoff {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(100),
            max_attempts: 5,
        };
        let waits: Vec<_> = (1..=5).map(|n| b.after(n).map(|d| d.as_secs())).collect();
        assert_eq!(waits, vec![Some(30), Some(60), Some(100), Some(100), None]);
        assert_eq!(Backoff::default().after(40), None);
        let huge = Backoff {
            max_attempts: 100,
            ..Backoff::default()
        };
        assert_eq!(huge.after(80), Some(Duration::from_secs(3600)));
    }

    #[test]
    fn derived_keys_are_stable_and_distinguish_their_parts() {
        let a = IdempotencyKey::derived(&["daily-report", "12", "2019-06-01"]);
        assert_eq!(
            a,
            IdempotencyKey::derived(&["daily-report", "12", "2019-06-01"])
        );
        assert_ne!(
            a,
            IdempotencyKey::derived(&["daily-report", "122019-06-01"])
        );
        assert!(a.as_str().len() <= 35 && a.as_str().is_ascii());
    }

    #[test]
    fn templates_fill_variables_and_refuse_missing_ones() {
        let t =
            Template::parse("{{户主}}您好：{{ 项目 }}将于{{日期}}选房，{{户主}}请准时。").unwrap();
        assert_eq!(t.variables(), vec!["户主", "项目", "日期"]);
        let text = t
            .render(&vars(&[
                ("户主", "张三"),
                ("项目", "杭黄高铁"),
                ("日期", "2019年6月1日"),
            ]))
            .unwrap();
        assert_eq!(text, "张三您好：杭黄高铁将于2019年6月1日选房，张三请准时。");
        assert_eq!(
            t.render(&vars(&[("户主", "张三")])).unwrap_err(),
            NotifyError::MissingVariable("项目".into())
        );
        assert_eq!(Template::parse("a {{b").unwrap_err(), NotifyError::Unclosed);
        assert_eq!(
            Template::parse("  ").unwrap().render(&vars(&[])),
            Err(NotifyError::Empty)
        );
    }

    #[test]
    fn recipients_are_checked_per_channel() {
        assert!(Channel::Sms.check_recipient("13812345678").is_ok());
        assert!(Channel::Sms.check_recipient("12345").is_err());
        assert!(Channel::Email.check_recipient("a@b.cn").is_ok());
        assert!(Channel::Email.check_recipient("a@b").is_err());
        assert!(Channel::DingTalk.check_recipient("").is_ok());
        assert_eq!(
            Channel::Sms.recipient("+86 138-1234-5678").unwrap(),
            "13812345678"
        );
        assert_eq!(Channel::Email.recipient(" A@B.cn ").unwrap(), "a@b.cn");
        assert_eq!(Channel::parse("dingtalk"), Some(Channel::DingTalk));
        assert_eq!(Channel::parse("短信"), Some(Channel::Sms));
    }

    #[test]
    fn each_office_sees_its_own_messages_and_inspectors_all() {
        use crate::platform::Account;
        assert_eq!(Audience::of(&Account::Inspector), None);
        assert_eq!(Audience::of(&Account::UnionAdmin), Some(Audience::Union));
        let commander = Account::RelocationCommander {
            town: "杨村桥镇".into(),
        };
        assert_eq!(
            Audience::of(&commander).map(|a| a.code()),
            Some("relocation:杨村桥镇".to_string())
        );
        assert_eq!(Audience::Platform.code(), "");
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(mask_secret("SEC1234567890ab"), "SE****ab");
        assert_eq!(mask_secret("short"), "****");
        assert_eq!(
            mask_url("https://oapi.dingtalk.com/robot/send?access_token=abc"),
            "https://oapi.dingtalk.com/robot/send?****"
        );
    }
}
