//! Single sign-on with an organisation's OpenID Connect provider.
//!
//! The API part: admins set, read and remove an organisation's provider; anyone lists the
//! providers offered on the sign-in page. The browser part (`/aanmelden/sso/…`, pages, not API):
//! the start sends the browser to the provider, the callback signs the person in. Failures of
//! the browser part go back to `/aanmelden?fout=<slug>`, which explains them in Dutch and English.

use super::{at, double_option, now};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id, cookie};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_domain::sso::{ClientId, ClientSecret, EmailDomains, IssuerUrl};
use leerweek_store::sso::{self, PendingLogin, ProviderSettings, SecretChange};
use leerweek_store::{StoreError, auth};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;
use uuid::Uuid;

/// Cookie that binds a pending sign-in to the browser that started it.
pub const SSO_COOKIE: &str = "lw_sso";
const SSO_PATH: &str = "/aanmelden/sso";

/// An organisation's OpenID Connect provider, as an admin sets it. (No `Debug`: it holds the secret.)
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoProviderInput {
    /// The provider's issuer, e.g. `https://login.microsoftonline.com/<tenant>/v2.0` (https;
    /// http only on localhost).
    pub issuer: String,
    /// Leerweek's client id at the provider.
    pub client_id: String,
    /// The client secret: leave out to keep the stored one, `null` to remove it (a public
    /// client relying on PKCE alone).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub client_secret: Option<Option<String>>,
    /// E-mail domains the provider may sign in, e.g. `["nuenen.nl"]` (1–20).
    pub allowed_domains: Vec<String>,
    /// Create people of those domains unknown to Leerweek on their first sign-in (default no).
    #[serde(default)]
    pub create_people: bool,
    /// Offer it on the sign-in page (default yes).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Take the provider's `email` as verified when it sends no `email_verified` (default no).
    /// Only for a provider that manages its people's addresses itself; an explicit
    /// `email_verified: false` is refused regardless.
    #[serde(default)]
    pub trust_email: bool,
}

fn yes() -> bool {
    true
}

/// An organisation's provider. The client secret is never shown, only whether one is set.
#[derive(Debug, Serialize, ToSchema)]
pub struct SsoProviderDto {
    /// The organisation.
    pub organisation_id: Uuid,
    /// The provider's issuer.
    pub issuer: String,
    /// Leerweek's client id there.
    pub client_id: String,
    /// Whether a client secret is stored.
    pub client_secret_set: bool,
    /// E-mail domains it may sign in.
    pub allowed_domains: Vec<String>,
    /// Whether unknown people of those domains are created on first sign-in.
    pub create_people: bool,
    /// Whether it is offered on the sign-in page.
    pub enabled: bool,
    /// Whether its `email` counts as verified when it sends no `email_verified`.
    pub trust_email: bool,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
    /// First set.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// The last test sign-in, until the connection settings change.
    pub last_test: Option<super::sso_trial::SsoTestDto>,
}

pub(super) fn redirect_uri(s: &AppState) -> String {
    format!("{}{SSO_PATH}/callback", s.public_url)
}

fn dto(s: &AppState, m: leerweek_store::sso::SsoProvider) -> SsoProviderDto {
    SsoProviderDto {
        organisation_id: m.organisation_id,
        client_secret_set: m.client_secret.is_some(),
        allowed_domains: m.allowed_domains.as_slice().to_vec(),
        issuer: m.issuer,
        client_id: m.client_id,
        create_people: m.create_people,
        enabled: m.enabled,
        trust_email: m.trust_email,
        redirect_uri: redirect_uri(s),
        created_at: m.created_at,
        updated_at: m.updated_at,
        last_test: m.last_test.map(Into::into),
    }
}

/// Set an organisation's sign-in provider (admins). Answers 201 when new, 200 when changed.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/sso", tag = "admin", request_body = SsoProviderInput,
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, body = SsoProviderDto), (status = 201, body = SsoProviderDto),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn put_provider(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(org): Id,
    ApiJson(b): ApiJson<SsoProviderInput>,
) -> Result<(StatusCode, Json<SsoProviderDto>), ApiError> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden.into());
    }
    let settings = ProviderSettings {
        issuer: at("issuer", IssuerUrl::parse(&b.issuer))?,
        client_id: at("client_id", ClientId::parse(&b.client_id))?,
        client_secret: match b.client_secret {
            None => SecretChange::Keep,
            Some(None) => SecretChange::Clear,
            Some(Some(v)) => SecretChange::Set(at("client_secret", ClientSecret::parse(&v))?),
        },
        domains: EmailDomains::parse("allowed_domains", &b.allowed_domains)?,
        create_people: b.create_people,
        enabled: b.enabled,
        trust_email: b.trust_email,
    };
    let (m, created) = sso::put_provider(&s.store, &actor, org, settings, now()).await?;
    s.sso.forget(org);
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(dto(&s, m))))
}

