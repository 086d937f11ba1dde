//! `groundwork notify …` (queue, list, retry, cancel messages) and the channel settings
//! `serve` reads from flags or the environment. Sending is the server's worker's job:
//! these commands only write to the outbox.

use crate::output::out;
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use domain::platform::notify::{Channel, IdempotencyKey, State};
use store::Db;
use store::platform::notify::{self as outbox, NewMessage};

/// The channels' settings, as flags or environment variables (secrets never echoed by
/// `--help`).
#[derive(Args, Debug, Clone, Default)]
pub struct NotifyArgs {
    /// DingTalk robot URL with its access_token.
    #[arg(long, env = "GROUNDWORK_DINGTALK_WEBHOOK", hide_env_values = true)]
    pub dingtalk_webhook: Option<String>,
    /// DingTalk robot signing secret (SEC…).
    #[arg(long, env = "GROUNDWORK_DINGTALK_SECRET", hide_env_values = true)]
    pub dingtalk_secret: Option<String>,
    /// WeCom robot URL with its key.
    #[arg(long, env = "GROUNDWORK_WECOM_WEBHOOK", hide_env_values = true)]
    pub wecom_webhook: Option<String>,
    /// Alibaba Cloud SMS endpoint.
    #[arg(long, env = "GROUNDWORK_SMS_ENDPOINT")]
    pub sms_endpoint: Option<String>,
    /// Alibaba Cloud AccessKey id.
    #[arg(long, env = "GROUNDWORK_SMS_KEY_ID", hide_env_values = true)]
    pub sms_key_id: Option<String>,
    /// Alibaba Cloud AccessKey secret.
    #[arg(long, env = "GROUNDWORK_SMS_KEY_SECRET", hide_env_values = true)]
    pub sms_key_secret: Option<String>,
    /// SMS signature name (签名).
    #[arg(long, env = "GROUNDWORK_SMS_SIGN_NAME")]
    pub sms_sign_name: Option<String>,
    /// Default SMS template code (its text reads `${content}`).
    #[arg(long, env = "GROUNDWORK_SMS_TEMPLATE")]
    pub sms_template: Option<String>,
    /// SMTP URL: smtp://host:25 (plain relay), smtp://user:pass@host:587?tls=required
    /// (STARTTLS), smtps://host:465.
    #[arg(long, env = "GROUNDWORK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// PEM file of the CA that signed an internal SMTP relay's certificate (trusted
    /// besides the public roots for STARTTLS and smtps).
    #[arg(long, env = "GROUNDWORK_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<String>,
    /// Sender address of emails.
    #[arg(long, env = "GROUNDWORK_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Who receives the inspectors' daily audit digest: email:ADDR,sms:MOBILE,dingtalk.
    #[arg(long, env = "GROUNDWORK_DIGEST_TO")]
    pub digest_to: Option<String>,
    /// When the digest goes out (HH:MM, Asia/Shanghai; default 07:00).
    #[arg(long, env = "GROUNDWORK_DIGEST_AT")]
    pub digest_at: Option<String>,
    /// When the day-before texts to members signed up to an activity go out (HH:MM,
    /// Asia/Shanghai; default 09:00; `off` for none).
    #[arg(long, env = "GROUNDWORK_REMINDER_AT")]
    pub reminder_at: Option<String>,
    /// Do not run the delivery worker in this server (another instance runs it).
    #[arg(long, env = "GROUNDWORK_NO_NOTIFY_WORKER")]
    pub no_notify_worker: bool,
}

impl NotifyArgs {
    /// The settings: flags and environment as clap read them, the rest as defaults.
    pub fn settings(&self) -> notify::Settings {
        let pairs = [
            ("GROUNDWORK_DINGTALK_WEBHOOK", &self.dingtalk_webhook),
            ("GROUNDWORK_DINGTALK_SECRET", &self.dingtalk_secret),
            ("GROUNDWORK_WECOM_WEBHOOK", &self.wecom_webhook),
            ("GROUNDWORK_SMS_ENDPOINT", &self.sms_endpoint),
            ("GROUNDWORK_SMS_KEY_ID", &self.sms_key_id),
            ("GROUNDWORK_SMS_KEY_SECRET", &self.sms_key_secret),
            ("GROUNDWORK_SMS_SIGN_NAME", &self.sms_sign_name),
            ("GROUNDWORK_SMS_TEMPLATE", &self.sms_template),
            ("GROUNDWORK_SMTP_URL", &self.smtp_url),
            ("GROUNDWORK_SMTP_CA_FILE", &self.smtp_ca_file),
            ("GROUNDWORK_MAIL_FROM", &self.mail_from),
            ("GROUNDWORK_DIGEST_TO", &self.digest_to),
            ("GROUNDWORK_DIGEST_AT", &self.digest_at),
            ("GROUNDWORK_REMINDER_AT", &self.reminder_at),
        ];
        notify::Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| (*v).clone())
                .or_else(|| std::env::var(name).ok())
        })
    }
}

