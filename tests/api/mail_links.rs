//! Mails that let people act (issue 25): every mail about a place links to its session and,
//! while the deadline allows, to a one-click cancel signed for that enrolment. The tests follow
//! the links from the mails a real SMTP server received, as a person would, without signing in.

use crate::harness::{TestApp, id};
use crate::on_both_backends;
use crate::smtp::{SmtpSink, deliver, link_after};
use chrono::{Duration, Utc};
use leerweek_store::links::{self, LinkAction};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    a_cancel_link_from_the_mail_cancels_after_a_confirmation_and_the_waiting_list_moves,
    a_cancel_link_that_was_changed_expired_or_posted_from_another_site_changes_nothing,
);

/// A page, as a browser without a session gets it: status and HTML.
async fn page(app: &TestApp, url: &str) -> (StatusCode, String) {
    let res = app.client.get(url).send().await.expect("GET");
    (res.status(), res.text().await.unwrap_or_default())
}

/// The page's form posted, as a browser on our own site posts it.
async fn post_form(app: &TestApp, token: &str, origin: Option<&str>) -> (StatusCode, String) {
    let mut req = app
        .client
        .post(app.url("/afmelden"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("t={token}"));
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    let res = req.send().await.expect("POST");
    (res.status(), res.text().await.unwrap_or_default())
}

async fn status_of(app: &TestApp, who: &crate::harness::Person, enrolment: uuid::Uuid) -> String {
    let (st, body) = app.get(&who.token, &format!("/api/v1/enrolments/{enrolment}")).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["status"].as_str().unwrap_or_default().to_owned()
}

async fn a_cancel_link_from_the_mail_cancels_after_a_confirmation_and_the_waiting_list_moves(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Enkhuizen").await;
    let (anna, bram) = (app.person(org, "anna@enkhuizen.nl").await, app.person(org, "bram@enkhuizen.nl").await);
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({"title": "Grip op stress & werkdruk"})).await;
    let s = app.session(w, 0, 10, 2, 1).await;
    let (_, ea) = app.enrol(&anna, s).await;
    let (_, eb) = app.enrol(&bram, s).await;
    assert_eq!((ea["status"].as_str(), eb["status"].as_str()), (Some("confirmed"), Some("waitlisted")));
    deliver(app, &sink).await;

    let got = sink.received();
    let anna_mail = got.iter().find(|m| m.to.contains("anna")).expect("Anna's confirmation");
    let text = anna_mail.text.as_deref().unwrap_or_default();
    let cancel = link_after(text, "Afmelden (met één klik").expect("a cancel link in the confirmation");
    assert!(cancel.starts_with(&format!("{}/afmelden?t=", app.base)), "{cancel}");
    assert_eq!(link_after(text, "De sessie").as_deref(), Some(format!("{}/sessies/{s}", app.base).as_str()));
    assert_eq!(link_after(text, "Al je sessies").as_deref(), Some(format!("{}/mijn-week", app.base).as_str()));
    // (HTML escapes the slashes of an attribute's value: `&#x2f;`, which a mail client reads as `/`.)
    let html = anna_mail.html.as_deref().unwrap_or_default().replace("&#x2f;", "/");
    assert!(html.contains(&format!("href=\"{cancel}\"")), "the HTML part has the same link: {html}");
    let bram_waiting = got.iter().find(|m| m.to.contains("bram")).expect("Bram's waiting-list mail");
    let bram_cancel =
        link_after(bram_waiting.text.as_deref().unwrap_or_default(), "Afmelden").expect("a waiting place can go too");

    // Opening the link shows what it would do and changes nothing (mail scanners open links too).
    let (st, body) = page(app, &cancel).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(
        body.contains("Grip op stress &amp; werkdruk") && body.contains("<form method=\"post\" action=\"/afmelden\">")
    );
    assert!(!body.contains("<script"), "no JavaScript needed");
    assert_eq!(status_of(app, &anna, id(&ea)).await, "confirmed");

    // The button cancels: Anna's seat goes to Bram, in the same moment.
    let token = cancel.split("?t=").nth(1).unwrap();
    let (st, body) = post_form(app, token, Some(&app.base)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body.contains("Je bent afgemeld") && body.contains("wachtlijst"), "{body}");
    assert_eq!(status_of(app, &anna, id(&ea)).await, "cancelled");
    assert_eq!(status_of(app, &bram, id(&eb)).await, "confirmed");
    assert_eq!(app.session_counts(s).await, (1, 0));
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={}", id(&ea))).await;
    let audited = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "enrolment.cancel_by_link" && i["actor_id"] == json!(anna.id))
        .count();
    assert_eq!(audited, 1, "a cancellation through a link is audited");

    // The link acts once: again it only says so, and nothing more happens.
    for (st, body) in [page(app, &cancel).await, post_form(app, token, None).await] {
        assert_eq!(st, StatusCode::OK, "{body}");
        assert!(body.contains("Je bent al afgemeld"), "{body}");
    }
    assert_eq!(app.session_counts(s).await, (1, 0));

    // Both got a mail: Anna's cancellation links to the session, no longer to a cancel; Bram's
    // seat came with a cancel link of his own, and the one from his waiting-list mail names
    // the same enrolment, so it still works for the seat.
    deliver(app, &sink).await;
    let got = sink.received();
    let anna_cancelled = got.iter().filter(|m| m.to.contains("anna")).nth(1).expect("Anna's cancellation mail");
    let text = anna_cancelled.text.as_deref().unwrap_or_default();
    assert!(anna_cancelled.subject.starts_with("Afgemeld"), "{}", anna_cancelled.subject);
    assert!(link_after(text, "Afmelden").is_none() && link_after(text, "De sessie").is_some(), "{text}");
    let bram_seat = got.iter().filter(|m| m.to.contains("bram")).nth(1).expect("Bram's seat");
    let bram_seat_cancel = link_after(bram_seat.text.as_deref().unwrap_or_default(), "Afmelden").expect("cancel link");
    assert_eq!(bram_seat_cancel, bram_cancel, "one link per enrolment, from every mail about it");
    let (st, body) = page(app, &bram_cancel).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body.contains("Wil je je afmelden"), "{body}");
}

