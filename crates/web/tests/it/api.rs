//! The JSON API for integrations: its OpenAPI document is generated from the handlers and
//! matches the route table; writes follow the pages' rules, scopes and audit, and every
//! refusal is JSON with a code and a Chinese message.

use crate::relocation::fixture;
use crate::support::TestApp;
use crate::union::{enterprise, rid, seed, xinanjiang, yangxi};
use domain::platform::Role;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Asserts a JSON refusal: `status`, the `code`, and a message containing `says`.
async fn assert_refusal(r: reqwest::Response, status: u16, code: &str, says: &str) {
    assert_eq!(r.status(), status, "{}", r.url());
    let body: Value = r.json().await.expect("a JSON error body");
    assert_eq!(body["code"], code, "{body}");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{says}: {body}");
}

/// POSTs the JSON `body` to `path` with `token`.
async fn post(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.call(Method::POST, path, token, body).await
}

/// POSTs the JSON `body` to `path` with `token` and reads the answer, which must have
/// `status`: the one step of most API scenarios.
async fn post_json(app: &TestApp, path: &str, token: &str, body: &Value, status: u16) -> Value {
    json_of(post(app, path, token, body).await, status).await
}

/// GETs `path` with `token` and reads the answer, which must be 200.
async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    json_of(app.api(Method::GET, path, token).await, 200).await
}

/// The JSON of answer `r`, which must have `status` (the page in the failure message).
async fn json_of(r: reqwest::Response, status: u16) -> Value {
    let url = r.url().to_string();
    let got = r.status();
    let text = r.text().await.unwrap_or_default();
    assert_eq!(got, status, "{url}: {text}");
    serde_json::from_str(&text).expect("JSON")
}

