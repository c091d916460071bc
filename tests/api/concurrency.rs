//! Concurrency: whatever arrives at once, every request gets a decision, no session is ever
//! overbooked, waiting lists stay gap-free and first come first served.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

on_both_backends!(
    three_hundred_people_rushing_twenty_seats_fill_them_and_queue_the_rest_in_order,
    one_person_sending_ten_overlapping_enrolments_at_once_gets_exactly_one,
    a_hundred_cancellations_at_once_promote_waiting_people_first_come_first_served,
    the_same_idempotency_key_sent_twice_at_once_makes_one_enrolment,
);

async fn three_hundred_people_rushing_twenty_seats_fill_them_and_queue_the_rest_in_order(app: &TestApp) {
    let org = app.org("Enkhuizen").await;
    let people = app.people(org, "Enkhuizen", "rush", 300).await;
    let event = app.week(&[org], json!({})).await;
    let workshop = app.workshop(event, org, json!({})).await;
    let session = app.session(workshop, 0, 10, 2, 20).await;

    let started = Instant::now();
    let answers = futures::future::join_all(people.iter().map(|p| app.enrol(p, session))).await;
    let elapsed = started.elapsed();

    let mut confirmed = 0;
    let mut positions = Vec::new();
    let mut ids = HashSet::new();
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::CREATED, "every enrolment gets a decision: {body}");
        assert!(ids.insert(id(body)), "duplicate enrolment id");
        match body["status"].as_str().unwrap() {
            "confirmed" => {
                confirmed += 1;
                assert!(body["waitlist_position"].is_null());
            }
            "waitlisted" => positions.push(body["waitlist_position"].as_u64().unwrap()),
            other => panic!("unexpected status {other}"),
        }
    }
    positions.sort_unstable();
    assert_eq!(confirmed, 20);
    assert_eq!(positions, (1..=280).collect::<Vec<u64>>(), "positions 1..280, no gaps, no duplicates");
    assert_eq!(app.session_counts(session).await, (20, 280));
    let (c, w) = leerweek_store::enrolments::recount(&app.store, session).await.unwrap();
    assert_eq!((c, w), (20, 280), "the seat counter equals the enrolment rows");
    // The rush went through group commit: requests that arrived together were decided together.
    let batches = app.store.enrol_batch_figures();
    assert_eq!(batches.failed, 0, "no batch failed: {batches:?}");
    assert!(batches.largest > 1, "simultaneous enrolments share transactions: {batches:?}");
    assert!(batches.decided + batches.direct >= 300, "every request passed the writer: {batches:?}");
    eprintln!(
        "concurrency [{:?}]: 300 simultaneous enrolments into capacity 20 → {confirmed} confirmed, {} waitlisted (positions 1..{}), 0 errors, in {:.2} s ({:.0} decisions/s); {batches:?}",
        app.backend,
        positions.len(),
        positions.len(),
        elapsed.as_secs_f64(),
        300.0 / elapsed.as_secs_f64()
    );
}

async fn one_person_sending_ten_overlapping_enrolments_at_once_gets_exactly_one(app: &TestApp) {
    let org = app.org("Nuenen").await;
    let anna = app.person(org, "anna@nuenen.nl").await;
    let event = app.week(&[org], json!({})).await;
    let mut sessions = Vec::new();
    for i in 0..10 {
        let w = app.workshop(event, org, json!({"title": format!("Workshop {i}")})).await;
        // All between 10:00 and 13:00 on the same day: every pair overlaps.
        sessions.push(app.session(w, 1, 10 + (i % 2) as u32, 2, 20).await);
    }
    let answers = futures::future::join_all(sessions.iter().map(|s| app.enrol(&anna, *s))).await;
    let created: Vec<_> = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).collect();
    let overlaps: Vec<_> = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["type"].as_str().unwrap().ends_with("/errors/session-overlap"))
        .collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    assert_eq!(overlaps.len(), 9, "{answers:?}");
    let (_, agenda) = app.get(&anna.token, "/api/v1/me/enrolments").await;
    assert_eq!(agenda["items"].as_array().unwrap().len(), 1);
    eprintln!(
        "concurrency [{:?}]: 10 overlapping enrolments of one person at once → 1 created, 9 session-overlap",
        app.backend
    );
}

