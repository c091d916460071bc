//! Sign-in by mail link through the real SMTP server, browser sessions with CSRF protection,
//! sign-out, and rate limits that never tell whether an address is known.

use crate::harness::{TestApp, expect_problem};
use crate::on_both_backends;
use crate::smtp::SmtpSink;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    a_mail_link_signs_in_once_and_cookie_writes_need_the_csrf_token,
    link_requests_answer_the_same_for_unknown_addresses_and_are_rate_limited,
    two_hundred_tokens_checked_at_once_each_sign_in_their_own_person,
    a_link_brought_many_times_at_the_same_moment_signs_in_once,
    a_sign_in_form_posted_from_another_site_is_refused_and_the_link_keeps,
);

/// Issue 23 part 7, login CSRF: another site cannot make a visitor's browser post the sign-in
/// form with a link of the attacker's (signing the visitor in as the attacker). The browser's
/// `Origin` (or, without one, `Sec-Fetch-Site`) must say the form came from Leerweek itself.
async fn a_sign_in_form_posted_from_another_site_is_refused_and_the_link_keeps(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Nuenen").await;
    app.person(org, "ilse@nuenen.nl").await;
    let (st, _) =
        app.send(app.client.post(app.url("/api/v1/auth/link")).json(&json!({"email": "ilse@nuenen.nl"}))).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    drain(app, &sink).await;
    let text = sink.received()[0].text.clone().unwrap();
    let link = text.split_whitespace().find(|w| w.contains("/aanmelden?token=")).expect("a link in the mail");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let form = |headers: &[(&str, &str)]| {
        let mut r = app
            .client
            .post(app.url("/api/v1/auth/session"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("token={token}"));
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send()
    };
    for headers in [
        vec![("origin", "https://kwaad.example")],
        vec![("origin", "null")],
        // A sandboxed frame of another site posts with `Origin: null` too, but cross-site.
        vec![("origin", "null"), ("sec-fetch-site", "cross-site")],
        vec![("origin", "https://kwaad.example"), ("sec-fetch-site", "same-origin")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ] {
        let res = form(&headers).await.unwrap();
        let p = expect_problem(res, StatusCode::FORBIDDEN, "cross-site-sign-in").await;
        assert_eq!(p["field"], "Origin", "{headers:?}");
    }
    // The link was not used up: from Leerweek's own page it signs in. Under the page's
    // `Referrer-Policy: no-referrer` Chromium posts the form with `Origin: null`, same-origin.
    let res = form(&[("origin", "null"), ("sec-fetch-site", "same-origin")]).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(cookie_of(&res).starts_with("lw_session=ses_"));
}

/// Issue 23 part 7: single use holds under concurrency too. Sixteen requests with the same link
/// at the same moment (a mail scanner and the person, two tabs) start one session, not several.
async fn a_link_brought_many_times_at_the_same_moment_signs_in_once(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Nuenen").await;
    app.person(org, "ilse@nuenen.nl").await;
    // Four rounds: a race that one burst may miss, four rarely do.
    for round in 1..=4_i64 {
        let (st, _) =
            app.send(app.client.post(app.url("/api/v1/auth/link")).json(&json!({"email": "ilse@nuenen.nl"}))).await;
        assert_eq!(st, StatusCode::ACCEPTED);
        drain(app, &sink).await;
        let text = sink.received().last().unwrap().text.clone().unwrap();
        let link = text.split_whitespace().find(|w| w.contains("/aanmelden?token=")).expect("a link in the mail");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(16));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (client, url, token, barrier) =
                (app.client.clone(), app.url("/api/v1/auth/session"), token.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                client.post(url).json(&json!({"token": token})).send().await.unwrap().status()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        assert_eq!(created, 1, "round {round}: {statuses:?}");
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::BAD_REQUEST), "{statuses:?}");
        let sessions = "SELECT count(*) FROM browser_sessions";
        assert_eq!(app.sql().await.one::<i64>(sessions, []).await, Some(round));
    }
}

async fn drain(app: &TestApp, sink: &SmtpSink) {
    leerweek_mailer::run_once(&app.store, &sink.config(), Utc::now() + Duration::hours(1)).await.unwrap();
}

fn cookie_of(res: &reqwest::Response) -> String {
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
    set.split(';').next().unwrap().to_owned()
}

