//! The authorization matrix: every operation of the OpenAPI document (generated from the
//! router) × every role × data in and out of the actor's scope. An operation without a rule
//! fails the test. Denied reads of out-of-scope data answer 404 (no existence leak), denied
//! writes 403/404, and a denied write changes nothing in the database.
//!
//! Three scopes: `In` (a week organisation A leads), `Partner` (a week B leads in which A takes
//! part and hosts the target workshop: A's organisers manage their workshop but not the week)
//! and `Out` (a week of B alone).

mod rules;
mod targets;

use crate::harness::{Backend, Person, TestApp};
use reqwest::StatusCode;
use rules::{allowed, body, request_path};
use serde_json::{Value, json};
use targets::{fingerprint, targets};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Anonymous,
    Employee,
    Organiser,
    Manager,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    In,
    Partner,
    Out,
}

/// The actors, all of organisation A except the admin.
pub(super) struct World {
    pub(super) org_a: Uuid,
    pub(super) org_b: Uuid,
    pub(super) employee: Person,
    pub(super) organiser: Person,
    pub(super) manager: Person,
    pub(super) outsider: Person,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_every_role_in_and_out_of_scope_is_authorized_as_the_rules_say() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let org_a = app.org("Enkhuizen").await;
    let org_b = app.org("Nuenen").await;
    let employee = app.person(org_a, "medewerker@enkhuizen.test").await;
    let organiser = app.person(org_a, "organisator@enkhuizen.test").await;
    let manager = app.person(org_a, "manager@enkhuizen.test").await;
    let outsider = app.person(org_b, "buiten@nuenen.test").await;
    for (p, role) in [(&organiser, "organiser"), (&manager, "manager")] {
        let (st, _) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": role})).await;
        assert_eq!(st, StatusCode::OK);
    }
    let world = World { org_a, org_b, employee, organiser, manager, outsider };

    let doc = serde_json::to_value(leerweek_api::openapi()).unwrap();
    let mut operations: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "patch", "put", "delete"].contains(&method.as_str()) {
                operations.push((method.clone(), path.clone()));
            }
        }
    }
    operations.sort();
    let missing: Vec<_> = operations.iter().filter(|(m, p)| allowed(m, p, Role::Admin, Scope::In).is_none()).collect();
    assert!(missing.is_empty(), "routes without an authorization rule: {missing:?}");

    let roles = [Role::Anonymous, Role::Employee, Role::Organiser, Role::Manager, Role::Admin];
    let mut cases = 0;
    let mut failures = Vec::new();
    for (method, path) in &operations {
        for role in roles {
            for scope in [Scope::In, Scope::Partner, Scope::Out] {
                let t = targets(&app, &world, scope, path).await;
                let token = match role {
                    Role::Anonymous => None,
                    Role::Employee => Some(world.employee.token.clone()),
                    Role::Organiser => Some(world.organiser.token.clone()),
                    Role::Manager => Some(world.manager.token.clone()),
                    Role::Admin => Some(app.admin.clone()),
                };
                let url = app.url(&request_path(method, path, &t));
                let mut req = match method.as_str() {
                    "get" => app.client.get(&url),
                    "post" => app.client.post(&url),
                    "patch" => app.client.patch(&url),
                    "put" => app.client.put(&url),
                    "delete" => app.client.delete(&url),
                    other => panic!("method {other}"),
                };
                if let Some(tok) = &token {
                    req = req.bearer_auth(tok);
                }
                let org_name = if scope != Scope::Out { "Enkhuizen" } else { "Nuenen" };
                match body(method, path, &t, org_name) {
                    Some(Value::String(csv)) => req = req.header("content-type", "text/csv").body(csv),
                    Some(b) => req = req.json(&b),
                    None => {}
                }
                let before = fingerprint(&app).await;
                let res = req.send().await.unwrap();
                let status = res.status();
                let text = res.text().await.unwrap_or_default();
                let after = fingerprint(&app).await;
                let may = allowed(method, path, role, scope).unwrap();
                cases += 1;
                let write = method != "get";
                let verdict = if status.is_server_error() {
                    Some("5xx")
                } else if role == Role::Anonymous && may {
                    (status == StatusCode::UNAUTHORIZED).then_some("public route refused")
                } else if role == Role::Anonymous {
                    (status != StatusCode::UNAUTHORIZED).then_some("anonymous not 401")
                } else if path.ends_with("/import/preview") && role == Role::Organiser && scope == Scope::Out {
                    let report: Value = serde_json::from_str(&text).unwrap_or_default();
                    (status != StatusCode::OK || report["invalid"] != 1 || report["new"] != 0)
                        .then_some("another organisation's row not invalid in the preview")
                } else if may {
                    [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND]
                        .contains(&status)
                        .then_some("allowed but refused")
                } else if path == "/api/v1/auth/session" && method == "get" {
                    (status != StatusCode::UNAUTHORIZED).then_some("cookie-only route answered a bearer")
                } else if !write && scope == Scope::Out && path.contains("{id}") {
                    (status != StatusCode::NOT_FOUND).then_some("out-of-scope read not 404")
                } else if write && path == "/api/v1/people/import" {
                    // Rows of another organisation make the file invalid: nothing imported.
                    (![StatusCode::FORBIDDEN, StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY]
                        .contains(&status))
                    .then_some("denied import not refused")
                } else {
                    (![StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&status))
                        .then_some("denied but not 403/404")
                };
                let wrote = ((!may && write) || path.ends_with("/preview")) && before != after;
                if let Some(why) = verdict.or(wrote.then_some("denied write changed the database")) {
                    failures.push(format!(
                        "{method:>6} {path} {role:?} {scope:?}: {status} — {why}: {}",
                        &text[..text.len().min(160)]
                    ));
                }
            }
        }
    }
    eprintln!(
        "authorization matrix: {} operations × {} roles × 3 scopes = {cases} cases, {} failures",
        operations.len(),
        roles.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {cases} cases wrong:\n{}", failures.len(), failures.join("\n"));
    app.finish().await;
}