/// An organisation's sign-in provider (admins).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/sso", tag = "admin",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, body = SsoProviderDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_provider(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(org): Id,
) -> Result<Json<SsoProviderDto>, ApiError> {
    Ok(Json(dto(&s, sso::get_provider(&s.store, &actor, org).await?)))
}

/// Remove an organisation's sign-in provider (admins). Its people sign in by mail link again;
/// their linked accounts are kept for when a provider is set again.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/sso", tag = "admin",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_provider(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(org): Id,
) -> Result<StatusCode, ApiError> {
    sso::delete_provider(&s.store, &actor, org, now()).await?;
    s.sso.forget(org);
    Ok(StatusCode::NO_CONTENT)
}

/// A provider offered on the sign-in page.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferedProviderDto {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Send the browser here to sign in (optionally with `?return_to=/path`).
    pub start_url: String,
}

/// The providers offered.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferedProviders {
    /// By organisation name.
    pub items: Vec<OfferedProviderDto>,
}

/// The organisations whose own sign-in is offered (public, for the sign-in page).
#[utoipa::path(get, path = "/api/v1/auth/sso/providers", tag = "auth", security(()),
    responses((status = 200, body = OfferedProviders), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn offered(State(s): State<AppState>) -> Result<Json<OfferedProviders>, ApiError> {
    let items = sso::offered(&s.store)
        .await?
        .into_iter()
        .map(|(id, name)| OfferedProviderDto {
            organisation_id: id,
            organisation_name: name,
            start_url: format!("{SSO_PATH}/{id}"),
        })
        .collect();
    Ok(Json(OfferedProviders { items }))
}

/// Back to the sign-in page with a reason.
fn fail(slug: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/aanmelden?fout={slug}"))]).into_response()
}

fn store_failure(e: StoreError) -> Response {
    match e {
        StoreError::SignIn(r) => {
            let slug = crate::problem::sign_in_slug(r);
            tracing::info!(reason = slug, "single sign-on refused by Leerweek's rules");
            fail(slug)
        }
        StoreError::Unavailable(e) => {
            tracing::warn!(error = %e, "single sign-on: database unavailable");
            fail("unavailable")
        }
        other => {
            tracing::error!(error = %other, "single sign-on failed");
            fail("internal")
        }
    }
}

/// A path of this site to return to; anything else becomes `/`.
fn safe_return(to: Option<&str>) -> String {
    match to {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 500
                && !p.chars().any(|c| c.is_control()) =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn secure(s: &AppState) -> &'static str {
    if s.secure_cookies { "; Secure" } else { "" }
}

/// Where to go after signing in.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    /// A path of this site.
    pub return_to: Option<String>,
}

/// Start signing in with an organisation's provider: remember state, nonce and PKCE verifier
/// (bound to this browser by a cookie), then send the browser to the provider.
pub async fn start(
    State(s): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
    Path(org): Path<String>,
    q: Result<Query<StartQuery>, QueryRejection>,
) -> Response {
    let Ok(org) = Uuid::parse_str(&org) else { return fail("sso-not-configured") };
    let ip = super::auth::client_key(&s, &headers, peer.as_ref().map(|e| &e.0));
    if s.limits.sso_per_ip.check(&ip, std::time::Instant::now()).is_err() {
        return fail("rate-limited");
    }
    let provider = match sso::provider_for_sign_in(&s.store, org).await {
        Ok(Some(p)) => p,
        Ok(None) => return fail("sso-not-configured"),
        Err(e) => return store_failure(e),
    };
    let started = match s.sso.start(&provider, &redirect_uri(&s)).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(organisation_id = %org, issuer = %provider.issuer, error = %e, "single sign-on could not start");
            return fail(e.slug());
        }
    };
    let return_to = safe_return(q.as_ref().ok().and_then(|q| q.return_to.as_deref()));
    let url = started.url.clone();
    let binding = match remember(&s, &headers, org, started, return_to, None).await {
        Ok(b) => b,
        Err(e) => return store_failure(e),
    };
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response();
    if let Some(v) = binding {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Remember a sign-in (or an admin's test) on its way to the provider, bound to this browser:
/// returns the cookie that binds it.
pub(super) async fn remember(
    s: &AppState,
    headers: &HeaderMap,
    organisation_id: Uuid,
    started: crate::sso::Started,
    return_to: String,
    tested_by: Option<Uuid>,
) -> Result<Option<HeaderValue>, StoreError> {
    let pending = PendingLogin {
        state: started.state,
        browser: cookie(headers, SSO_COOKIE).unwrap_or_default(),
        organisation_id,
        pkce_verifier: started.pkce_verifier,
        nonce: started.nonce,
        return_to,
        tested_by,
    };
    let browser = sso::begin_login(&s.store, pending, now()).await?;
    let binding = format!(
        "{SSO_COOKIE}={browser}; HttpOnly; SameSite=Lax; Path={SSO_PATH}; Max-Age={}{}",
        sso::LOGIN_VALIDITY.num_seconds(),
        secure(s)
    );
    Ok(HeaderValue::from_str(&binding).ok())
}

/// The provider's answer (authorization response).
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// Our state, back.
    pub state: Option<String>,
    /// The provider's error code (`access_denied`, …).
    pub error: Option<String>,
    /// The provider's explanation.
    pub error_description: Option<String>,
    /// The issuer that answered (RFC 9207), when the provider says.
    pub iss: Option<String>,
}

/// The provider sends the browser back here: check state and browser, exchange the code, verify
/// the ID token, apply Leerweek's rules, start a session and go where the person was going.
pub async fn callback(
    State(s): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<CallbackQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else { return fail("sso-state-invalid") };
    let browser = cookie(&headers, SSO_COOKIE);
    let login = match sso::take_login(&s.store, q.state.as_deref().unwrap_or(""), browser.as_deref(), now()).await {
        Ok(Some(l)) => l,
        Ok(None) => {
            tracing::info!("single sign-on answer with an unknown, used, expired or other browser's state");
            return fail("sso-state-invalid");
        }
        Err(e) => return store_failure(e),
    };
    let org = login.organisation_id;
    let provider = match login.tested_by {
        Some(_) => super::sso_trial::provider(&s, org).await,
        None => match sso::provider_for_sign_in(&s.store, org).await {
            Ok(p) => p,
            Err(e) => return store_failure(e),
        },
    };
    let answer = verify(&s, &login, &q, provider.as_ref()).await;
    if let Some(tester) = login.tested_by {
        return super::sso_trial::finish_test(&s, &login, tester, provider.as_ref(), answer).await;
    }
    let (Some(provider), Ok(asserted)) = (provider, answer.as_ref()) else {
        return fail(answer.err().unwrap_or("sso-not-configured"));
    };
    let session = match sso::sign_in(&s.store, &provider, asserted, now()).await {
        Ok(v) => v,
        Err(e) => return store_failure(e),
    };
    tracing::info!(organisation_id = %org, person_id = %session.person_id, "signed in by single sign-on");
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, login.return_to)]).into_response();
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        super::auth::session_cookie(&s, &session.secret, auth::ABSOLUTE_TIMEOUT.num_seconds()),
    );
    h.append(header::SET_COOKIE, clear_binding());
    res
}

