//! Sign-in by mail link, browser sessions in an HttpOnly cookie, sign-out (here or everywhere).

use super::{at, now};
use crate::AppState;
use crate::extract::{Auth, SESSION_COOKIE, cookie};
use crate::page::escape;
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leerweek_domain::text::EmailAddress;
use leerweek_store::auth;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;
use uuid::Uuid;

/// Who asks for a link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequestDto {
    /// Their e-mail address.
    pub email: String,
}

/// The same answer whether or not the address is known.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkSentDto {
    /// Always `sent`.
    pub status: String,
}

/// The per-address limiter's key of a request's client (see [`crate::client`]).
pub(crate) fn client_key(s: &AppState, headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> String {
    crate::client::limit_key(s.proxies.client(headers, peer.map(|c| c.0.ip())))
}

/// Ask for a one-time sign-in link by mail (valid 15 minutes). Always answers 202.
#[utoipa::path(post, path = "/api/v1/auth/link", tag = "auth", request_body = LinkRequestDto, security(()),
    responses((status = 202, body = LinkSentDto), (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn request_link(
    State(s): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
    crate::extract::ApiJson(b): crate::extract::ApiJson<LinkRequestDto>,
) -> Result<(StatusCode, Json<LinkSentDto>), ApiError> {
    let email = at("email", EmailAddress::parse(&b.email))?;
    let t = std::time::Instant::now();
    let ip = client_key(&s, &headers, peer.as_ref().map(|e| &e.0));
    s.limits.per_ip.check(&ip, t).map_err(ApiError::RateLimited)?;
    s.limits.per_address.check(email.as_str(), t).map_err(ApiError::RateLimited)?;
    auth::request_link(&s.store, &email, &s.public_url, now()).await?;
    Ok((StatusCode::ACCEPTED, Json(LinkSentDto { status: "sent".into() })))
}

/// A sign-in token from the mail, as JSON or as the form on the `/aanmelden` page.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RedeemDto {
    /// The token from the link.
    pub token: String,
}

/// The signed-in browser session.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrowserSessionDto {
    /// Who is signed in.
    pub person_id: Uuid,
    /// Send as `X-CSRF-Token` with every write made with the session cookie.
    pub csrf_token: String,
    /// The session ends at the latest then (and after 2 hours without use).
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

pub(crate) fn session_cookie(s: &AppState, secret: &str, max_age: i64) -> HeaderValue {
    let secure = if s.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("lw_session=; Max-Age=0; Path=/"))
}

/// Use the link's token once: starts a browser session (cookie). A form post (from the
/// `/aanmelden` page) is redirected to the app; a JSON post gets the session with its CSRF token.
#[utoipa::path(post, path = "/api/v1/auth/session", tag = "auth", request_body = RedeemDto, security(()),
    responses((status = 201, body = BrowserSessionDto), (status = 303, description = "Form post: signed in, to the app"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn redeem(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form && from_another_site(&headers, &s.public_url) {
        tracing::warn!("a sign-in form posted from another site was refused (login CSRF)");
        return Err(ApiError::CrossSite);
    }
    let token = if is_form {
        form_urlencoded_token(&body).ok_or(ApiError::InvalidJson { field: "token".into(), detail: "missing".into() })?
    } else {
        crate::extract::parse_json::<RedeemDto>(&body)?.token
    };
    let Some(session) = auth::redeem_link(&s.store, &token, now()).await? else {
        return Err(ApiError::LinkInvalid);
    };
    let cookie_value = session_cookie(&s, &session.secret, auth::ABSOLUTE_TIMEOUT.num_seconds());
    if is_form {
        let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
        res.headers_mut().insert(header::SET_COOKIE, cookie_value);
        return Ok(res);
    }
    let mut res = (
        StatusCode::CREATED,
        Json(BrowserSessionDto {
            person_id: session.person_id,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
        }),
    )
        .into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie_value);
    Ok(res)
}

/// Whether the browser says this request comes from another site than `public_url`: its
/// `Origin` differs, or, without an `Origin`, its `Sec-Fetch-Site` is neither `same-origin` nor
/// `none`. A client that sends neither (a script) is not a browser that another site could steer.
///
/// `Origin: null` is what a browser sends with a form posted from a page under our
/// `Referrer-Policy: no-referrer` (the Fetch standard serialises the origin of a non-CORS POST
/// as `null` under that policy), our own link pages included: then the fetch metadata decide,
/// and only `Sec-Fetch-Site: same-origin` is ours (a sandboxed frame of another site also posts
/// with `null`, but as `cross-site`).
pub(crate) fn from_another_site(headers: &HeaderMap, public_url: &str) -> bool {
    let ours = public_url.split('/').take(3).collect::<Vec<_>>().join("/");
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        return match origin.to_str() {
            Ok("null") => site != Some("same-origin"),
            Ok(o) => !o.eq_ignore_ascii_case(&ours),
            Err(_) => true,
        };
    }
    site.is_some_and(|site| !matches!(site, "same-origin" | "none"))
}

fn form_urlencoded_token(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body).ok()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "token").then(|| v.replace("%2D", "-").replace("%5F", "_"))
    })
}

