//! The host's cancellation of someone's enrolment (`POST /api/v1/enrolments/{id}/cancellation`):
//! organisers of the workshop's host and admins, also after the deadline, with a reason that goes
//! into the mail and the audit log; the freed seat goes to the waiting list as with any
//! cancellation.

use crate::harness::{Person, TestApp, expect_problem, id};
use crate::on_both_backends;
use crate::smtp::SmtpSink;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    the_hosts_organiser_cancels_after_the_deadline_with_a_reason_that_reaches_the_mail,
    a_cancellation_without_a_reason_or_by_others_is_refused_and_changes_nothing,
);

async fn organiser(app: &TestApp, org: Uuid, email: &str) -> Person {
    let p = app.person(org, email).await;
    let (st, b) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": "organiser"})).await;
    assert!(st.is_success(), "{b}");
    p
}

/// A week whose cancellation deadline has passed for every session (672 hours before a session
/// a week away), a session of one seat hosted by `host`, `seated` in it and `waiting` queued.
async fn full_session_past_its_deadline(
    app: &TestApp,
    orgs: &[Uuid],
    seated: &Person,
    waiting: &Person,
) -> (Uuid, Uuid) {
    let week = app.week(orgs, json!({"cancellation_deadline_hours": 672})).await;
    let w = app.workshop(week, orgs[0], json!({"title": "Grip op stress"})).await;
    let session = app.session(w, 0, 10, 2, 1).await;
    let (st, e) = app.enrol(seated, session).await;
    assert_eq!((st, e["status"].as_str()), (StatusCode::CREATED, Some("confirmed")), "{e}");
    let (st, q) = app.enrol(waiting, session).await;
    assert_eq!((st, q["status"].as_str()), (StatusCode::CREATED, Some("waitlisted")), "{q}");
    (session, id(&e))
}

async fn cancellation(app: &TestApp, token: &str, enrolment: Uuid, body: Value) -> reqwest::Response {
    let url = app.url(&format!("/api/v1/enrolments/{enrolment}/cancellation"));
    reqwest::Client::new().post(url).bearer_auth(token).json(&body).send().await.expect("an answer")
}

async fn the_hosts_organiser_cancels_after_the_deadline_with_a_reason_that_reaches_the_mail(app: &TestApp) {
    let sink = SmtpSink::start();
    let host = app.org("Enkhuizen").await;
    let other = app.org("Stede Broec").await;
    let anna = app.person(other, "anna@stedebroec.nl").await;
    let bram = app.person(host, "bram@enkhuizen.nl").await;
    let gijs = organiser(app, host, "gijs@enkhuizen.nl").await;
    let (session, enrolment) = full_session_past_its_deadline(app, &[host, other], &anna, &bram).await;

    // Anna herself is past the deadline.
    let (st, p) = app.delete(&anna.token, &format!("/api/v1/enrolments/{enrolment}")).await;
    assert_eq!((st, p["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/cancellation-deadline-passed")), "{p}");

    let reason = "De trainer is ziek & er is geen vervanger <vandaag>";
    let res = cancellation(app, &gijs.token, enrolment, json!({"reason": format!("  {reason}\n")})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let e: Value = res.json().await.unwrap();
    assert_eq!((e["status"].as_str(), e["id"].as_str()), (Some("cancelled"), Some(enrolment.to_string().as_str())));

    // The seat went to Bram, as with any cancellation.
    assert_eq!(app.session_counts(session).await, (1, 0));
    let list = app.participants(session).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (list[0]["person_id"].as_str(), list[0]["status"].as_str()),
        (Some(bram.id.to_string().as_str()), Some("confirmed"))
    );

    // Again: already cancelled, answered as it is, nothing new.
    let res = cancellation(app, &gijs.token, enrolment, json!({"reason": "Nog eens"})).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Audited once, with the reason.
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={enrolment}")).await;
    let cancels: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|i| i["action"] == "enrolment.cancel").collect();
    assert_eq!(cancels.len(), 1, "{log}");
    assert_eq!(cancels[0]["after"]["reason"], json!(reason), "{log}");
    assert_eq!(cancels[0]["after"]["status"], json!("cancelled"), "{log}");

    // Anna's mail tells the reason (escaped in the HTML); Bram's tells him he has a seat.
    let cfg = sink.config();
    for _ in 0..200 {
        leerweek_mailer::run_once(&app.store, &cfg, Utc::now() + Duration::hours(2)).await.expect("worker round");
        if app.sql().await.outbox_count("pending").await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let got = sink.received();
    let to_anna: Vec<_> =
        got.iter().filter(|m| m.to.contains("anna@stedebroec.nl") && m.subject.starts_with("Afgemeld")).collect();
    assert_eq!(to_anna.len(), 1, "{:#?}", got.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>());
    let text = to_anna[0].text.as_deref().unwrap_or_default();
    assert!(text.contains("De organisator heeft je inschrijving geannuleerd."), "{text}");
    assert!(text.contains(&format!("Reden: {reason}")), "{text}");
    let html = to_anna[0].html.as_deref().unwrap_or_default();
    assert!(html.contains("er is geen vervanger &lt;vandaag&gt;"), "{html}");
    assert!(got.iter().any(|m| m.to.contains("bram@enkhuizen.nl")), "Bram is told of his seat");
}

