//! Attendance end to end: personal check-in codes (in the agenda, as QR, in the mail), check-in
//! by the session's trainer, marks and corrections by the host's organisers (audited), closing
//! the list into no-shows by hand or by the clock, and what attendance protects.
//!
//! Time passes by moving the session in the database (the server reads the real clock).

use crate::harness::{Person, TestApp, expect_problem, id};
use crate::on_both_backends;
use crate::smtp::SmtpSink;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    people_check_in_with_their_code_and_the_rest_become_no_shows_when_the_list_closes,
    no_shows_follow_the_events_policy_and_all_present_marks_the_rest,
);

/// Move a session to `starts_at` for `minutes` (time passing).
async fn move_session(app: &TestApp, session: Uuid, starts_at: DateTime<Utc>, minutes: i64) {
    let ends_at = starts_at + Duration::minutes(minutes);
    let sql = "UPDATE sessions SET starts_at = $1, ends_at = $2 WHERE id = $3";
    app.sql().await.execute(sql, [starts_at.into(), ends_at.into(), session.into()]).await;
}

/// The stored code of an enrolment (as a scanner would read it from the person's phone).
async fn stored_code(app: &TestApp, enrolment: Uuid) -> String {
    let sql = "SELECT check_in_code FROM enrolments WHERE id = $1";
    app.sql().await.one::<Option<String>>(sql, [enrolment.into()]).await.unwrap().unwrap()
}

async fn check_in(app: &TestApp, who: &Person, session: Uuid, code: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/sessions/{session}/check-in")))
        .bearer_auth(&who.token)
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap()
}

fn item_of<'a>(list: &'a [Value], enrolment: &Value) -> &'a Value {
    list.iter().find(|i| i["id"] == enrolment["id"]).unwrap_or_else(|| panic!("{enrolment} not in the list"))
}