#[tokio::test]
async fn the_openapi_document_is_generated_from_the_handlers_and_matches_the_route_table() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .anonymous()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|ops| ops.keys())
                .filter(|m| ["get", "post", "put"].contains(&m.as_str()))
                .map(|m| (m.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let routed: BTreeSet<(String, String)> = web::routes::RouteTable::build()
        .all()
        .iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
        .map(|s| (s.method.to_string(), s.path.to_string()))
        .collect();
    assert_eq!(documented, routed, "documented vs routed API operations");
    assert!(routed.len() >= 40, "{}", routed.len());
    // Each operation says who may use it; bodies are the forms' types, with their fields.
    let join = &doc["paths"]["/api/v1/union/members"]["post"];
    assert!(
        join["description"]
            .as_str()
            .unwrap()
            .contains("union_staff")
    );
    let schema = &doc["components"]["schemas"]["MemberForm"]["properties"];
    for field in ["name", "resident_id", "union_id", "joined_on"] {
        assert!(schema[field].is_object(), "MemberForm.{field}: {schema}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn the_union_registry_is_written_through_the_api_with_the_pages_rules_and_audit() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let joint = s.joint(&app.db, "新安江甲工会", xinanjiang()).await;
    let other = s.joint(&app.db, "新安江乙工会", xinanjiang()).await;
    let token = app.token(Role::UnionAdmin).await;

    // An enterprise: registered, read, corrected (numbers and booleans as JSON types).
    let body = json!({"name": "接口测试有限公司", "credit_code": crate::union::code(7),
                      "township": "新安江街道", "headcount": 120, "provincial": true});
    let created = post_json(&app, "/api/v1/union/enterprises", &token, &body, 201).await;
    let e = created["id"].as_i64().expect("id");
    let path = format!("/api/v1/union/enterprises/{e}");
    let read = get_json(&app, &path, &token).await;
    assert_eq!(
        (read["headcount"].as_i64(), read["provincial"].as_bool()),
        (Some(120), Some(true))
    );
    let mut changed = body.clone();
    changed["headcount"] = json!(95);
    let saved = json_of(app.call(Method::PUT, &path, &token, &changed).await, 200).await;
    assert_eq!(saved["headcount"], 95);
    let list = get_json(&app, "/api/v1/union/enterprises?q=接口测试", &token).await;
    assert_eq!(list["total"], 1, "{list}");

    // A union.
    let u = post_json(
        &app,
        "/api/v1/union/unions",
        &token,
        &json!({"name": "接口联合工会", "kind": "联合工会", "parent_id": s.xin.id,
                    "township": "新安江街道", "founded_on": "2019-05-01"}),
        201,
    )
    .await;
    let union = get_json(&app, &format!("/api/v1/union/unions/{}", u["id"]), &token).await;
    assert_eq!(union["kind"], "joint_union");

    // A member joins, cannot join twice, transfers, leaves.
    let id = rid(42);
    let join = json!({"name": "接口会员", "resident_id": id, "mobile": "13812345678",
                      "union_id": joint.id, "joined_on": "2019-03-05"});
    post_json(&app, "/api/v1/union/members", &token, &join, 201).await;
    assert_refusal(
        post(&app, "/api/v1/union/members", &token, &join).await,
        409,
        "conflict",
        "已",
    )
    .await;
    let moved = post_json(
        &app,
        &format!("/api/v1/union/members/{id}/transfer"),
        &token,
        &json!({"union_id": other.id, "on": "2019-09-01"}),
        200,
    )
    .await;
    assert_eq!(moved["union_id"], other.id, "{moved}");
    let left = post_json(
        &app,
        &format!("/api/v1/union/members/{id}/leave"),
        &token,
        &json!({"on": "2020-01-31"}),
        200,
    )
    .await;
    assert_eq!(left["left_on"], "2020-01-31", "{left}");

    // Every change is in the log under the token's account, and the chain holds.
    let inspector = app.token(Role::Inspector).await;
    let entries = get_json(&app, "/api/v1/audit?actor=union_admin", &inspector).await;
    assert!(entries["total"].as_i64().unwrap() >= 6, "{entries}");
    crate::union::assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn api_writes_keep_scopes_and_roles_and_refuse_in_json() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let theirs = s.joint(&app.db, "洋溪乙工会", yangxi()).await;
    let ours = s.joint(&app.db, "新安江甲工会", xinanjiang()).await;
    let other_e = enterprise(&app.db, 2, yangxi(), 80, false).await;
    let staff = app.token(Role::UnionStaff).await;
    let admin = app.token(Role::UnionAdmin).await;
    let id = rid(7);
    let join = json!({"name": "外乡会员", "resident_id": id, "union_id": theirs.id,
                      "joined_on": "2019-03-05"});
    // Township staff cannot register into, read or correct another township's records.
    let r = post(&app, "/api/v1/union/members", &staff, &join).await;
    assert!(matches!(r.status().as_u16(), 404 | 422), "{}", r.status());
    assert_refusal(
        app.api(
            Method::GET,
            &format!("/api/v1/union/enterprises/{other_e}"),
            &staff,
        )
        .await,
        404,
        "not_found",
        "不存在",
    )
    .await;
    post_json(&app, "/api/v1/union/members", &admin, &join, 201).await;
    assert_refusal(
        post(
            &app,
            &format!("/api/v1/union/members/{id}/leave"),
            &staff,
            &json!({"on": "2020-01-01"}),
        )
        .await,
        404,
        "not_found",
        "不存在",
    )
    .await;
    // Nor move their own member out into another township's union (the import's rule).
    let own = rid(8);
    post_json(
        &app,
        "/api/v1/union/members",
        &staff,
        &json!({"name": "本乡会员", "resident_id": own, "union_id": ours.id,
                    "joined_on": "2019-03-05"}),
        201,
    )
    .await;
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/union/members/{own}/transfer"),
            &staff,
            &json!({"union_id": theirs.id, "on": "2019-09-01"}),
        )
        .await;
    assert!(matches!(r.status().as_u16(), 404 | 422), "{}", r.status());
    // Inspectors read and change nothing; no token is 401; all in JSON.
    let inspector = app.token(Role::Inspector).await;
    assert_refusal(
        post(&app, "/api/v1/union/members", &inspector, &join).await,
        403,
        "forbidden",
        "无权",
    )
    .await;
    assert_refusal(
        post(&app, "/api/v1/union/members", "nope", &join).await,
        401,
        "unauthenticated",
        "登录",
    )
    .await;
    // Bodies that do not decode, and values that do not parse, are named in Chinese.
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/union/members", app.base))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_refusal(r, 422, "invalid", "不是有效的 JSON").await;
    let mut bad = join.clone();
    bad["resident_id"] = json!("330182198501011234");
    assert_refusal(
        post(&app, "/api/v1/union/members", &admin, &bad).await,
        422,
        "invalid",
        "身份证",
    )
    .await;
    bad["union_id"] = json!(1.5);
    assert_refusal(
        post(&app, "/api/v1/union/members", &admin, &bad).await,
        422,
        "invalid",
        "请求内容无法读取",
    )
    .await;
    assert_refusal(
        app.api(Method::GET, "/api/v1/union/enterprises/abc", &admin)
            .await,
        400,
        "bad_request",
        "请求内容有误",
    )
    .await;
}

#[tokio::test]
async fn campaign_records_are_written_through_the_api_within_the_team_scope() {
    let (app, f) = fixture::spawn().await;
    let commander = app.token(Role::RelocationCommander).await;
    let staff = app.token(Role::RelocationStaff).await;
    let households = format!(
        "/api/v1/relocation/projects/{}/households",
        fixture::PROJECT
    );
    let new = json!({"code": "T-900", "kind": "residential", "head_name": "接口户",
                     "head_id": rid(900), "mobile": "13900001111", "village": "梅坞村"});
    // Commanders add households; working-group staff may not.
    assert_refusal(
        post(&app, &households, &staff, &new).await,
        403,
        "forbidden",
        "无权",
    )
    .await;
    let h = post_json(&app, &households, &commander, &new, 201).await;
    assert_refusal(
        post(&app, &households, &commander, &new).await,
        422,
        "invalid",
        "户编号已存在",
    )
    .await;
    let listed = get_json(&app, &format!("{households}?q=T-900"), &commander).await;
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["households"][0]["id"], h["id"]);

    // Staff of group 1 register and correct a building of their household, not another's.
    let building = json!({"certificate_no": "接口001", "structure": "brick_concrete",
                          "measured": "120.50", "legal": "110.00"});
    let ours = format!("/api/v1/relocation/households/{}/buildings", f.ours);
    let theirs = format!("/api/v1/relocation/households/{}/buildings", f.theirs);
    let b = post_json(&app, &ours, &staff, &building, 201).await;
    post_json(&app, &ours, &staff, &building, 200).await;
    assert_refusal(
        app.call(Method::POST, &theirs, &staff, &building).await,
        404,
        "not_found",
        "不存在",
    )
    .await;
    let mut float = building.clone();
    float["measured"] = json!(120.5);
    assert_refusal(
        app.call(Method::POST, &ours, &staff, &float).await,
        422,
        "invalid",
        "请求内容无法读取",
    )
    .await;
    json_of(
        app.call(
            Method::POST,
            &format!("/api/v1/relocation/buildings/{}/verify", b["id"]),
            &staff,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let all = get_json(&app, &ours, &staff).await;
    let verified = all
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == b["id"])
        .expect("the building");
    assert_eq!(verified["verified_by"], "relocation_staff", "{verified}");

    // Milestones in order only, and signing only once every building is verified.
    json_of(
        app.call(
            Method::POST,
            &format!("/api/v1/relocation/buildings/{}/verify", f.building),
            &staff,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let milestones = format!("/api/v1/relocation/households/{}/milestones", f.ours);
    assert_refusal(
        post(
            &app,
            &milestones,
            &staff,
            &json!({"milestone": "vacated", "on": "2019-06-02"}),
        )
        .await,
        422,
        "invalid",
        "签约",
    )
    .await;
    let signed = post_json(
        &app,
        &milestones,
        &staff,
        &json!({"milestone": "signed", "on": "2019-06-01"}),
        200,
    )
    .await;
    assert_eq!(signed["milestones"]["signed"], "2019-06-01", "{signed}");
    let undone = post_json(
        &app,
        &format!("{milestones}/undo"),
        &staff,
        &json!({"milestone": "signed"}),
        200,
    )
    .await;
    assert!(undone["milestones"]["signed"].is_null(), "{undone}");
    let visits = format!("/api/v1/relocation/households/{}/visits", f.ours);
    let v = post_json(
        &app,
        &visits,
        &staff,
        &json!({"visited_on": "2019-05-20", "mode": "phone", "visitors": "陈建",
                    "attitude": "cooperative", "notes": "同意评估结果"}),
        201,
    )
    .await;
    let listed = get_json(&app, &visits, &staff).await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == v["id"]),
        "{listed}"
    );
    crate::union::assert_audit_intact(&app.db).await;
}
