//! Privacy: export of one's own data, erasure that keeps the figures right, the audit log,
//! and the security headers on every answer.

use crate::harness::{TestApp, expect_problem};
use crate::on_both_backends;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    people_export_their_data_and_an_erased_person_leaves_only_anonymous_figures,
    admins_read_the_audit_log_of_organiser_actions,
    enrolments_of_weeks_archived_past_the_retention_period_become_anonymous,
    an_edit_after_archiving_does_not_start_the_retention_clock_again,
);

async fn people_export_their_data_and_an_erased_person_leaves_only_anonymous_figures(app: &TestApp) {
    let org = app.org("Drechterland").await;
    let p = app.person(org, "wies@drechterland.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 5).await;
    app.enrol(&p, s).await;
    let (st, export) = app.get(&p.token, "/api/v1/me/export").await;
    assert_eq!(st, StatusCode::OK, "{export}");
    assert_eq!(export["person"]["email"], "wies@drechterland.nl");
    assert_eq!(export["enrolments"].as_array().unwrap().len(), 1);
    assert_eq!(export["mails"].as_array().unwrap().len(), 1);
    assert!(!export.to_string().contains(&p.token), "no secrets in an export");
    assert!(!export.to_string().contains("token_hash"));

    let (st, _) = app.post(&p.token, &format!("/api/v1/admin/people/{}/erase", p.id), json!({})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "only admins erase");
    let (st, erased) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", p.id), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{erased}");
    assert_eq!(erased["name"], "Verwijderde persoon");
    assert!(!erased["email"].as_str().unwrap().contains("wies"));
    assert_eq!(app.session_counts(s).await, (0, 0), "the seat of a session still to come is released");
    let res = app.client.get(app.url("/api/v1/me")).bearer_auth(&p.token).send().await.unwrap();
    expect_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

async fn admins_read_the_audit_log_of_organiser_actions(app: &TestApp) {
    let org = app.org("Stede Broec").await;
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({})).await;
    let s = app.session(w, 0, 10, 2, 5).await;
    let (st, _) = app.patch(&app.admin, &format!("/api/v1/sessions/{s}"), json!({"capacity": 8})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={s}")).await;
    assert_eq!(st, StatusCode::OK, "{log}");
    let actions: Vec<_> =
        log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
    assert_eq!(actions, ["session.update", "session.create"]);
    let update = &log["items"][0];
    assert_eq!((update["before"]["capacity"].as_i64(), update["after"]["capacity"].as_i64()), (Some(5), Some(8)));
    assert!(update["actor_id"].is_string());
    let employee = app.person(org, "e@sb.nl").await;
    let res = app.client.get(app.url("/api/v1/admin/audit")).bearer_auth(&employee.token).send().await.unwrap();
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;

    // Security headers on API answers and pages.
    for path in ["/api/v1/admin/audit", "/", "/aanmelden"] {
        let res = app.client.get(app.url(path)).bearer_auth(&app.admin).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src 'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
    }
}

async fn enrolments_of_weeks_archived_past_the_retention_period_become_anonymous(app: &TestApp) {
    use chrono::{Duration, Utc};
    let org = app.org("Krimpen aan den IJssel").await;
    let p = app.person(org, "jan@krimpen.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 5).await;
    let (_, e) = app.enrol(&p, s).await;
    for step in ["close", "archive"] {
        let (st, b) = app.post(&app.admin, &format!("/api/v1/events/{ev}/{step}"), json!({})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    // Not yet past the retention period: nothing happens.
    let cutoff = Utc::now() - Duration::days(365);
    assert_eq!(leerweek_store::privacy::anonymise_archived(&app.store, cutoff, Utc::now()).await.unwrap(), 0);
    // A year later it is.
    let later = Utc::now() + Duration::days(366);
    let n = leerweek_store::privacy::anonymise_archived(&app.store, later - Duration::days(365), later).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(leerweek_store::privacy::anonymise_archived(&app.store, later, later).await.unwrap(), 0, "once");
    let list = app.participants(s).await;
    assert_eq!(list.len(), 1, "the figures stay");
    assert_eq!(list[0]["person_name"], leerweek_store::privacy::ANONYMOUS_NAME);
    let (_, mine) = app.get(&p.token, "/api/v1/me/enrolments?include_cancelled=true").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0, "the enrolment no longer points at Jan");
    let (_, export) = app.get(&p.token, "/api/v1/me/export").await;
    assert!(!export.to_string().contains(&crate::harness::id(&e).to_string()));
    assert_eq!(app.session_counts(s).await, (1, 0));
}

/// Retention counts from the moment a week was archived: editing the archived week afterwards
/// (its name, say) does not start the clock again.
async fn an_edit_after_archiving_does_not_start_the_retention_clock_again(app: &TestApp) {
    use chrono::{Duration, Utc};
    let org = app.org("Son en Breugel").await;
    let p = app.person(org, "fenna@sonenbreugel.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 5).await;
    app.enrol(&p, s).await;
    for step in ["close", "archive"] {
        let (st, b) = app.post(&app.admin, &format!("/api/v1/events/{ev}/{step}"), json!({})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let between = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let (st, b) =
        app.patch(&app.admin, &format!("/api/v1/events/{ev}"), json!({"name": "Leerweek 2026 (archief)"})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    // Its retention period ended at `between` (archived before it, edited after it).
    let n =
        leerweek_store::privacy::anonymise_archived(&app.store, between, Utc::now() + Duration::days(1)).await.unwrap();
    assert_eq!(n, 1, "the week was archived before the cut-off; the later edit does not count");
    assert_eq!(app.participants(s).await[0]["person_name"], leerweek_store::privacy::ANONYMOUS_NAME);
}
