//! The coordinator's console: the outbox searched, counted and retried, a test mail, whether
//! mail has been failing for a while; the audit log's filters; a person's data exported by an
//! admin and erased without a trace of their name in the log; the retention period; and each
//! person's own language of mail.

use crate::harness::{TestApp, expect_problem, id};
use crate::on_both_backends;
use crate::smtp::SmtpSink;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_outbox_is_searched_counted_and_retried_and_a_lasting_failure_shows_in_the_mail_health,
    an_admin_exports_and_erases_a_person_and_the_audit_log_keeps_no_name_or_address,
    the_audit_log_filters_by_who_what_when_and_subject_and_pages,
    the_retention_period_is_shown_and_set_within_bounds,
    people_choose_the_language_of_their_mail_and_admins_find_anyone_by_name,
);

async fn the_outbox_is_searched_counted_and_retried_and_a_lasting_failure_shows_in_the_mail_health(app: &TestApp) {
    let mut sink = SmtpSink::stopped();
    let mut cfg = sink.config();
    cfg.max_attempts = 1;
    let org = app.org("Geldrop-Mierlo").await;
    let p = app.person(org, "petra@gm.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({"title": "Schrijven voor het web"})).await, 0, 10, 2, 5).await;
    app.enrol(&p, s).await;
    let (st, test) = app.post(&app.admin, "/api/v1/admin/mail/test", json!({})).await;
    assert_eq!((st, test["kind"].as_str()), (StatusCode::ACCEPTED, Some("test_mail")), "{test}");
    let (st, _) = app.post(&p.token, "/api/v1/admin/mail/test", json!({})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "admins only");

    // The mail server is away: both mails fail.
    leerweek_mailer::run_once(&app.store, &cfg, Utc::now()).await.unwrap();
    let (st, health) = app.get(&app.admin, "/api/v1/admin/mail/health").await;
    assert_eq!(st, StatusCode::OK, "{health}");
    assert_eq!((health["failing"].as_bool(), health["counts"]["failed"].as_u64()), (Some(false), Some(2)), "{health}");
    assert!(health["failing_since"].is_string(), "a failure just now is not yet a lasting one: {health}");
    assert_eq!(health["threshold_minutes"], 15);
    // Twenty minutes later, still nothing sent: the console warns.
    let earlier = Utc::now() - Duration::minutes(20);
    app.sql().await.execute("UPDATE outbox SET first_failed_at = $1", [earlier.into()]).await;
    let (_, health) = app.get(&app.admin, "/api/v1/admin/mail/health").await;
    assert_eq!(health["failing"], true, "{health}");

    // Searched by recipient and by what the mail is about; counts follow the search.
    let (st, page) = app.get(&app.admin, "/api/v1/admin/outbox?status=failed&q=PETRA").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert_eq!((page["total"].as_u64(), page["counts"]["failed"].as_u64()), (Some(1), Some(1)), "{page}");
    let mail = &page["items"][0];
    assert_eq!(mail["recipient_email"], "petra@gm.nl");
    assert!(mail["subject"].as_str().unwrap().contains("Schrijven voor het web"), "{mail}");
    assert!(!mail["last_error"].as_str().unwrap_or("").is_empty());
    assert!(mail["first_failed_at"].is_string());
    let (_, page) = app.get(&app.admin, "/api/v1/admin/outbox?q=schrijven").await;
    assert_eq!(page["total"], 1);
    let (_, page) = app.get(&app.admin, "/api/v1/admin/outbox?q=100%25_").await;
    assert_eq!(page["total"], 0, "wildcards are literal");
    let (_, page) = app.get(&app.admin, "/api/v1/admin/outbox").await;
    assert_eq!((page["total"].as_u64(), page["counts"]["failed"].as_u64()), (Some(2), Some(2)));
    let test_mail = page["items"].as_array().unwrap().iter().find(|m| m["kind"] == "test_mail").unwrap().clone();
    assert_eq!(test_mail["subject"], "Testmail van Leerweek");
    for bad in ["status=lost", &format!("q={}", "x".repeat(201)), "per_page=0"] {
        let res = app.client.get(app.url(&format!("/api/v1/admin/outbox?{bad}"))).bearer_auth(&app.admin).send();
        expect_problem(res.await.unwrap(), StatusCode::BAD_REQUEST, "invalid-parameter").await;
    }

    // Every failed mail back in the queue at once (audited), then delivered.
    let (st, _) = app.post(&p.token, "/api/v1/admin/outbox/retry-failed", json!({})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, retried) = app.post(&app.admin, "/api/v1/admin/outbox/retry-failed", json!({})).await;
    assert_eq!((st, retried["retried"].as_u64()), (StatusCode::OK, Some(2)), "{retried}");
    let (_, log) = app.get(&app.admin, "/api/v1/admin/audit?action=mail.").await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["mail.retry_failed", "mail.test"], "{log}");
    assert_eq!(log["items"][0]["after"]["count"], 2);
    sink.run();
    leerweek_mailer::run_once(&app.store, &cfg, Utc::now()).await.unwrap();
    let subjects: Vec<String> = sink.received().into_iter().map(|m| m.subject).collect();
    assert!(subjects.contains(&"Testmail van Leerweek".to_owned()), "{subjects:?}");
    let (_, health) = app.get(&app.admin, "/api/v1/admin/mail/health").await;
    assert_eq!((health["failing"].as_bool(), health["counts"]["sent"].as_u64()), (Some(false), Some(2)), "{health}");
    assert!(health["failing_since"].is_null() && health["last_sent_at"].is_string(), "{health}");
}