async fn a_cancel_link_that_was_changed_expired_or_posted_from_another_site_changes_nothing(app: &TestApp) {
    let org = app.org("Nuenen").await;
    let anna = app.person(org, "anna@nuenen.nl").await;
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({"title": "Tekenen"})).await;
    let s = app.session(w, 0, 10, 2, 5).await;
    let (_, e) = app.enrol(&anna, s).await;
    let enrolment = id(&e);
    let signer = links::signer(&app.store).await.unwrap();
    let good = signer.sign(LinkAction::Cancel, enrolment, Utc::now() + Duration::days(2));

    // A changed, cut-off or foreign link: 400, in Dutch and English, nothing cancelled.
    let forged = leerweek_store::links::LinkSigner::with_key(b"another installation").sign(
        LinkAction::Cancel,
        enrolment,
        Utc::now() + Duration::days(2),
    );
    let approve = signer.sign(LinkAction::Approve, enrolment, Utc::now() + Duration::days(2));
    for bad in [&good[..good.len() - 2], forged.as_str(), approve.as_str(), "", "x.y.z"] {
        let (st, body) = page(app, &app.url(&format!("/afmelden?t={bad}"))).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad:?}: {body}");
        assert!(body.contains("Deze link werkt niet") && body.contains("lang=\"en\""), "{body}");
        let (st, _) = post_form(app, bad, None).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    let (st, _) = page(app, &app.url("/afmelden")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "no token at all");

    // Past its deadline: 410, the page says until when it could.
    let expired = signer.sign(LinkAction::Cancel, enrolment, Utc::now() - Duration::minutes(1));
    let (st, body) = page(app, &app.url(&format!("/afmelden?t={expired}"))).await;
    assert_eq!(st, StatusCode::GONE, "{body}");
    assert!(body.contains("kon via deze link tot"), "{body}");
    let (st, _) = post_form(app, &expired, None).await;
    assert_eq!(st, StatusCode::GONE);

    // The form posted by another site's page: refused, even with a good link.
    let (st, body) = post_form(app, &good, Some("https://evil.example")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(status_of(app, &anna, enrolment).await, "confirmed");
    assert_eq!(app.session_counts(s).await, (1, 0));

    // English speakers get the page in English.
    let (st, _) = app.patch(&anna.token, "/api/v1/me", json!({"language": "en"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = page(app, &app.url(&format!("/afmelden?t={good}"))).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body.contains("<html lang=\"en\">") && body.contains("Yes, cancel my place"), "{body}");
}
