//! The preference lottery (issue 25, part 1): in a lottery week people rank sessions while the
//! window is open and nobody enrols; after it closes the lead's organiser runs the allocation once,
//! which places everyone through the week's rules (capacity, quotas, overlaps, the limit, the
//! audience), in rounds, with one mail per person; then the seats left go first come, first
//! served. `leerweek allocation verify` recomputes the run and finds a changed row.

use crate::harness::{Person, TestApp, first_day, id, local};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

on_both_backends!(
    a_lottery_week_takes_preferences_then_places_everyone_once_within_the_rules,
    the_verify_command_recomputes_the_run_and_finds_a_changed_row,
    the_preference_window_reminds_those_who_ranked_nothing_once,
);

fn slug(b: &Value) -> &str {
    b["type"].as_str().unwrap_or_default()
}

async fn session_with(app: &TestApp, workshop: Uuid, day: i64, hour: u32, capacity: i64, quotas: Value) -> Uuid {
    let start = local(first_day() + Duration::days(day), hour);
    let body = json!({"starts_at": start, "ends_at": start + Duration::hours(2), "capacity": capacity, "quotas": quotas,
        "location": {"venue": "Stadhuis"}});
    let (s, b) = app.post(&app.admin, &format!("/api/v1/workshops/{workshop}/sessions"), body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    id(&b)
}

/// Close the preference window (it opened two hours ago and closed a minute ago).
async fn close_window(app: &TestApp, week: Uuid) {
    let body = json!({"enrolment_opens_at": Utc::now() - Duration::hours(2), "enrolment_closes_at": Utc::now() - Duration::minutes(1)});
    let (s, b) = app.patch(&app.admin, &format!("/api/v1/events/{week}"), body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// Active enrolments per person: (session, status).
async fn held(app: &TestApp, week: Uuid) -> HashMap<Uuid, Vec<(Uuid, String)>> {
    let sql = "SELECT person_id, session_id, status FROM enrolments WHERE event_id = $1 AND status <> 'cancelled'";
    let sql = if app.sql().await.is_postgres() { sql.to_owned() } else { sql.replace("$1", "?") };
    let rows: Vec<(Uuid, Uuid, String)> = app.sql().await.all(&sql, [week.into()]).await;
    let mut out: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
    for (p, s, st) in rows {
        out.entry(p).or_default().push((s, st));
    }
    out
}

struct Week {
    id: Uuid,
    lead_org: Uuid,
    other_org: Uuid,
    /// Morning sessions at the same time: S1 (2 seats, 1 kept for the lead's people), S2 (1 seat).
    s1: Uuid,
    s2: Uuid,
    /// Afternoon, 6 seats.
    s3: Uuid,
    /// Host-only for the other organisation.
    s4: Uuid,
    /// Nobody ranks it: first come, first served after the run.
    s5: Uuid,
    a: Vec<Person>,
    b: Vec<Person>,
}

async fn lottery_week(app: &TestApp) -> Week {
    let lead_org = app.org("Enkhuizen").await;
    let other_org = app.org("Drechterland").await;
    let id = app
        .week(
            &[lead_org, other_org],
            json!({"allocation": "lottery", "max_preferences": 3, "max_enrolments_per_person": 2}),
        )
        .await;
    let w1 = app.workshop(id, lead_org, json!({})).await;
    let far = Utc::now() + Duration::days(300);
    let s1 =
        session_with(app, w1, 0, 9, 2, json!([{"organisation_id": lead_org, "seats": 1, "release_at": far}])).await;
    let s2 = session_with(
        app,
        app.workshop(id, lead_org, json!({"title": "Schrijven voor inwoners"})).await,
        0,
        9,
        1,
        json!([]),
    )
    .await;
    let s3 =
        session_with(app, app.workshop(id, other_org, json!({"title": "Tekenen"})).await, 0, 14, 6, json!([])).await;
    let w4 = app.workshop(id, other_org, json!({"title": "Eigen huis", "audience": "host_only"})).await;
    let s4 = session_with(app, w4, 1, 9, 5, json!([])).await;
    let s5 = session_with(app, app.workshop(id, lead_org, json!({"title": "Rust"})).await, 2, 9, 2, json!([])).await;
    let a = app.people(lead_org, "Enkhuizen", "a", 6).await;
    let b = app.people(other_org, "Drechterland", "b", 4).await;
    Week { id, lead_org, other_org, s1, s2, s3, s4, s5, a, b }
}

async fn a_lottery_week_takes_preferences_then_places_everyone_once_within_the_rules(app: &TestApp) {
    let w = lottery_week(app).await;
    let prefs = format!("/api/v1/events/{}/preferences", w.id);
    let alloc = format!("/api/v1/events/{}/allocation", w.id);
    let (_, ev) = app.get(&app.admin, &format!("/api/v1/events/{}", w.id)).await;
    assert_eq!(
        (&ev["allocation"], &ev["max_preferences"], &ev["allocated_at"]),
        (&json!("lottery"), &json!(3), &Value::Null)
    );

    // While the window is open nobody enrols, not even an organiser for someone else.
    let (st, b) = app.enrol(&w.a[0], w.s3).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, "/errors/awaiting-allocation"), "{b}");
    let (st, b) =
        app.post(&app.admin, &format!("/api/v1/sessions/{}/enrolments", w.s3), json!({"person_id": w.a[0].id})).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, "/errors/awaiting-allocation"), "{b}");

    // Preferences are checked, each refusal naming the field.
    let (st, b) = app.get(&w.a[0].token, &prefs).await;
    assert_eq!(
        (st, &b["sessions"], &b["open"], &b["max_preferences"]),
        (StatusCode::OK, &json!([]), &json!(true), &json!(3)),
        "{b}"
    );
    for (body, status, kind, field) in [
        (
            json!({"sessions": [w.s1, w.s2, w.s3, w.s5]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "/errors/invalid-field",
            "sessions",
        ),
        (json!({"sessions": [w.s1, w.s1]}), StatusCode::UNPROCESSABLE_ENTITY, "/errors/invalid-field", "sessions[1]"),
        (
            json!({"sessions": [Uuid::now_v7()]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "/errors/unknown-reference",
            "sessions[0]",
        ),
        (json!({"sessions": [w.s3, w.s4]}), StatusCode::UNPROCESSABLE_ENTITY, "/errors/invalid-field", "sessions[1]"),
        (json!({"sessions": "s1"}), StatusCode::UNPROCESSABLE_ENTITY, "/errors/invalid-field", "sessions"),
    ] {
        let (st, b) = app.put(&w.a[0].token, &prefs, body.clone()).await;
        assert_eq!((st, slug(&b), b["field"].as_str().unwrap_or_default()), (status, kind, field), "{body}: {b}");
    }
    // Everyone of the lead ranks the morning first; the other organisation's people also the
    // session only they may take. Changing them is free.
    for p in &w.a {
        let (st, b) = app.put(&p.token, &prefs, json!({"sessions": [w.s3]})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
        let (st, b) = app.put(&p.token, &prefs, json!({"sessions": [w.s1, w.s2, w.s3]})).await;
        assert_eq!((st, &b["sessions"]), (StatusCode::OK, &json!([w.s1, w.s2, w.s3])), "{b}");
    }
    for p in &w.b {
        let (st, b) = app.put(&p.token, &prefs, json!({"sessions": [w.s1, w.s4, w.s3]})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    let (_, mine) = app.get(&w.b[0].token, &prefs).await;
    assert_eq!(mine["sessions"], json!([w.s1, w.s4, w.s3]), "{mine}");

    // Only the lead's organisers and admins run it; the real run waits for the window to close.
    let (st, b) = app.post(&w.a[0].token, &alloc, json!({"dry_run": true})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    let (st, b) = app.post(&app.admin, &alloc, json!({"dry_run": false})).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, "/errors/preferences-still-open"), "{b}");
    let (st, b) = app.post(&app.admin, &alloc, json!({})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "dry_run is required: {b}");
    let (st, b) = app.post(&app.admin, &alloc, json!({"dry_run": true, "seed": "-1"})).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("seed")), "{b}");
    let (st, dry) = app.post(&app.admin, &alloc, json!({"dry_run": true, "seed": "42"})).await;
    assert_eq!((st, &dry["dry_run"], &dry["seed"]), (StatusCode::OK, &json!(true), &json!("42")), "{dry}");
    assert_eq!(dry["summary"]["asked"], json!(10), "{dry}");
    assert!(held(app, w.id).await.is_empty(), "a dry run writes no places");
    assert_eq!(app.session_counts(w.s1).await, (0, 0));

    close_window(app, w.id).await;
    let (st, b) = app.put(&w.a[0].token, &prefs, json!({"sessions": [w.s3]})).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, "/errors/preferences-closed"), "{b}");
    let (st, b) = app.enrol(&w.a[0], w.s5).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, "/errors/awaiting-allocation"), "{b}");

    let (st, run) = app.post(&app.admin, &alloc, json!({"dry_run": false, "seed": "42"})).await;
    assert_eq!((st, &run["dry_run"], &run["seed"]), (StatusCode::OK, &json!(false), &json!("42")), "{run}");
    let s = &run["summary"];
    // The same seed on the same input: the dry run foretold it.
    assert_eq!(s, &dry["summary"], "the dry run with the same seed gave the same result");
    let places = held(app, w.id).await;
    // Never over capacity, quota kept for the lead's people, no overlap, never over the limit.
    let seats = |session: Uuid| -> Vec<Uuid> {
        places
            .iter()
            .filter(|(_, v)| v.iter().any(|(s, st)| *s == session && st == "confirmed"))
            .map(|(p, _)| *p)
            .collect()
    };
    assert_eq!(seats(w.s1).len(), 2);
    assert!(seats(w.s1).iter().any(|p| w.a.iter().any(|a| a.id == *p)), "the kept seat went to the lead's people");
    assert_eq!(seats(w.s2).len(), 1);
    assert_eq!(seats(w.s3).len(), 6);
    assert_eq!(seats(w.s4).len(), 4, "only the host's people, and all four of them");
    for (person, mine) in &places {
        assert!(mine.len() <= 2, "{person} over the limit: {mine:?}");
        let morning = mine.iter().filter(|(s, _)| *s == w.s1 || *s == w.s2).count();
        assert!(morning <= 1, "{person} holds two overlapping sessions: {mine:?}");
        assert!(!mine.iter().any(|(s, _)| *s == w.s4) || w.b.iter().any(|b| b.id == *person), "audience broken");
    }
    // Rounds: the lead's six people share 3 + 6 seats; each has a seat before anyone has two.
    for a in &w.a {
        let n = places.get(&a.id).map_or(0, |v| v.iter().filter(|(_, st)| st == "confirmed").count());
        assert!(n >= 1, "{} got no seat while others got two: {places:?}", a.id);
    }
    assert_eq!(s["asked"], json!(10));
    assert_eq!(s["seats_given"], json!(13), "{s}");
    assert_eq!(s["any_choice"], json!(10), "{s}");
    let first: u64 = s["first_choice"].as_u64().unwrap();
    assert!(first >= 2, "the first choices that fit were given: {s}");
    // Waiting places in order, numbered 1..n.
    let queue = app.participants(w.s1).await;
    let waiting: Vec<i64> =
        queue.iter().filter(|e| e["status"] == "waitlisted").filter_map(|e| e["waitlist_position"].as_i64()).collect();
    assert_eq!(waiting, (1..=waiting.len() as i64).collect::<Vec<_>>(), "{queue:?}");

    // One mail per person, with every choice; no per-session confirmations.
    let count = |kind: &'static str| async move {
        let sql = "SELECT count(*) FROM outbox WHERE kind = $1";
        let sql = if app.sql().await.is_postgres() { sql.to_owned() } else { sql.replace("$1", "?") };
        app.sql().await.one::<i64>(&sql, [kind.into()]).await.unwrap_or(0)
    };
    assert_eq!(count("allocation_result").await, 10);
    assert_eq!(count("enrolment_confirmed").await + count("enrolment_waitlisted").await, 0);
    // Delivered: each seat with its deadline in the week's time and a cancel link, an invite each.
    let sink = crate::smtp::SmtpSink::start();
    crate::smtp::deliver(app, &sink).await;
    let got = sink.received();
    assert_eq!(got.len(), 10);
    let with_seat = got
        .iter()
        .find(|m| m.text.as_deref().is_some_and(|t| t.contains("Je hebt een plaats")))
        .expect("someone got a seat");
    let text = with_seat.text.as_deref().unwrap();
    assert!(text.contains("Afmelden kan tot ") && !text.contains("Afmelden kan tot ."), "{text}");
    assert!(
        crate::smtp::link_after(text, "Afmelden (met één klik)").is_some_and(|l| l.contains("/afmelden?t=")),
        "{text}"
    );

    // Once only; the policy is fixed; the last run is shown.
    let (st, b) = app.post(&app.admin, &alloc, json!({"dry_run": false})).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, "/errors/allocation-done"), "{b}");
    let (st, b) = app.patch(&app.admin, &format!("/api/v1/events/{}", w.id), json!({"allocation": "first_come"})).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, "/errors/allocation-done"), "{b}");
    let (st, last) = app.get(&app.admin, &alloc).await;
    assert_eq!((st, &last["id"], &last["dry_run"]), (StatusCode::OK, &run["id"], &json!(false)), "{last}");
    let (_, ev) = app.get(&app.admin, &format!("/api/v1/events/{}", w.id)).await;
    assert!(ev["allocated_at"].is_string(), "{ev}");

    // The seats left go first come, first served, also to someone who ranked nothing.
    let late = app.person(w.other_org, "laat@drechterland.nl").await;
    let (st, b) = app.enrol(&late, w.s5).await;
    assert_eq!((st, &b["status"]), (StatusCode::CREATED, &json!("confirmed")), "{b}");
    let _ = w.lead_org;
}

