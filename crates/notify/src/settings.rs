//! Where each channel sends, read once from flags or the environment
//! (`GROUNDWORK_DINGTALK_WEBHOOK`, …). A project's own group robot, kept in the database,
//! overrides the default robot for that project's messages.

use domain::platform::notify::{mask_secret, mask_url};

/// The channels' configuration. Its `Debug` shows secrets masked, so it may be logged.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// DingTalk robot URL with its `access_token` (`GROUNDWORK_DINGTALK_WEBHOOK`).
    pub dingtalk_webhook: String,
    /// DingTalk signing secret, `SEC…` (`GROUNDWORK_DINGTALK_SECRET`).
    pub dingtalk_secret: String,
    /// WeCom robot URL with its `key` (`GROUNDWORK_WECOM_WEBHOOK`).
    pub wecom_webhook: String,
    /// Alibaba Cloud SMS endpoint (`GROUNDWORK_SMS_ENDPOINT`).
    pub sms_endpoint: String,
    /// AccessKey id (`GROUNDWORK_SMS_KEY_ID`).
    pub sms_key_id: String,
    /// AccessKey secret (`GROUNDWORK_SMS_KEY_SECRET`).
    pub sms_key_secret: String,
    /// The approved signature shown before each text (`GROUNDWORK_SMS_SIGN_NAME`).
    pub sms_sign_name: String,
    /// The default template code (`GROUNDWORK_SMS_TEMPLATE`), used for messages that
    /// name none; the template should read `${content}`.
    pub sms_template: String,
    /// Region (`GROUNDWORK_SMS_REGION`).
    pub sms_region: String,
    /// SMTP relay: `smtp://host:25` (plain, internal relay), `smtp://host:587?tls=required`
    /// (STARTTLS), `smtps://host:465`; user and password in the URL
    /// (`GROUNDWORK_SMTP_URL`).
    pub smtp_url: String,
    /// A PEM file of the certificate authority (or authorities) that signed an internal
    /// relay's certificate, trusted besides the public roots for STARTTLS and `smtps://`
    /// (`GROUNDWORK_SMTP_CA_FILE`); empty for the public roots only.
    pub smtp_ca_file: String,
    /// Sender address (`GROUNDWORK_MAIL_FROM`).
    pub mail_from: String,
    /// Who receives the inspectors' daily audit digest (`GROUNDWORK_DIGEST_TO`:
    /// `email:addr,sms:mobile,dingtalk`); empty for none.
    pub digest_to: String,
    /// When the digest goes out, `HH:MM` Asia/Shanghai (`GROUNDWORK_DIGEST_AT`, 07:00).
    pub digest_at: String,
    /// When the day-before texts to members signed up to an activity go out, `HH:MM`
    /// Asia/Shanghai, or `off` (`GROUNDWORK_REMINDER_AT`, 09:00).
    pub reminder_at: String,
}

/// The public SMS endpoint, used when none is set.
pub const DEFAULT_SMS_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";

