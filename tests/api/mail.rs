//! Mail through a real SMTP server: every kind arrives with text, HTML and (where due) a
//! calendar part that calendars can follow; an SMTP outage loses nothing; a worker killed
//! mid-batch loses nothing and duplicates only carry the same Message-ID.

use crate::harness::{Person, TestApp, first_day, id, local};
use crate::on_both_backends;
use crate::smtp::{SmtpSink, calendar_props};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

on_both_backends!(
    every_kind_of_mail_arrives_with_text_html_and_a_calendar_part_that_stays_right,
    enrolling_again_after_cancelling_sends_an_appointment_that_outranks_the_cancel,
    two_hundred_confirmations_queued_during_an_smtp_outage_all_arrive_exactly_once,
    a_worker_killed_mid_batch_loses_nothing_and_resends_only_with_the_same_message_id,
    a_stopping_worker_leaves_a_stuck_round_within_seconds_and_loses_nothing,
    two_workers_share_the_queue_without_sending_anything_twice,
    mails_that_keep_failing_end_up_failed_for_admins_who_can_retry_them,
    the_personal_calendar_feed_lists_active_enrolments_behind_a_revocable_secret,
    sign_in_links_and_feedback_requests_arrive_in_the_persons_language,
    organisers_message_a_sessions_participants_by_mail,
);

/// `leerweek worker` on the test's database, sending over SMTP to `port` on this machine, with a
/// 2 s lease and a 50 ms poll.
fn worker_process(app: &TestApp, port: u16) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_leerweek"));
    c.arg("worker")
        .env("LEERWEEK__DATABASE__URL", &app.database_url)
        .env("LEERWEEK__MAIL__TRANSPORT", "smtp")
        .env("LEERWEEK__MAIL__SMTP_HOST", "127.0.0.1")
        .env("LEERWEEK__MAIL__SMTP_PORT", port.to_string())
        .env("LEERWEEK__MAIL__SMTP_TLS", "none")
        .env("LEERWEEK__MAIL__LEASE_SECS", "2")
        .env("LEERWEEK__MAIL__POLL_INTERVAL_MS", "50")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    c
}

