//! Extractors that turn every bad request into a problem: JSON bodies (with the path of the
//! offending field), path ids, query strings and the bearer token.

use crate::AppState;
use crate::problem::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use leerweek_domain::access::Actor;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A JSON body parsed into `T`; every failure is a problem naming the field.
pub struct ApiJson<T>(pub T);

/// An optional JSON body: empty (or no Content-Type with an empty body) gives `None`.
pub struct OptionalJson<T>(pub Option<T>);

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

async fn body_bytes(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(inner) if inner.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge
        }
        other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        other if timed_out(&other) => ApiError::BodyTimeout,
        other => ApiError::MalformedJson(other.body_text()),
    })
}

/// Whether reading the body failed because its deadline (`body_read_timeout`) passed.
fn timed_out(rejection: &BytesRejection) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(rejection);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Parse JSON with the path of the failing field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let msg = inner.to_string();
                // "missing field `x` at line…": name the missing field itself.
                // A JSON array where an object belongs deserializes by position: blame the body.
                let path = if path.starts_with('[') { ".".to_owned() } else { path };
                let field = match msg.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
                    Some(missing) if path == "." => missing.to_owned(),
                    Some(missing) => format!("{path}.{missing}"),
                    None if path == "." => "body".to_owned(),
                    None => path,
                };
                let detail = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
                ApiError::InvalidJson { field, detail }
            }
            _ => ApiError::MalformedJson(inner.to_string()),
        }
    })
}

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMediaType("application/json"));
        }
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let json = is_json(&req);
        let has_type = req.headers().contains_key(header::CONTENT_TYPE);
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        if has_type && !json {
            return Err(ApiError::UnsupportedMediaType("application/json"));
        }
        parse_json(&bytes).map(|v| OptionalJson(Some(v)))
    }
}

/// A file of people as the body: CSV or an Excel workbook, told by its `Content-Type` (and a
/// workbook also by its first bytes).
pub struct FileBody(pub Bytes, pub crate::people_file::FileKind);

impl FromRequest<AppState> for FileBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = body_bytes(req, state).await?;
        match crate::people_file::FileKind::of(content_type.as_deref(), &bytes) {
            Some(kind) => Ok(FileBody(bytes, kind)),
            None => Err(ApiError::UnsupportedMediaType(
                "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )),
        }
    }
}

/// The `{id}` of a path. A segment that is not a UUID names nothing: 404.
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<Uuid>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|_| ApiError::NotFound("resource"))
    }
}

/// A query string parsed into `T`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state).await.map(|Query(q)| ApiQuery(q)).map_err(|e| {
            let text = e.body_text();
            let detail = text.trim_start_matches("Failed to deserialize query string: ");
            // A value that does not parse is told as `field: why`; a missing or unknown
            // field is named between backticks.
            let named = detail.split_once(": ").filter(|(f, _)| {
                !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
            });
            let (field, detail) = match named {
                Some((f, why)) => (f.to_owned(), why.to_owned()),
                None => (
                    detail.split('`').nth(1).filter(|f| !f.contains(' ')).unwrap_or("query").to_owned(),
                    detail.to_owned(),
                ),
            };
            ApiError::InvalidQuery { field, detail }
        })
    }
}

/// Name of the browser-session cookie.
pub const SESSION_COOKIE: &str = "lw_session";

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// The signed-in person: from `Authorization: Bearer <token>` (scripts), or from the browser
/// session cookie. Writes made with the cookie must carry the session's `X-CSRF-Token`.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        if let Some(token) = bearer {
            return match leerweek_store::people::authenticate(&state.store, token).await? {
                Some(actor) => Ok(Auth(actor)),
                None => Err(ApiError::Unauthenticated),
            };
        }
        let secret = cookie(&parts.headers, SESSION_COOKIE).ok_or(ApiError::Unauthenticated)?;
        let live = leerweek_store::auth::session(&state.store, &secret, chrono::Utc::now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let safe =
            matches!(parts.method, axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), live.csrf_token.as_bytes()) {
                return Err(ApiError::CsrfMissing);
            }
        }
        Ok(Auth(live.actor))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
