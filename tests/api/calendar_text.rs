//! A name or title in a calendar invite stays text (issue 23, part 7): quotes, semicolons,
//! colons and commas in a person's name cannot end the ATTENDEE's CN parameter and add
//! parameters or properties of their own. Read from the mail as delivered over real SMTP, with an
//! independent calendar parser.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use crate::smtp::SmtpSink;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(a_hostile_name_stays_inside_the_attendees_cn);

async fn a_hostile_name_stays_inside_the_attendees_cn(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Enkhuizen").await;
    let name = "Eva \"de Baas\"; ROLE=CHAIR:mailto:kwaad@example.nl, ATTENDEE;CN=x";
    let email = "eva@enkhuizen.nl";
    let (st, b) =
        app.post(&app.admin, "/api/v1/people", json!({"email": email, "name": name, "organisation_id": org})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let eva = Person { id: id(&b), token: app.token(id(&b)).await };
    let week = app.week(&[org], json!({})).await;
    let workshop = app.workshop(week, org, json!({"title": "Stress; \"grip\", rust: ook ^ dat"})).await;
    let session = app.session(workshop, 0, 10, 2, 5).await;
    let (st, e) = app.enrol(&eva, session).await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    let cfg = sink.config();
    while leerweek_mailer::run_once(&app.store, &cfg, Utc::now() + Duration::hours(2)).await.unwrap() > 0 {}

    let mail = sink.received().into_iter().find(|m| m.to.contains(email)).expect("the confirmation");
    let (_, body) = mail.calendar.expect("a calendar part");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("a valid calendar");
    let event = cal.events.first().expect("one event");
    let attendees: Vec<_> = event.properties.iter().filter(|p| p.name == "ATTENDEE").collect();
    assert_eq!(attendees.len(), 1, "{body}");
    let a = attendees[0];
    assert_eq!(a.value.as_deref(), Some(format!("mailto:{email}").as_str()), "{body}");
    let params = a.params.clone().unwrap_or_default();
    let cn: Vec<_> = params.iter().filter(|(k, _)| k == "CN").collect();
    assert_eq!(cn.len(), 1, "one CN: {params:?}");
    let cn = cn[0].1.join(",");
    assert!(
        cn.contains("Eva") && cn.contains("ROLE=CHAIR") && cn.contains("mailto:kwaad"),
        "the whole name is the CN: {cn}"
    );
    assert!(
        params.iter().all(|(k, v)| k != "ROLE" || v.iter().all(|v| v != "CHAIR")),
        "an injected parameter: {params:?}"
    );
    let summary =
        event.properties.iter().find(|p| p.name == "SUMMARY").and_then(|p| p.value.clone()).unwrap_or_default();
    assert!(summary.contains("grip") && summary.contains("ook"), "{summary}");
    assert_eq!(event.properties.iter().filter(|p| p.name == "ORGANIZER").count(), 1, "{body}");
}
