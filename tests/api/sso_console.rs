//! An organisation's sign-in as the console sets it: an admin tests the provider (the real
//! OpenID provider of tests/support/oidc) and sees what it returned without anyone being signed
//! in, and an organisation switches mail-link sign-in off for its people (admins keep it).

use crate::harness::{TestApp, expect_problem};
use crate::on_both_backends;
use crate::smtp::SmtpSink;
use crate::sso::{Account, CLIENT_SECRET, Idp, account, at_provider, browser, location, me, provider, sign_in};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    an_admin_tests_a_provider_that_is_off_and_sees_what_it_returned_without_signing_anyone_in,
    an_organisation_that_signs_in_through_its_own_provider_gets_no_mail_links_but_its_admins_do,
    an_address_links_an_account_only_when_the_provider_vouches_for_it,
);

/// Issue 23 part 6: a provider that says nothing about `email_verified` does not get to link an
/// account by its address, unless an admin chose to trust this provider's addresses; and a
/// `preferred_username` (which the user can change) never counts as an address.
async fn an_address_links_an_account_only_when_the_provider_vouches_for_it(app: &TestApp) {
    let idp = Idp::start(&app.url("/aanmelden/sso/callback"));
    let nuenen = app.org("Nuenen").await;
    let ilse = app.person(nuenen, "ilse@nuenen.nl").await;
    let (st, p) = provider(app, nuenen, &idp.issuer, json!({})).await;
    assert_eq!((st, p["trust_email"].as_bool()), (StatusCode::CREATED, Some(false)), "{p}");
    let silent = Account { verified: None, ..account("ilse@nuenen.nl") };
    let (_, end) = sign_in(app, &idp, nuenen, silent).await;
    assert_eq!(end, "/aanmelden?fout=sso-email-not-verified");
    let username_only = Account { email: "", subject: "upn-ilse", username: "ilse@nuenen.nl", ..account("") };
    let (_, end) = sign_in(app, &idp, nuenen, username_only).await;
    assert_eq!(end, "/aanmelden?fout=sso-no-email");
    let linked = "SELECT count(*) FROM sso_identities";
    assert_eq!(app.sql().await.one::<i64>(linked, []).await, Some(0));

    // The admin trusts this provider's addresses: silence now counts, an explicit "no" still not.
    let (st, p) = provider(app, nuenen, &idp.issuer, json!({"trust_email": true})).await;
    assert_eq!((st, p["trust_email"].as_bool()), (StatusCode::OK, Some(true)), "{p}");
    let denied = Account { verified: Some(false), subject: "ander", ..account("ilse@nuenen.nl") };
    let (_, end) = sign_in(app, &idp, nuenen, denied).await;
    assert_eq!(end, "/aanmelden?fout=sso-email-not-verified");
    let (b, end) = sign_in(app, &idp, nuenen, silent).await;
    assert_eq!(end, "/mijn-week");
    let (st, who) = me(app, &b).await;
    assert_eq!((st, who["id"].as_str()), (StatusCode::OK, Some(ilse.id.to_string().as_str())), "{who}");
    let sql =
        "SELECT count(*) FROM audit_log WHERE action = 'sso_provider.put' AND after LIKE '%\"trust_email\":true%'";
    assert_eq!(app.sql().await.one::<i64>(sql, []).await, Some(1));
}

/// Start a test as the admin from browser `b`, log in at the provider as `who`, follow the
/// callback; returns where Leerweek sent the browser and the cookies it set there.
async fn test_sign_in(app: &TestApp, idp: &Idp, b: &reqwest::Client, org: Uuid, who: Account<'_>) -> (String, String) {
    let res =
        b.post(app.url(&format!("/api/v1/organisations/{org}/sso/test"))).bearer_auth(&app.admin).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookies =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(cookies.iter().any(|c| c.starts_with("lw_sso=sb_") && c.contains("Path=/aanmelden/sso")), "{cookies:?}");
    let started: Value = res.json().await.unwrap();
    let authorize = started["authorization_url"].as_str().expect("an authorization address").to_owned();
    assert!(authorize.starts_with(&format!("{}/auth?", idp.issuer)), "{authorize}");
    let callback = at_provider(app, idp, b, &authorize, who).await;
    let res = b.get(&callback).send().await.unwrap();
    let set = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    (location(&res, &app.base).trim_start_matches(&app.base).to_owned(), set.join("\n"))
}

