//! The first run: a fresh installation (no admin yet) is set up from the browser with the
//! one-time address `leerweek serve` prints. The first admin enters name and e-mail and is
//! signed in; from then on set-up is refused.

use super::auth::{BrowserSessionDto, session_cookie};
use super::{at, now};
use crate::AppState;
use crate::extract::ApiJson;
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_store::{auth, people};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether the installation still needs its first admin.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupStateDto {
    /// `true` until the first admin exists.
    pub needed: bool,
}

/// Whether this installation still needs its first admin (anyone may ask).
#[utoipa::path(get, path = "/api/v1/setup", tag = "auth", security(()),
    responses((status = 200, body = SetupStateDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn setup_state(State(s): State<AppState>) -> Result<Json<SetupStateDto>, ApiError> {
    Ok(Json(SetupStateDto { needed: people::needs_setup(&s.store).await? }))
}

/// The first admin, with the code from the set-up address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupDto {
    /// The code from the address `leerweek serve` printed (after `#`).
    pub code: String,
    /// The admin's name.
    pub name: String,
    /// The admin's e-mail address (to sign in with later).
    pub email: String,
}

/// Set up a fresh installation: the person named becomes its first admin and is signed in
/// (a browser session, as after a sign-in link). The code works once, for an hour.
#[utoipa::path(post, path = "/api/v1/setup", tag = "auth", request_body = SetupDto, security(()),
    responses((status = 201, body = BrowserSessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn complete_setup(State(s): State<AppState>, ApiJson(b): ApiJson<SetupDto>) -> Result<Response, ApiError> {
    let name = at("name", Name::parse(&b.name))?;
    let email = at("email", EmailAddress::parse(&b.email))?;
    let session = people::complete_setup(&s.store, b.code.trim(), email, name, now()).await?;
    tracing::info!(person_id = %session.person_id, "installation set up: first admin signed in");
    let cookie = session_cookie(&s, &session.secret, auth::ABSOLUTE_TIMEOUT.num_seconds());
    let mut res = (
        StatusCode::CREATED,
        Json(BrowserSessionDto {
            person_id: session.person_id,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
        }),
    )
        .into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}
