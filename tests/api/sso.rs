//! Single sign-on through a real OpenID Connect provider: panva's certified `oidc-provider`
//! (tests/support/oidc, installed by ./scripts/test), one process per test. A browser is a
//! reqwest client with its own cookie jar that follows each redirect by hand, so every hop of
//! the authorization code flow (with PKCE, state and nonce) is real and checked.

use crate::harness::{TestApp, expect_problem, id};
use crate::on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use uuid::Uuid;

on_both_backends!(
    people_sign_in_with_their_organisations_own_provider_under_leerweeks_rules,
    a_replayed_foreign_or_refused_answer_signs_nobody_in,
);

pub(crate) const CLIENT_ID: &str = "leerweek-test";
pub(crate) const CLIENT_SECRET: &str = "geheim-7f3a9c1e5b";

/// The provider process; killed when dropped.
pub(crate) struct Idp {
    pub(crate) issuer: String,
    child: Child,
}

impl Idp {
    pub(crate) fn start(redirect_uri: &str) -> Idp {
        use std::io::BufRead;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/oidc");
        assert!(
            std::path::Path::new(dir).join("node_modules/oidc-provider").exists(),
            "the OpenID provider for the tests is not installed: run ./scripts/test, or `npm ci` in {dir}"
        );
        let mut child = Command::new("node")
            .arg(format!("{dir}/provider.mjs"))
            .args([redirect_uri, CLIENT_ID, CLIENT_SECRET])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (Node.js) for the OpenID provider; ./scripts/test installs it");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let issuer = loop {
            match lines.next() {
                Some(Ok(l)) if l.starts_with("ready ") => break l["ready ".len()..].trim().to_owned(),
                Some(Ok(_)) => continue,
                _ => panic!("the OpenID provider did not start"),
            }
        };
        Idp { issuer, child }
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser: its own cookie jar, redirects followed by hand.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub(crate) fn location(res: &reqwest::Response, base: &str) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "expected a redirect from {}", res.url());
    let l = res.headers()["location"].to_str().unwrap().to_owned();
    if l.starts_with('/') { format!("{base}{l}") } else { l }
}

/// Who the provider will say it is.
#[derive(Clone, Copy)]
pub(crate) struct Account<'a> {
    pub(crate) email: &'a str,
    pub(crate) subject: &'a str,
    /// `email_verified`; `None` sends none (as Entra ID does).
    pub(crate) verified: Option<bool>,
    pub(crate) name: &'a str,
    /// `preferred_username`, when not empty.
    pub(crate) username: &'a str,
}

pub(crate) fn account(email: &str) -> Account<'_> {
    Account { email, subject: email, verified: Some(true), name: "", username: "" }
}

/// Run the flow up to the provider's answer: start at Leerweek, log in at the provider. Returns
/// the browser and the callback URL the provider sent it to (not yet followed).
async fn to_callback(app: &TestApp, idp: &Idp, org: Uuid, who: Account<'_>) -> (reqwest::Client, String) {
    let b = browser();
    let res = b.get(app.url(&format!("/aanmelden/sso/{org}?return_to=/mijn-week"))).send().await.unwrap();
    let authorize = location(&res, &app.base);
    assert!(authorize.starts_with(&format!("{}/auth?", idp.issuer)), "{authorize}");
    for part in ["code_challenge_method=S256", "code_challenge=", "nonce=", "state=", "scope=openid"] {
        assert!(authorize.contains(part), "authorization request without {part}: {authorize}");
    }
    let callback = at_provider(app, idp, &b, &authorize, who).await;
    (b, callback)
}

