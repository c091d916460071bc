//! Manager approval (issue 25): in a week or workshop that asks for it, a seat waits for the
//! person's manager, holding the seat; approval makes it final (the tentative invite becomes a
//! definite one), a decline or no decision in time releases it as a cancellation would and the
//! waiting list moves up, in order. Only the manager (without one: the organisation's
//! organisers; admins) decides, also through the signed links of the mail.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use crate::smtp::{SmtpSink, calendar_props, deliver, link_after};
use chrono::{Duration, Utc};
use leerweek_store::enrolments::approval::lapse_due;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    a_seat_waits_for_the_manager_who_approves_it_from_the_mail_and_the_invite_becomes_final,
    a_decline_releases_the_seat_and_the_waiting_list_moves_up_in_order,
    an_unanswered_request_lapses_by_the_minute_job_and_the_next_in_line_is_asked,
    only_the_manager_or_without_one_the_organisations_organisers_decide,
    a_decline_link_takes_a_reason_and_a_replaced_managers_link_decides_nothing,
    a_seat_still_waiting_for_the_manager_is_not_marked_present_or_absent,
);

/// A person in `org` with `manager` (or none), with a token.
async fn employee(app: &TestApp, org: Uuid, email: &str, manager: Option<Uuid>) -> Person {
    let (st, b) = app
        .post(
            &app.admin,
            "/api/v1/people",
            json!({"email": email, "name": email.split('@').next().unwrap(), "organisation_id": org, "manager_id": manager}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let person = id(&b);
    Person { id: person, token: app.token(person).await }
}

async fn grant(app: &TestApp, who: &Person, role: &str) {
    let (st, b) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", who.id), json!({"role": role})).await;
    assert!(st.is_success(), "{b}");
}

async fn enrolment(app: &TestApp, who: &Person, e: Uuid) -> Value {
    let (st, body) = app.get(&who.token, &format!("/api/v1/enrolments/{e}")).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body
}

async fn event_of(app: &TestApp, session: Uuid) -> Uuid {
    let (_, s) = app.get(&app.admin, &format!("/api/v1/sessions/{session}")).await;
    s["event_id"].as_str().unwrap().parse().unwrap()
}

/// A week asking for manager approval, one workshop, and its session of `capacity` seats.
async fn approval_week(app: &TestApp, org: Uuid, capacity: i64) -> Uuid {
    let ev = app.week(&[org], json!({"approval": "manager", "approval_hours": 72})).await;
    let w = app.workshop(ev, org, json!({"title": "Coachend leiderschap"})).await;
    app.session(w, 0, 10, 2, capacity).await
}

async fn a_seat_waits_for_the_manager_who_approves_it_from_the_mail_and_the_invite_becomes_final(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Enkhuizen").await;
    let mia = employee(app, org, "mia@enkhuizen.nl", None).await;
    grant(app, &mia, "manager").await;
    let anna = employee(app, org, "anna@enkhuizen.nl", Some(mia.id)).await;
    let s = approval_week(app, org, 2).await;

    let (st, e) = app.enrol(&anna, s).await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    assert_eq!((e["status"].as_str(), e["approval"].as_str()), (Some("pending_approval"), Some("pending")), "{e}");
    let due: chrono::DateTime<Utc> = e["approval_due_at"].as_str().unwrap().parse().unwrap();
    assert!((due - (Utc::now() + Duration::hours(72))).num_minutes().abs() <= 1, "72 hours to decide: {due}");
    assert!(e.get("check_in_code").is_none(), "no check-in code before approval");
    assert_eq!(app.session_counts(s).await, (1, 0), "the pending seat is held");

    // Mia's list; nobody else's.
    let (st, list) = app.get(&mia.token, "/api/v1/me/approvals").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!((list[0]["enrolment_id"].clone(), list[0]["person_name"].as_str()), (e["id"].clone(), Some("anna")));
    assert_eq!(app.get(&anna.token, "/api/v1/me/approvals").await.1, json!([]));
    let approvals_of_mia = || async {
        let (st, r) =
            app.get(&mia.token, &format!("/api/v1/events/{}/reports/participation", event_of(app, s).await)).await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let total = r["items"].as_array().unwrap().iter().find(|row| row["level"] == "total").cloned().unwrap();
        (total["approvals_pending"].as_i64(), total["approvals_approved"].as_i64())
    };
    assert_eq!(approvals_of_mia().await, (Some(1), Some(0)), "the manager's report counts what waits");

    deliver(app, &sink).await;
    let got = sink.received();
    let to_anna = got.iter().find(|m| m.to.contains("anna")).expect("Anna's mail");
    assert!(to_anna.subject.starts_with("Wacht op goedkeuring"), "{}", to_anna.subject);
    let (method, tentative) = calendar_props(&to_anna.calendar.clone().expect("a tentative invite").1);
    assert_eq!(
        (method.as_str(), tentative["STATUS"].as_str(), tentative["SEQUENCE"].as_str()),
        ("REQUEST", "TENTATIVE", "0")
    );
    assert!(link_after(to_anna.text.as_deref().unwrap(), "Afmelden").is_some(), "a pending seat can be given up");
    let to_mia = got.iter().find(|m| m.to.contains("mia")).expect("Mia's request");
    assert!(to_mia.subject.starts_with("Goedkeuring gevraagd: anna"), "{}", to_mia.subject);
    let text = to_mia.text.as_deref().unwrap();
    let approve = link_after(text, "Goedkeuren").expect("an approve link");
    assert!(link_after(text, "Afwijzen").is_some_and(|d| d.contains("/beslissen?t=")), "{text}");
    assert!(link_after(text, "Afmelden").is_none(), "the manager gets no cancel link: {text}");

    // The link shows who asks for what; its button approves as Mia.
    let page = app.client.get(&approve).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("anna") && html.contains("Coachend leiderschap") && html.contains(">Goedkeuren</button>"));
    let token = approve.split("?t=").nth(1).unwrap();
    let res = app
        .client
        .post(app.url("/beslissen"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("t={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Goedgekeurd"));
    let now = enrolment(app, &anna, id(&e)).await;
    assert_eq!((now["status"].as_str(), now["approval"].as_str()), (Some("confirmed"), Some("approved")), "{now}");
    assert!(now["check_in_code"].is_string(), "the check-in code comes with the final seat");
    assert_eq!(approvals_of_mia().await, (Some(0), Some(1)));
    assert_eq!(app.session_counts(s).await, (1, 0));

    // Once: again through the API it is decided already, and the link only says so.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/enrolments/{}/approve", id(&e))))
        .bearer_auth(&mia.token)
        .send()
        .await
        .unwrap();
    crate::harness::expect_problem(res, StatusCode::CONFLICT, "approval-not-pending").await;
    let again = app.client.get(&approve).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("is al goedgekeurd"), "{again}");

    // The confirmation replaces the tentative appointment: same UID, higher SEQUENCE, CONFIRMED.
    deliver(app, &sink).await;
    let got = sink.received();
    let approved = got.iter().filter(|m| m.to.contains("anna")).nth(1).expect("the confirmation");
    assert!(approved.subject.starts_with("Goedgekeurd"), "{}", approved.subject);
    let (_, fin) = calendar_props(&approved.calendar.clone().expect("an invite").1);
    assert_eq!((fin["STATUS"].as_str(), fin["SEQUENCE"].as_str()), ("CONFIRMED", "1"));
    assert_eq!(fin["UID"], tentative["UID"]);

    // Audited, as Mia's decision through the mail.
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={}", id(&e))).await;
    let decisions: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|i| i["action"] == "enrolment.approve").collect();
    assert_eq!(decisions.len(), 1, "{log}");
    assert_eq!(decisions[0]["actor_id"], json!(mia.id));
    assert_eq!(decisions[0]["after"]["via"], "mail_link");
}

