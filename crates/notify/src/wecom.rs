//! The WeCom group robot (企业微信群机器人): the webhook URL carries its key; the body is
//! `text` (`content`) or `markdown` (`content`); the answer is `{"errcode":0,…}`.

use crate::deliver::{Outcome, robot_outcome};
use serde_json::{Value, json};

/// The JSON body.
pub fn payload(text: &str, markdown: bool) -> Value {
    if markdown {
        json!({"msgtype": "markdown", "markdown": {"content": text}})
    } else {
        json!({"msgtype": "text", "text": {"content": text}})
    }
}

/// Posts one message to the robot.
pub async fn send(http: &reqwest::Client, webhook: &str, text: &str, markdown: bool) -> Outcome {
    let resp = http
        .post(webhook)
        .json(&payload(text, markdown))
        .send()
        .await;
    robot_outcome(resp).await
}