async fn the_verify_command_recomputes_the_run_and_finds_a_changed_row(app: &TestApp) {
    let w = lottery_week(app).await;
    let prefs = format!("/api/v1/events/{}/preferences", w.id);
    for p in w.a.iter().chain(&w.b) {
        let (st, b) = app.put(&p.token, &prefs, json!({"sessions": [w.s2, w.s1, w.s3]})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    let verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_leerweek"))
            .args(["allocation", "verify", &w.id.to_string()])
            .env("LEERWEEK__DATABASE__URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run leerweek allocation verify")
    };
    let out = verify();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("geen uitgevoerde loting"));
    close_window(app, w.id).await;
    let (st, run) =
        app.post(&app.admin, &format!("/api/v1/events/{}/allocation", w.id), json!({"dry_run": false})).await;
    assert_eq!(st, StatusCode::OK, "{run}");
    let out = verify();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("In orde") && said.contains(run["seed"].as_str().unwrap()), "{said}");

    // Someone moves a waiting place to a seat by hand: the recomputation disagrees.
    let first = "FROM enrolments WHERE allocation_placed = 'waiting' ORDER BY person_id, session_id LIMIT 1";
    let sql = format!(
        "UPDATE enrolments SET allocation_placed = 'seat', allocation_position = NULL \
         WHERE id = (SELECT id {first})"
    );
    let changed = app.sql().await.execute(&sql, []).await;
    assert_eq!(changed, 1, "a waiting place to change");
    let out = verify();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!out.status.success() && said.contains("1 verschil"), "{said}");
    assert!(said.contains("the lottery gives waiting place") && said.contains("the database holds a seat"), "{said}");
}

