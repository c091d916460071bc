//! The enrolment rules end to end, each refusal a problem naming the rule.

use crate::harness::{TestApp, expect_problem, first_day, id, local};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    enrolling_twice_returns_the_existing_enrolment,
    a_full_session_waitlists_and_a_cancellation_promotes_the_first_in_line,
    enrolment_outside_the_window_or_in_a_draft_week_is_refused,
    a_host_only_workshop_refuses_other_municipalities,
    the_per_person_limit_is_enforced,
    after_the_deadline_only_an_organiser_can_cancel,
    people_outside_the_week_see_nothing_and_employees_cannot_administer,
    the_programme_shows_live_seats_and_filters,
);

async fn enrolling_twice_returns_the_existing_enrolment(app: &TestApp) {
    let org = app.org("Geldrop-Mierlo").await;
    let p = app.person(org, "p@gm.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 5).await;
    let (s1, b1) = app.enrol(&p, s).await;
    let (s2, b2) = app.enrol(&p, s).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(id(&b1), id(&b2));
    assert_eq!(app.session_counts(s).await, (1, 0));
}

async fn a_full_session_waitlists_and_a_cancellation_promotes_the_first_in_line(app: &TestApp) {
    let org = app.org("Son en Breugel").await;
    let (a, b, c) =
        (app.person(org, "a@sb.nl").await, app.person(org, "b@sb.nl").await, app.person(org, "c@sb.nl").await);
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 1).await;
    let (_, ea) = app.enrol(&a, s).await;
    let (_, eb) = app.enrol(&b, s).await;
    let (_, ec) = app.enrol(&c, s).await;
    assert_eq!(ea["status"], "confirmed");
    assert_eq!((eb["status"].as_str(), eb["waitlist_position"].as_u64()), (Some("waitlisted"), Some(1)));
    assert_eq!(ec["waitlist_position"], 2);
    let (st, cancelled) = app.delete(&a.token, &format!("/api/v1/enrolments/{}", id(&ea))).await;
    assert_eq!((st, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")));
    let (_, nb) = app.get(&b.token, &format!("/api/v1/enrolments/{}", id(&eb))).await;
    assert_eq!(nb["status"], "confirmed", "first in line promoted in the same transaction");
    let (_, nc) = app.get(&c.token, &format!("/api/v1/enrolments/{}", id(&ec))).await;
    assert_eq!(nc["waitlist_position"], 1, "the queue moved up");
    assert_eq!(app.session_counts(s).await, (1, 1));
    // Cancelling again changes nothing.
    let (st, again) = app.delete(&a.token, &format!("/api/v1/enrolments/{}", id(&ea))).await;
    assert_eq!((st, again["status"].as_str()), (StatusCode::OK, Some("cancelled")));
    assert_eq!(app.session_counts(s).await, (1, 1));
}

async fn enrolment_outside_the_window_or_in_a_draft_week_is_refused(app: &TestApp) {
    let org = app.org("Krimpen aan den IJssel").await;
    let p = app.person(org, "p@krimpen.nl").await;
    let later = app.week(&[org], json!({"enrolment_opens_at": Utc::now() + Duration::days(1)})).await;
    let s = app.session(app.workshop(later, org, json!({})).await, 0, 10, 2, 5).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/sessions/{s}/enrolments")))
        .bearer_auth(&p.token)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::CONFLICT, "enrolment-not-open").await;

    let (st, b) = app
        .patch(&app.admin, &format!("/api/v1/events/{later}"), json!({"enrolment_opens_at": Utc::now() - Duration::days(2), "enrolment_closes_at": Utc::now() - Duration::days(1)}))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let res = app
        .client
        .post(app.url(&format!("/api/v1/sessions/{s}/enrolments")))
        .bearer_auth(&p.token)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::CONFLICT, "enrolment-closed").await;

    let (st, draft) = app
        .post(&app.admin, "/api/v1/events", json!({"name": "Concept", "starts_on": first_day(), "ends_on": first_day(),
            "enrolment_opens_at": Utc::now() - Duration::hours(1), "enrolment_closes_at": Utc::now() + Duration::days(3), "organisation_ids": [org]}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{draft}");
    let ds = app.session(app.workshop(id(&draft), org, json!({})).await, 0, 10, 2, 5).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/sessions/{ds}/enrolments")))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::CONFLICT, "event-not-published").await;
    // Employees do not even see a draft week.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/sessions/{ds}/enrolments")))
        .bearer_auth(&p.token)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::NOT_FOUND, "not-found").await;
}

async fn a_host_only_workshop_refuses_other_municipalities(app: &TestApp) {
    let host = app.org("Enkhuizen").await;
    let other = app.org("Nuenen").await;
    let guest = app.person(other, "gast@nuenen.nl").await;
    let local_person = app.person(host, "thuis@enkhuizen.nl").await;
    let ev = app.week(&[host, other], json!({})).await;
    let s = app.session(app.workshop(ev, host, json!({"audience": "host_only"})).await, 0, 10, 2, 5).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/sessions/{s}/enrolments")))
        .bearer_auth(&guest.token)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::CONFLICT, "not-eligible").await;
    assert_eq!(app.enrol(&local_person, s).await.0, StatusCode::CREATED);
}

async fn the_per_person_limit_is_enforced(app: &TestApp) {
    let org = app.org("Stede Broec").await;
    let p = app.person(org, "p@sb.nl").await;
    let ev = app.week(&[org], json!({"max_enrolments_per_person": 2})).await;
    let w = app.workshop(ev, org, json!({})).await;
    for day in 0..2 {
        let s = app.session(w, day, 10, 2, 5).await;
        assert_eq!(app.enrol(&p, s).await.0, StatusCode::CREATED);
    }
    let third = app.session(w, 3, 10, 2, 5).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/sessions/{third}/enrolments")))
        .bearer_auth(&p.token)
        .send()
        .await
        .unwrap();
    let body = expect_problem(res, StatusCode::CONFLICT, "limit-reached").await;
    assert!(body["detail"].as_str().unwrap().contains('2'), "{body}");
}