async fn a_hundred_cancellations_at_once_promote_waiting_people_first_come_first_served(app: &TestApp) {
    let org = app.org("Drechterland").await;
    let people = app.people(org, "Drechterland", "queue", 140).await;
    let event = app.week(&[org], json!({})).await;
    let workshop = app.workshop(event, org, json!({})).await;
    let session = app.session(workshop, 2, 9, 3, 20).await;
    // Enrol one by one so that queue order is known: 20 confirmed, 120 waiting.
    let mut enrolment_of: HashMap<usize, uuid::Uuid> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        let (s, b) = app.enrol(p, session).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        enrolment_of.insert(i, id(&b));
    }
    assert_eq!(app.session_counts(session).await, (20, 120));

    // Cancel all 20 confirmed and 80 of the waiting (two of every three), all at once.
    let waiting: Vec<usize> = (20..140).collect();
    let cancelled_waiting: Vec<usize> = waiting.iter().copied().filter(|i| i % 3 != 0).take(80).collect();
    let to_cancel: Vec<usize> = (0..20).chain(cancelled_waiting.iter().copied()).collect();
    assert_eq!(to_cancel.len(), 100);
    let started = Instant::now();
    let paths: Vec<(usize, String)> =
        to_cancel.iter().map(|i| (*i, format!("/api/v1/enrolments/{}", enrolment_of[i]))).collect();
    let answers = futures::future::join_all(paths.iter().map(|(i, path)| app.delete(&people[*i].token, path))).await;
    let elapsed = started.elapsed();
    for (s, b) in &answers {
        assert_eq!(*s, StatusCode::OK, "{b}");
        assert_eq!(b["status"], "cancelled");
    }

    // 40 people remain, in queue order; the first 20 of them hold the seats.
    let remaining: Vec<usize> = waiting.iter().copied().filter(|i| !cancelled_waiting.contains(i)).collect();
    assert_eq!(remaining.len(), 40);
    assert_eq!(app.session_counts(session).await, (20, 20), "confirmed stays at capacity while people wait");
    let (c, w) = leerweek_store::enrolments::recount(&app.store, session).await.unwrap();
    assert_eq!((c, w), (20, 20));
    let list = app.participants(session).await;
    let status_of: HashMap<uuid::Uuid, (String, Option<u64>)> = list
        .iter()
        .map(|e| (id(e), (e["status"].as_str().unwrap().to_owned(), e["waitlist_position"].as_u64())))
        .collect();
    let mut positions = BTreeSet::new();
    for (rank, i) in remaining.iter().enumerate() {
        let (status, position) = &status_of[&enrolment_of[i]];
        if rank < 20 {
            assert_eq!(status, "confirmed", "person {i} (rank {rank}) was ahead in the queue");
        } else {
            assert_eq!(status, "waitlisted", "person {i} (rank {rank})");
            positions.insert(position.unwrap());
        }
    }
    assert_eq!(positions.into_iter().collect::<Vec<_>>(), (1..=20).collect::<Vec<u64>>(), "queue without gaps");
    eprintln!(
        "concurrency [{:?}]: 100 simultaneous cancellations (20 confirmed, 80 waiting) → 20 promoted in queue order, confirmed 20/20, 20 still waiting at 1..20, in {:.2} s",
        app.backend,
        elapsed.as_secs_f64()
    );
}

async fn the_same_idempotency_key_sent_twice_at_once_makes_one_enrolment(app: &TestApp) {
    let org = app.org("Stede Broec").await;
    let bert = app.person(org, "bert@stedebroec.nl").await;
    let event = app.week(&[org], json!({})).await;
    let workshop = app.workshop(event, org, json!({})).await;
    let session = app.session(workshop, 0, 13, 2, 10).await;
    let send = |p: &Person| {
        app.send(
            app.client
                .post(app.url(&format!("/api/v1/sessions/{session}/enrolments")))
                .bearer_auth(&p.token)
                .header("Idempotency-Key", "klik-1")
                .header("content-type", "application/json")
                .body("{}"),
        )
    };
    let ((s1, b1), (s2, b2)) = tokio::join!(send(&bert), send(&bert));
    assert!(s1.is_success() && s2.is_success(), "{b1} {b2}");
    assert_eq!(id(&b1), id(&b2), "both answers carry the same enrolment");
    assert_eq!(app.session_counts(session).await, (1, 0));
    // Later retries with the same key still answer the same enrolment.
    let (s3, b3) = send(&bert).await;
    assert!(s3.is_success());
    assert_eq!(id(&b3), id(&b1));
    // The same key for another session is refused: it names a different request.
    let other = app.session(workshop, 1, 13, 2, 10).await;
    let (s4, b4) = app
        .send(
            app.client
                .post(app.url(&format!("/api/v1/sessions/{other}/enrolments")))
                .bearer_auth(&bert.token)
                .header("Idempotency-Key", "klik-1"),
        )
        .await;
    assert_eq!(s4, StatusCode::UNPROCESSABLE_ENTITY, "{b4}");
    assert!(b4["type"].as_str().unwrap().ends_with("/errors/idempotency-key-reused"));
}
