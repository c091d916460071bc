//! Every error answer is `application/problem+json` (RFC 9457): a stable `type` ending in
//! `/errors/<slug>`, a human `title`/`detail` in Dutch or English, the `status`, the
//! offending `field` where there is one, and on a server error (5xx) the `request_id`.
//!
//! Handlers return [`ApiError`]; its response carries the error in an extension, the
//! [`localize`] middleware renders it in the language the request asked for, and
//! [`with_request_id`] quotes the request's id in a 5xx. The wording of every error is here:
//! the api's own failures in `own.rs`, store and domain errors in `table.rs`.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leerweek_domain::{FieldError, Language};
use leerweek_store::StoreError;
use serde::Serialize;
use tower_http::request_id::RequestId;
use utoipa::ToSchema;

mod assignment;
mod own;
mod table;

pub use table::slug;
pub(crate) use table::{invalid, sign_in_nl, sign_in_slug};

/// The problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Stable URI reference of the error kind, ending in `/errors/<slug>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What happened here, for people.
    pub detail: String,
    /// The request field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Per-field problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Only on a server error (5xx): the request's id, as in the response's `x-request-id`
    /// header, to quote when reporting the failure (its log lines carry the same id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Extra members (e.g. the per-row report of an import).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One field's problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as the client named it.
    pub field: String,
    /// What is wrong.
    pub detail: String,
}

/// An error on its way to becoming a problem response.
#[derive(Debug)]
pub enum ApiError {
    /// From the store or the domain.
    Store(StoreError),
    /// No or bad credentials.
    Unauthenticated,
    /// The body is not JSON at all.
    MalformedJson(String),
    /// JSON of the wrong shape (type, missing field, unknown value) at `field`.
    InvalidJson { field: String, detail: String },
    /// Wrong or missing Content-Type.
    UnsupportedMediaType(&'static str),
    /// Body larger than allowed.
    PayloadTooLarge,
    /// The body did not arrive in time (a client too slow, or stalling on purpose).
    BodyTimeout,
    /// The request took longer than the server allows (`request_timeout`).
    Timeout,
    /// A path segment that cannot be an id: nothing is there.
    NotFound(&'static str),
    /// A query parameter that does not parse.
    InvalidQuery { field: String, detail: String },
    /// A bad header (`Idempotency-Key`).
    InvalidHeader { field: String, detail: String },
    /// An import with invalid rows: nothing was imported.
    ImportRejected(serde_json::Value),
    /// A file of people that cannot be read, or lacks a column.
    ImportFile(crate::people_file::FileProblem),
    /// An ESCO skills file that cannot be used.
    EscoFile(crate::esco_file::EscoFileProblem),
    /// Too many requests; try again after the duration.
    RateLimited(std::time::Duration),
    /// A sign-in link that is unknown, used or expired.
    LinkInvalid,
    /// A cookie-authenticated write without the session's CSRF token.
    CsrfMissing,
    /// A sign-in form posted from another site (login CSRF): the browser said where it came from.
    CrossSite,
    /// An unexpected failure of the api itself (rendering the programme, writing an export):
    /// what failed, for the log only. Answered 500 `/errors/internal`, like a database error.
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Store(e)
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Store(StoreError::Invalid(e))
    }
}

/// Build a problem (without language-specific text).
fn problem(status: StatusCode, slug: &str, title: (&str, &str), lang: Language) -> Problem {
    Problem {
        kind: format!("/errors/{slug}"),
        title: pick(lang, title).to_owned(),
        status: status.as_u16(),
        detail: String::new(),
        field: None,
        errors: vec![],
        request_id: None,
        extra: None,
    }
}

fn pick<'a>(lang: Language, (nl, en): (&'a str, &'a str)) -> &'a str {
    match lang {
        Language::Nl => nl,
        Language::En => en,
    }
}

/// The error travelling inside a response, and the language its body is in, until [`localize`]
/// and [`with_request_id`] have rendered it.
#[derive(Clone)]
struct Pending {
    error: std::sync::Arc<ApiError>,
    lang: Language,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Store(e @ (StoreError::Db(_) | StoreError::Config(_))) => {
                tracing::error!(error = %e, "unexpected error answered 500");
            }
            ApiError::Internal(what) => tracing::error!(error = %what, "unexpected error answered 500"),
            ApiError::Store(e @ StoreError::Unavailable(_)) => {
                tracing::warn!(error = %e, "database unavailable, answered 503");
            }
            _ => {}
        }
        let p = self.render(Language::Nl);
        let mut res = problem_response(&p);
        if matches!(self, ApiError::Unauthenticated) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if matches!(self, ApiError::Store(StoreError::Unavailable(_)) | ApiError::Timeout) {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        if let ApiError::RateLimited(wait) = &self
            && let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res.extensions_mut().insert(Pending { error: std::sync::Arc::new(self), lang: Language::Nl });
        res
    }
}

/// A response with the problem document.
pub fn problem_response(p: &Problem) -> Response {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(p).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))], body).into_response()
}

/// Middleware: render problems in the language of `Accept-Language` (Dutch unless English comes first).
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Language::from_accept_language)
        .unwrap_or_default();
    let mut res = next.run(req).await;
    if lang == Language::Nl {
        return res;
    }
    let Some(pending) = res.extensions_mut().get_mut::<Pending>() else { return res };
    pending.lang = lang;
    let p = pending.error.render(lang);
    with_body(res, &p)
}

/// A 5xx problem quotes the request's id (which the response's `x-request-id` header carries
/// too), so that whoever reports the failure can point at its log lines. Other answers are
/// left as they are. Called outside every layer that answers with a problem.
pub fn with_request_id(res: Response, id: Option<&RequestId>) -> Response {
    let Some(id) = id.filter(|_| res.status().is_server_error()).and_then(|id| id.header_value().to_str().ok()) else {
        return res;
    };
    let Some(Pending { error, lang }) = res.extensions().get::<Pending>().cloned() else { return res };
    let mut p = error.render(lang);
    p.request_id = Some(id.to_owned());
    with_body(res, &p)
}

/// The response with `p` as its body; status, headers and extensions stay.
fn with_body(res: Response, p: &Problem) -> Response {
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(serde_json::to_vec(p).unwrap_or_default()))
}

/// Fallback for unknown routes under `/api`.
pub async fn no_route() -> ApiError {
    ApiError::NotFound("route")
}

#[cfg(test)]
mod tests;
