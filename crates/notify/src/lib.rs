//! Delivering the notification outbox: the channel clients — DingTalk and WeCom group
//! robots, Alibaba Cloud SMS, SMTP email — each speaking its provider's documented
//! protocol, and the [`worker`] that `groundwork serve` runs to drain the outbox.
//!
//! What a message is and which steps it may take is the domain's
//! (`domain::platform::notify`); where it is kept is the store's
//! (`store::platform::notify`). This crate only talks to providers: it never decides a
//! message's state itself, and it never logs a secret (settings print masked).
//! Not here: pages, HTTP serving, SQL.

pub mod deliver;
pub mod dingtalk;
pub mod email;
pub mod schedule;
pub mod settings;
pub mod sms;
pub mod wecom;
pub mod worker;

pub use deliver::{Channels, Outcome};
pub use settings::Settings;
pub use worker::Worker;