async fn a_cancellation_without_a_reason_or_by_others_is_refused_and_changes_nothing(app: &TestApp) {
    let host = app.org("Enkhuizen").await;
    let other = app.org("Stede Broec").await;
    let third = app.org("Drechterland").await;
    let anna = app.person(other, "anna@stedebroec.nl").await;
    let bram = app.person(host, "bram@enkhuizen.nl").await;
    let gijs = organiser(app, host, "gijs@enkhuizen.nl").await;
    let sanne = organiser(app, other, "sanne@stedebroec.nl").await;
    let dirk = organiser(app, third, "dirk@drechterland.nl").await;
    let (session, enrolment) = full_session_past_its_deadline(app, &[host, other, third], &anna, &bram).await;
    let audited = || async {
        app.sql().await.scalar_i64("SELECT count(*) FROM audit_log WHERE action = 'enrolment.cancel'").await
    };

    // No reason, an empty one, one too long: 422 naming the field, in Dutch and English.
    for body in [json!({}), json!({"reason": null}), json!({"reason": " \n\t "})] {
        let p = expect_problem(
            cancellation(app, &gijs.token, enrolment, body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "cancellation-reason-required",
        )
        .await;
        assert_eq!(p["field"], "reason", "{body}: {p}");
        assert_eq!(p["detail"], "Geef een reden op; die komt in de mail aan de deelnemer.", "{p}");
    }
    let url = app.url(&format!("/api/v1/enrolments/{enrolment}/cancellation"));
    let res = reqwest::Client::new()
        .post(url)
        .bearer_auth(&gijs.token)
        .header("accept-language", "en")
        .json(&json!({"reason": ""}))
        .send()
        .await
        .unwrap();
    let p = expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "cancellation-reason-required").await;
    assert_eq!(p["detail"], "Give a reason; it goes into the mail to the participant.", "{p}");
    let p = expect_problem(
        cancellation(app, &gijs.token, enrolment, json!({"reason": "x".repeat(501)})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cancellation-reason-too-long",
    )
    .await;
    assert_eq!(p["field"], "reason", "{p}");

    // Bodies of the wrong shape: a clear problem, never a 500.
    let url = app.url(&format!("/api/v1/enrolments/{enrolment}/cancellation"));
    for (raw, status, slug, field) in [
        ("{\"reason\": ", StatusCode::BAD_REQUEST, "malformed-json", None),
        ("{\"reason\": 5}", StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("reason")),
        ("{\"reason\": \"Ziek\", \"notify\": false}", StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", None),
    ] {
        let res = reqwest::Client::new()
            .post(&url)
            .bearer_auth(&gijs.token)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let p = expect_problem(res, status, slug).await;
        if let Some(f) = field {
            assert_eq!(p["field"], f, "{raw}: {p}");
        }
    }

    let with_reason = json!({"reason": "Dubbel ingeschreven"});
    // The person herself, the organiser of her own organisation (who sees the enrolment but does
    // not host the session): 403. An organiser of a third organisation does not even see it: 404.
    for (who, status) in [
        (&anna, StatusCode::FORBIDDEN),
        (&bram, StatusCode::NOT_FOUND),
        (&sanne, StatusCode::FORBIDDEN),
        (&dirk, StatusCode::NOT_FOUND),
    ] {
        let slug = if status == StatusCode::FORBIDDEN { "forbidden" } else { "not-found" };
        expect_problem(cancellation(app, &who.token, enrolment, with_reason.clone()).await, status, slug).await;
    }
    expect_problem(
        cancellation(app, &gijs.token, Uuid::now_v7(), with_reason.clone()).await,
        StatusCode::NOT_FOUND,
        "not-found",
    )
    .await;

    // Nothing changed: Anna keeps her seat, Bram still waits, nothing audited or queued.
    assert_eq!(app.session_counts(session).await, (1, 1));
    assert_eq!(audited().await, 0);
    let cancelled_mail = "SELECT count(*) FROM outbox WHERE kind = 'enrolment_cancelled'";
    assert_eq!(app.sql().await.scalar_i64(cancelled_mail).await, 0);

    // An admin may, as the host's organisers may.
    let res = cancellation(app, &app.admin, enrolment, with_reason).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.session_counts(session).await, (1, 0));
    assert_eq!(audited().await, 1);
}
