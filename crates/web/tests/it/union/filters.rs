//! The list pages' filter forms (`templates/filters.html`): asked with a choice, each
//! control shows it chosen, so that the next search starts from what the reader asked.

use crate::support::TestApp;
use domain::platform::Role;

/// The first value offered by the `<select name="{name}">` of `html`, after "全部".
fn first_choice(html: &str, name: &str) -> Option<String> {
    let select = html.split(&format!("<select name=\"{name}\">")).nth(1)?;
    let select = select.split("</select>").next()?;
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| o.split('"').next().unwrap_or_default().to_string())
        .find(|v| !v.is_empty())
}

#[tokio::test]
async fn every_filter_shows_the_choice_the_page_was_asked_with() {
    let app = TestApp::spawn().await;
    let admin = app.login(Role::Admin).await;
    let pages: [(&str, &[&str]); 9] = [
        ("/union/facilities", &["kind", "status", "township"]),
        ("/union/contracts", &["township", "kind"]),
        ("/union/honours", &["kind", "level"]),
        ("/union/activities", &["kind", "level", "township"]),
        ("/union/aid", &["kind"]),
        ("/union/claims", &["kind", "stage"]),
        ("/notifications", &["state"]),
        ("/union/members", &["township"]),
        ("/union/enterprises", &["township"]),
    ];
    for (path, names) in pages {
        let (status, blank) = admin.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!blank.contains(" selected>"), "{path}: nothing chosen yet");
        let mut query = vec!["q=查找的字".to_string()];
        let mut chosen = Vec::new();
        for name in names {
            let value = first_choice(&blank, name).unwrap_or_else(|| panic!("{path}: {name}"));
            query.push(format!("{name}={value}"));
            chosen.push((name, value));
        }
        let (status, page) = admin.page(&format!("{path}?{}", query.join("&"))).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            page.contains("name=\"q\" value=\"查找的字\""),
            "{path}: the search"
        );
        for (name, value) in chosen {
            let select = page
                .split(&format!("<select name=\"{name}\">"))
                .nth(1)
                .and_then(|s| s.split("</select>").next())
                .unwrap_or_default();
            assert!(
                select.contains(&format!("value=\"{value}\" selected>")),
                "{path}: {name}={value} not shown chosen in {select}"
            );
        }
    }
}