impl Settings {
    /// Reads the environment; what is unset stays empty (that channel is not configured)
    /// except the SMS endpoint and region, which have the provider's defaults.
    pub fn from_env() -> Settings {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `get` (the environment, or a test's map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Settings {
        let v = |name: &str| get(name).map(|s| s.trim().to_string()).unwrap_or_default();
        let or = |s: String, d: &str| if s.is_empty() { d.to_string() } else { s };
        Settings {
            dingtalk_webhook: v("GROUNDWORK_DINGTALK_WEBHOOK"),
            dingtalk_secret: v("GROUNDWORK_DINGTALK_SECRET"),
            wecom_webhook: v("GROUNDWORK_WECOM_WEBHOOK"),
            sms_endpoint: or(v("GROUNDWORK_SMS_ENDPOINT"), DEFAULT_SMS_ENDPOINT),
            sms_key_id: v("GROUNDWORK_SMS_KEY_ID"),
            sms_key_secret: v("GROUNDWORK_SMS_KEY_SECRET"),
            sms_sign_name: v("GROUNDWORK_SMS_SIGN_NAME"),
            sms_template: v("GROUNDWORK_SMS_TEMPLATE"),
            sms_region: or(v("GROUNDWORK_SMS_REGION"), "cn-hangzhou"),
            smtp_url: v("GROUNDWORK_SMTP_URL"),
            smtp_ca_file: v("GROUNDWORK_SMTP_CA_FILE"),
            mail_from: v("GROUNDWORK_MAIL_FROM"),
            digest_to: v("GROUNDWORK_DIGEST_TO"),
            digest_at: or(v("GROUNDWORK_DIGEST_AT"), "07:00"),
            reminder_at: or(v("GROUNDWORK_REMINDER_AT"), "09:00"),
        }
    }

    /// Every setting as (variable, value) with secrets masked: what the settings page shows.
    pub fn masked(&self) -> Vec<(&'static str, String)> {
        let plain = |s: &str| {
            if s.is_empty() {
                "（未设置）".to_string()
            } else {
                s.to_string()
            }
        };
        let url = |s: &str| {
            if s.is_empty() {
                "（未设置）".to_string()
            } else {
                mask_url(s)
            }
        };
        vec![
            ("GROUNDWORK_DINGTALK_WEBHOOK", url(&self.dingtalk_webhook)),
            (
                "GROUNDWORK_DINGTALK_SECRET",
                mask_secret(&self.dingtalk_secret),
            ),
            ("GROUNDWORK_WECOM_WEBHOOK", url(&self.wecom_webhook)),
            ("GROUNDWORK_SMS_ENDPOINT", plain(&self.sms_endpoint)),
            ("GROUNDWORK_SMS_KEY_ID", mask_secret(&self.sms_key_id)),
            (
                "GROUNDWORK_SMS_KEY_SECRET",
                mask_secret(&self.sms_key_secret),
            ),
            ("GROUNDWORK_SMS_SIGN_NAME", plain(&self.sms_sign_name)),
            ("GROUNDWORK_SMS_TEMPLATE", plain(&self.sms_template)),
            ("GROUNDWORK_SMS_REGION", plain(&self.sms_region)),
            ("GROUNDWORK_SMTP_URL", smtp_masked(&self.smtp_url)),
            ("GROUNDWORK_SMTP_CA_FILE", plain(&self.smtp_ca_file)),
            ("GROUNDWORK_MAIL_FROM", plain(&self.mail_from)),
            ("GROUNDWORK_DIGEST_TO", plain(&self.digest_to)),
            ("GROUNDWORK_DIGEST_AT", plain(&self.digest_at)),
            ("GROUNDWORK_REMINDER_AT", plain(&self.reminder_at)),
        ]
    }
}

/// An SMTP URL with its password hidden (`smtp://user:****@host:587`).
fn smtp_masked(url: &str) -> String {
    if url.is_empty() {
        return "（未设置）".into();
    }
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:****{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Settings");
        for (k, v) in self.masked() {
            d.field(k, &v);
        }
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_or_the_settings_list() {
        let s = Settings::from_lookup(|k| {
            Some(match k {
                "GROUNDWORK_DINGTALK_WEBHOOK" => {
                    "https://oapi.dingtalk.com/robot/send?access_token=tok123456".into()
                }
                "GROUNDWORK_DINGTALK_SECRET" => "SECabcdefghijk".into(),
                "GROUNDWORK_SMS_KEY_SECRET" => "keysecret123".into(),
                "GROUNDWORK_SMTP_URL" => "smtp://mailer:pa55word@10.0.0.5:587?tls=required".into(),
                _ => return None,
            })
        });
        let shown = format!("{s:?}");
        for secret in ["tok123456", "SECabcdefghijk", "keysecret123", "pa55word"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("smtp://mailer:****@10.0.0.5:587"));
        assert_eq!(s.sms_endpoint, DEFAULT_SMS_ENDPOINT);
    }
}
