//! Who the client is and how it is reached (issue 23, parts 3 and 7): `X-Forwarded-For` counts
//! only from a trusted proxy and then from the right, so rotating the header escapes no
//! per-address limit; the demo sign-in answers only this machine itself, not a proxy on it; with
//! an https address sessions travel only over https.

use crate::harness::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn ask_link(app: &TestApp, n: usize, forwarded: &str) -> StatusCode {
    let res = app
        .client
        .post(app.url("/api/v1/auth/link"))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"email": format!("onbekend-{n}@elders.test")}))
        .send()
        .await
        .expect("an answer");
    res.status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_forged_forwarded_for_does_not_escape_the_per_address_limit() {
    // No trusted proxies (the default): the header is the client's own word and is ignored.
    let app = TestApp::spawn(Backend::Sqlite).await;
    for n in 0..30 {
        assert_eq!(ask_link(&app, n, &format!("203.0.113.{n}")).await, StatusCode::ACCEPTED, "request {n}");
    }
    assert_eq!(ask_link(&app, 30, "203.0.113.200").await, StatusCode::TOO_MANY_REQUESTS);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn behind_a_trusted_proxy_the_client_is_the_right_most_hop_the_proxy_added() {
    let app = TestApp::spawn_configured(
        Backend::Sqlite,
        |s| s.server.trusted_proxies = vec!["127.0.0.1".parse::<std::net::IpAddr>().unwrap().into()],
        vec![],
    )
    .await
    .expect("SQLite");
    // The client writes anything left of what the proxy appended: it counts as one client.
    for n in 0..30 {
        let forwarded = format!("10.9.{n}.1, 198.51.100.7");
        assert_eq!(ask_link(&app, n, &forwarded).await, StatusCode::ACCEPTED, "request {n}");
    }
    assert_eq!(ask_link(&app, 30, "10.9.99.1, 198.51.100.7").await, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy has a limit of its own.
    assert_eq!(ask_link(&app, 31, "198.51.100.8").await, StatusCode::ACCEPTED);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_sign_in_answers_only_this_machine_itself() {
    let email = "mila@enkhuizen.test";
    let personas = vec![("medewerker".to_owned(), "Mila".to_owned(), email.to_owned())];
    let app = TestApp::spawn_configured(Backend::Sqlite, |_| {}, personas).await.expect("SQLite");
    let org = app.org("Enkhuizen").await;
    app.person(org, email).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let sign_in = |forwarded: Option<&str>| {
        let mut req = client
            .post(app.url("/demo/aanmelden"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("email={}", email.replace('@', "%40")));
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        req.send()
    };
    // Through a proxy on this machine (loopback, but forwarded): as if there were no demo.
    let res = sign_in(Some("203.0.113.9")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers().get("set-cookie").is_none(), "a session was handed out through the proxy");
    let res = client.get(app.url("/demo")).header("forwarded", "for=203.0.113.9").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // From this machine itself: the picker and the sign-in work.
    let res = client.get(app.url("/demo")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = sign_in(None).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers().get("set-cookie").is_some_and(|c| c.to_str().unwrap().starts_with("lw_session=")));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_an_https_address_session_cookies_are_secure_and_answers_carry_hsts() {
    let email = "mila@enkhuizen.test";
    let personas = vec![("medewerker".to_owned(), "Mila".to_owned(), email.to_owned())];
    let app = TestApp::spawn_configured(
        Backend::Sqlite,
        |s| s.mail.public_url = "https://leerweek.example.nl".into(),
        personas,
    )
    .await
    .expect("SQLite");
    let org = app.org("Enkhuizen").await;
    app.person(org, email).await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000");
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = client
        .post(app.url("/demo/aanmelden"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={}", email.replace('@', "%40")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    app.finish().await;
}