/// Run worker rounds until the outbox holds nothing pending (bounded).
async fn drain(app: &TestApp, cfg: &leerweek_mailer::MailerConfig) {
    for _ in 0..200 {
        leerweek_mailer::run_once(&app.store, cfg, Utc::now() + Duration::hours(2)).await.expect("worker round");
        if app.sql().await.outbox_count("pending").await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("outbox did not drain");
}

async fn every_kind_of_mail_arrives_with_text_html_and_a_calendar_part_that_stays_right(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Enkhuizen").await;
    let (a, b, c) = (
        app.person(org, "anna@enkhuizen.nl").await,
        app.person(org, "bram@enkhuizen.nl").await,
        app.person(org, "cor@enkhuizen.nl").await,
    );
    let ev = app.week(&[org], json!({"reminder_hours_before": 336})).await;
    let w = app.workshop(ev, org, json!({"title": "Coachend leiderschap"})).await;
    let s1 = app.session(w, 0, 10, 2, 1).await;
    let s2 = app.session(w, 1, 10, 2, 5).await;

    let (_, ea) = app.enrol(&a, s1).await; // confirmed: REQUEST
    app.enrol(&b, s1).await; // waitlisted
    app.delete(&a.token, &format!("/api/v1/enrolments/{}", id(&ea))).await; // A: CANCEL; B promoted: REQUEST
    let moved = local(first_day(), 14);
    let (st, body) = app
        .patch(
            &app.admin,
            &format!("/api/v1/sessions/{s1}"),
            json!({"starts_at": moved, "ends_at": moved + Duration::hours(2)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}"); // B: REQUEST with a higher SEQUENCE
    app.enrol(&c, s1).await; // C waitlisted
    let (st, body) = app.post(&app.admin, &format!("/api/v1/sessions/{s1}/cancel"), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{body}"); // B: CANCEL; C: news without calendar
    app.enrol(&a, s2).await; // A confirmed in s2
    assert_eq!(leerweek_store::enrolments::queue_reminders(&app.store, Utc::now()).await.unwrap(), 1);
    assert_eq!(
        leerweek_store::enrolments::queue_reminders(&app.store, Utc::now()).await.unwrap(),
        0,
        "once per enrolment"
    );

    drain(app, &sink.config()).await;
    let got = sink.received();
    assert_eq!(got.len(), 10, "{:#?}", got.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>());
    let ids: HashSet<_> = got.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids.len(), 10, "every mail its own Message-ID");
    for m in &got {
        assert!(m.text.as_deref().is_some_and(|t| t.contains("Coachend leiderschap")), "text part: {m:?}");
        assert!(m.html.as_deref().is_some_and(|h| h.contains("<html lang=\"nl\">")), "HTML part: {m:?}");
    }
    let to = |who: &str| got.iter().filter(|m| m.to.contains(who)).cloned().collect::<Vec<_>>();
    let subjects =
        |who: &str| to(who).iter().map(|m| m.subject.split(':').next().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(subjects("anna"), ["Ingeschreven", "Afgemeld", "Ingeschreven", "Herinnering"]);
    assert_eq!(subjects("bram"), ["Wachtlijst", "Er is plek voor je", "Gewijzigd", "Gaat niet door"]);
    assert_eq!(subjects("cor"), ["Wachtlijst", "Gaat niet door"]);
    assert!(to("cor").iter().all(|m| m.calendar.is_none()), "waiting people get no appointment");
    assert!(to("bram")[0].calendar.is_none());

    // Bram's appointment: one UID, SEQUENCE rising 0, 1, 2, ending in a CANCEL.
    let cals: Vec<_> = to("bram")[1..].iter().map(|m| m.calendar.clone().expect("calendar part")).collect();
    let parsed: Vec<_> = cals.iter().map(|(_, body)| calendar_props(body)).collect();
    let methods: Vec<_> = cals.iter().map(|(m, _)| m.clone()).collect();
    assert_eq!(methods, ["REQUEST", "REQUEST", "CANCEL"], "Content-Type method");
    assert_eq!(parsed.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(), ["REQUEST", "REQUEST", "CANCEL"], "METHOD");
    let uids: HashSet<_> = parsed.iter().map(|(_, p)| p["UID"].clone()).collect();
    assert_eq!(uids.len(), 1, "one appointment per person and session");
    assert_eq!(parsed.iter().map(|(_, p)| p["SEQUENCE"].as_str()).collect::<Vec<_>>(), ["0", "1", "2"]);
    assert_eq!(parsed[2].1["STATUS"], "CANCELLED");
    assert_eq!(parsed[1].1["DTSTART"], moved.format("%Y%m%dT%H%M%SZ").to_string(), "the update carries the new time");
    assert!(parsed[0].1.contains_key("ORGANIZER") && parsed[0].1.contains_key("ATTENDEE"));
    assert!(parsed[0].1["LOCATION"].contains("Stadhuis"));
    let alarm = cals[0].1.lines().find(|l| l.starts_with("TRIGGER")).unwrap_or_default();
    assert!(
        cals[0].1.contains("BEGIN:VALARM") && (alarm.ends_with("-PT15M") || alarm.ends_with("-PT900S")),
        "15-minute alarm: {alarm}"
    );
    // Anna's cancel outranks her invite.
    let anna: Vec<_> = to("anna")[..2].iter().map(|m| calendar_props(&m.calendar.clone().unwrap().1)).collect();
    assert_eq!((anna[0].1["SEQUENCE"].as_str(), anna[1].1["SEQUENCE"].as_str()), ("0", "1"));
    assert_eq!(anna[0].1["UID"], anna[1].1["UID"]);
}

/// Through the enrolment writer's batch path: the second enrolment raises the calendar SEQUENCE
/// the cancel used, and the answer carries exactly the times stored.
async fn enrolling_again_after_cancelling_sends_an_appointment_that_outranks_the_cancel(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Drechterland").await;
    let dirk = app.person(org, "dirk@drechterland.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({"title": "Timemanagement"})).await;
    let s = app.session(w, 0, 10, 2, 5).await;

    let (st, first) = app.enrol(&dirk, s).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let (st, body) = app.delete(&dirk.token, &format!("/api/v1/enrolments/{}", id(&first))).await;
    assert!(st.is_success(), "{body}");
    let (st, again) = app.enrol(&dirk, s).await;
    assert_eq!(st, StatusCode::CREATED, "{again}");
    assert_ne!(id(&first), id(&again), "a new enrolment");

    let sql = app.sql().await;
    let stored: chrono::DateTime<Utc> =
        sql.one("SELECT created_at FROM enrolments WHERE id = $1", [id(&again).into()]).await.expect("stored");
    let answered: chrono::DateTime<Utc> =
        again["created_at"].as_str().and_then(|t| t.parse().ok()).expect("created_at");
    assert_eq!(stored, answered, "the answer carries the time stored");
    let seq: Option<i32> = sql
        .one(
            "SELECT sequence FROM calendar_sequences WHERE person_id = $1 AND session_id = $2",
            [dirk.id.into(), s.into()],
        )
        .await;
    assert_eq!(seq, Some(2), "one sequence per person and session, raised twice");

    drain(app, &sink.config()).await;
    let got = sink.received();
    let cals: Vec<_> = got.iter().map(|m| calendar_props(&m.calendar.clone().expect("calendar part").1)).collect();
    assert_eq!(cals.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(), ["REQUEST", "CANCEL", "REQUEST"]);
    assert_eq!(cals.iter().map(|(_, p)| p["SEQUENCE"].as_str()).collect::<Vec<_>>(), ["0", "1", "2"]);
    assert_eq!(cals.iter().map(|(_, p)| p["UID"].clone()).collect::<HashSet<_>>().len(), 1, "one appointment");
}

async fn two_hundred_confirmations_queued_during_an_smtp_outage_all_arrive_exactly_once(app: &TestApp) {
    let mut sink = SmtpSink::stopped();
    let cfg = sink.config();
    let org = app.org("Nuenen").await;
    let people = app.people(org, "Nuenen", "storing", 200).await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 250).await;

    let started = Instant::now();
    let answers = futures::future::join_all(people.iter().map(|p| app.enrol(p, s))).await;
    let enrol_time = started.elapsed();
    assert!(answers.iter().all(|(st, _)| *st == StatusCode::CREATED), "the API does not wait for mail");
    // The SMTP server is down: attempts fail and back off, nothing is lost.
    for _ in 0..3 {
        assert_eq!(leerweek_mailer::run_once(&app.store, &cfg, Utc::now() + Duration::hours(2)).await.unwrap(), 0);
    }
    assert_eq!(app.sql().await.outbox_count("pending").await, 200);
    sink.run();
    drain(app, &cfg).await;
    let got = sink.received();
    let distinct: HashSet<_> = got.iter().map(|m| m.message_id.clone()).collect();
    let recipients: HashSet<_> = got.iter().map(|m| m.to.clone()).collect();
    assert_eq!((got.len(), distinct.len(), recipients.len()), (200, 200, 200), "each confirmation exactly once");
    assert_eq!(app.sql().await.outbox_count("sent").await, 200);
    eprintln!(
        "mail outage [{:?}]: 200 enrolments answered 201 in {:.2} s with SMTP down; after restart sent 200, received {}, duplicates {}",
        app.backend,
        enrol_time.as_secs_f64(),
        got.len(),
        got.len() - distinct.len()
    );
}

async fn a_worker_killed_mid_batch_loses_nothing_and_resends_only_with_the_same_message_id(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Krimpen aan den IJssel").await;
    let people = app.people(org, "Krimpen aan den IJssel", "crash", 300).await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 400).await;
    futures::future::join_all(people.iter().map(|p| app.enrol(p, s))).await;
    let rows: HashSet<String> = {
        let ids: Vec<uuid::Uuid> = app.sql().await.all("SELECT id FROM outbox", []).await;
        ids.iter().map(|id| format!("<{id}@leerweek.localhost>")).collect()
    };
    assert_eq!(rows.len(), 300);

    let worker = || worker_process(app, sink.port).spawn().expect("leerweek worker");
    let mut first = worker();
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while sink.received().len() < 30 {
        assert!(Instant::now() < deadline, "worker sent nothing");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    first.kill().unwrap(); // SIGKILL, mid-batch
    first.wait().unwrap();
    let at_kill = sink.received().len();
    assert!(at_kill < 300, "the kill came after the whole batch ({at_kill}); the test proves nothing");

    let mut second = worker();
    let deadline = Instant::now() + std::time::Duration::from_secs(90);
    while app.sql().await.outbox_count("pending").await > 0 {
        assert!(Instant::now() < deadline, "the restarted worker did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    let got = sink.received();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for m in &got {
        *per_id.entry(m.message_id.clone()).or_default() += 1;
    }
    assert!(per_id.keys().all(|id| rows.contains(id)), "every message is one of the outbox rows");
    assert_eq!(per_id.len(), 300, "nothing lost");
    assert_eq!(app.sql().await.outbox_count("sent").await, 300);
    let duplicates = got.len() - per_id.len();
    eprintln!(
        "mail crash [{:?}]: worker killed after {at_kill} of 300 delivered; after restart {} distinct Message-IDs, {} messages, {duplicates} duplicates (each with the same Message-ID)",
        app.backend,
        per_id.len(),
        got.len()
    );
}

/// SIGTERM while a round waits on an SMTP server that accepts connections and never answers
/// (each conversation would wait for lettre's 15 s timeout): the worker stops within its grace
/// period instead of finishing the round, and the round's mails still all arrive, once each.
async fn a_stopping_worker_leaves_a_stuck_round_within_seconds_and_loses_nothing(app: &TestApp) {
    let org = app.org("Oirschot").await;
    let people = app.people(org, "Oirschot", "stop", 40).await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 100).await;
    futures::future::join_all(people.iter().map(|p| app.enrol(p, s))).await;
    // Never accepted: the kernel completes the handshake, nobody ever says 220.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let mut worker = worker_process(app, silent.local_addr().unwrap().port())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("leerweek worker");
    let claimed = || async { app.sql().await.scalar_i64("SELECT COUNT(*) FROM outbox WHERE attempts > 0").await };
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while claimed().await == 0 {
        assert!(Instant::now() < deadline, "the worker claimed nothing");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await; // into the SMTP conversations
    let stopping = Instant::now();
    let signal = std::process::Command::new("kill").args(["-TERM", &worker.id().to_string()]).status().unwrap();
    assert!(signal.success());
    let status = loop {
        if let Some(status) = worker.try_wait().unwrap() {
            break status;
        }
        if stopping.elapsed() > std::time::Duration::from_secs(12) {
            worker.kill().unwrap();
            worker.wait().unwrap();
            panic!("the worker did not stop within 12 s of SIGTERM: it waited for the stuck round");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let stopped_after = stopping.elapsed();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut worker.stderr.take().unwrap(), &mut log).unwrap();
    assert!(status.success(), "the worker's exit: {status}; its log:\n{log}");
    assert!(log.contains("stopping in the middle of a mail round"), "the worker's log:\n{log}");
    assert_eq!(app.sql().await.outbox_count("pending").await, 40, "nothing sent, nothing lost");
    drop(silent);

    let sink = SmtpSink::start();
    drain(app, &sink.config()).await;
    let got = sink.received();
    let distinct: HashSet<_> = got.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!((got.len(), distinct.len()), (40, 40), "each mail exactly once after the stop");
    eprintln!(
        "mail stop [{:?}]: SIGTERM during a round stuck on a silent SMTP server → stopped after {} ms; then 40 of 40 delivered once",
        app.backend,
        stopped_after.as_millis()
    );
}

async fn two_workers_share_the_queue_without_sending_anything_twice(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Son en Breugel").await;
    let people = app.people(org, "Son en Breugel", "twee", 120).await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 200).await;
    futures::future::join_all(people.iter().map(|p| app.enrol(p, s))).await;
    let mut cfg = sink.config();
    cfg.batch = 10;
    // Two workers (as in two server copies) drain the same outbox at the same time.
    let sql = app.sql().await.clone();
    let work = |cfg: leerweek_mailer::MailerConfig| {
        let (store, sql) = (app.store.clone(), sql.clone());
        async move {
            let mut sent = 0;
            for _ in 0..100 {
                sent += leerweek_mailer::run_once(&store, &cfg, Utc::now()).await.unwrap();
                if sql.outbox_count("pending").await == 0 {
                    break;
                }
            }
            sent
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(work(cfg.clone())), tokio::spawn(work(cfg.clone())));
    let (a, b) = (a.unwrap(), b.unwrap());
    let got = sink.received();
    let distinct: HashSet<_> = got.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(a + b, 120);
    assert_eq!((got.len(), distinct.len()), (120, 120), "nothing sent twice");
    eprintln!("mail workers [{:?}]: two workers sent {a} + {b} = 120 mails, 0 duplicates", app.backend);
}

async fn mails_that_keep_failing_end_up_failed_for_admins_who_can_retry_them(app: &TestApp) {
    let mut sink = SmtpSink::stopped();
    let mut cfg = sink.config();
    cfg.max_attempts = 2;
    let org = app.org("Geldrop-Mierlo").await;
    let p = app.person(org, "p@gm.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({})).await, 0, 10, 2, 5).await;
    app.enrol(&p, s).await;
    for _ in 0..3 {
        leerweek_mailer::run_once(&app.store, &cfg, Utc::now() + Duration::hours(2)).await.unwrap();
    }
    let (st, page) = app.get(&app.admin, "/api/v1/admin/outbox?status=failed").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 1);
    let failed = &page["items"][0];
    assert_eq!(failed["attempts"], 2);
    assert!(!failed["last_error"].as_str().unwrap_or("").is_empty());
    let (st, _) = app.get(&p.token, "/api/v1/admin/outbox?status=failed").await;
    assert_eq!(st, StatusCode::FORBIDDEN, "admins only");
    let (st, retried) = app.post(&app.admin, &format!("/api/v1/admin/outbox/{}/retry", id(failed)), json!({})).await;
    assert_eq!((st, retried["status"].as_str()), (StatusCode::OK, Some("pending")), "{retried}");
    sink.run();
    drain(app, &cfg).await;
    assert_eq!(sink.received().len(), 1);
    let (_, page) = app.get(&app.admin, "/api/v1/admin/outbox?status=failed").await;
    assert_eq!(page["total"], 0);
}

async fn the_personal_calendar_feed_lists_active_enrolments_behind_a_revocable_secret(app: &TestApp) {
    let org = app.org("Stede Broec").await;
    let p = app.person(org, "p@sb.nl").await;
    let other = app.person(org, "q@sb.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({"title": "Tekenen voor beginners"})).await;
    let s1 = app.session(w, 0, 10, 2, 1).await;
    let s2 = app.session(w, 1, 10, 2, 1).await;
    app.enrol(&other, s2).await;
    app.enrol(&p, s1).await;
    app.enrol(&p, s2).await; // waitlisted
    let (st, state) = app.get(&p.token, "/api/v1/me/calendar-token").await;
    assert_eq!((st, state["active"].as_bool()), (StatusCode::OK, Some(false)));
    let (st, made) = app.post(&p.token, "/api/v1/me/calendar-token", json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{made}");
    let url = made["url"].as_str().unwrap();
    let path = &url[url.find("/api/").unwrap()..];
    // No bearer token: calendar apps only have the secret address.
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let body = res.text().await.unwrap();
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let cal = parser.next().unwrap().expect("a valid calendar");
    assert_eq!(cal.events.len(), 2);
    let summary = |e: &ical::parser::ical::component::IcalEvent| {
        e.properties.iter().find(|p| p.name == "SUMMARY").and_then(|p| p.value.clone()).unwrap()
    };
    assert_eq!(summary(&cal.events[0]), "Tekenen voor beginners");
    assert!(summary(&cal.events[1]).starts_with("(wachtlijst)"));
    // A new secret revokes the old address.
    let (_, again) = app.post(&p.token, "/api/v1/me/calendar-token", json!({})).await;
    assert_ne!(again["url"], made["url"]);
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app.client.get(app.url("/api/v1/me/calendar.ics?token=cal_guess")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

async fn sign_in_links_and_feedback_requests_arrive_in_the_persons_language(app: &TestApp) {
    use leerweek_domain::attendance::Attendance;
    use leerweek_domain::text::EmailAddress;
    use leerweek_store::{attendance, auth, feedback, people};
    let sink = SmtpSink::start();
    let org = app.org("Dommelvallei").await;
    let nl = app.person(org, "els@dommelvallei.nl").await;
    let (st, en) = app
        .post(
            &app.admin,
            "/api/v1/people",
            json!({"email": "john@dommelvallei.nl", "name": "John", "organisation_id": org, "language": "en"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{en}");
    let en = Person { id: id(&en), token: app.token(id(&en)).await };
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({"title": "Feedback geven"})).await, 0, 10, 2, 5).await;
    // Both ask for a sign-in link; both come to the session, and once it is over the minute job
    // asks them for feedback (its clock moved past the session's end).
    let (_, session) = app.get(&app.admin, &format!("/api/v1/sessions/{s}")).await;
    let ends_at: chrono::DateTime<Utc> = serde_json::from_value(session["ends_at"].clone()).unwrap();
    let after = ends_at + Duration::hours(1);
    let admin = people::authenticate(&app.store, &app.admin).await.unwrap().expect("the admin");
    for (who, email) in [(&nl, "els@dommelvallei.nl"), (&en, "john@dommelvallei.nl")] {
        let email = EmailAddress::parse(email).unwrap();
        auth::request_link(&app.store, &email, "https://leerweek.example", Utc::now()).await.unwrap();
        let (st, e) = app.enrol(who, s).await;
        assert_eq!(st, StatusCode::CREATED, "{e}");
        attendance::mark(&app.store, &admin, id(&e), Some(Attendance::Present), ends_at).await.unwrap();
    }
    assert_eq!(feedback::queue_requests(&app.store, "https://leerweek.example/feedback/xyz", after).await.unwrap(), 2);
    // Only these four: the enrolment confirmations are not part of this story.
    let cfg = sink.config();
    for _ in 0..200 {
        leerweek_mailer::run_once(&app.store, &cfg, after + Duration::hours(1)).await.expect("worker round");
        if app.sql().await.outbox_count("pending").await == 0 {
            break;
        }
    }
    assert_eq!(app.sql().await.outbox_count("pending").await, 0, "the outbox drained");
    let got: Vec<_> = sink
        .received()
        .into_iter()
        .filter(|m| {
            m.text
                .as_deref()
                .is_some_and(|t| t.contains("leerweek.example/aanmelden?token=") || t.contains("feedback/xyz"))
        })
        .collect();
    assert_eq!(got.len(), 4);
    let subject_of = |who: &str, link: &str| {
        let m =
            got.iter().find(|m| m.to.contains(who) && m.text.as_deref().unwrap_or("").contains(link)).expect("mail");
        // HTML escapes "/" as &#x2f;, which every browser and mail client reads as "/".
        assert!(m.html.as_deref().unwrap().replace("&#x2f;", "/").contains(link) && m.calendar.is_none());
        m.subject.clone()
    };
    assert_eq!(subject_of("els", "aanmelden?token="), "Je aanmeldlink voor Leerweek");
    assert_eq!(subject_of("john", "aanmelden?token="), "Your sign-in link for Leerweek");
    assert_eq!(subject_of("els", "feedback/xyz"), "Hoe was het? Feedback geven");
    assert_eq!(subject_of("john", "feedback/xyz"), "How was it? Feedback geven");
}

/// An organiser messages a session's participants: every seat gets a mail with the text (HTML
/// escaped), the waiting list only when asked; bad input is refused per field and sends nothing;
/// organisers of another organisation may not; the message is audited.
async fn organisers_message_a_sessions_participants_by_mail(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Enkhuizen").await;
    let other = app.org("Stede Broec").await;
    let (a, b, c) = (
        app.person(org, "anna@enkhuizen.nl").await,
        app.person(org, "bram@enkhuizen.nl").await,
        app.person(other, "cor@stedebroec.nl").await,
    );
    let ev = app.week(&[org, other], json!({})).await;
    let w = app.workshop(ev, org, json!({"title": "Grip op stress"})).await;
    let s = app.session(w, 0, 10, 2, 2).await;
    let empty = app.session(w, 1, 10, 2, 2).await;
    app.enrol(&a, s).await;
    app.enrol(&c, s).await;
    let (_, waiting) = app.enrol(&b, s).await;
    assert_eq!(waiting["status"], "waitlisted");

    let path = format!("/api/v1/sessions/{s}/messages");
    let pending_before = app.sql().await.outbox_count("pending").await;
    for (body, field) in [
        (json!({"subject": "", "body": "x"}), "subject"),
        (json!({"subject": "Regel 1\r\nBcc: iedereen@example.nl", "body": "x"}), "subject"),
        (json!({"subject": "Ok", "body": "   "}), "body"),
        (json!({"subject": "Ok", "body": "x".repeat(5001)}), "body"),
    ] {
        let (st, problem) = app.post(&app.admin, &path, body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["field"], field, "{problem}");
    }
    let outsider = app.person(other, "hr@stedebroec.nl").await;
    app.post(&app.admin, &format!("/api/v1/people/{}/roles", outsider.id), json!({"role": "organiser"})).await;
    let (st, _) = app.post(&outsider.token, &path, json!({"subject": "Hoi", "body": "x"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "another organisation's organiser");
    assert_eq!(app.sql().await.outbox_count("pending").await, pending_before, "refused: nothing queued");

    let text = "Zaal 2 in plaats van zaal 1.\nNeem <b>je laptop</b> mee & een pen.";
    let (st, sent) = app.post(&app.admin, &path, json!({"subject": "Ander lokaal", "body": text})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{sent}");
    assert_eq!(sent["recipients"], 2, "only the seats");
    let (st, sent) = app
        .post(&app.admin, &path, json!({"subject": "Wachtlijst ook", "body": "Hallo", "include_waitlist": true}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{sent}");
    assert_eq!(sent["recipients"], 3);
    let (st, sent) =
        app.post(&app.admin, &format!("/api/v1/sessions/{empty}/messages"), json!({"subject": "x", "body": "y"})).await;
    assert_eq!((st, sent["recipients"].as_u64()), (StatusCode::ACCEPTED, Some(0)), "nobody enrolled: nothing sent");

    drain(app, &sink.config()).await;
    let got: Vec<_> = sink
        .received()
        .into_iter()
        .filter(|m| m.subject.contains("Ander lokaal") || m.subject.contains("Wachtlijst ook"))
        .collect();
    assert_eq!(got.len(), 5, "{:#?}", got.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>());
    let first: Vec<_> = got.iter().filter(|m| m.subject.starts_with("Ander lokaal")).collect();
    let mut to: Vec<_> =
        first.iter().map(|m| m.to.rsplit('<').next().unwrap().trim_end_matches('>').to_owned()).collect();
    to.sort();
    assert_eq!(to, ["anna@enkhuizen.nl", "cor@stedebroec.nl"], "the seats, not the waiting list");
    for m in &first {
        assert_eq!(m.subject, "Ander lokaal (Grip op stress)");
        assert!(m.text.as_deref().unwrap().contains("Neem <b>je laptop</b> mee & een pen."), "{m:?}");
        let html = m.html.as_deref().unwrap();
        assert!(
            html.contains("Neem &lt;b&gt;je laptop&lt;&#x2f;b&gt; mee &amp; een pen.") && !html.contains("<b>je"),
            "{html}"
        );
        assert!(m.calendar.is_none(), "a message changes no appointment");
    }
    assert!(got.iter().any(|m| m.to.contains("bram") && m.subject.starts_with("Wachtlijst ook")));

    let (_, audit) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={s}")).await;
    let entries: Vec<_> =
        audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "session.message").collect();
    assert_eq!(entries.len(), 2, "{audit}");
}