/// Log in at the provider as `who` from the authorization request; returns the callback URL
/// the provider sends the browser to (not yet followed).
pub(crate) async fn at_provider(
    app: &TestApp,
    idp: &Idp,
    b: &reqwest::Client,
    authorize: &str,
    who: Account<'_>,
) -> String {
    let interaction = location(&b.get(authorize).send().await.unwrap(), &idp.issuer);
    assert!(interaction.contains("/interaction/"), "{interaction}");
    let form = [
        ("email", who.email),
        ("subject", who.subject),
        (
            "verified",
            match who.verified {
                Some(true) => "true",
                Some(false) => "false",
                None => "omit",
            },
        ),
        ("username", who.username),
        ("name", who.name),
    ];
    let res = b.post(format!("{interaction}/login")).form(&form).send().await.unwrap();
    let resume = location(&res, &idp.issuer);
    let callback = location(&b.get(&resume).send().await.unwrap(), &idp.issuer);
    assert!(callback.starts_with(&app.url("/aanmelden/sso/callback?")), "{callback}");
    callback
}

/// The whole flow; returns the browser and where Leerweek sent it at the end.
pub(crate) async fn sign_in(app: &TestApp, idp: &Idp, org: Uuid, who: Account<'_>) -> (reqwest::Client, String) {
    let (b, callback) = to_callback(app, idp, org, who).await;
    let res = b.get(&callback).send().await.unwrap();
    let end = location(&res, &app.base);
    (b, end.trim_start_matches(&app.base).to_owned())
}

pub(crate) async fn me(app: &TestApp, b: &reqwest::Client) -> (StatusCode, Value) {
    app.send(b.get(app.url("/api/v1/me"))).await
}

