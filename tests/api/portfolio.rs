//! *Mijn ontwikkeling*: reflections written after a session and shared with one's own manager
//! only, the portfolio with hours per year, certificates and suggestions from wanted skills,
//! and its PDF.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    a_reflection_is_written_after_the_session_and_read_by_the_own_manager_only_when_shared,
    wanted_skills_suggest_sessions_to_come_that_one_may_join,
);

async fn named(app: &TestApp, org: Uuid, email: &str, name: &str, manager: Option<Uuid>) -> Person {
    let body = json!({"email": email, "name": name, "organisation_id": org, "manager_id": manager});
    let (st, b) = app.post(&app.admin, "/api/v1/people", body).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    Person { id: id(&b), token: app.token(id(&b)).await }
}

/// Move a session to have ended an hour ago, after two hours.
async fn took_place(app: &TestApp, session: Uuid) {
    let starts = Utc::now() - Duration::hours(3);
    let sql = "UPDATE sessions SET starts_at = $1, ends_at = $2 WHERE id = $3";
    app.sql().await.execute(sql, [starts.into(), (starts + Duration::hours(2)).into(), session.into()]).await;
}

async fn a_reflection_is_written_after_the_session_and_read_by_the_own_manager_only_when_shared(app: &TestApp) {
    let org = app.org("Geldrop-Mierlo").await;
    let manager = named(app, org, "mila@geldrop.test", "Mila Manager", None).await;
    let other_manager = named(app, org, "otto@geldrop.test", "Otto Manager", None).await;
    let eva = named(app, org, "eva@geldrop.test", "Eva de Vries", Some(manager.id)).await;
    let bart = named(app, org, "bart@geldrop.test", "Bart Bos", Some(other_manager.id)).await;
    for m in [&manager, &other_manager] {
        let (st, _) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", m.id), json!({"role": "manager"})).await;
        assert_eq!(st, StatusCode::OK);
    }
    let week = app.week(&[org], json!({})).await;
    let workshop = app.workshop(week, org, json!({"title": "Feedback geven en ontvangen"})).await;
    let past = app.session(workshop, 0, 10, 2, 10).await;
    let coming = app.session(workshop, 2, 14, 2, 10).await;
    let (_, seat) = app.enrol(&eva, past).await;
    let (_, later) = app.enrol(&eva, coming).await;
    let (_, barts) = app.enrol(&bart, past).await;
    took_place(app, past).await;
    let (st, _) = app
        .put(&app.admin, &format!("/api/v1/enrolments/{}/attendance", id(&seat)), json!({"attendance": "present"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let seat = id(&seat);
    let path = format!("/api/v1/enrolments/{seat}/reflection");

    // Not before the session, not on someone else's seat, not empty.
    let body = json!({"learned": "Eerst vragen, dan vertellen.", "will_do": "Ik vraag door in mijn teamoverleg."});
    let (st, b) = app.put(&eva.token, &format!("/api/v1/enrolments/{}/reflection", id(&later)), body.clone()).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/reflection-not-after-session")), "{b}");
    let (st, _) = app.put(&bart.token, &path, body.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, b) = app.put(&eva.token, &path, json!({"learned": " ", "will_do": ""})).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("learned")), "{b}");
    let (st, b) = app.get(&eva.token, &path).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{b}");

    // Private first: her manager sees that she took part, not what she wrote.
    let (st, r) = app.put(&eva.token, &path, body.clone()).await;
    assert_eq!((st, r["shared_with_manager"].as_bool()), (StatusCode::OK, Some(false)), "{r}");
    let report = format!("/api/v1/people/{}/portfolio", eva.id);
    let (st, p) = app.get(&manager.token, &report).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["sessions"][0]["workshop_title"], "Feedback geven en ontvangen");
    assert_eq!(p["sessions"][0]["reflection"], Value::Null, "not shared: {p}");
    assert_eq!(p["skills"]["want"], json!([]));

    // Shared: her own manager reads it; nobody else does.
    let (st, _) = app
        .put(
            &eva.token,
            &path,
            json!({"learned": body["learned"], "will_do": body["will_do"], "shared_with_manager": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, p) = app.get(&manager.token, &report).await;
    assert_eq!(p["sessions"][0]["reflection"]["learned"], "Eerst vragen, dan vertellen.", "{p}");
    for who in [&other_manager.token, &bart.token, &app.admin] {
        let (st, b) = app.get(who, &report).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{b}");
    }
    let (_, bp) = app.get(&bart.token, "/api/v1/me/portfolio").await;
    assert!(!bp.to_string().contains("Eerst vragen"), "{bp}");
    let audit: Vec<String> =
        app.sql().await.all("SELECT coalesce(after, '') FROM audit_log WHERE action = 'reflection.write'", []).await;
    assert_eq!(audit.len(), 2, "written twice");
    assert!(audit.iter().all(|a| !a.contains("Eerst vragen")), "the audit log keeps no words of a reflection");

    // Her own portfolio: the session with its hours in this year, its certificate to have,
    // her reflection; the waiting seat of Bart's is not hers.
    let (st, me) = app.get(&eva.token, "/api/v1/me/portfolio").await;
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!(me["name"], "Eva de Vries");
    assert_eq!(me["sessions"].as_array().unwrap().len(), 1, "only sessions that took place: {me}");
    let s = &me["sessions"][0];
    assert_eq!((s["minutes"].clone(), s["certificate_available"].clone()), (json!(120), json!(true)), "{s}");
    assert_eq!(s["reflection"]["will_do"], "Ik vraag door in mijn teamoverleg.");
    let year = (Utc::now() - Duration::hours(3)).with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y").to_string();
    assert_eq!(me["years"], json!([{"year": year.parse::<i32>().unwrap(), "sessions": 1, "minutes": 120}]));
    let (st, c) = app.get(&eva.token, &format!("/api/v1/enrolments/{seat}/certificate.json")).await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let (_, me) = app.get(&eva.token, "/api/v1/me/portfolio").await;
    assert_eq!(me["sessions"][0]["certificate_code"].as_str().map(str::len), Some(14), "{me}");

    // The PDF for the development conversation.
    let res = app.client.get(app.url("/api/v1/me/portfolio.pdf")).bearer_auth(&eva.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));

    // Her data: the export holds it; removing it removes it for the manager too.
    let (_, export) = app.get(&eva.token, "/api/v1/me/export").await;
    assert_eq!(export["reflections"].as_array().map(Vec::len), Some(1));
    let (st, _) = app.delete(&eva.token, &path).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, p) = app.get(&manager.token, &report).await;
    assert_eq!(p["sessions"][0]["reflection"], Value::Null);
    let _ = barts;
}