async fn last_test(app: &TestApp, org: Uuid) -> Value {
    let (st, p) = app.get(&app.admin, &format!("/api/v1/organisations/{org}/sso")).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert!(!p.to_string().contains(CLIENT_SECRET), "the client secret was shown: {p}");
    p["last_test"].clone()
}

async fn an_admin_tests_a_provider_that_is_off_and_sees_what_it_returned_without_signing_anyone_in(app: &TestApp) {
    let idp = Idp::start(&app.url("/aanmelden/sso/callback"));
    let nuenen = app.org("Nuenen").await;
    let ilse = app.person(nuenen, "ilse@nuenen.nl").await;
    let (st, p) = provider(app, nuenen, &idp.issuer, json!({"enabled": false})).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    assert_eq!(p["last_test"], Value::Null);

    // Only admins test; to others the provider does not exist.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/organisations/{nuenen}/sso/test")))
        .bearer_auth(&ilse.token)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::NOT_FOUND, "not-found").await;

    // A known address: it works, the account would be linked on the first real sign-in. The
    // test signs nobody in, links nothing, and goes back to the console's page.
    let b = browser();
    let who = Account { name: "Ilse de Vries", subject: "idp-ilse-1", ..account("ilse@nuenen.nl") };
    let (back, cookies) = test_sign_in(app, &idp, &b, nuenen, who).await;
    assert_eq!(back, format!("/beheer/organisaties/{nuenen}/inloggen?getest=1"));
    assert!(!cookies.contains("lw_session=ses_"), "a test signed someone in: {cookies}");
    let t = last_test(app, nuenen).await;
    assert_eq!((t["outcome"].as_str(), t["ok"].as_bool()), (Some("would-link"), Some(true)), "{t}");
    assert_eq!(
        t["claims"],
        json!({"subject": "idp-ilse-1", "email": "ilse@nuenen.nl", "email_verified": true,
        "name": "Ilse de Vries"})
    );
    assert!(t["message_nl"].as_str().unwrap().starts_with("Gelukt"), "{t}");
    let linked = "SELECT count(*) FROM sso_identities";
    assert_eq!(app.sql().await.one::<i64>(linked, []).await, Some(0), "a test linked an account");

    // An address outside the provider's domains: refused, and said why.
    let (_, _) = test_sign_in(app, &idp, &browser(), nuenen, account("kees@elders.nl")).await;
    let t = last_test(app, nuenen).await;
    assert_eq!((t["outcome"].as_str(), t["ok"].as_bool()), (Some("sso-domain-not-allowed"), Some(false)), "{t}");
    assert!(t["message_en"].as_str().unwrap().contains("cannot sign in this e-mail address"), "{t}");
    // Nobody can sign in for real while the provider is off.
    let res = browser().get(app.url(&format!("/aanmelden/sso/{nuenen}"))).send().await.unwrap();
    assert_eq!(location(&res, &app.base), app.url("/aanmelden?fout=sso-not-configured"));

    // Audited without what the provider said about the person.
    let sql = "SELECT count(*) FROM audit_log WHERE action = 'sso_provider.test' AND after NOT LIKE '%ilse%'";
    assert_eq!(app.sql().await.one::<i64>(sql, []).await, Some(2));

    // Switching it on keeps the test (the connection is the same); another client id drops it.
    provider(app, nuenen, &idp.issuer, json!({"enabled": true})).await;
    assert_eq!(last_test(app, nuenen).await["outcome"], "sso-domain-not-allowed");
    provider(app, nuenen, &idp.issuer, json!({"client_id": "iets-anders"})).await;
    assert_eq!(last_test(app, nuenen).await, Value::Null);

    // A provider that cannot be reached: no address to go to, and the reason kept.
    let (st, _) = app
        .put(
            &app.admin,
            &format!("/api/v1/organisations/{nuenen}/sso"),
            json!({"issuer": "http://127.0.0.1:9/leeg",
            "client_id": "x", "allowed_domains": ["nuenen.nl"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, started) = app.post(&app.admin, &format!("/api/v1/organisations/{nuenen}/sso/test"), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{started}");
    assert_eq!(started["authorization_url"], Value::Null);
    assert_eq!(started["last_test"]["outcome"], "sso-provider-unavailable");
    assert_eq!(last_test(app, nuenen).await["outcome"], "sso-provider-unavailable");
}

async fn drain(app: &TestApp, sink: &SmtpSink) -> Vec<String> {
    leerweek_mailer::run_once(&app.store, &sink.config(), Utc::now() + Duration::hours(1)).await.unwrap();
    sink.received().into_iter().filter_map(|m| m.text).collect()
}

async fn ask_link(app: &TestApp, email: &str) {
    let (st, b) = app.send(app.client.post(app.url("/api/v1/auth/link")).json(&json!({"email": email}))).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
}

fn token_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.contains("/aanmelden?token="))
        .map(|l| l.split("token=").nth(1).unwrap().to_owned())
}

async fn redeem(app: &TestApp, token: &str) -> StatusCode {
    app.client.post(app.url("/api/v1/auth/session")).json(&json!({"token": token})).send().await.unwrap().status()
}

async fn an_organisation_that_signs_in_through_its_own_provider_gets_no_mail_links_but_its_admins_do(app: &TestApp) {
    let sink = SmtpSink::start();
    let nuenen = app.org("Nuenen").await;
    app.person(nuenen, "ilse@nuenen.nl").await;
    let beheer = app.person(nuenen, "beheer@nuenen.nl").await;
    let (st, _) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", beheer.id), json!({"role": "admin"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = provider(app, nuenen, "https://login.nuenen.nl", json!({})).await;
    assert_eq!(st, StatusCode::CREATED);

    // A link asked for while links are allowed...
    ask_link(app, "ilse@nuenen.nl").await;
    let early = token_in(&drain(app, &sink).await[0]).expect("a sign-in link");

    // ...then the organisation switches mail links off (admins only; audited).
    let path = format!("/api/v1/organisations/{nuenen}");
    let (st, p) = app.patch(&beheer.token, &path, json!({"mail_link_sign_in": false})).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let (st, _) = app.patch(&app.person(nuenen, "x@nuenen.nl").await.token, &path, json!({"name": "X"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, org) = app.get(&app.admin, &path).await;
    assert_eq!((org["mail_link_sign_in"].as_bool(), org["name"].as_str()), (Some(false), Some("Nuenen")), "{org}");
    let sql = "SELECT count(*) FROM audit_log WHERE action = 'organisation.sign_in'";
    assert_eq!(app.sql().await.one::<i64>(sql, []).await, Some(1));

    // The earlier link no longer signs in; a new request gets the way to the own sign-in instead.
    assert_eq!(redeem(app, &early).await, StatusCode::BAD_REQUEST);
    ask_link(app, "ilse@nuenen.nl").await;
    let mails = drain(app, &sink).await;
    let text = mails.last().unwrap();
    assert!(token_in(text).is_none(), "{text}");
    assert!(text.contains(&format!("/aanmelden/sso/{nuenen}")) && text.contains("eigen aanmeldservice"), "{text}");

    // Admins keep the mail link: the way back in when the provider fails.
    ask_link(app, "beheer@nuenen.nl").await;
    let mails = drain(app, &sink).await;
    let token = token_in(mails.last().unwrap()).expect("an admin still gets a link");
    assert_eq!(redeem(app, &token).await, StatusCode::CREATED);

    // With the provider switched off, links work again for everyone.
    provider(app, nuenen, "https://login.nuenen.nl", json!({"enabled": false})).await;
    ask_link(app, "ilse@nuenen.nl").await;
    let mails = drain(app, &sink).await;
    assert!(token_in(mails.last().unwrap()).is_some(), "no link while the provider is off");
}
