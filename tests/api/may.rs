//! The `may` of a week, a workshop and a session tells the truth: for an admin, the host's
//! organiser, a partner municipality's organiser, an employee and a trainer, each flag is true
//! exactly when the operation it stands for is not refused (403, or 404 where the API hides
//! what the actor may not touch).

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use chrono::Duration;
use leerweek_testkit::api::{first_day, local};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(every_may_flag_is_true_exactly_when_the_api_allows_the_operation);

fn refused(st: StatusCode) -> bool {
    st == StatusCode::FORBIDDEN || st == StatusCode::NOT_FOUND
}

/// One flag against one call: `flag` ⇔ the call was not refused; a call that is not refused
/// succeeds or is refused for another reason than who is asking (state, body).
fn check(failures: &mut Vec<String>, who: &str, what: &str, flag: &Value, (st, body): (StatusCode, Value)) {
    let flag = flag.as_bool().unwrap_or_else(|| panic!("{who}: {what} is not a flag: {flag}"));
    let allowed = !refused(st);
    if allowed && !(st.is_success() || st == StatusCode::CONFLICT || st == StatusCode::UNPROCESSABLE_ENTITY) {
        failures.push(format!("{who}: {what} answered {st}: {body}"));
    }
    if flag != allowed {
        failures.push(format!("{who}: may.{what} is {flag}, but the call answered {st}: {body}"));
    }
}

async fn session_of(app: &TestApp, workshop: Uuid, hour: u32, trainer: Option<Uuid>) -> Uuid {
    let start = local(first_day() + Duration::days(1), hour);
    let body = json!({"starts_at": start, "ends_at": start + Duration::hours(1), "capacity": 50,
        "location": {"venue": "Stadhuis"}, "trainer_id": trainer});
    let (st, b) = app.post(&app.admin, &format!("/api/v1/workshops/{workshop}/sessions"), body).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    id(&b)
}