async fn the_preference_window_reminds_those_who_ranked_nothing_once(app: &TestApp) {
    let w = lottery_week(app).await;
    let (st, b) =
        app.put(&w.a[0].token, &format!("/api/v1/events/{}/preferences", w.id), json!({"sessions": [w.s3]})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let reminded = || async {
        let sql = "SELECT person_id FROM outbox WHERE kind = 'preferences_reminder'";
        app.sql().await.all::<Uuid>(sql, []).await
    };
    let page = "https://leerweek.example.nl/voorkeuren";
    // Six days before the window closes: not yet.
    leerweek_store::allocation::queue_preference_reminders(&app.store, page, Utc::now()).await.unwrap();
    assert!(reminded().await.is_empty());
    // A day before: everyone of the week's organisations who ranked nothing, once.
    let closes = json!({"enrolment_closes_at": Utc::now() + Duration::hours(24)});
    let (st, b) = app.patch(&app.admin, &format!("/api/v1/events/{}", w.id), closes).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    leerweek_store::allocation::queue_preference_reminders(&app.store, page, Utc::now()).await.unwrap();
    let mut got = reminded().await;
    got.sort();
    let mut expected: Vec<Uuid> = w.a[1..].iter().chain(&w.b).map(|p| p.id).collect();
    expected.sort();
    assert_eq!(got, expected, "the one who ranked is not reminded, nobody outside the week is");
    let again = leerweek_store::allocation::queue_preference_reminders(&app.store, page, Utc::now()).await.unwrap();
    assert_eq!((again, reminded().await.len()), (0, 9), "once per week");
    let sql = "SELECT payload FROM outbox WHERE kind = 'preferences_reminder' LIMIT 1";
    let payload: String = app.sql().await.one(sql, []).await.unwrap();
    assert!(payload.contains(&format!("{page}?week={}", w.id)), "{payload}");
}