/// The cookie that ends the browser binding.
pub(super) fn clear_binding() -> HeaderValue {
    HeaderValue::from_static("lw_sso=; HttpOnly; SameSite=Lax; Path=/aanmelden/sso; Max-Age=0")
}

/// The provider's answer checked: no error, the same issuer, a code that exchanges for a
/// verified ID token. The failure slug of the first check that fails otherwise.
async fn verify(
    s: &AppState,
    login: &PendingLogin,
    q: &CallbackQuery,
    provider: Option<&leerweek_store::sso::SsoProvider>,
) -> super::sso_trial::Answer {
    let org = login.organisation_id;
    if let Some(error) = q.error.as_deref() {
        let description: String = q.error_description.as_deref().unwrap_or("").chars().take(300).collect();
        let error: String = error.chars().take(60).collect();
        tracing::warn!(organisation_id = %org, %error, %description, "single sign-on: the provider answered an error");
        return Err(if error == "access_denied" { "sso-cancelled" } else { "sso-provider-error" });
    }
    let Some(provider) = provider else { return Err("sso-not-configured") };
    if q.iss.as_deref().is_some_and(|iss| iss.trim_end_matches('/') != provider.issuer) {
        tracing::warn!(organisation_id = %org, "single sign-on: answer from another issuer (mix-up), refused");
        return Err("sso-token-invalid");
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty() && c.len() <= 2000) else {
        return Err("sso-provider-error");
    };
    s.sso.finish(provider, &redirect_uri(s), code, &login.pkce_verifier, &login.nonce).await.map_err(|e| {
        tracing::warn!(organisation_id = %org, issuer = %provider.issuer, error = %e, "single sign-on failed at the provider");
        e.slug()
    })
}

