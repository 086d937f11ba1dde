//! Local stand-ins for the providers, on 127.0.0.1: an HTTP server that speaks the
//! DingTalk and WeCom robots and Alibaba Cloud SMS — and checks the DingTalk signature,
//! the SMS signature and the payloads exactly as the providers would — and a small SMTP
//! server. The checks are written here from the providers' documentation, independently
//! of the crate's own signing code.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

pub const DING_TOKEN: &str = "ding-token-1";
pub const DING_SECRET: &str = "SECfake0123456789";
pub const WECOM_KEY: &str = "wecom-key-1";
pub const SMS_KEY_ID: &str = "LTAIfakekey";
pub const SMS_KEY_SECRET: &str = "fake-secret-for-sms";

/// What the fake providers received and will answer.
#[derive(Default)]
pub struct Seen {
    /// Robot messages accepted, as their JSON bodies.
    pub dingtalk: Vec<Value>,
    /// WeCom messages accepted.
    pub wecom: Vec<Value>,
    /// Texts accepted: (phone, OutId, BizId, TemplateParam).
    pub sms: Vec<(String, String, String, String)>,
    /// Emails accepted (the DATA text).
    pub mail: Vec<String>,
    /// Requests refused for a bad signature or payload, with the reason.
    pub refused: Vec<String>,
    /// HTTP statuses to answer to the next requests instead of handling them.
    pub fail_next: VecDeque<u16>,
}

pub type Shared = Arc<Mutex<Seen>>;

pub struct Fakes {
    pub seen: Shared,
    pub http: String,
    pub smtp: String,
}

impl Fakes {
    pub async fn start() -> Fakes {
        let seen: Shared = Arc::default();
        let app = Router::new()
            .route("/robot/send", post(dingtalk))
            .route("/cgi-bin/webhook/send", post(wecom))
            .route("/", get(sms))
            .with_state(seen.clone());
        let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http_addr = http.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(http, app).await.unwrap() });
        let smtp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let smtp_addr = smtp.local_addr().unwrap();
        tokio::spawn(smtp_server(smtp, seen.clone()));
        Fakes {
            seen,
            http: format!("http://{http_addr}"),
            smtp: format!("smtp://{smtp_addr}"),
        }
    }

    pub fn settings(&self) -> notify::Settings {
        notify::Settings {
            dingtalk_webhook: format!("{}/robot/send?access_token={DING_TOKEN}", self.http),
            dingtalk_secret: DING_SECRET.into(),
            wecom_webhook: format!("{}/cgi-bin/webhook/send?key={WECOM_KEY}", self.http),
            sms_endpoint: format!("{}/", self.http),
            sms_key_id: SMS_KEY_ID.into(),
            sms_key_secret: SMS_KEY_SECRET.into(),
            sms_sign_name: "建德市征收指挥部".into(),
            sms_template: "SMS_100001".into(),
            sms_region: "cn-hangzhou".into(),
            smtp_url: self.smtp.clone(),
            mail_from: "noreply@groundwork.test".into(),
            ..notify::Settings::default()
        }
    }

    pub fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap()
    }
}

fn scripted_failure(seen: &Shared) -> Option<(StatusCode, Json<Value>)> {
    let code = seen.lock().unwrap().fail_next.pop_front()?;
    Some((
        StatusCode::from_u16(code).unwrap(),
        Json(json!({"errcode": -1, "errmsg": "system busy", "Code": "InternalError"})),
    ))
}

fn refuse(seen: &Shared, why: String) -> (StatusCode, Json<Value>) {
    seen.lock().unwrap().refused.push(why.clone());
    (
        StatusCode::OK,
        Json(json!({"errcode": 310000, "errmsg": why})),
    )
}