async fn every_may_flag_is_true_exactly_when_the_api_allows_the_operation(app: &TestApp) {
    let (host, partner) = (app.org("Enkhuizen").await, app.org("Nuenen").await);
    let organiser = |org: Uuid, email: &'static str| async move {
        let p = app.person(org, email).await;
        let (st, b) =
            app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": "organiser"})).await;
        assert!(st.is_success(), "{b}");
        p
    };
    let host_organiser = organiser(host, "organisator@enkhuizen.test").await;
    let partner_organiser = organiser(partner, "organisator@nuenen.test").await;
    let employee = app.person(host, "medewerker@enkhuizen.test").await;
    let trainer = app.person(partner, "trainer@nuenen.test").await;
    let admin = Person { id: Uuid::nil(), token: app.admin.clone() };

    let event = app.week(&[host, partner], json!({})).await;
    let workshop = app.workshop(event, host, json!({})).await;
    let session = session_of(app, workshop, 10, Some(trainer.id)).await;

    let actors = [
        ("admin", &admin),
        ("host organiser", &host_organiser),
        ("partner organiser", &partner_organiser),
        ("employee", &employee),
        ("trainer", &trainer),
    ];
    let mut failures = Vec::new();
    for (n, (who, actor)) in actors.into_iter().enumerate() {
        let t = &actor.token;

        // The week.
        let (st, e) = app.get(t, &format!("/api/v1/events/{event}")).await;
        assert_eq!(st, StatusCode::OK, "{who}: {e}");
        let may = &e["may"];
        check(
            &mut failures,
            who,
            "edit",
            &may["edit"],
            app.patch(t, &format!("/api/v1/events/{event}"), json!({})).await,
        );
        // Publishing a published week changes nothing; archiving it is a conflict (not closed yet).
        check(
            &mut failures,
            who,
            "set_status",
            &may["set_status"],
            app.post(t, &format!("/api/v1/events/{event}/publish"), json!({})).await,
        );
        check(
            &mut failures,
            who,
            "archive",
            &may["archive"],
            app.post(t, &format!("/api/v1/events/{event}/archive"), json!({})).await,
        );
        check(
            &mut failures,
            who,
            "manage_organisations",
            &may["manage_organisations"],
            app.patch(t, &format!("/api/v1/events/{event}"), json!({"organisation_ids": [host, partner]})).await,
        );
        let hosts: Vec<Uuid> = serde_json::from_value(may["manage_workshops_of"].clone()).expect("a list of ids");
        for org in [host, partner] {
            let body = json!({"title": format!("Nieuw {n}"), "description": "Iets.", "theme": "kennis", "host_organisation_id": org});
            let r = app.post(t, &format!("/api/v1/events/{event}/workshops"), body).await;
            check(&mut failures, who, &format!("manage_workshops_of ∋ {org}"), &json!(hosts.contains(&org)), r);
        }

        // The workshop.
        let (st, w) = app.get(t, &format!("/api/v1/workshops/{workshop}")).await;
        assert_eq!(st, StatusCode::OK, "{who}: {w}");
        let may = &w["may"];
        check(
            &mut failures,
            who,
            "workshop.edit",
            &may["edit"],
            app.patch(t, &format!("/api/v1/workshops/{workshop}"), json!({})).await,
        );
        let start = local(first_day() + Duration::days(2), 9 + n as u32);
        let body = json!({"starts_at": start, "ends_at": start + Duration::hours(1), "capacity": 5, "location": {"venue": "Stadhuis"}});
        check(
            &mut failures,
            who,
            "workshop.add_session",
            &may["add_session"],
            app.post(t, &format!("/api/v1/workshops/{workshop}/sessions"), body).await,
        );
        check(
            &mut failures,
            who,
            "workshop.see_feedback",
            &may["see_feedback"],
            app.get(t, &format!("/api/v1/workshops/{workshop}/feedback")).await,
        );
        // Cancelling is tried on a workshop of its own.
        let doomed = app.workshop(event, host, json!({"title": format!("Vervalt {n}")})).await;
        let (_, d) = app.get(t, &format!("/api/v1/workshops/{doomed}")).await;
        check(
            &mut failures,
            who,
            "workshop.cancel",
            &d["may"]["cancel"],
            app.post(t, &format!("/api/v1/workshops/{doomed}/cancel"), json!({})).await,
        );

        // The session, in the list of the workshop and on its own.
        let (st, list) = app.get(t, &format!("/api/v1/workshops/{workshop}/sessions")).await;
        assert_eq!(st, StatusCode::OK, "{who}: {list}");
        let (st, s) = app.get(t, &format!("/api/v1/sessions/{session}")).await;
        assert_eq!(st, StatusCode::OK, "{who}: {s}");
        let listed = list.as_array().expect("sessions").iter().find(|x| id(x) == session).expect("the session listed");
        assert_eq!(listed["may"], s["may"], "{who}: the list and the session disagree");
        let may = &s["may"];
        let path = format!("/api/v1/sessions/{session}");
        check(&mut failures, who, "session.edit", &may["edit"], app.patch(t, &path, json!({})).await);
        check(
            &mut failures,
            who,
            "session.see_participants",
            &may["see_participants"],
            app.get(t, &format!("{path}/enrolments")).await,
        );
        check(
            &mut failures,
            who,
            "session.export",
            &may["export"],
            app.get(t, &format!("{path}/enrolments?format=csv")).await,
        );
        // Too early to record attendance (409) unless refused first.
        check(
            &mut failures,
            who,
            "session.check_in (code)",
            &may["check_in"],
            app.post(t, &format!("{path}/check-in"), json!({"code": "ABCD-EFGH-JKMN"})).await,
        );
        check(
            &mut failures,
            who,
            "session.check_in (all present)",
            &may["check_in"],
            app.post(t, &format!("{path}/attendance/all-present"), json!({})).await,
        );
        check(
            &mut failures,
            who,
            "session.message",
            &may["message"],
            app.post(t, &format!("{path}/messages"), json!({"subject": "Zaal", "body": "Zaal 3."})).await,
        );
        check(
            &mut failures,
            who,
            "session.see_contacts",
            &may["see_contacts"],
            app.get(t, &format!("{path}/contacts")).await,
        );
        // Anyone's enrolment: one of each municipality's people, enrolled for this actor.
        let mut cancelled = Vec::new();
        for org in [host, partner] {
            let p = app.person(org, &format!("deelnemer{n}-{org}@test.nl")).await;
            let (st, en) = app.enrol(&p, session).await;
            assert_eq!(st, StatusCode::CREATED, "{en}");
            let (st, b) = app.delete(t, &format!("/api/v1/enrolments/{}", id(&en))).await;
            cancelled.push((st, b));
        }
        let everyone = cancelled.iter().all(|(st, _)| st.is_success());
        let (st, b) = cancelled.into_iter().find(|(st, _)| !st.is_success()).unwrap_or((StatusCode::OK, Value::Null));
        assert!(everyone || refused(st), "{who}: cancelling an enrolment answered {st}: {b}");
        check(&mut failures, who, "session.cancel_enrolments", &may["cancel_enrolments"], (st, b));
        // Cancelling is tried on a session of its own.
        let doomed = session_of(app, workshop, 14 + n as u32 % 4, None).await;
        let (_, d) = app.get(t, &format!("/api/v1/sessions/{doomed}")).await;
        check(
            &mut failures,
            who,
            "session.cancel",
            &d["may"]["cancel"],
            app.post(t, &format!("/api/v1/sessions/{doomed}/cancel"), json!({})).await,
        );
    }
    assert!(failures.is_empty(), "{} flags disagree with the API:\n{}", failures.len(), failures.join("\n"));

    // What the roles make of it, spelled out for the two organisers.
    let (_, e) = app.get(&partner_organiser.token, &format!("/api/v1/events/{event}")).await;
    assert_eq!(e["may"]["manage_workshops_of"], json!([partner]), "{e}");
    let (_, s) = app.get(&partner_organiser.token, &format!("/api/v1/sessions/{session}")).await;
    let may = s["may"].as_object().expect("may");
    assert!(may.iter().all(|(k, v)| *v == (k == "see_contacts")), "only whom to ask: {s}");
    let (_, s) = app.get(&host_organiser.token, &format!("/api/v1/sessions/{session}")).await;
    assert!(s["may"].as_object().expect("may").values().all(|v| v == true), "{s}");
    // Whom the partner asks: the host's organisers, not the host's other people.
    let (st, c) = app.get(&partner_organiser.token, &format!("/api/v1/sessions/{session}/contacts")).await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c, json!([{"name": "organisator@enkhuizen.test", "email": "organisator@enkhuizen.test"}]));
}