async fn a_decline_releases_the_seat_and_the_waiting_list_moves_up_in_order(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Nuenen").await;
    let mia = employee(app, org, "mia@nuenen.nl", None).await;
    grant(app, &mia, "manager").await;
    let anna = employee(app, org, "anna@nuenen.nl", Some(mia.id)).await;
    let bram = employee(app, org, "bram@nuenen.nl", Some(mia.id)).await;
    let cor = employee(app, org, "cor@nuenen.nl", Some(mia.id)).await;
    let s = approval_week(app, org, 1).await;
    let (_, ea) = app.enrol(&anna, s).await;
    let (_, eb) = app.enrol(&bram, s).await;
    let (_, ec) = app.enrol(&cor, s).await;
    let statuses = [&ea, &eb, &ec].map(|e| e["status"].as_str().unwrap().to_owned());
    assert_eq!(statuses, ["pending_approval", "waitlisted", "waitlisted"], "a waiting place needs no approval yet");
    assert_eq!(app.session_counts(s).await, (1, 2));

    let (st, b) = app
        .post(
            &mia.token,
            &format!("/api/v1/enrolments/{}/decline", id(&ea)),
            json!({"reason": "Drukke week <b>bij ons</b>"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!((b["status"].as_str(), b["approval"].as_str()), (Some("cancelled"), Some("declined")));
    // Bram was next: his waiting place turned into a seat, which now waits for Mia; Cor moves up.
    let b_now = enrolment(app, &bram, id(&eb)).await;
    assert_eq!((b_now["status"].as_str(), b_now["approval"].as_str()), (Some("pending_approval"), Some("pending")));
    let c_now = enrolment(app, &cor, id(&ec)).await;
    assert_eq!((c_now["status"].as_str(), c_now["waitlist_position"].as_u64()), (Some("waitlisted"), Some(1)));
    assert_eq!(app.session_counts(s).await, (1, 1));

    // Declining Bram without a body: Cor's turn.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/enrolments/{}/decline", id(&eb))))
        .bearer_auth(&mia.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(enrolment(app, &cor, id(&ec)).await["status"], "pending_approval");

    deliver(app, &sink).await;
    let got = sink.received();
    let declined =
        got.iter().find(|m| m.to.contains("anna") && m.subject.starts_with("Niet goedgekeurd")).expect("Anna is told");
    let text = declined.text.as_deref().unwrap();
    assert!(text.contains("Reden: Drukke week <b>bij ons</b>"), "{text}");
    assert!(declined.html.as_deref().unwrap().contains("Drukke week &lt;b&gt;bij ons&lt;&#x2f;b&gt;"));
    let (method, cancel) = calendar_props(&declined.calendar.clone().expect("the tentative appointment is removed").1);
    assert_eq!((method.as_str(), cancel["STATUS"].as_str(), cancel["SEQUENCE"].as_str()), ("CANCEL", "CANCELLED", "1"));
    let requests: Vec<_> = got.iter().filter(|m| m.to.contains("mia")).map(|m| m.subject.clone()).collect();
    assert_eq!(requests.len(), 3, "Mia was asked about Anna, then Bram, then Cor: {requests:?}");
}

async fn an_unanswered_request_lapses_by_the_minute_job_and_the_next_in_line_is_asked(app: &TestApp) {
    let org = app.org("Drechterland").await;
    let mia = employee(app, org, "mia@drechterland.nl", None).await;
    grant(app, &mia, "manager").await;
    let anna = employee(app, org, "anna@drechterland.nl", Some(mia.id)).await;
    let bram = employee(app, org, "bram@drechterland.nl", Some(mia.id)).await;
    let s = approval_week(app, org, 1).await;
    let (_, ea) = app.enrol(&anna, s).await;
    let (_, eb) = app.enrol(&bram, s).await;

    assert_eq!(lapse_due(&app.store, Utc::now()).await.unwrap(), 0, "not due yet");
    let later = Utc::now() + Duration::hours(73);
    assert_eq!(lapse_due(&app.store, later).await.unwrap(), 1);
    assert_eq!(lapse_due(&app.store, later).await.unwrap(), 0, "once");
    let a = enrolment(app, &anna, id(&ea)).await;
    assert_eq!((a["status"].as_str(), a["approval"].as_str()), (Some("cancelled"), Some("lapsed")), "{a}");
    assert_eq!(enrolment(app, &bram, id(&eb)).await["status"], "pending_approval");
    assert_eq!(app.session_counts(s).await, (1, 0));
    let res = app
        .client
        .post(app.url(&format!("/api/v1/enrolments/{}/approve", id(&ea))))
        .bearer_auth(&mia.token)
        .send()
        .await
        .unwrap();
    let p = crate::harness::expect_problem(res, StatusCode::CONFLICT, "approval-not-pending").await;
    assert!(p["detail"].as_str().unwrap().contains("niet op tijd"), "{p}");
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={}", id(&ea))).await;
    assert!(log["items"].as_array().unwrap().iter().any(|i| i["action"] == "enrolment.approval_lapsed"), "{log}");
    let mails = app.sql().await.scalar_i64("SELECT count(*) FROM outbox WHERE kind = 'approval_declined'").await;
    assert_eq!(mails, 1, "Anna is told her seat lapsed");
}

async fn only_the_manager_or_without_one_the_organisations_organisers_decide(app: &TestApp) {
    let org = app.org("Stede Broec").await;
    let other = app.org("Enkhuizen").await;
    let mia = employee(app, org, "mia@stedebroec.nl", None).await;
    grant(app, &mia, "manager").await;
    let olaf = employee(app, org, "olaf@stedebroec.nl", None).await;
    grant(app, &olaf, "organiser").await;
    let otto = employee(app, other, "otto@enkhuizen.nl", None).await;
    grant(app, &otto, "organiser").await;
    let anna = employee(app, org, "anna@stedebroec.nl", Some(mia.id)).await;
    let bob = employee(app, org, "bob@stedebroec.nl", None).await;
    // The week asks nothing; one workshop asks for approval, and in a week that asks, a
    // workshop can say it does not.
    let ev = app.week(&[org, other], json!({})).await;
    let w = app.workshop(ev, org, json!({"title": "Privacy", "approval": "manager"})).await;
    let s = app.session(w, 0, 10, 2, 5).await;
    let free = app.workshop(ev, org, json!({"title": "Tekenen"})).await;
    let s_free = app.session(free, 1, 10, 2, 5).await;
    let (_, ea) = app.enrol(&anna, s).await;
    let (_, eb) = app.enrol(&bob, s).await;
    assert_eq!((ea["status"].as_str(), eb["status"].as_str()), (Some("pending_approval"), Some("pending_approval")));
    assert_eq!(app.enrol(&anna, s_free).await.1["status"], "confirmed", "the week itself asks nothing");

    let decide = |who: &Person, e: &Value| {
        let url = app.url(&format!("/api/v1/enrolments/{}/approve", id(e)));
        let token = who.token.clone();
        async move { app.client.post(url).bearer_auth(token).send().await.unwrap().status() }
    };
    // Anna has a manager: Mia decides; not the organiser, not Anna herself, not another
    // organisation's organiser.
    for who in [&olaf, &anna, &otto] {
        assert_eq!(decide(who, &ea).await, StatusCode::NOT_FOUND);
    }
    // Bob has none: his organisation's organisers decide; not Mia.
    assert_eq!(decide(&mia, &eb).await, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&olaf.token, "/api/v1/me/approvals").await.1.as_array().unwrap().len(), 1);
    assert_eq!(app.get(&otto.token, "/api/v1/me/approvals").await.1, json!([]));
    assert_eq!(decide(&olaf, &eb).await, StatusCode::OK);
    assert_eq!(decide(&mia, &ea).await, StatusCode::OK);

    // A pending seat given up by the person is withdrawn: nobody decides any more.
    let (_, ec) = app.enrol(&bob, s_free).await;
    assert_eq!(ec["status"], "confirmed");
    let carl = employee(app, org, "carl@stedebroec.nl", Some(mia.id)).await;
    let (_, e_carl) = app.enrol(&carl, s).await;
    let (st, b) = app.delete(&carl.token, &format!("/api/v1/enrolments/{}", id(&e_carl))).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!((b["status"].as_str(), b["approval"].as_str()), (Some("cancelled"), Some("withdrawn")));
    assert_eq!(decide(&mia, &e_carl).await, StatusCode::CONFLICT);
    assert_eq!(app.get(&mia.token, "/api/v1/me/approvals").await.1, json!([]));

    // Approval and a lottery do not go together (yet): a clear 422 on the field.
    let res = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(&app.admin)
        .json(
            &json!({"name": "Loting", "starts_on": crate::harness::first_day(), "ends_on": crate::harness::first_day(),
            "enrolment_opens_at": Utc::now(), "enrolment_closes_at": Utc::now() + Duration::days(2),
            "organisation_ids": [org], "allocation": "lottery", "approval": "manager"}),
        )
        .send()
        .await
        .unwrap();
    let p = crate::harness::expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field").await;
    assert_eq!(p["field"], "approval", "{p}");
    let (st, b) = app.patch(&app.admin, &format!("/api/v1/events/{ev}"), json!({"approval_hours": 0})).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("approval_hours")), "{b}");
}

async fn a_decline_link_takes_a_reason_and_a_replaced_managers_link_decides_nothing(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Geldrop-Mierlo").await;
    let mia = employee(app, org, "mia@geldrop.nl", None).await;
    let max = employee(app, org, "max@geldrop.nl", None).await;
    grant(app, &mia, "manager").await;
    grant(app, &max, "manager").await;
    let anna = employee(app, org, "anna@geldrop.nl", Some(mia.id)).await;
    let bram = employee(app, org, "bram@geldrop.nl", Some(mia.id)).await;
    let s = approval_week(app, org, 5).await;
    let (_, ea) = app.enrol(&anna, s).await;
    let (_, eb) = app.enrol(&bram, s).await;
    deliver(app, &sink).await;
    let got = sink.received();
    let decline_of = |who: &str| {
        let m = got.iter().find(|m| m.to.contains("mia") && m.subject.contains(who)).expect("Mia's request");
        link_after(m.text.as_deref().unwrap(), "Afwijzen").expect("a decline link")
    };
    let (for_anna, for_bram) = (decline_of("anna"), decline_of("bram"));

    // The decline page asks for an optional reason; its button declines with it.
    let html = app.client.get(&for_bram).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<textarea id=\"reason\" name=\"reason\"") && html.contains(">Afwijzen</button>"), "{html}");
    assert!(html.contains("Toch goedkeuren?"), "the other decision is one click away");
    let post = |link: &str, reason: &str| {
        let token = link.split("?t=").nth(1).unwrap().to_owned();
        let body = format!("t={token}&reason={}", reason.replace(' ', "+"));
        async move {
            let res = app
                .client
                .post(app.url("/beslissen"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (st, page) = post(&for_bram, "Te druk deze week").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert!(page.contains("Afgewezen"), "{page}");
    let b = enrolment(app, &bram, id(&eb)).await;
    assert_eq!((b["status"].as_str(), b["approval"].as_str()), (Some("cancelled"), Some("declined")));
    let reason = app
        .sql()
        .await
        .one::<String>("SELECT approval_reason FROM enrolments WHERE approval = 'declined'", [])
        .await
        .unwrap();
    assert_eq!(reason, "Te druk deze week");

    // Anna moves to Max (the people file says so): the link mailed to Mia no longer decides.
    let file = "email,name,organisation,org_unit,manager_email\nanna@geldrop.nl,anna,Geldrop-Mierlo,,max@geldrop.nl\n";
    let res = app
        .client
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(&app.admin)
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let (st, page) = post(&for_anna, "").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{page}");
    assert_eq!(enrolment(app, &anna, id(&ea)).await["approval"], "pending");
    assert_eq!(app.get(&mia.token, "/api/v1/me/approvals").await.1, json!([]));
    assert_eq!(app.get(&max.token, "/api/v1/me/approvals").await.1.as_array().unwrap().len(), 1);
    // A form posted from another site decides nothing either.
    let token = for_anna.split("?t=").nth(1).unwrap();
    let res = app
        .client
        .post(app.url("/beslissen"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(format!("t={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// The check-in list opens before the session starts, while a seat may still wait for the
/// manager (its request is due at the start): such a seat is held, not given, so nobody marks it
/// present (no minutes credited) or absent, one by one or all at once.
async fn a_seat_still_waiting_for_the_manager_is_not_marked_present_or_absent(app: &TestApp) {
    use leerweek_domain::attendance::{Attendance, AttendanceError};
    use leerweek_store::{StoreError, attendance, people};
    let org = app.org("Enkhuizen").await;
    let mia = employee(app, org, "mia@enkhuizen.nl", None).await;
    grant(app, &mia, "manager").await;
    let anna = employee(app, org, "anna@enkhuizen.nl", Some(mia.id)).await;
    let bram = employee(app, org, "bram@enkhuizen.nl", Some(mia.id)).await;
    let s = approval_week(app, org, 2).await;
    let (_, ea) = app.enrol(&anna, s).await;
    let (_, eb) = app.enrol(&bram, s).await;
    let (st, b) = app.post(&mia.token, &format!("/api/v1/enrolments/{}/approve", id(&eb)), json!({})).await;
    assert!(st.is_success(), "{b}");
    assert_eq!(enrolment(app, &anna, id(&ea)).await["status"], "pending_approval");

    let (_, session) = app.get(&app.admin, &format!("/api/v1/sessions/{s}")).await;
    let starts_at: chrono::DateTime<Utc> = serde_json::from_value(session["starts_at"].clone()).unwrap();
    let at_the_door = starts_at - Duration::minutes(5);
    let admin = people::authenticate(&app.store, &app.admin).await.unwrap().expect("the admin");
    for mark in [Some(Attendance::Present), Some(Attendance::Absent)] {
        let refused = attendance::mark(&app.store, &admin, id(&ea), mark, at_the_door).await;
        assert!(
            matches!(refused, Err(StoreError::Attendance(AttendanceError::NotConfirmed))),
            "a pending seat is not marked {mark:?}: {refused:?}"
        );
    }
    assert_eq!(attendance::mark_all_present(&app.store, &admin, s, at_the_door).await.unwrap(), 1, "Bram only");
    let a = enrolment(app, &anna, id(&ea)).await;
    assert!(a["attendance"].is_null(), "no mark, so no minutes credited either: {a}");
    assert_eq!(enrolment(app, &bram, id(&eb)).await["attendance"], "present");
    // After the end, closing the list makes no no-show of her either (the lapse job releases her seat).
    let after = starts_at + Duration::hours(3);
    assert_eq!(attendance::close_list(&app.store, &admin, s, after).await.unwrap(), 0);
    assert!(enrolment(app, &anna, id(&ea)).await["attendance"].is_null());
}