async fn people_check_in_with_their_code_and_the_rest_become_no_shows_when_the_list_closes(app: &TestApp) {
    let sink = SmtpSink::start();
    let host = app.org("Dommelvallei").await;
    let guest_org = app.org("Krimpen aan den IJssel").await;
    let organiser = app.person(host, "organisator@dommelvallei.nl").await;
    app.post(&app.admin, &format!("/api/v1/people/{}/roles", organiser.id), json!({"role": "organiser"})).await;
    let trainer = app.person(guest_org, "trainer@krimpen.nl").await;
    let p: Vec<Person> = futures::future::join_all(
        (0..4).map(|i| async move { app.person(host, &format!("p{i}@dommelvallei.nl")).await }),
    )
    .await;
    let guest = app.person(guest_org, "gast@krimpen.nl").await;
    let week = app.week(&[host, guest_org], json!({"no_show_policy": "on_close"})).await;
    let workshop = app.workshop(week, host, json!({"title": "Tekenen voor beginners"})).await;
    let session = app.session(workshop, 1, 10, 2, 4).await;
    let other = app.session(app.workshop(week, host, json!({"title": "Grip op stress"})).await, 2, 10, 2, 5).await;
    let (st, s) =
        app.patch(&app.admin, &format!("/api/v1/sessions/{session}"), json!({"trainer_id": trainer.id})).await;
    assert_eq!((st, &s["trainer_id"]), (StatusCode::OK, &json!(trainer.id)), "{s}");

    let mut e = Vec::new();
    for who in [&p[0], &p[1], &p[2], &guest, &p[3]] {
        e.push(app.enrol(who, session).await.1);
    }
    assert_eq!(e[4]["status"], "waitlisted");
    let (_, in_other) = app.enrol(&p[1], other).await;

    // Each confirmed person sees their own code, as text and as QR; nobody else does.
    let (_, agenda) = app.get(&p[0].token, "/api/v1/me/enrolments").await;
    let code = agenda["items"][0]["check_in_code"].as_str().expect("a code in the agenda").to_owned();
    assert!(code.len() == 14 && code.chars().filter(|c| *c == '-').count() == 2, "{code}");
    let (_, waiting) = app.get(&p[3].token, "/api/v1/me/enrolments").await;
    assert!(waiting["items"][0].get("check_in_code").is_none(), "no code without a seat: {waiting}");
    let qr =
        app.client.get(app.url(&format!("/api/v1/enrolments/{}/check-in.svg", id(&e[0])))).bearer_auth(&p[0].token);
    let qr = qr.send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    let (st, _) = app.get(&organiser.token, &format!("/api/v1/enrolments/{}/check-in.svg", id(&e[0]))).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "an organiser does not get someone's code");
    let (_, list) = app.get(&organiser.token, &format!("/api/v1/sessions/{session}/enrolments")).await;
    assert!(!list.to_string().contains(&code), "participant lists hold no codes");
    // The confirmation mail carries the code and its QR image.
    leerweek_mailer::run_once(&app.store, &sink.config(), Utc::now()).await.unwrap();
    let mails = sink.received();
    let confirmation = mails.iter().find(|m| m.to.contains("p0@") && m.subject.contains("Tekenen")).unwrap();
    assert!(confirmation.text.as_deref().unwrap().contains(&code));
    assert!(confirmation.html.as_deref().unwrap().contains("cid:check-in-qr@leerweek"));

    // Too early: check-in opens an hour before the start.
    expect_problem(check_in(app, &trainer, session, &code).await, StatusCode::CONFLICT, "attendance-too-early").await;

    // The session has begun. The trainer (of another municipality) checks people in.
    move_session(app, session, Utc::now() - Duration::minutes(30), 120).await;
    let typed = format!("  {} ", code.to_lowercase().replace('-', " "));
    let res = check_in(app, &trainer, session, &typed).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: Value = res.json().await.unwrap();
    assert_eq!(
        (first["name"].as_str(), first["already_checked_in"].as_bool()),
        (Some("p0@dommelvallei.nl"), Some(false))
    );
    let again: Value = check_in(app, &trainer, session, &code).await.json().await.unwrap();
    assert_eq!(again["already_checked_in"], true);
    let (st, _) = app.get(&trainer.token, &format!("/api/v1/sessions/{session}/enrolments")).await;
    assert_eq!(st, StatusCode::OK, "the trainer sees the check-in list");

    // Wrong codes are refused with a clear reason.
    let other_code = stored_code(app, id(&in_other)).await;
    let wrong = expect_problem(
        check_in(app, &trainer, session, &other_code).await,
        StatusCode::CONFLICT,
        "check-in-code-other-session",
    )
    .await;
    assert!(wrong["detail"].as_str().unwrap().contains("Grip op stress"), "{wrong}");
    assert_eq!(wrong["session_id"], json!(other));
    let waiting_code = stored_code(app, id(&e[4])).await;
    expect_problem(
        check_in(app, &trainer, session, &waiting_code).await,
        StatusCode::CONFLICT,
        "check-in-not-confirmed",
    )
    .await;
    let unknown = expect_problem(
        check_in(app, &trainer, session, "ZZZZ-ZZZZ-ZZZZ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "check-in-code-unknown",
    )
    .await;
    assert_eq!(unknown["field"], "code");
    let bad = expect_problem(
        check_in(app, &trainer, session, "abc").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-field",
    )
    .await;
    assert_eq!(bad["field"], "code");
    // Only the host's organisers, admins and the trainer record attendance.
    let res = check_in(app, &p[2], session, &stored_code(app, id(&e[2])).await).await;
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let (st, _) = app
        .put(&p[2].token, &format!("/api/v1/enrolments/{}/attendance", id(&e[2])), json!({"attendance": "present"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // An organiser marks by hand and corrects; both changes are in the audit log.
    let mark = |enrolment: &Value, attendance: Value| {
        let path = format!("/api/v1/enrolments/{}/attendance", id(enrolment));
        let token = organiser.token.clone();
        async move { app.put(&token, &path, json!({"attendance": attendance})).await }
    };
    let (st, m) = mark(&e[1], json!("excused")).await;
    assert_eq!((st, m["attendance"].as_str()), (StatusCode::OK, Some("excused")), "{m}");
    let (st, m) = mark(&e[1], json!("present")).await;
    assert_eq!((st, &m["attendance_marked_by"]), (StatusCode::OK, &json!(organiser.id)));
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={}", id(&e[1]))).await;
    let marks: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|i| i["action"] == "attendance.mark").collect();
    assert_eq!(marks.len(), 2, "{log}");
    assert_eq!(
        (&marks[0]["before"]["attendance"], &marks[0]["after"]["attendance"]),
        (&json!("excused"), &json!("present"))
    );
    let (st, _) = mark(&e[4], json!("present")).await;
    assert_eq!(st, StatusCode::CONFLICT, "a waiting person has no seat to attend");
    let (st, bad) = mark(&e[2], json!("misschien")).await;
    assert_eq!((st, bad["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("attendance")));

    // Recorded attendance is history: the enrolment and the session cannot be cancelled.
    let (st, b) = app.delete(&organiser.token, &format!("/api/v1/enrolments/{}", id(&e[0]))).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/attendance-recorded")), "{b}");
    let (st, _) = app.post(&organiser.token, &format!("/api/v1/sessions/{session}/cancel"), json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT);

    // Closing before the end is refused; after it, the unmarked become no-shows, once.
    let close_path = format!("/api/v1/sessions/{session}/attendance/close");
    let close = || app.post(&organiser.token, &close_path, json!({}));
    let (st, b) = close().await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/attendance-list-not-over")));
    move_session(app, session, Utc::now() - Duration::hours(3), 120).await;
    let (st, closed) = close().await;
    assert_eq!((st, closed["marked"].as_u64()), (StatusCode::OK, Some(2)), "p2 and the guest: {closed}");
    assert_eq!(close().await.1["marked"], 0);
    let (_, list) = app.get(&organiser.token, &format!("/api/v1/sessions/{session}/enrolments")).await;
    let items = list["items"].as_array().unwrap();
    let marks: Vec<Option<&str>> = e.iter().map(|x| item_of(items, x)["attendance"].as_str()).collect();
    assert_eq!(marks, [Some("present"), Some("present"), Some("absent"), Some("absent"), None]);
    assert!(item_of(items, &e[0])["checked_in_at"].is_string() && item_of(items, &e[1])["checked_in_at"].is_null());
    let (_, s) = app.get(&organiser.token, &format!("/api/v1/sessions/{session}")).await;
    assert!(s["attendance_closed_at"].is_string(), "{s}");
}

async fn no_shows_follow_the_events_policy_and_all_present_marks_the_rest(app: &TestApp) {
    let org = app.org("Enkhuizen").await;
    let people: Vec<Person> =
        futures::future::join_all((0..3).map(|i| async move { app.person(org, &format!("m{i}@enkhuizen.nl")).await }))
            .await;
    let automatic = app.week(&[org], json!({})).await;
    let by_hand = app.week(&[org], json!({"name": "Tweede week", "no_show_policy": "on_close"})).await;
    let (_, ev) = app.get(&app.admin, &format!("/api/v1/events/{automatic}")).await;
    assert_eq!(ev["no_show_policy"], "automatic", "the default");
    let s1 = app.session(app.workshop(automatic, org, json!({})).await, 0, 10, 2, 5).await;
    let s2 = app.session(app.workshop(by_hand, org, json!({})).await, 1, 10, 2, 5).await;
    let s3 =
        app.session(app.workshop(automatic, org, json!({"title": "Coachend leidinggeven"})).await, 2, 10, 2, 5).await;
    for s in [s1, s2, s3] {
        for who in &people {
            assert_eq!(app.enrol(who, s).await.0, StatusCode::CREATED);
        }
    }
    let ended = Utc::now() - Duration::hours(3);
    move_session(app, s1, ended, 120).await;
    move_session(app, s2, ended, 120).await;
    // s3 is going on: the list stays open; "all present" marks everyone not yet marked.
    move_session(app, s3, Utc::now() - Duration::minutes(10), 120).await;
    let (st, b) = app.post(&app.admin, &format!("/api/v1/sessions/{s3}/attendance/all-present"), json!({})).await;
    assert_eq!((st, b["marked"].as_u64()), (StatusCode::OK, Some(3)), "{b}");

    let n = leerweek_store::attendance::close_finished(&app.store, Utc::now()).await.unwrap();
    assert_eq!(n, 3, "only the finished session of the automatic week");
    assert_eq!(leerweek_store::attendance::close_finished(&app.store, Utc::now()).await.unwrap(), 0, "once");
    let absent = |s: Uuid| async move {
        let list = app.participants(s).await;
        list.iter().filter(|i| i["attendance"] == "absent").count()
    };
    assert_eq!((absent(s1).await, absent(s2).await, absent(s3).await), (3, 0, 0));
    let (st, b) = app.post(&app.admin, &format!("/api/v1/sessions/{s2}/attendance/close"), json!({})).await;
    assert_eq!((st, b["marked"].as_u64()), (StatusCode::OK, Some(3)));
    // A no-show who had a reason is corrected to excused.
    let e = app.participants(s1).await[0].clone();
    let (st, m) = app
        .put(&app.admin, &format!("/api/v1/enrolments/{}/attendance", id(&e)), json!({"attendance": "excused"}))
        .await;
    assert_eq!((st, m["attendance"].as_str()), (StatusCode::OK, Some("excused")));
}

on_both_backends!(those_who_came_are_asked_for_feedback_once_and_organisers_read_it_without_names);

async fn those_who_came_are_asked_for_feedback_once_and_organisers_read_it_without_names(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Nuenen").await;
    let organiser = app.person(org, "organisator@nuenen.nl").await;
    app.post(&app.admin, &format!("/api/v1/people/{}/roles", organiser.id), json!({"role": "organiser"})).await;
    let people: Vec<Person> =
        futures::future::join_all((0..3).map(|i| async move { app.person(org, &format!("f{i}@nuenen.nl")).await }))
            .await;
    let week = app.week(&[org], json!({})).await;
    let workshop = app.workshop(week, org, json!({"title": "Privacy in de praktijk"})).await;
    let session = app.session(workshop, 0, 10, 2, 5).await;
    let mut e = Vec::new();
    for who in &people {
        e.push(app.enrol(who, session).await.1);
    }
    move_session(app, session, Utc::now() - Duration::minutes(30), 120).await;
    for attended in &e[..2] {
        let code = stored_code(app, id(attended)).await;
        assert_eq!(check_in(app, &organiser, session, &code).await.status(), StatusCode::OK);
    }
    let page = format!("{}/feedback", app.base);
    assert_eq!(
        leerweek_store::feedback::queue_requests(&app.store, &page, Utc::now()).await.unwrap(),
        0,
        "not over yet"
    );
    move_session(app, session, Utc::now() - Duration::hours(3), 120).await;
    leerweek_store::attendance::close_finished(&app.store, Utc::now()).await.unwrap();
    assert_eq!(leerweek_store::feedback::queue_requests(&app.store, &page, Utc::now()).await.unwrap(), 2);
    assert_eq!(leerweek_store::feedback::queue_requests(&app.store, &page, Utc::now()).await.unwrap(), 0, "once");
    leerweek_mailer::run_once(&app.store, &sink.config(), Utc::now()).await.unwrap();
    let link_of = |who: &str| {
        let m = sink
            .received()
            .into_iter()
            .find(|m| m.to.contains(who) && m.text.as_deref().unwrap_or("").contains("/feedback?token="));
        let text = m.unwrap_or_else(|| panic!("no feedback mail to {who}")).text.unwrap();
        text.split_whitespace().find(|w| w.contains("/feedback?token=")).unwrap().to_owned()
    };
    let link = link_of("f0@");
    let asked: Vec<String> =
        sink.received().into_iter().filter(|m| m.subject.starts_with("Hoe was het?")).map(|m| m.to).collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked.iter().all(|to| !to.contains("f2@")), "no-shows are not asked: {asked:?}");

    // The link's page is a form that works without JavaScript.
    let form = app.client.get(&link).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(html.contains("Privacy in de praktijk") && html.contains(r#"name="rating""#), "{html}");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let post = |rating: &str| {
        let body =
            [("token", token.as_str()), ("rating", rating), ("comment", "Heel nuttig & praktisch; meer oefenen graag")];
        app.client.post(app.url("/feedback")).form(&body).send()
    };
    let bad = post("7").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let done = post("4").await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("Dank je wel"));
    let again = post("5").await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "once per enrolment");
    let (st, about) = app.send(app.client.get(app.url(&format!("/api/v1/feedback?token={token}")))).await;
    assert_eq!((st, &about["given"]), (StatusCode::OK, &json!(true)));
    let unknown = app.client.get(app.url("/api/v1/feedback?token=fb_onbekend")).send().await.unwrap();
    expect_problem(unknown, StatusCode::BAD_REQUEST, "feedback-link-invalid").await;

    // Signed in, on one's own enrolment; two answers at once: one counts.
    let give = |who: &Person, enrolment: &Value, rating: i64| {
        let req =
            app.client.post(app.url(&format!("/api/v1/enrolments/{}/feedback", id(enrolment)))).bearer_auth(&who.token);
        req.json(&json!({"rating": rating})).send()
    };
    let (a, b) = futures::join!(give(&people[1], &e[1], 2), give(&people[1], &e[1], 3));
    let mut statuses = [a.unwrap().status(), b.unwrap().status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    expect_problem(give(&people[2], &e[2], 4).await.unwrap(), StatusCode::CONFLICT, "feedback-not-attended").await;
    expect_problem(give(&people[2], &e[0], 4).await.unwrap(), StatusCode::NOT_FOUND, "not-found").await;

    // Organisers read averages and comments, never names.
    let (st, f) = app.get(&organiser.token, &format!("/api/v1/workshops/{workshop}/feedback")).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["count"], 2);
    let average = f["average"].as_f64().unwrap();
    assert!(average == 3.0 || average == 3.5, "4 and (2 or 3): {f}");
    assert_eq!(f["comments"][0]["comment"], "Heel nuttig & praktisch; meer oefenen graag");
    assert!(!f.to_string().contains("f0@") && !f.to_string().contains(&people[0].id.to_string()), "{f}");
    let (st, _) = app.get(&people[0].token, &format!("/api/v1/workshops/{workshop}/feedback")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // Erasure removes the comment, the rating stays in the figures.
    let (st, _) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", people[0].id), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, f) = app.get(&organiser.token, &format!("/api/v1/workshops/{workshop}/feedback")).await;
    assert_eq!((f["count"].as_u64(), f["comments"].as_array().map(Vec::len)), (Some(2), Some(0)), "{f}");
}