async fn wanted_skills_suggest_sessions_to_come_that_one_may_join(app: &TestApp) {
    let son = app.org("Son en Breugel").await;
    let nuenen = app.org("Nuenen").await;
    let eva = named(app, son, "eva@son.test", "Eva", None).await;
    let (_, k) = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "Presenteren"})).await;
    let (_, other) = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "Excel"})).await;
    let (presenting, excel) = (id(&k), id(&other));
    let week = app.week(&[son, nuenen], json!({})).await;
    let open =
        app.workshop(week, nuenen, json!({"title": "Presenteren met impact", "skills": [presenting, excel]})).await;
    let first = app.session(open, 1, 10, 2, 10).await;
    let second = app.session(open, 2, 10, 2, 10).await;
    let closed = app
        .workshop(
            week,
            nuenen,
            json!({"title": "Pitchen voor Nuenen", "audience": "host_only", "skills": [presenting]}),
        )
        .await;
    app.session(closed, 1, 14, 1, 10).await;
    let excel_only = app.workshop(week, nuenen, json!({"title": "Excel", "skills": [excel]})).await;
    app.session(excel_only, 3, 10, 2, 10).await;
    // A week not yet published teaches it too.
    let (st, draft) = app.post(&app.admin, "/api/v1/events", json!({"name": "Concept", "starts_on": crate::harness::first_day(),
        "ends_on": crate::harness::first_day(), "enrolment_opens_at": Utc::now(), "enrolment_closes_at": Utc::now() + Duration::days(3),
        "organisation_ids": [son]})).await;
    assert_eq!(st, StatusCode::CREATED, "{draft}");
    let hidden = app.workshop(id(&draft), son, json!({"title": "Verborgen", "skills": [presenting]})).await;
    app.session(hidden, 0, 9, 1, 10).await;

    let (_, me) = app.get(&eva.token, "/api/v1/me/portfolio").await;
    assert_eq!(me["suggestions"], json!([]), "nothing wanted, nothing suggested");
    let (st, _) = app.put(&eva.token, "/api/v1/me/skills", json!({"have": [], "want": [presenting]})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, me) = app.get(&eva.token, "/api/v1/me/portfolio").await;
    let suggested: Vec<&Value> = me["suggestions"].as_array().unwrap().iter().map(|s| &s["session_id"]).collect();
    assert_eq!(suggested, vec![&json!(first), &json!(second)], "{me}");
    assert_eq!(
        me["suggestions"][0]["skills"],
        json!([{"id": presenting, "name_nl": "Presenteren", "name_en": null, "description": "", "esco_uri": null}])
    );
    let (st, _) = app.enrol(&eva, first).await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, me) = app.get(&eva.token, "/api/v1/me/portfolio").await;
    let suggested: Vec<&Value> = me["suggestions"].as_array().unwrap().iter().map(|s| &s["session_id"]).collect();
    assert_eq!(suggested, vec![&json!(second)], "a session she holds a place in is not suggested");
}