async fn an_admin_exports_and_erases_a_person_and_the_audit_log_keeps_no_name_or_address(app: &TestApp) {
    let org = app.org("Nuenen").await;
    let (st, made) = app
        .post(
            &app.admin,
            "/api/v1/people",
            json!({"email": "wieske.verhoeven@nuenen.nl", "name": "Wieske Verhoeven", "organisation_id": org}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{made}");
    let person = id(&made);
    let (st, _) = app.post(&app.admin, &format!("/api/v1/people/{person}/roles"), json!({"role": "manager"})).await;
    assert_eq!(st, StatusCode::OK);
    let token = app.token(person).await;

    // Not oneself: the last admin would lock everyone out of the console (another admin can).
    let (_, me) = app.get(&app.admin, "/api/v1/me").await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/people/{}/erase", id(&me))))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    let p = expect_problem(res, StatusCode::CONFLICT, "erasing-yourself").await;
    assert!(p["detail"].as_str().unwrap().contains("andere beheerder"), "{p}");
    let (st, still) = app.get(&app.admin, "/api/v1/me").await;
    assert_eq!((st, &still["name"]), (StatusCode::OK, &me["name"]), "nothing was erased");
    let (st, _) = app.patch(&token, "/api/v1/me", json!({"language": "en"})).await;
    assert_eq!(st, StatusCode::OK);

    // The admin's export is the person's own.
    let (_, own) = app.get(&token, "/api/v1/me/export").await;
    let (st, export) = app.get(&app.admin, &format!("/api/v1/admin/people/{person}/export")).await;
    assert_eq!(st, StatusCode::OK, "{export}");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&export), keys(&own));
    assert_eq!(export["person"]["email"], "wieske.verhoeven@nuenen.nl");
    let (st, _) = app.get(&token, &format!("/api/v1/admin/people/{person}/export")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "admins only, telling nothing");
    let missing = uuid::Uuid::now_v7();
    let res = app.client.get(app.url(&format!("/api/v1/admin/people/{missing}/export"))).bearer_auth(&app.admin);
    expect_problem(res.send().await.unwrap(), StatusCode::NOT_FOUND, "not-found").await;
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?action=person.export&subject_id={person}")).await;
    assert_eq!(log["total"], 1, "the admin's reading is audited: {log}");

    let (st, _) = app.post(&app.admin, &format!("/api/v1/admin/people/{person}/erase"), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, log) = app.get(&app.admin, "/api/v1/admin/audit?per_page=500").await;
    let text = log.to_string();
    for trace in ["Wieske", "Verhoeven", "wieske.verhoeven@nuenen.nl"] {
        assert!(!text.contains(trace), "the audit log still holds {trace}: {log}");
    }
    let (_, erase) = app.get(&app.admin, &format!("/api/v1/admin/audit?action=person.erase&subject_id={person}")).await;
    let entry = &erase["items"][0];
    assert_eq!((entry["subject_type"].as_str(), entry["actor_name"].as_str()), (Some("person"), Some("Beheerder")));
    // Only counts: how many places went to the waiting list, how many mails were removed.
    assert!(entry["before"].is_null(), "{entry}");
    assert_eq!(entry["after"], json!({"places_released": 0, "mails_removed": 0}), "{entry}");
    let (_, created) =
        app.get(&app.admin, &format!("/api/v1/admin/audit?action=person.create&subject_id={person}")).await;
    assert_eq!(created["items"][0]["after"]["name"], "Verwijderde persoon", "{created}");
    let rows = app
        .sql()
        .await
        .scalar_i64("SELECT count(*) FROM audit_log WHERE before LIKE '%ieske%' OR after LIKE '%ieske%'")
        .await;
    assert_eq!(rows, 0);
}