/// The current browser session and its CSRF token (cookie sign-in only).
#[utoipa::path(get, path = "/api/v1/auth/session", tag = "auth",
    responses((status = 200, body = BrowserSessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn current(State(s): State<AppState>, headers: HeaderMap) -> Result<Json<BrowserSessionDto>, ApiError> {
    let secret = cookie(&headers, SESSION_COOKIE).ok_or(ApiError::Unauthenticated)?;
    let live = auth::session(&s.store, &secret, now()).await?.ok_or(ApiError::Unauthenticated)?;
    Ok(Json(BrowserSessionDto {
        person_id: live.actor.person_id,
        csrf_token: live.csrf_token,
        expires_at: live.expires_at,
    }))
}

/// Sign out of this browser.
#[utoipa::path(delete, path = "/api/v1/auth/session", tag = "auth",
    responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn sign_out(State(s): State<AppState>, _auth: Auth, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        auth::end_session(&s.store, &secret, now()).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok(res)
}

/// How many sessions ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedOutDto {
    /// Browser sessions ended.
    pub sessions_ended: u64,
}

/// Sign out everywhere: every browser session of the signed-in person ends.
#[utoipa::path(post, path = "/api/v1/auth/sign-out-everywhere", tag = "auth",
    responses((status = 200, body = SignedOutDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn sign_out_everywhere(State(s): State<AppState>, Auth(actor): Auth) -> Result<Response, ApiError> {
    let n = auth::end_all_sessions(&s.store, actor.person_id, now()).await?;
    let mut res = Json(SignedOutDto { sessions_ended: n }).into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok(res)
}

/// The sign-in page. With `?token=` (from a mail link) it shows one button that posts the token:
/// a page, not an automatic sign-in, because mail scanners open links and would use the one-time
/// token up. With `?fout=<slug>` it explains why single sign-on failed. It lists the
/// organisations that offer their own sign-in.
pub async fn sign_in_page(State(s): State<AppState>, axum::extract::RawQuery(q): axum::extract::RawQuery) -> Response {
    let param = |name: &str| {
        q.as_deref()
            .and_then(|q| q.split('&').find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('='))))
            .filter(|t| t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map(str::to_owned)
    };
    let mut body = String::new();
    if let Some((nl, en)) = param("fout").as_deref().and_then(super::sso::failure_message) {
        body.push_str(&format!(
            r#"<div role="alert" style="border-left:4px solid #b00020;padding:0.5rem 1rem;margin:1rem 0;background:#fdecee"><p>{nl}</p><p lang="en">{en}</p></div>"#
        ));
    }
    if let Some(token) = param("token") {
        body.push_str(&format!(
            r#"<form method="post" action="/api/v1/auth/session">
<input type="hidden" name="token" value="{token}">
<button type="submit" style="font-size:1.1rem;padding:0.6rem 1.2rem;background:#00466e;color:#fff;border:0;border-radius:4px">Aanmelden</button>
</form>
<p lang="en">Sign in to Leerweek: press the button.</p>"#
        ));
    } else {
        let offered = leerweek_store::sso::offered(&s.store).await.unwrap_or_default();
        if !offered.is_empty() {
            let items: String = offered
                .iter()
                .map(|(id, name)| {
                    format!(
                        r#"<li><a href="/aanmelden/sso/{id}" style="display:inline-block;padding:0.5rem 1rem;background:#00466e;color:#fff;border-radius:4px;text-decoration:none">{}</a></li>"#,
                        escape(name)
                    )
                })
                .collect();
            body.push_str(&format!(
                r#"<h2>Met het account van je organisatie</h2><p lang="en">With your organisation's account:</p>
<ul style="list-style:none;padding:0;display:grid;gap:0.75rem">{items}</ul>"#
            ));
        }
        body.push_str(
            r#"<p>Of vraag een aanmeldlink per mail aan in de Leerweek-app.</p><p lang="en">Or ask for a sign-in link by mail in the Leerweek app.</p>"#,
        );
    }
    crate::page::page(StatusCode::OK, "Aanmelden bij Leerweek", "Aanmelden bij Leerweek", &body)
}

/// The demo persona picker: sign in as an employee, organiser, manager or admin with one press.
/// Exists only when the server runs with `--demo` on a loopback address, and answers only
/// requests from this machine itself (not through a proxy on it).
pub async fn demo_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
) -> Response {
    if s.demo_personas.is_empty() || !crate::client::from_this_machine(&headers, peer.map(|p| p.0.0.ip())) {
        return crate::problem::no_route().await.into_response();
    }
    let items: String = s
        .demo_personas
        .iter()
        .map(|(role, name, email)| {
            format!(
                r#"<li><form method="post" action="/demo/aanmelden"><input type="hidden" name="email" value="{}"><button type="submit" style="font-size:1rem;padding:0.5rem 1rem;background:#00466e;color:#fff;border:0;border-radius:4px">{} — {}</button></form></li>"#,
                escape(email),
                escape(role),
                escape(name)
            )
        })
        .collect();
    let body = format!(
        r#"<p>Kies als wie je rondkijkt.</p>
<ul style="list-style:none;padding:0;display:grid;gap:0.75rem">{items}</ul>"#
    );
    crate::page::page(StatusCode::OK, "Leerweek demo: kies een rol", "Leerweek demo", &body)
}

/// Sign in as a demo persona (form post from `/demo`), from this machine only.
pub async fn demo_sign_in(
    State(s): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if !crate::client::from_this_machine(&headers, peer.map(|p| p.0.0.ip())) {
        tracing::warn!("demo sign-in refused: the request did not come from this machine directly");
        return Err(ApiError::NotFound("route"));
    }
    let email = std::str::from_utf8(&body)
        .ok()
        .and_then(|b| b.split('&').find_map(|p| p.strip_prefix("email=")))
        .map(|e| e.replace("%40", "@"))
        .unwrap_or_default();
    if !s.demo_personas.iter().any(|(_, _, e)| *e == email) {
        return Err(ApiError::NotFound("route"));
    }
    let email = at("email", EmailAddress::parse(&email))?;
    let session = auth::demo_session(&s.store, &email, now()).await?.ok_or(ApiError::NotFound("person"))?;
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, &session.secret, auth::ABSOLUTE_TIMEOUT.num_seconds()));
    Ok(res)
}