async fn after_the_deadline_only_an_organiser_can_cancel(app: &TestApp) {
    let org = app.org("Drechterland").await;
    let p = app.person(org, "p@drechterland.nl").await;
    let organiser = app.person(org, "hr@drechterland.nl").await;
    let (st, _) =
        app.post(&app.admin, &format!("/api/v1/people/{}/roles", organiser.id), json!({"role": "organiser"})).await;
    assert_eq!(st, StatusCode::OK);
    // A week that starts within the day, with a 48-hour deadline: it has already passed.
    let today = (Utc::now() + Duration::hours(3)).with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    let (st, ev) = app
        .post(&app.admin, "/api/v1/events", json!({"name": "Nu", "starts_on": today, "ends_on": today + Duration::days(1),
            "enrolment_opens_at": Utc::now() - Duration::hours(1), "enrolment_closes_at": Utc::now() + Duration::hours(2),
            "cancellation_deadline_hours": 48, "organisation_ids": [org]}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{ev}");
    let ev = id(&ev);
    app.post(&app.admin, &format!("/api/v1/events/{ev}/publish"), json!({})).await;
    let w = app.workshop(ev, org, json!({})).await;
    let start = Utc::now() + Duration::hours(3);
    let day = start.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    let start = if day == today { start } else { local(today, 23) };
    let (st, s) = app
        .post(&app.admin, &format!("/api/v1/workshops/{w}/sessions"), json!({"starts_at": start, "ends_at": start + Duration::minutes(30), "capacity": 3, "location": {"venue": "Stadhuis"}}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{s}");
    let (_, e) = app.enrol(&p, id(&s)).await;
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/enrolments/{}", id(&e))))
        .bearer_auth(&p.token)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::CONFLICT, "cancellation-deadline-passed").await;
    let (st, b) = app.delete(&organiser.token, &format!("/api/v1/enrolments/{}", id(&e))).await;
    assert_eq!((st, b["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{b}");
}

async fn people_outside_the_week_see_nothing_and_employees_cannot_administer(app: &TestApp) {
    let inside = app.org("Enkhuizen").await;
    let outside = app.org("Elders").await;
    let stranger = app.person(outside, "vreemd@elders.nl").await;
    let ev = app.week(&[inside], json!({})).await;
    let s = app.session(app.workshop(ev, inside, json!({})).await, 0, 10, 2, 5).await;
    let res =
        app.client.get(app.url(&format!("/api/v1/sessions/{s}"))).bearer_auth(&stranger.token).send().await.unwrap();
    expect_problem(res, StatusCode::NOT_FOUND, "not-found").await;
    let res = app
        .client
        .get(app.url(&format!("/api/v1/events/{ev}/programme")))
        .bearer_auth(&stranger.token)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::NOT_FOUND, "not-found").await;
    let res = app
        .client
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&stranger.token)
        .json(&json!({"name": "Nieuw"}))
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .client
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&stranger.token)
        .json(&json!({"person_id": stranger.id}))
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app.client.get(app.url("/api/v1/me/enrolments")).send().await.unwrap();
    expect_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let res = app.client.get(app.url("/api/v1/me/enrolments")).bearer_auth("lw_not-a-real-token").send().await.unwrap();
    expect_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

async fn the_programme_shows_live_seats_and_filters(app: &TestApp) {
    let a = app.org("Nuenen").await;
    let b = app.org("Son en Breugel").await;
    let p = app.person(a, "p@nuenen.nl").await;
    let ev = app.week(&[a, b], json!({})).await;
    let stress = app.workshop(ev, a, json!({"title": "Grip op stress", "theme": "Vitaliteit"})).await;
    let privacy =
        app.workshop(ev, b, json!({"title": "Privacy en de AVG", "theme": "kennis", "format": "online"})).await;
    let s1 = app.session(stress, 0, 10, 2, 1).await;
    let start = local(first_day() + Duration::days(1), 14);
    let (st, body) = app
        .post(&app.admin, &format!("/api/v1/workshops/{privacy}/sessions"), json!({"starts_at": start, "ends_at": start + Duration::hours(1), "capacity": 30, "online_url": "https://teams.example/avg"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(app.enrol(&p, s1).await.0, StatusCode::CREATED);
    let (st, all) = app.get(&p.token, &format!("/api/v1/events/{ev}/programme")).await;
    assert_eq!(st, StatusCode::OK, "{all}");
    let sessions = all["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let first = &sessions[0];
    assert_eq!(
        (first["capacity"].as_i64(), first["seats_left"].as_i64(), first["waitlist_length"].as_i64()),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(first["host_organisation_name"], "Nuenen");
    for (query, expected) in [
        ("theme=vitaliteit".to_string(), 1),
        ("format=online".to_string(), 1),
        (format!("organisation_id={b}"), 1),
        ("q=AVG".to_string(), 1),
        ("available=true".to_string(), 1),
        (format!("day={}", first_day()), 1),
        (format!("day={}", first_day() + Duration::days(3)), 0),
    ] {
        let (st, r) = app.get(&p.token, &format!("/api/v1/events/{ev}/programme?{query}")).await;
        assert_eq!(st, StatusCode::OK, "{query}: {r}");
        assert_eq!(r["sessions"].as_array().unwrap().len(), expected, "{query}");
    }
}
