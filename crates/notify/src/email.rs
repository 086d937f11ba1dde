//! Email over SMTP with lettre: STARTTLS (`smtp://host:587?tls=required`), implicit TLS
//! (`smtps://`) or plain for an internal relay (`smtp://host:25`). The message's
//! idempotency key is its `Message-ID`, so a copy that did arrive twice is recognisable.
//! An internal relay whose certificate is signed by the office's own authority is trusted
//! through `GROUNDWORK_SMTP_CA_FILE` (added to the public roots); certificates are always
//! verified, never accepted blindly.

use crate::deliver::Outcome;
use crate::settings::Settings;
use lettre::message::header::ContentType;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
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
        Ok(t) => t.timeout(Some(std::time::Duration::from_secs(20))),
        Err(e) => return permanent(format!("SMTP 地址不正确（GROUNDWORK_SMTP_URL）：{e}")),
    };
    let transport = match own_authority(s) {
        Ok(Some(tls)) => transport.tls(tls),
        Ok(None) => transport,
        Err(reason) => return permanent(reason),
    }
    .build();
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

/// The TLS of the relay's URL with the authority of `GROUNDWORK_SMTP_CA_FILE` trusted as
/// well; `None` when no file is set or the URL is plain (nothing to verify).
fn own_authority(s: &Settings) -> Result<Option<Tls>, String> {
    if s.smtp_ca_file.is_empty() {
        return Ok(None);
    }
    let url = reqwest::Url::parse(&s.smtp_url)
        .map_err(|e| format!("SMTP 地址不正确（GROUNDWORK_SMTP_URL）：{e}"))?;
    let tls_mode = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let wrapper = url.scheme() == "smtps";
    if !wrapper && tls_mode.is_none() {
        return Ok(None);
    }
    let host = url
        .host_str()
        .ok_or_else(|| "SMTP 地址缺少主机名（GROUNDWORK_SMTP_URL）".to_string())?;
    let pem = std::fs::read(&s.smtp_ca_file).map_err(|e| {
        format!(
            "无法读取 GROUNDWORK_SMTP_CA_FILE（{}）：{e}",
            s.smtp_ca_file
        )
    })?;
    let ca = Certificate::from_pem(&pem)
        .map_err(|e| format!("GROUNDWORK_SMTP_CA_FILE 不是 PEM 证书：{e}"))?;
    let params = TlsParameters::builder(host.trim_matches(['[', ']']).to_string())
        .add_root_certificate(ca)
        .build_rustls()
        .map_err(|e| format!("TLS 参数不正确：{e}"))?;
    Ok(Some(match (wrapper, tls_mode.as_deref()) {
        (true, _) => Tls::Wrapper(params),
        (false, Some("opportunistic")) => Tls::Opportunistic(params),
        _ => Tls::Required(params),
    }))
}