/// DingTalk: `timestamp` within an hour of now, `sign` = Base64(HMAC-SHA256(secret,
/// "timestamp\nsecret")), a text or markdown body.
async fn dingtalk(
    State(seen): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if let Some(f) = scripted_failure(&seen) {
        return f;
    }
    if q.get("access_token").map(String::as_str) != Some(DING_TOKEN) {
        return refuse(&seen, "access_token".into());
    }
    let (Some(ts), Some(sign)) = (q.get("timestamp"), q.get("sign")) else {
        return refuse(&seen, "no signature".into());
    };
    let Ok(ms) = ts.parse::<i64>() else {
        return refuse(&seen, "timestamp".into());
    };
    if (chrono::Utc::now().timestamp_millis() - ms).abs() > 3_600_000 {
        return refuse(&seen, "timestamp too old".into());
    }
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(DING_SECRET.as_bytes()).unwrap();
    mac.update(format!("{ts}\n{DING_SECRET}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if *sign != expected {
        return refuse(&seen, format!("sign mismatch: {sign} != {expected}"));
    }
    let ok = match body["msgtype"].as_str() {
        Some("text") => body["text"]["content"].is_string(),
        Some("markdown") => {
            body["markdown"]["title"].is_string() && body["markdown"]["text"].is_string()
        }
        _ => false,
    };
    if !ok {
        return refuse(&seen, format!("payload {body}"));
    }
    seen.lock().unwrap().dingtalk.push(body);
    (StatusCode::OK, Json(json!({"errcode": 0, "errmsg": "ok"})))
}

async fn wecom(
    State(seen): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if let Some(f) = scripted_failure(&seen) {
        return f;
    }
    let ok = q.get("key").map(String::as_str) == Some(WECOM_KEY)
        && matches!(body["msgtype"].as_str(), Some("text" | "markdown"))
        && body[body["msgtype"].as_str().unwrap_or("")]["content"].is_string();
    if !ok {
        return refuse(&seen, format!("wecom {q:?} {body}"));
    }
    seen.lock().unwrap().wecom.push(body);
    (StatusCode::OK, Json(json!({"errcode": 0, "errmsg": "ok"})))
}

/// RFC 3986 encoding as the SMS documentation states it, written out by hand.
fn pop_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Alibaba Cloud SMS: recomputes the signature from the received parameters; SendSms
/// records the text, QuerySendDetails finds texts by number (and shows their OutId).
async fn sms(
    State(seen): State<Shared>,
    Query(q): Query<BTreeMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    if let Some(f) = scripted_failure(&seen) {
        return f;
    }
    let mut params = q.clone();
    let Some(given) = params.remove("Signature") else {
        return sms_refuse(&seen, "MissingSignature");
    };
    let canonical: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", pop_encode(k), pop_encode(v)))
        .collect();
    let to_sign = format!("GET&%2F&{}", pop_encode(&canonical.join("&")));
    let mut mac =
        Hmac::<sha1::Sha1>::new_from_slice(format!("{SMS_KEY_SECRET}&").as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if given != expected {
        return sms_refuse(&seen, "SignatureDoesNotMatch");
    }
    let p = |k: &str| params.get(k).cloned().unwrap_or_default();
    let common_ok = p("AccessKeyId") == SMS_KEY_ID
        && p("SignatureMethod") == "HMAC-SHA1"
        && p("SignatureVersion") == "1.0"
        && p("Version") == "2017-05-25"
        && p("Format") == "JSON"
        && !p("SignatureNonce").is_empty()
        && chrono::NaiveDateTime::parse_from_str(&p("Timestamp"), "%Y-%m-%dT%H:%M:%SZ").is_ok();
    if !common_ok {
        return sms_refuse(&seen, "MissingParameter");
    }
    match p("Action").as_str() {
        "SendSms" => {
            let template: Result<Value, _> = serde_json::from_str(&p("TemplateParam"));
            if p("SignName").is_empty()
                || p("TemplateCode").is_empty()
                || template.is_err()
                || p("PhoneNumbers").len() != 11
            {
                return sms_refuse(&seen, "isv.INVALID_PARAMETERS");
            }
            let mut s = seen.lock().unwrap();
            let biz = format!("biz-{}", s.sms.len() + 1);
            s.sms.push((
                p("PhoneNumbers"),
                p("OutId"),
                biz.clone(),
                p("TemplateParam"),
            ));
            (
                StatusCode::OK,
                Json(json!({"Code": "OK", "Message": "OK", "BizId": biz, "RequestId": "req"})),
            )
        }
        "QuerySendDetails" => {
            let s = seen.lock().unwrap();
            let found: Vec<Value> = s
                .sms
                .iter()
                .filter(|(phone, ..)| *phone == p("PhoneNumber"))
                .map(|(phone, out, biz, _)| json!({"PhoneNum": phone, "OutId": out, "BizId": biz, "SendStatus": 3}))
                .collect();
            (
                StatusCode::OK,
                Json(
                    json!({"Code": "OK", "TotalCount": found.len(), "SmsSendDetailDTOs": {"SmsSendDetailDTO": found}}),
                ),
            )
        }
        _ => sms_refuse(&seen, "InvalidAction"),
    }
}

fn sms_refuse(seen: &Shared, code: &str) -> (StatusCode, Json<Value>) {
    seen.lock().unwrap().refused.push(code.to_string());
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"Code": code, "Message": code})),
    )
}

/// Enough SMTP (RFC 5321) for one client at a time: greeting, EHLO, MAIL, RCPT, DATA, QUIT.
async fn smtp_server(listener: tokio::net::TcpListener, seen: Shared) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let seen = seen.clone();
        tokio::spawn(async move {
            let (r, mut w) = stream.into_split();
            let mut lines = BufReader::new(r).lines();
            let _ = w.write_all(b"220 fake.local ESMTP\r\n").await;
            while let Ok(Some(line)) = lines.next_line().await {
                let verb = line
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250-fake.local\r\n250 8BITMIME\r\n",
                    "DATA" => {
                        let _ = w.write_all(b"354 go ahead\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        let n = {
                            let mut s = seen.lock().unwrap();
                            s.mail.push(data);
                            s.mail.len()
                        };
                        let _ = w
                            .write_all(format!("250 OK queued as Q{n}\r\n").as_bytes())
                            .await;
                        continue;
                    }
                    "QUIT" => {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    }
                    _ => b"250 OK\r\n",
                };
                let _ = w.write_all(reply).await;
            }
        });
    }
}