/// `groundwork notify …`
#[derive(Subcommand, Debug)]
pub enum NotifyAction {
    /// Queue a message (the server's worker sends it).
    Send {
        /// dingtalk, wecom, sms or email.
        #[arg(long)]
        channel: String,
        /// Mobile (sms), address (email), or a robot's scope (`project:12`); omit for the
        /// default robot.
        #[arg(long, default_value = "")]
        to: String,
        /// The text.
        #[arg(long)]
        text: String,
        /// Subject (email) or title (markdown).
        #[arg(long, default_value = "")]
        subject: String,
        /// Send to a robot as markdown.
        #[arg(long)]
        markdown: bool,
    },
    /// List the newest messages.
    List {
        /// queued, sending, sent, failed or cancelled.
        #[arg(long)]
        state: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Queue a failed or cancelled message again.
    Retry {
        /// The message's number.
        id: i64,
    },
    /// Withdraw a queued or failed message.
    Cancel {
        /// The message's number.
        id: i64,
    },
    /// Record that a recipient wants no more messages on a channel (they are skipped).
    OptOut {
        /// sms or email.
        #[arg(long)]
        channel: String,
        /// The mobile or address.
        #[arg(long)]
        to: String,
    },
    /// Queue today's audit digest (the chain's head) to GROUNDWORK_DIGEST_TO or --to.
    Digest {
        /// Targets: email:ADDR,sms:MOBILE,dingtalk (default: GROUNDWORK_DIGEST_TO).
        #[arg(long, env = "GROUNDWORK_DIGEST_TO")]
        to: String,
    },
}

/// Runs `groundwork notify …`.
pub async fn run(db: &Db, actor: &str, action: NotifyAction) -> Result<u8> {
    match action {
        NotifyAction::Send {
            channel,
            to,
            text,
            subject,
            markdown,
        } => {
            let Some(channel) = Channel::parse(&channel) else {
                bail!("未知渠道：{channel}（可选：dingtalk, wecom, sms, email）");
            };
            if to.is_empty() && !channel.is_robot() {
                bail!("{channel}须用 --to 指定收件人");
            }
            let mut random = [0u8; 16];
            random.copy_from_slice(&hex_bytes(&store::platform::auth::random_token()?)[..16]);
            let mut m = NewMessage::text(channel, &to, &text, IdempotencyKey::from_random(random));
            m.subject = subject;
            m.markdown = markdown;
            m.source = "cli".into();
            let mut tx = db.begin().await?;
            let q = outbox::enqueue(&mut tx, actor, &m).await?;
            tx.commit().await?;
            out!("已排队：第 {} 号消息（{}）", q.id, channel.label());
        }
        NotifyAction::List { state, limit } => {
            let state = match state {
                Some(s) => Some(State::parse(&s).ok_or_else(|| {
                    anyhow::anyhow!(
                        "未知状态：{s}（可选：queued, sending, sent, failed, cancelled）"
                    )
                })?),
                None => None,
            };
            for m in outbox::list(db, state, None, limit).await? {
                let first_line: String = m
                    .body
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(30)
                    .collect();
                out!(
                    "{:>6}  {:<9} {:<9} {:<3} {:<22} {}  {}",
                    m.id,
                    m.channel.code(),
                    m.state.code(),
                    m.attempts,
                    m.recipient,
                    first_line,
                    m.last_error
                );
            }
        }
        NotifyAction::Retry { id } => {
            let mut tx = db.begin().await?;
            outbox::retry(&mut tx, actor, id, None).await?;
            tx.commit().await?;
            out!("第 {id} 号消息已重新排队");
        }
        NotifyAction::OptOut { channel, to } => {
            let Some(channel) = Channel::parse(&channel).filter(|c| !c.is_robot()) else {
                bail!("退订只适用于短信（sms）或邮件（email）：{channel}");
            };
            let mut tx = db.begin().await?;
            outbox::opt_out(&mut tx, actor, channel, &to).await?;
            tx.commit().await?;
            out!("{to} 已退订{}，此后不再发送", channel.label());
        }
        NotifyAction::Digest { to } => {
            let targets = notify::schedule::parse_targets(&to).map_err(anyhow::Error::msg)?;
            if targets.is_empty() {
                bail!("请用 --to 或 GROUNDWORK_DIGEST_TO 指定摘要的收件人");
            }
            let n = notify::schedule::queue_audit_digest(db, &targets, chrono::Utc::now()).await?;
            out!("已排队审计摘要 {n} 条");
        }
        NotifyAction::Cancel { id } => {
            let mut tx = db.begin().await?;
            outbox::cancel(&mut tx, actor, id, None).await?;
            tx.commit().await?;
            out!("第 {id} 号消息已取消");
        }
    }
    Ok(0)
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// Starts the delivery worker for `serve`, with its daily jobs; the returned sender stops
/// it (it finishes the message in hand first) and the handle ends when it has.
pub fn spawn_worker(db: &Db, settings: notify::Settings) -> Result<(Stop, Handle)> {
    let schedule = notify::schedule::Schedule::new(&settings.digest_at, &settings.digest_to)
        .map_err(|e| anyhow::anyhow!("GROUNDWORK_DIGEST_TO / GROUNDWORK_DIGEST_AT：{e}"))?
        .with_reminders_at(&settings.reminder_at)
        .map_err(|e| anyhow::anyhow!("GROUNDWORK_REMINDER_AT：{e}"))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut worker = notify::Worker::new(db.clone(), notify::Channels::new(settings));
    worker.schedule = schedule;
    let handle = tokio::spawn(worker.run_until(async {
        let _ = stopped.await;
    }));
    Ok((stop, handle))
}

/// Stops the worker.
type Stop = tokio::sync::oneshot::Sender<()>;
/// Ends when the worker has stopped.
type Handle = tokio::task::JoinHandle<()>;