pub(crate) async fn provider(app: &TestApp, org: Uuid, issuer: &str, extra: Value) -> (StatusCode, Value) {
    let mut body = json!({"issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "allowed_domains": ["nuenen.nl"]});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    app.put(&app.admin, &format!("/api/v1/organisations/{org}/sso"), body).await
}

async fn people_sign_in_with_their_organisations_own_provider_under_leerweeks_rules(app: &TestApp) {
    let idp = Idp::start(&app.url("/aanmelden/sso/callback"));
    let nuenen = app.org("Nuenen").await;
    let other = app.org("Geldrop-Mierlo").await;
    let ilse = app.person(nuenen, "ilse@nuenen.nl").await;
    // Someone of another organisation whose address happens to be in Nuenen's domain.
    app.person(other, "gast@nuenen.nl").await;

    let (st, p) = provider(app, nuenen, &idp.issuer, json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    assert_eq!(p["client_secret_set"], true);
    assert!(p.get("client_secret").is_none() && !p.to_string().contains(CLIENT_SECRET), "secret shown: {p}");
    assert_eq!(p["redirect_uri"], app.url("/aanmelden/sso/callback"));
    let (st, offered) = app.send(app.client.get(app.url("/api/v1/auth/sso/providers"))).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(offered["items"][0]["organisation_name"], "Nuenen", "{offered}");
    assert_eq!(offered["items"][0]["start_url"], format!("/aanmelden/sso/{nuenen}"));
    let page = app.client.get(app.url("/aanmelden")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/aanmelden/sso/{nuenen}")), "the sign-in page offers the provider");

    // Matched by address (any case), linked, sent where she was going, with a working session.
    let (b, end) = sign_in(app, &idp, nuenen, Account { subject: "ilse-sub", ..account("Ilse@Nuenen.nl") }).await;
    assert_eq!(end, "/mijn-week");
    let (st, who) = me(app, &b).await;
    assert_eq!((st, who["id"].as_str()), (StatusCode::OK, Some(ilse.id.to_string().as_str())), "{who}");
    let (_, session) = app.send(b.get(app.url("/api/v1/auth/session"))).await;
    assert!(session["csrf_token"].as_str().is_some_and(|t| t.len() > 20), "{session}");

    // The linked account keeps working after her address changed at the provider.
    let (b, end) = sign_in(app, &idp, nuenen, Account { subject: "ilse-sub", ..account("i.devries@nuenen.nl") }).await;
    assert_eq!(end, "/mijn-week");
    assert_eq!(me(app, &b).await.1["id"], ilse.id.to_string());

    // Another account claiming her address is refused: the address is linked already.
    let refused = |slug: &str| format!("/aanmelden?fout={slug}");
    let (b, end) = sign_in(app, &idp, nuenen, Account { subject: "indringer", ..account("ilse@nuenen.nl") }).await;
    assert_eq!(end, refused("sso-account-conflict"));
    assert_eq!(me(app, &b).await.0, StatusCode::UNAUTHORIZED);
    let page = b.get(app.url(&end)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("role=\"alert\"") && page.contains("al gekoppeld"), "{page}");

    // Leerweek's rules on the provider's answer.
    for (who, slug) in [
        (account("nieuw@nuenen.nl"), "sso-unknown-person"),
        (account("iemand@eindhoven.nl"), "sso-domain-not-allowed"),
        (Account { verified: Some(false), ..account("ongeverifieerd@nuenen.nl") }, "sso-email-not-verified"),
        (account("gast@nuenen.nl"), "sso-other-organisation"),
    ] {
        let (b, end) = sign_in(app, &idp, nuenen, who).await;
        assert_eq!(end, refused(slug), "{}", who.email);
        assert_eq!(me(app, &b).await.0, StatusCode::UNAUTHORIZED);
    }

    // With creation allowed (secret left out: kept), an unknown colleague is created in Nuenen.
    let (st, p) = provider(app, nuenen, &idp.issuer, json!({"create_people": true})).await;
    assert_eq!((st, &p["client_secret_set"]), (StatusCode::OK, &json!(true)), "{p}");
    let mut body = p.clone();
    body.as_object_mut()
        .unwrap()
        .retain(|k, _| ["issuer", "client_id", "allowed_domains", "create_people"].contains(&k.as_str()));
    let (st, _) = app.put(&app.admin, &format!("/api/v1/organisations/{nuenen}/sso"), body).await;
    assert_eq!(st, StatusCode::OK);
    let (b, end) =
        sign_in(app, &idp, nuenen, Account { name: "Noor Nieuw", subject: "noor-sub", ..account("noor@nuenen.nl") })
            .await;
    assert_eq!(end, "/mijn-week");
    let (_, noor) = me(app, &b).await;
    assert_eq!((noor["name"].as_str(), noor["email"].as_str()), (Some("Noor Nieuw"), Some("noor@nuenen.nl")), "{noor}");
    assert_eq!(noor["organisation_id"], nuenen.to_string());
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={}", id(&noor))).await;
    assert_eq!(log["items"][0]["action"], "person.create_by_sso", "{log}");
    // Her export names the linked account; no audit entry ever holds the client secret.
    let (_, export) = app.send(b.get(app.url("/api/v1/me/export"))).await;
    assert_eq!(export["sign_in_accounts"][0]["subject"], "noor-sub", "{export}");
    let (_, audit) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={nuenen}")).await;
    let puts = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "sso_provider.put").count();
    assert_eq!(puts, 3, "every change of the settings is audited: {audit}");
    assert!(!audit.to_string().contains(CLIENT_SECRET), "the audit log holds the secret");
}

async fn a_replayed_foreign_or_refused_answer_signs_nobody_in(app: &TestApp) {
    let idp = Idp::start(&app.url("/aanmelden/sso/callback"));
    let nuenen = app.org("Nuenen").await;
    app.person(nuenen, "ilse@nuenen.nl").await;
    let refused = |slug: &str| app.url(&format!("/aanmelden?fout={slug}"));

    // Not configured (yet): back to the sign-in page, which says so.
    let res = browser().get(app.url(&format!("/aanmelden/sso/{nuenen}"))).send().await.unwrap();
    assert_eq!(location(&res, &app.base), refused("sso-not-configured"));
    let res = browser().get(app.url("/aanmelden/sso/geen-id")).send().await.unwrap();
    assert_eq!(location(&res, &app.base), refused("sso-not-configured"));

    // Bad settings are refused with the field named; nothing is stored.
    let (st, _) = provider(app, nuenen, "http://idp.nuenen.nl", json!({})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = app
        .client
        .put(app.url(&format!("/api/v1/organisations/{nuenen}/sso")))
        .bearer_auth(&app.admin)
        .json(&json!({"issuer": idp.issuer, "client_id": CLIENT_ID, "allowed_domains": ["nuenen.nl", "geen domein"]}))
        .send()
        .await
        .unwrap();
    let p = expect_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field").await;
    assert_eq!(p["field"], "allowed_domains[1]");
    let gone = app.client.get(app.url(&format!("/api/v1/organisations/{nuenen}/sso"))).bearer_auth(&app.admin);
    expect_problem(gone.send().await.unwrap(), StatusCode::NOT_FOUND, "not-found").await;

    let (st, _) = provider(app, nuenen, &idp.issuer, json!({})).await;
    assert_eq!(st, StatusCode::CREATED);

    // The answer arriving in another browser (login CSRF) is refused, and so is its replay.
    let (_, callback) = to_callback(app, &idp, nuenen, account("ilse@nuenen.nl")).await;
    let stranger = browser();
    let res = stranger.get(&callback).send().await.unwrap();
    assert_eq!(location(&res, &app.base), refused("sso-state-invalid"));
    assert_eq!(me(app, &stranger).await.0, StatusCode::UNAUTHORIZED);

    // A good answer works once; the same answer again is refused.
    let (b, callback) = to_callback(app, &idp, nuenen, account("ilse@nuenen.nl")).await;
    assert_eq!(location(&b.get(&callback).send().await.unwrap(), &app.base), app.url("/mijn-week"));
    let res = browser().get(&callback).send().await.unwrap();
    assert_eq!(location(&res, &app.base), refused("sso-state-invalid"));
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!(location(&res, &app.base), refused("sso-state-invalid"));

    // An answer naming another issuer (mix-up) and a cancelled login are refused.
    let (b, callback) = to_callback(app, &idp, nuenen, account("ilse@nuenen.nl")).await;
    let forged = callback.replace("iss=http", "iss=https");
    assert_ne!(forged, callback, "the provider sends iss (RFC 9207)");
    assert_eq!(location(&b.get(&forged).send().await.unwrap(), &app.base), refused("sso-token-invalid"));
    let (b, callback) = to_callback(app, &idp, nuenen, account("ilse@nuenen.nl")).await;
    let state = callback.split("state=").nth(1).unwrap().split('&').next().unwrap();
    let denied = app.url(&format!("/aanmelden/sso/callback?error=access_denied&state={state}"));
    assert_eq!(location(&b.get(&denied).send().await.unwrap(), &app.base), refused("sso-cancelled"));
    // A code that was not issued for this state (a tampered code) fails at the token endpoint.
    let (b, callback) = to_callback(app, &idp, nuenen, account("ilse@nuenen.nl")).await;
    let code = callback.split("code=").nth(1).unwrap().split('&').next().unwrap();
    let tampered = callback.replace(code, "nep-code");
    assert_eq!(location(&b.get(&tampered).send().await.unwrap(), &app.base), refused("sso-token-invalid"));
    assert_eq!(me(app, &b).await.0, StatusCode::UNAUTHORIZED);

    // A provider that cannot be reached: the person is told, quickly.
    // A port held closed by this test: connections are refused, and no other program gets it.
    let closed_port = leerweek_testkit::ReservedPort::new().unwrap();
    let closed = closed_port.port();
    let (st, _) = provider(app, nuenen, &format!("http://127.0.0.1:{closed}"), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let res = browser().get(app.url(&format!("/aanmelden/sso/{nuenen}"))).send().await.unwrap();
    assert_eq!(location(&res, &app.base), refused("sso-provider-unavailable"));

    // Removed: not offered any more.
    let (st, _) = app.delete(&app.admin, &format!("/api/v1/organisations/{nuenen}/sso")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, offered) = app.send(app.client.get(app.url("/api/v1/auth/sso/providers"))).await;
    assert_eq!(offered["items"], json!([]));
}
