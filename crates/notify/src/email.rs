//! Email over SMTP with lettre: STARTTLS (`smtp://host:587?tls=required`), implicit TLS
//! (`smtps://`) or plain for an internal relay (`smtp://host:25`). The message's
//! idempotency key is its `Message-ID`, so a copy that did arrive twice is recognisable.

use crate::deliver::Outcome;
use crate::settings::Settings;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Mail, Tokio1Executor};
use store::platform::notify::Message;

/// Sends one email.
pub async fn send(s: &Settings, m: &Message) -> Outcome {
    let permanent = |reason: String| Outcome::Failed {
        permanent: true,
        status: "config".into(),
        excerpt: String::new(),
        reason,
    };
    let from = match s.mail_from.parse() {
        Ok(f) => f,
        Err(e) => return permanent(format!("发件人地址不正确（GROUNDWORK_MAIL_FROM）：{e}")),
    };
    let to = match m.recipient.parse() {
        Ok(t) => t,
        Err(e) => return permanent(format!("收件人地址不正确：{e}")),
    };
    let subject = if m.subject.is_empty() {
        "通知".to_string()
    } else {
        m.subject.clone()
    };
    let mail = Mail::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{}@groundwork>", m.key.as_str())))
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone());
    let mail = match mail {
        Ok(mail) => mail,
        Err(e) => return permanent(format!("邮件无法生成：{e}")),
    };
    let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&s.smtp_url) {
        Ok(t) => t.timeout(Some(std::time::Duration::from_secs(20))).build(),
        Err(e) => return permanent(format!("SMTP 地址不正确（GROUNDWORK_SMTP_URL）：{e}")),
    };
    match transport.send(mail).await {
        Ok(resp) => {
            let text: Vec<&str> = resp.message().collect();
            Outcome::Delivered {
                provider_id: text.join(" "),
                status: resp.code().to_string(),
                excerpt: text.join(" "),
            }
        }
        Err(e) => Outcome::Failed {
            permanent: e.is_permanent(),
            status: e
                .status()
                .map(|c| c.to_string())
                .unwrap_or_else(|| "smtp".into()),
            excerpt: e.to_string(),
            reason: format!("邮件服务器拒绝或无法连接：{e}"),
        },
    }
}