/// The sign-in page's explanation of a `fout` slug: (Dutch, English).
pub fn failure_message(slug: &str) -> Option<(&'static str, &'static str)> {
    use leerweek_domain::sso::SignInRefused as R;
    let refused = [
        R::NoEmail,
        R::EmailNotVerified,
        R::DomainNotAllowed,
        R::OtherOrganisation,
        R::SubjectConflict,
        R::Unknown,
        R::Left,
    ];
    if let Some(r) = refused.into_iter().find(|r| crate::problem::sign_in_slug(*r) == slug) {
        return Some((crate::problem::sign_in_nl(r), english(r)));
    }
    Some(match slug {
        "sso-not-configured" => (
            "Deze organisatie biedt (nog) geen eigen aanmelding aan. Vraag een aanmeldlink per mail aan.",
            "This organisation does not offer its own sign-in (yet). Ask for a sign-in link by mail.",
        ),
        "sso-state-invalid" => (
            "Het aanmelden duurde te lang of is in een ander venster begonnen. Probeer het opnieuw.",
            "Signing in took too long or started in another window. Please try again.",
        ),
        "sso-cancelled" => ("Je hebt het aanmelden afgebroken.", "You cancelled signing in."),
        "sso-provider-error" => (
            "De aanmeldservice van je organisatie gaf een foutmelding. Probeer het later opnieuw.",
            "Your organisation's sign-in service answered with an error. Please try again later.",
        ),
        "sso-provider-unavailable" => (
            "De aanmeldservice van je organisatie is niet bereikbaar. Probeer het later opnieuw of vraag een aanmeldlink per mail aan.",
            "Your organisation's sign-in service cannot be reached. Try again later or ask for a sign-in link by mail.",
        ),
        "sso-token-invalid" => (
            "Het antwoord van de aanmeldservice kon niet worden gecontroleerd. Probeer het opnieuw.",
            "The sign-in service's answer could not be verified. Please try again.",
        ),
        "rate-limited" => (
            "Te veel aanmeldpogingen kort na elkaar. Wacht even en probeer het opnieuw.",
            "Too many sign-in attempts in a short time. Wait a while and try again.",
        ),
        "unavailable" => (
            "Leerweek is even niet bereikbaar. Probeer het zo opnieuw.",
            "Leerweek cannot be reached right now. Try again shortly.",
        ),
        "internal" => (
            "Er ging iets mis aan onze kant; het is gelogd. Probeer het opnieuw.",
            "Something went wrong on our side; it has been logged. Please try again.",
        ),
        _ => return None,
    })
}

fn english(r: leerweek_domain::sso::SignInRefused) -> &'static str {
    use leerweek_domain::sso::SignInRefused as R;
    match r {
        R::NoEmail => "Your organisation's sign-in service did not pass on an e-mail address.",
        R::EmailNotVerified => "Your organisation's sign-in service has not verified this e-mail address.",
        R::DomainNotAllowed => "This organisation's sign-in service cannot sign in this e-mail address.",
        R::OtherOrganisation => "You belong to another organisation: sign in through that organisation.",
        R::SubjectConflict => "This e-mail address is linked to another account of the sign-in service.",
        R::Unknown => "Leerweek knows nobody with this e-mail address. Ask your organiser to add you.",
        R::Left => {
            "You are no longer registered as an employee of your organisation. Ask your organiser if that is wrong."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        assert_eq!(safe_return(Some("/mijn-week?x=1")), "/mijn-week?x=1");
        for bad in ["https://evil.nl", "//evil.nl", "/\\evil.nl", "javascript:alert(1)", "", "/a\nb"] {
            assert_eq!(safe_return(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_return(None), "/");
    }

    #[test]
    fn every_failure_the_flow_sends_has_a_message() {
        for slug in [
            "sso-not-configured",
            "sso-state-invalid",
            "sso-cancelled",
            "sso-provider-error",
            "sso-provider-unavailable",
            "sso-token-invalid",
            "sso-no-email",
            "sso-email-not-verified",
            "sso-domain-not-allowed",
            "sso-other-organisation",
            "sso-account-conflict",
            "sso-unknown-person",
            "sso-person-left",
            "rate-limited",
            "unavailable",
            "internal",
        ] {
            assert!(failure_message(slug).is_some(), "{slug}");
        }
        assert!(failure_message("<script>").is_none());
    }
}
