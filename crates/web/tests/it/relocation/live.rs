//! The live wall: a change recorded over HTTP reaches a connected screen within a second
//! or two, through server-sent events, and the JSON API agrees.

use super::fixture::{self, PROJECT};
use domain::platform::Role;
use std::time::Duration;

/// A connected wall's event stream, with what has arrived and not been read yet.
struct WallEvents {
    resp: reqwest::Response,
    buffer: String,
}

impl WallEvents {
    /// The next `wall` event's JSON, which must come within `secs` seconds (`late` says
    /// what was expected when it does not).
    async fn next_within(&mut self, secs: u64, late: &str) -> serde_json::Value {
        tokio::time::timeout(Duration::from_secs(secs), self.next())
            .await
            .expect(late)
    }

    /// Reads the stream until a complete `wall` event arrives; returns its JSON.
    async fn next(&mut self) -> serde_json::Value {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                if event.lines().any(|l| l == "event: wall") {
                    let data: String = event
                        .lines()
                        .filter_map(|l| {
                            l.strip_prefix("data: ").or_else(|| l.strip_prefix("data:"))
                        })
                        .collect();
                    return serde_json::from_str(&data).expect("wall event carries JSON");
                }
            }
            let chunk = self
                .resp
                .chunk()
                .await
                .expect("stream read")
                .expect("stream still open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

#[tokio::test]
async fn a_recorded_milestone_is_pushed_to_a_connected_wall() {
    let (app, f, screen) = fixture::spawn_as(Role::RelocationCommander).await;
    let events = screen
        .get(&format!("/relocation/projects/{PROJECT}/wall/events"))
        .await;
    assert_eq!(events.status().as_u16(), 200);
    assert!(
        events
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"))
    );
    let mut wall = WallEvents {
        resp: events,
        buffer: String::new(),
    };
    let first = wall.next_within(5, "the wall is sent on connecting").await;
    assert_eq!(first["progress"]["total"], 2);
    assert_eq!(first["progress"]["signed"], 0);
    assert_eq!(first["cleared_to_zero"], false);

    let staff = app.login(Role::RelocationStaff).await;
    staff
        .post(&format!("/relocation/buildings/{}/verify", f.building), &[])
        .await;
    let today = domain::platform::time::today_local().to_string();
    let r = staff
        .post(
            &format!("/relocation/households/{}/milestones", f.ours),
            &[("milestone", "signed"), ("on", &today)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let pushed = wall
        // Generous for a loaded machine: the push is prompt or never (the browser test
        // prints how long it took).
        .next_within(15, "the change reaches the screen")
        .await;
    assert_eq!(pushed["progress"]["signed"], 1);
    assert_eq!(pushed["tiles"][0]["today"], 1);
    assert!(
        pushed["curve_svg"]
            .as_str()
            .is_some_and(|s| s.starts_with("<svg"))
    );
    let leader = &pushed["leaderboard"][0];
    assert_eq!(
        (leader["name"].as_str(), leader["signed"].as_u64()),
        (Some("陈立新"), Some(1))
    );

    let api: serde_json::Value = screen
        .get(&format!("/api/v1/relocation/projects/{PROJECT}/wall"))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(api["progress"], pushed["progress"]);
    let (_, report) = screen
        .page(&format!("/relocation/projects/{PROJECT}/report"))
        .await;
    assert!(report.contains("签约 1/2（50.0%），未签 1 户"), "{report}");
    assert!(report.contains("陈立新：今日 1 户，累计 1 户"), "{report}");
}
