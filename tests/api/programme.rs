//! The programme is shared among its readers for a moment (issue 7): seat changes still show
//! within a second, changes to the week at once, quota seats per viewer, and an unchanged
//! programme answers `304` to `If-None-Match`.

use crate::harness::{TestApp, first_day, local};
use crate::on_both_backends;
use chrono::Duration;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};
use std::time::Instant;
use uuid::Uuid;

on_both_backends!(
    a_seat_change_shows_in_the_programme_within_a_second,
    a_change_to_the_week_shows_in_the_programme_at_once,
    quota_seats_in_the_programme_are_per_viewer,
    an_unchanged_programme_answers_not_modified_and_comes_gzipped_on_request,
);

fn counts(programme: &Value, session: Uuid) -> (i64, i64, i64) {
    let s = programme["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["session_id"] == session.to_string())
        .unwrap_or_else(|| panic!("{session} not in {programme}"));
    (s["confirmed_count"].as_i64().unwrap(), s["waitlist_length"].as_i64().unwrap(), s["seats_left"].as_i64().unwrap())
}

async fn a_seat_change_shows_in_the_programme_within_a_second(app: &TestApp) {
    let org = app.org("Best").await;
    let (p, q) = (app.person(org, "p@best.nl").await, app.person(org, "q@best.nl").await);
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 1).await;
    let path = format!("/api/v1/events/{ev}/programme");
    // Read (and so share) the programme before the change.
    let (st, before) = app.get(&p.token, &path).await;
    assert_eq!(st, StatusCode::OK, "{before}");
    assert_eq!(counts(&before, s), (0, 0, 1));
    for (who, expected) in [(&p, (1, 0, 0)), (&q, (1, 1, 0))] {
        let (st, b) = app.enrol(who, s).await;
        assert_eq!(st, StatusCode::CREATED, "{b}");
        let committed = Instant::now();
        loop {
            let (st, now) = app.get(&p.token, &path).await;
            assert_eq!(st, StatusCode::OK, "{now}");
            if counts(&now, s) == expected {
                break;
            }
            assert!(
                committed.elapsed() < std::time::Duration::from_secs(1),
                "the programme still shows {:?} a second after the change to {expected:?}",
                counts(&now, s)
            );
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }
}

async fn a_change_to_the_week_shows_in_the_programme_at_once(app: &TestApp) {
    let org = app.org("Eersel").await;
    let p = app.person(org, "p@eersel.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({})).await;
    let first = app.session(w, 0, 10, 2, 5).await;
    let path = format!("/api/v1/events/{ev}/programme");
    let (_, b) = app.get(&p.token, &path).await;
    assert_eq!(b["sessions"].as_array().unwrap().len(), 1);
    // A new session, a new capacity, a cancellation: each shows on the very next read.
    let second = app.session(w, 1, 10, 2, 5).await;
    let (_, b) = app.get(&p.token, &path).await;
    assert_eq!(b["sessions"].as_array().unwrap().len(), 2, "{b}");
    let (st, body) = app.patch(&app.admin, &format!("/api/v1/sessions/{first}"), json!({"capacity": 7})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (_, b) = app.get(&p.token, &path).await;
    assert_eq!(counts(&b, first), (0, 0, 7));
    let (st, body) = app.post(&app.admin, &format!("/api/v1/sessions/{second}/cancel"), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (_, b) = app.get(&p.token, &path).await;
    assert_eq!(b["sessions"].as_array().unwrap().len(), 1, "{b}");
    let (st, body) = app.patch(&app.admin, &format!("/api/v1/events/{ev}"), json!({"name": "Leerweek Kempen"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (_, b) = app.get(&p.token, &path).await;
    assert_eq!(b["event"]["name"], "Leerweek Kempen");
}

async fn quota_seats_in_the_programme_are_per_viewer(app: &TestApp) {
    let a = app.org("Veldhoven").await;
    let b = app.org("Waalre").await;
    let (pa, pb) = (app.person(a, "p@veldhoven.nl").await, app.person(b, "p@waalre.nl").await);
    let ev = app.week(&[a, b], json!({})).await;
    let w = app.workshop(ev, a, json!({})).await;
    let plain = app.session(w, 1, 10, 2, 4).await;
    let start = local(first_day(), 10);
    let (st, body) = app
        .post(
            &app.admin,
            &format!("/api/v1/workshops/{w}/sessions"),
            json!({
            "starts_at": start, "ends_at": start + Duration::hours(2), "capacity": 10,
            "location": {"venue": "Stadhuis"},
            "quotas": [{"organisation_id": a, "seats": 6, "release_at": start - Duration::days(1)}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let kept: Uuid = body["id"].as_str().unwrap().parse().unwrap();
    let path = format!("/api/v1/events/{ev}/programme");
    // Both read the same shared programme, each with their own seats.
    let (_, for_a) = app.get(&pa.token, &path).await;
    let (_, for_b) = app.get(&pb.token, &path).await;
    assert_eq!((counts(&for_a, kept).2, counts(&for_b, kept).2), (10, 4));
    assert_eq!((counts(&for_a, plain).2, counts(&for_b, plain).2), (4, 4));
    let (_, available) = app.get(&pb.token, &format!("{path}?available=true")).await;
    assert_eq!(available["sessions"].as_array().unwrap().len(), 2, "{available}");
}

async fn an_unchanged_programme_answers_not_modified_and_comes_gzipped_on_request(app: &TestApp) {
    let org = app.org("Heeze").await;
    let p = app.person(org, "p@heeze.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 3).await;
    let url = app.url(&format!("/api/v1/events/{ev}/programme"));
    let res = app.client.get(&url).bearer_auth(&p.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers().get(ETAG).expect("an ETag").to_str().unwrap().to_owned();
    let plain = res.bytes().await.unwrap();
    let again = app.client.get(&url).bearer_auth(&p.token).header(IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    let zipped = app.client.get(&url).bearer_auth(&p.token).header(ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(zipped.status(), StatusCode::OK);
    assert_eq!(zipped.headers().get(CONTENT_ENCODING).map(|v| v.to_str().unwrap()), Some("gzip"));
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&zipped.bytes().await.unwrap()[..]), &mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);

    // A seat taken: within a second the old ETag no longer matches.
    assert_eq!(app.enrol(&p, s).await.0, StatusCode::CREATED);
    let changed = Instant::now();
    loop {
        let res = app.client.get(&url).bearer_auth(&p.token).header(IF_NONE_MATCH, &etag).send().await.unwrap();
        if res.status() == StatusCode::OK {
            let b: Value = res.json().await.unwrap();
            assert_eq!(counts(&b, s), (1, 0, 2));
            break;
        }
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert!(changed.elapsed() < std::time::Duration::from_secs(1), "still 304 a second after a seat was taken");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}