async fn a_mail_link_signs_in_once_and_cookie_writes_need_the_csrf_token(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Nuenen").await;
    let person = app.person(org, "ilse@nuenen.nl").await;
    let (st, b) =
        app.send(app.client.post(app.url("/api/v1/auth/link")).json(&json!({"email": "Ilse@Nuenen.nl"}))).await;
    assert_eq!((st, b["status"].as_str()), (StatusCode::ACCEPTED, Some("sent")));
    drain(app, &sink).await;
    let mails = sink.received();
    assert_eq!(mails.len(), 1);
    let text = mails[0].text.clone().unwrap();
    let link = text.split_whitespace().find(|w| w.contains("/aanmelden?token=")).expect("a link in the mail");
    let token = link.split("token=").nth(1).unwrap().to_owned();

    // The link opens a page with a button (mail scanners do not use the token up by opening it).
    let page = app.client.get(app.url(&format!("/aanmelden?token={token}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains(&token));
    let res = app
        .client
        .post(app.url("/api/v1/auth/session"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_of(&res);

    // Used once: the same link no longer works.
    let again = app.client.post(app.url("/api/v1/auth/session")).json(&json!({"token": token})).send().await.unwrap();
    expect_problem(again, StatusCode::BAD_REQUEST, "sign-in-link-invalid").await;

    let (st, me) = app.send(app.client.get(app.url("/api/v1/me")).header("cookie", &cookie)).await;
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!(me["id"], person.id.to_string());
    let (_, session) = app.send(app.client.get(app.url("/api/v1/auth/session")).header("cookie", &cookie)).await;
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();

    // A write with the cookie but without the CSRF token is refused and changes nothing.
    let res = app
        .client
        .post(app.url("/api/v1/me/calendar-token"))
        .header("cookie", &cookie)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::FORBIDDEN, "csrf").await;
    let (_, state) = app.send(app.client.get(app.url("/api/v1/me/calendar-token")).header("cookie", &cookie)).await;
    assert_eq!(state["active"], false);
    let (st, _) = app
        .send(
            app.client
                .post(app.url("/api/v1/me/calendar-token"))
                .header("cookie", &cookie)
                .header("x-csrf-token", &csrf)
                .json(&json!({})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);

    // Bearer tokens keep working for scripts, and sign-out everywhere ends the browser session.
    let (st, ended) = app.post(&person.token, "/api/v1/auth/sign-out-everywhere", json!({})).await;
    assert_eq!((st, ended["sessions_ended"].as_u64()), (StatusCode::OK, Some(1)));
    let res = app.client.get(app.url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
    expect_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

async fn link_requests_answer_the_same_for_unknown_addresses_and_are_rate_limited(app: &TestApp) {
    let sink = SmtpSink::start();
    let org = app.org("Enkhuizen").await;
    app.person(org, "kees@enkhuizen.nl").await;
    let ask = |email: &str| app.client.post(app.url("/api/v1/auth/link")).json(&json!({"email": email})).send();
    let known = ask("kees@enkhuizen.nl").await.unwrap();
    let unknown = ask("niemand@enkhuizen.nl").await.unwrap();
    assert_eq!((known.status(), unknown.status()), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap(), "no telling whether an address exists");
    drain(app, &sink).await;
    assert_eq!(sink.received().len(), 1, "only the known address gets mail");
    for _ in 0..4 {
        assert_eq!(ask("kees@enkhuizen.nl").await.unwrap().status(), StatusCode::ACCEPTED);
    }
    let limited = ask("kees@enkhuizen.nl").await.unwrap();
    assert!(limited.headers().contains_key("retry-after"));
    expect_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate-limited").await;
    // Another address from the same client is still served; the owner's sessions are untouched.
    assert_eq!(ask("ander@enkhuizen.nl").await.unwrap().status(), StatusCode::ACCEPTED);
    let bad = ask("geen adres").await.unwrap();
    expect_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field").await;
}

/// Tokens new to the server are looked up together (one query for all asked at the same moment):
/// whatever arrives at once, each token signs in exactly its own person with their own roles,
/// and unknown tokens sign in nobody.
async fn two_hundred_tokens_checked_at_once_each_sign_in_their_own_person(app: &TestApp) {
    let org = app.org("Tholen").await;
    let people = app.people(org, "Tholen", "tok", 200).await;
    for p in people.iter().step_by(7) {
        let (s, b) =
            app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": "organiser"})).await;
        assert!(s.is_success(), "{b}");
    }
    let asks = people.iter().enumerate().map(|(i, p)| async move {
        let real = app.get(&p.token, "/api/v1/me").await;
        let fake = app.get(&format!("{}x", p.token), "/api/v1/me").await;
        (i, p, real, fake)
    });
    for (i, p, (status, me), (fake_status, _)) in futures::future::join_all(asks).await {
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["id"], json!(p.id), "token {i} signed in someone else: {me}");
        let organiser = me["roles"].as_array().unwrap().iter().any(|r| r == "organiser");
        assert_eq!(organiser, i % 7 == 0, "token {i} has the wrong roles: {me}");
        assert_eq!(fake_status, StatusCode::UNAUTHORIZED, "an unknown token signed somebody in");
    }
}
