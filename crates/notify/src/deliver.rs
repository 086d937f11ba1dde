//! One try of one message on its channel, and what the provider answered.

use crate::settings::Settings;
use crate::{dingtalk, email, sms, wecom};
use domain::platform::notify::Channel;
use serde_json::Value;
use std::time::Duration;
use store::Db;
use store::platform::notify::{self as outbox, Message};

/// How a try ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The provider accepted the message.
    Delivered {
        /// The provider's id for it (SMS BizId, the SMTP answer), if any.
        provider_id: String,
        /// The provider's status.
        status: String,
        /// The start of its answer.
        excerpt: String,
    },
    /// It was not accepted.
    Failed {
        /// Whether trying again cannot help (a refused key, a wrong number, a channel
        /// not configured); otherwise the message is tried again after its back-off.
        permanent: bool,
        /// The provider's status.
        status: String,
        /// The start of its answer.
        excerpt: String,
        /// Why, in Chinese, for the list page.
        reason: String,
    },
}

impl Outcome {
    /// The provider could not be reached (connection refused, timeout): worth a retry.
    pub fn unreachable(e: &reqwest::Error) -> Outcome {
        Outcome::Failed {
            permanent: false,
            status: "network".into(),
            excerpt: e.to_string(),
            reason: format!("无法连接服务商：{e}"),
        }
    }

    fn not_configured(what: &str) -> Outcome {
        Outcome::Failed {
            permanent: true,
            status: "config".into(),
            excerpt: String::new(),
            reason: format!("{what}未配置"),
        }
    }
}

/// The answer of a group robot (DingTalk and WeCom both answer `{"errcode":0,…}`): a
/// server error or a rate-limit code is tried again, any other refusal is final.
pub(crate) async fn robot_outcome(resp: reqwest::Result<reqwest::Response>) -> Outcome {
    let resp = match resp {
        Ok(r) => r,
        Err(e) => return Outcome::unreachable(&e),
    };
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let errcode = v["errcode"].as_i64();
    if status.is_success() && errcode == Some(0) {
        return Outcome::Delivered {
            provider_id: String::new(),
            status: format!("{} 0", status.as_u16()),
            excerpt: body,
        };
    }
    // DingTalk 130101 and WeCom 45009: sent too often.
    let throttled = matches!(errcode, Some(130_101 | 45_009));
    let reason = match v["errmsg"].as_str() {
        Some(msg) => format!(
            "机器人拒绝（HTTP {}）：{} {msg}",
            status.as_u16(),
            errcode.unwrap_or(-1)
        ),
        None => format!("机器人答复 HTTP {}", status.as_u16()),
    };
    Outcome::Failed {
        permanent: !(status.is_server_error() || throttled || status.as_u16() == 429),
        status: format!("{} {}", status.as_u16(), errcode.unwrap_or(-1)),
        excerpt: body,
        reason,
    }
}

/// The channel clients, configured.
#[derive(Debug, Clone)]
pub struct Channels {
    /// Where each channel sends.
    pub settings: Settings,
    http: reqwest::Client,
}

impl Channels {
    /// Clients for `settings` (HTTP with a 15-second timeout, no proxy from the
    /// environment: messages go to the configured endpoints only).
    pub fn new(settings: Settings) -> Channels {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .no_proxy()
            .build()
            .unwrap_or_default();
        Channels { settings, http }
    }

    /// Tries to deliver `m` once. A robot message whose recipient names a scope goes to
    /// that scope's own robot (a project's chat group), else to the default one.
    pub async fn deliver(&self, db: &Db, m: &Message) -> Outcome {
        let s = &self.settings;
        match m.channel {
            Channel::DingTalk | Channel::WeCom => {
                let (webhook, secret) = match self.robot(db, m).await {
                    Ok(Some(r)) => r,
                    Ok(None) => return Outcome::not_configured(&format!("{}机器人", m.channel)),
                    Err(e) => {
                        return Outcome::Failed {
                            permanent: false,
                            status: "db".into(),
                            excerpt: String::new(),
                            reason: e.to_string(),
                        };
                    }
                };
                if m.channel == Channel::DingTalk {
                    dingtalk::send(
                        &self.http, &webhook, &secret, &m.subject, &m.body, m.markdown,
                    )
                    .await
                } else {
                    wecom::send(&self.http, &webhook, &m.body, m.markdown).await
                }
            }
            Channel::Sms => {
                if s.sms_key_id.is_empty()
                    || s.sms_key_secret.is_empty()
                    || s.sms_sign_name.is_empty()
                {
                    return Outcome::not_configured(
                        "短信（GROUNDWORK_SMS_KEY_ID、GROUNDWORK_SMS_KEY_SECRET、GROUNDWORK_SMS_SIGN_NAME）",
                    );
                }
                sms::send(&self.http, s, m).await
            }
            Channel::Email => {
                if s.smtp_url.is_empty() || s.mail_from.is_empty() {
                    return Outcome::not_configured(
                        "邮件（GROUNDWORK_SMTP_URL、GROUNDWORK_MAIL_FROM）",
                    );
                }
                email::send(s, m).await
            }
        }
    }

    /// The robot a message goes to: its scope's own, or the default; `None` if neither.
    async fn robot(
        &self,
        db: &Db,
        m: &Message,
    ) -> store::error::StoreResult<Option<(String, String)>> {
        if !m.recipient.is_empty()
            && let Some(r) = outbox::route(db, &m.recipient, m.channel).await?
        {
            return Ok(Some((r.webhook, r.secret)));
        }
        let (webhook, secret) = match m.channel {
            Channel::DingTalk => (
                &self.settings.dingtalk_webhook,
                &self.settings.dingtalk_secret,
            ),
            _ => (&self.settings.wecom_webhook, &String::new()),
        };
        Ok((!webhook.is_empty()).then(|| (webhook.clone(), secret.clone())))
    }

    /// After a crash, what the provider knows of a message left `sending`: SMS is asked by
    /// the message's key (`Ok(Some((true, id)))` if it took it, `Ok(Some((false, _)))` if
    /// not); robots and SMTP cannot be asked (`Ok(None)`); `Err` when the provider cannot
    /// be reached now (ask again later).
    pub async fn find(&self, m: &Message) -> Result<Option<(bool, String)>, String> {
        match m.channel {
            Channel::Sms => sms::find_sent(&self.http, &self.settings, m)
                .await
                .map(|found| Some((found.is_some(), found.unwrap_or_default()))),
            _ => Ok(None),
        }
    }
}