async fn the_audit_log_filters_by_who_what_when_and_subject_and_pages(app: &TestApp) {
    let org = app.org("Son en Breugel").await;
    let organiser = app.person(org, "olga@son.nl").await;
    let (st, _) =
        app.post(&app.admin, &format!("/api/v1/people/{}/roles", organiser.id), json!({"role": "organiser"})).await;
    assert_eq!(st, StatusCode::OK);
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({})).await;
    let s = app.session(w, 0, 10, 2, 5).await;
    let (st, b) = app.patch(&organiser.token, &format!("/api/v1/sessions/{s}"), json!({"capacity": 7})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let start = Utc::now() - Duration::minutes(5);

    let get = |q: String| async move { app.get(&app.admin, &format!("/api/v1/admin/audit?{q}")).await };
    let (_, by_name) = get("actor=OLGA".into()).await;
    assert_eq!(by_name["total"], 1, "{by_name}");
    assert_eq!(
        (by_name["items"][0]["action"].as_str(), by_name["items"][0]["actor_name"].as_str()),
        (Some("session.update"), Some("olga@son.nl"))
    );
    let (_, by_id) = get(format!("actor_id={}", organiser.id)).await;
    assert_eq!(by_id["total"], 1);
    let (_, sessions) = get("subject_type=session".into()).await;
    assert_eq!(sessions["total"], 2, "created and changed: {sessions}");
    let (_, kind) = get("action=session.".into()).await;
    assert_eq!(kind["total"], 2);
    let (_, exact) = get(format!("action=session.create&subject_id={s}")).await;
    assert_eq!(exact["total"], 1);
    let from = start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (_, now) = get(format!("from={from}&subject_type=session")).await;
    assert_eq!(now["total"], 2);
    let (_, later) =
        get(format!("from={}", (Utc::now() + Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
            .await;
    assert_eq!(later["total"], 0);
    let (_, before) = get(format!("to={from}")).await;
    assert_eq!(before["total"], 0);
    // Paging: newest first, one a page.
    let (_, p1) = get("subject_type=session&per_page=1".into()).await;
    let (_, p2) = get("subject_type=session&per_page=1&page=2".into()).await;
    assert_eq!(
        (p1["items"][0]["action"].as_str(), p2["items"][0]["action"].as_str()),
        (Some("session.update"), Some("session.create"))
    );
    for (bad, field) in
        [(format!("from={from}&to={from}"), "to"), ("from=gisteren".into(), "from"), ("page=0".into(), "page")]
    {
        let res = app.client.get(app.url(&format!("/api/v1/admin/audit?{bad}"))).bearer_auth(&app.admin).send();
        let problem = expect_problem(res.await.unwrap(), StatusCode::BAD_REQUEST, "invalid-parameter").await;
        assert_eq!(problem["field"], field, "{problem}");
    }
}

async fn the_retention_period_is_shown_and_set_within_bounds(app: &TestApp) {
    let (st, settings) = app.get(&app.admin, "/api/v1/admin/settings/privacy").await;
    assert_eq!(st, StatusCode::OK, "{settings}");
    assert_eq!((settings["retention_days"].as_u64(), settings["set"].as_bool()), (Some(365), Some(false)));
    assert_eq!((settings["min_days"].as_i64(), settings["max_days"].as_i64()), (Some(30), Some(3650)));
    for (days, lang, words) in [(29, "nl", "30"), (3651, "en", "3650")] {
        let res = app
            .client
            .put(app.url("/api/v1/admin/settings/privacy"))
            .bearer_auth(&app.admin)
            .header("accept-language", lang)
            .json(&json!({"retention_days": days}))
            .send()
            .await
            .unwrap();
        let problem = expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field").await;
        assert_eq!(problem["field"], "retention_days");
        assert!(problem["detail"].as_str().unwrap().contains(words), "{problem}");
    }
    let res = app
        .client
        .put(app.url("/api/v1/admin/settings/privacy"))
        .bearer_auth(&app.admin)
        .json(&json!({"retention_days": "lang"}));
    let problem = expect_problem(res.send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field").await;
    assert_eq!(problem["field"], "retention_days", "{problem}");
    let org = app.org("Waalre").await;
    let employee = app.person(org, "e@waalre.nl").await;
    let (st, _) = app.put(&employee.token, "/api/v1/admin/settings/privacy", json!({"retention_days": 60})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, set) = app.put(&app.admin, "/api/v1/admin/settings/privacy", json!({"retention_days": 400})).await;
    assert_eq!(
        (st, set["retention_days"].as_u64(), set["set"].as_bool()),
        (StatusCode::OK, Some(400), Some(true)),
        "{set}"
    );
    let (_, again) = app.get(&app.admin, "/api/v1/admin/settings/privacy").await;
    assert_eq!((again["retention_days"].as_u64(), again["default_retention_days"].as_u64()), (Some(400), Some(365)));
    // The anonymisation job reads what the admin set.
    assert_eq!(leerweek_store::privacy::retention(&app.store, 365).await.unwrap().days, 400);
    let (_, log) = app.get(&app.admin, "/api/v1/admin/audit?action=privacy.retention").await;
    let entry = &log["items"][0];
    assert_eq!(
        (entry["before"]["retention_days"].as_u64(), entry["after"]["retention_days"].as_u64()),
        (Some(365), Some(400))
    );
}

async fn people_choose_the_language_of_their_mail_and_admins_find_anyone_by_name(app: &TestApp) {
    let org = app.org("Best").await;
    let p = app.person(org, "bram@best.nl").await;
    let (st, me) = app.patch(&p.token, "/api/v1/me", json!({"language": "en"})).await;
    assert_eq!((st, me["language"].as_str()), (StatusCode::OK, Some("en")), "{me}");
    let (_, me) = app.get(&p.token, "/api/v1/me").await;
    assert_eq!(me["language"], "en");
    for (body, status, slug) in [
        (json!({"language": "fy"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field"),
        (json!({"name": "Iemand anders"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field"),
    ] {
        let res = app.client.patch(app.url("/api/v1/me")).bearer_auth(&p.token).json(&body).send().await.unwrap();
        expect_problem(res, status, slug).await;
    }
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?action=person.language&actor_id={}", p.id)).await;
    assert_eq!(
        (log["items"][0]["before"].as_str(), log["items"][0]["after"].as_str()),
        (Some("nl"), Some("en")),
        "{log}"
    );
    let res = app.client.patch(app.url("/api/v1/me")).json(&json!({"language": "en"})).send().await.unwrap();
    expect_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    // Admins search everyone; organisers only their organisation's people.
    let (st, found) = app.get(&app.admin, "/api/v1/people?q=BRAM").await;
    assert_eq!((st, found["total"].as_u64()), (StatusCode::OK, Some(1)), "{found}");
    let (_, found) = app.get(&app.admin, &format!("/api/v1/people?organisation_id={org}&q=best.nl")).await;
    assert_eq!(found["total"], 1);
    let (st, _) = app.get(&p.token, "/api/v1/people?q=bram").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}
