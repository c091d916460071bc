//! Erasure leaves nothing that names the person behind (issue 23, part 4): not in the audit
//! log, not in the outbox, not in the file transport's `.eml` files, not in the reasons an
//! organiser gave; their places in sessions still to come go to the waiting list. And delivered
//! mails lose their links and personal text, erasure or not.

use crate::harness::{Backend, TestApp, id};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_erased_person_leaves_no_name_address_link_or_reason_behind_on_sqlite() {
    erasure_scenario(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_erased_person_leaves_no_name_address_link_or_reason_behind_on_postgres() {
    erasure_scenario(Backend::Postgres).await;
}

fn mail_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect())
        .unwrap_or_default()
}

async fn erasure_scenario(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("mail");
    let configured = mail_dir.clone();
    let Some(app) = TestApp::spawn_configured(backend, move |s| s.mail.file_dir = configured, vec![]).await else {
        return;
    };
    let (name, address, reason) =
        ("Eva Jansen-Ezeldijk", "eva.jansen@drechterland.nl", "Langdurig afwezig wegens zorgtaken");
    let org = app.org("Drechterland").await;
    let (st, b) =
        app.post(&app.admin, "/api/v1/people", json!({"email": address, "name": name, "organisation_id": org})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let eva = crate::harness::Person { id: id(&b), token: app.token(id(&b)).await };
    let bob = app.person(org, "bob@drechterland.nl").await;
    let week = app.week(&[org], json!({})).await;
    let full = app.session(app.workshop(week, org, json!({"title": "Grip op stress"})).await, 0, 10, 2, 1).await;
    let other = app.session(app.workshop(week, org, json!({"title": "Tekenen"})).await, 1, 10, 2, 5).await;
    let (st, e) = app.enrol(&eva, full).await;
    assert_eq!((st, e["status"].as_str()), (StatusCode::CREATED, Some("confirmed")), "{e}");
    let (_, w) = app.enrol(&bob, full).await;
    assert_eq!(w["status"], "waitlisted", "{w}");
    let (_, cancelled) = app.enrol(&eva, other).await;
    let (st, b) = app
        .post(&app.admin, &format!("/api/v1/enrolments/{}/cancellation", id(&cancelled)), json!({"reason": reason}))
        .await;
    assert!(st.is_success(), "{b}");
    let (st, _) = app.post("", "/api/v1/auth/link", json!({"email": address})).await;
    assert_eq!(st, StatusCode::ACCEPTED);

    // The worker delivers everything to files; delivered links and reasons leave the outbox.
    let cfg = leerweek_mailer::MailerConfig {
        transport: leerweek_mailer::Transport::File { dir: mail_dir.clone() },
        ..Default::default()
    };
    while leerweek_mailer::run_once(&app.store, &cfg, Utc::now() + Duration::hours(2)).await.unwrap() > 0 {}
    let files = mail_files(&mail_dir);
    assert!(files.iter().any(|f| f.contains(address)), "no mail to Eva was written");
    let sql = app.sql().await;
    let payload = |kind: &'static str| async move {
        sql.one::<String>("SELECT payload FROM outbox WHERE kind = $1 AND status = 'sent'", [kind.into()]).await
    };
    let link = payload("sign_in_link").await.expect("a delivered sign-in link");
    assert!(!link.contains("si_") && !link.contains("token="), "the delivered link stayed: {link}");
    let why = payload("enrolment_cancelled").await.expect("a delivered cancellation");
    assert!(!why.contains(reason) && why.contains("by_organiser"), "{why}");

    let (st, erased) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", eva.id), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{erased}");

    // Her seat went to Bob, who was waiting.
    assert_eq!(app.session_counts(full).await, (1, 0));
    let list = app.participants(full).await;
    assert_eq!((list.len(), list[0]["person_id"].as_str()), (1, Some(bob.id.to_string().as_str())), "{list:?}");
    // Nothing names her: not the audit log an admin reads, not the outbox, not the files.
    let (_, log) = app.get(&app.admin, "/api/v1/admin/audit?per_page=500").await;
    let log = log.to_string();
    for trace in [name, address, reason] {
        assert!(!log.contains(trace), "the audit log keeps {trace:?}: {log}");
    }
    assert!(log.contains("person.create") && log.contains("enrolment.cancel"), "the actions stay: {log}");
    let left = sql.one::<i64>("SELECT count(*) FROM outbox WHERE person_id = $1", [eva.id.into()]).await;
    assert_eq!(left, Some(0));
    for f in mail_files(&mail_dir) {
        assert!(!f.contains(address) && !f.contains(name), "a mail file to Eva stayed");
    }
    assert!(!mail_files(&mail_dir).is_empty(), "other people's mail stays");
    app.finish().await;
}
