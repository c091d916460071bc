//! Every error answer is `application/problem+json` (RFC 9457): a stable `type` ending in
//! `/errors/<slug>`, a human `title`/`detail` in Dutch or English, the `status`, and the
//! offending `field` where there is one.
//!
//! Handlers return [`ApiError`]; its response carries the error in an extension and the
//! [`localize`] middleware renders it in the language the request asked for.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leerweek_domain::{FieldError, Language};
use leerweek_store::{Conflict, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

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
    /// A CSV import with invalid rows: nothing was imported.
    ImportRejected(serde_json::Value),
    /// A CSV body that cannot be read.
    InvalidCsv(String),
    /// Too many requests; try again after the duration.
    RateLimited(std::time::Duration),
    /// A sign-in link that is unknown, used or expired.
    LinkInvalid,
    /// A cookie-authenticated write without the session's CSRF token.
    CsrfMissing,
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
        extra: None,
    }
}

fn pick<'a>(lang: Language, (nl, en): (&'a str, &'a str)) -> &'a str {
    match lang {
        Language::Nl => nl,
        Language::En => en,
    }
}

impl ApiError {
    /// The problem document in `lang`.
    pub fn render(&self, lang: Language) -> Problem {
        use StatusCode as S;
        match self {
            ApiError::Store(e) => store_problem(e, lang),
            ApiError::Unauthenticated => {
                let mut p = problem(S::UNAUTHORIZED, "unauthenticated", ("Niet aangemeld", "Not signed in"), lang);
                p.detail = pick(
                    lang,
                    (
                        "Stuur een geldige token mee: Authorization: Bearer <token>.",
                        "Send a valid token: Authorization: Bearer <token>.",
                    ),
                )
                .into();
                p
            }
            ApiError::MalformedJson(msg) => {
                let mut p = problem(S::BAD_REQUEST, "malformed-json", ("Ongeldige JSON", "Malformed JSON"), lang);
                p.detail =
                    format!("{}: {msg}", pick(lang, ("De body is geen geldige JSON", "The body is not valid JSON")));
                p
            }
            ApiError::InvalidJson { field, detail } => {
                let mut p =
                    problem(S::UNPROCESSABLE_ENTITY, "invalid-field", ("Ongeldige waarde", "Invalid value"), lang);
                p.detail = format!("{field}: {detail}");
                p.field = Some(field.clone());
                p.errors = vec![FieldProblem { field: field.clone(), detail: detail.clone() }];
                p
            }
            ApiError::UnsupportedMediaType(expected) => {
                let mut p = problem(
                    S::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    ("Verkeerd inhoudstype", "Unsupported media type"),
                    lang,
                );
                p.detail = format!("{} {expected}.", pick(lang, ("Verwacht Content-Type", "Expected Content-Type")));
                p
            }
            ApiError::PayloadTooLarge => {
                let mut p =
                    problem(S::PAYLOAD_TOO_LARGE, "payload-too-large", ("Verzoek te groot", "Payload too large"), lang);
                p.detail = pick(lang, ("De body is groter dan 1 MiB.", "The body is larger than 1 MiB.")).into();
                p
            }
            ApiError::BodyTimeout => {
                let mut p =
                    problem(S::REQUEST_TIMEOUT, "request-timeout", ("Verzoek te traag", "Request body too slow"), lang);
                p.detail = pick(
                    lang,
                    ("De body van het verzoek kwam niet op tijd binnen.", "The request body did not arrive in time."),
                )
                .into();
                p
            }
            ApiError::Timeout => {
                let mut p = problem(
                    S::SERVICE_UNAVAILABLE,
                    "timeout",
                    ("Verzoek duurde te lang", "Request took too long"),
                    lang,
                );
                p.detail = pick(
                    lang,
                    (
                        "Het verzoek duurde te lang en is afgebroken. Probeer het zo opnieuw.",
                        "The request took too long and was stopped. Try again shortly.",
                    ),
                )
                .into();
                p
            }
            ApiError::NotFound(what) => not_found(what, lang),
            ApiError::InvalidQuery { field, detail } | ApiError::InvalidHeader { field, detail } => {
                let mut p =
                    problem(S::BAD_REQUEST, "invalid-parameter", ("Ongeldige parameter", "Invalid parameter"), lang);
                p.detail = format!("{field}: {detail}");
                p.field = Some(field.clone());
                p.errors = vec![FieldProblem { field: field.clone(), detail: detail.clone() }];
                p
            }
            ApiError::ImportRejected(report) => {
                let mut p =
                    problem(S::UNPROCESSABLE_ENTITY, "import-rejected", ("Import geweigerd", "Import rejected"), lang);
                p.detail = pick(
                    lang,
                    (
                        "Het bestand bevat ongeldige regels; er is niets geïmporteerd.",
                        "The file has invalid rows; nothing was imported.",
                    ),
                )
                .into();
                if let serde_json::Value::Object(m) = report {
                    p.extra = Some(m.clone());
                }
                p
            }
            ApiError::RateLimited(wait) => {
                let mut p =
                    problem(S::TOO_MANY_REQUESTS, "rate-limited", ("Te veel verzoeken", "Too many requests"), lang);
                let secs = wait.as_secs().max(1);
                p.detail = match lang {
                    Language::Nl => {
                        format!("Te veel aanvragen kort na elkaar. Probeer het over {secs} seconden opnieuw.")
                    }
                    Language::En => format!("Too many requests in a short time. Try again in {secs} seconds."),
                };
                p
            }
            ApiError::LinkInvalid => {
                let mut p = problem(
                    S::BAD_REQUEST,
                    "sign-in-link-invalid",
                    ("Aanmeldlink ongeldig", "Sign-in link invalid"),
                    lang,
                );
                p.detail = pick(
                    lang,
                    (
                        "Deze aanmeldlink is al gebruikt of verlopen. Vraag een nieuwe aan.",
                        "This sign-in link was used already or has expired. Ask for a new one.",
                    ),
                )
                .into();
                p.field = Some("token".into());
                p
            }
            ApiError::CsrfMissing => {
                let mut p =
                    problem(S::FORBIDDEN, "csrf", ("Beveiligingscontrole mislukt", "Security check failed"), lang);
                p.detail = pick(
                    lang,
                    (
                        "Stuur de X-CSRF-Token van je sessie mee (GET /api/v1/auth/session).",
                        "Send your session's X-CSRF-Token (GET /api/v1/auth/session).",
                    ),
                )
                .into();
                p.field = Some("X-CSRF-Token".into());
                p
            }
            ApiError::InvalidCsv(msg) => {
                let mut p = problem(S::BAD_REQUEST, "malformed-csv", ("Ongeldige CSV", "Malformed CSV"), lang);
                p.detail = msg.clone();
                p
            }
        }
    }
}

fn not_found(what: &str, lang: Language) -> Problem {
    let mut p = problem(StatusCode::NOT_FOUND, "not-found", ("Niet gevonden", "Not found"), lang);
    p.detail = match lang {
        Language::Nl => format!("Deze {} bestaat niet of is niet zichtbaar voor jou.", dutch(what)),
        Language::En => format!("This {what} does not exist or is not visible to you."),
    };
    p
}

fn dutch(what: &str) -> &str {
    match what {
        "organisation" => "organisatie",
        "person" => "persoon",
        "event" => "week",
        "workshop" => "workshop",
        "session" => "sessie",
        "enrolment" => "inschrijving",
        "route" => "pagina",
        "resource" => "bron",
        other => other,
    }
}

fn field_problem(e: &FieldError, lang: Language) -> Problem {
    let mut p = problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", ("Ongeldige waarde", "Invalid value"), lang);
    let detail = e.problem.message(lang);
    p.detail = format!("{}: {detail}", e.field);
    p.field = Some(e.field.clone());
    p.errors = vec![FieldProblem { field: e.field.clone(), detail }];
    p
}

fn store_problem(e: &StoreError, lang: Language) -> Problem {
    use StatusCode as S;
    match e {
        StoreError::NotFound(what) => not_found(what, lang),
        StoreError::UnknownReference { field } => {
            let mut p = problem(
                S::UNPROCESSABLE_ENTITY,
                "unknown-reference",
                ("Onbekende verwijzing", "Unknown reference"),
                lang,
            );
            p.detail = match lang {
                Language::Nl => format!("{field}: verwijst naar iets dat niet bestaat of niet zichtbaar is."),
                Language::En => format!("{field}: refers to something that does not exist or is not visible."),
            };
            p.field = Some(field.clone());
            p
        }
        StoreError::Forbidden => {
            let mut p = problem(S::FORBIDDEN, "forbidden", ("Geen toegang", "Forbidden"), lang);
            p.detail = pick(lang, ("Je rol staat deze handeling niet toe.", "Your role does not allow this.")).into();
            p
        }
        StoreError::Invalid(fe) => field_problem(fe, lang),
        StoreError::Enrol(err) => {
            use leerweek_domain::enrolment::EnrolError as E;
            // Every refusal by a rule is a conflict with the current state of the week.
            let mut p = problem(S::CONFLICT, err.slug(), ("Inschrijving niet mogelijk", "Enrolment refused"), lang);
            p.detail = err.message(lang);
            if let E::Overlap { session_id } = err {
                p.extra = Some(serde_json::Map::from_iter([(
                    "overlapping_session_id".to_owned(),
                    serde_json::json!(session_id),
                )]));
            }
            p
        }
        StoreError::Cancel(err) => {
            let mut p = problem(S::CONFLICT, err.slug(), ("Afmelden niet mogelijk", "Cancellation refused"), lang);
            p.detail = err.message(lang);
            p
        }
        StoreError::Conflict(c) => {
            let status =
                if matches!(c, Conflict::IdempotencyKeyReused) { S::UNPROCESSABLE_ENTITY } else { S::CONFLICT };
            let mut p = problem(status, c.slug(), ("Conflict", "Conflict"), lang);
            p.detail = c.message(lang);
            p.field = c.field().map(str::to_owned);
            p
        }
        StoreError::Attendance(err) => {
            use leerweek_domain::attendance::AttendanceError as A;
            let status = if matches!(err, A::UnknownCode) { S::UNPROCESSABLE_ENTITY } else { S::CONFLICT };
            let mut p = problem(status, err.slug(), ("Aanwezigheid niet vastgelegd", "Attendance not recorded"), lang);
            p.detail = err.message(lang);
            if matches!(err, A::UnknownCode | A::OtherSession { .. }) {
                p.field = Some("code".into());
            }
            if let A::OtherSession { session_id, title, starts_at } = err {
                p.extra = Some(serde_json::Map::from_iter([
                    ("session_id".to_owned(), serde_json::json!(session_id)),
                    ("session_title".to_owned(), serde_json::json!(title)),
                    ("session_starts_at".to_owned(), serde_json::json!(starts_at)),
                ]));
            }
            p
        }
        StoreError::Feedback(err) => {
            use leerweek_domain::feedback::FeedbackError as F;
            // Like an unknown sign-in link: a bad value, not a missing page.
            let status = if matches!(err, F::UnknownLink) { S::BAD_REQUEST } else { S::CONFLICT };
            let mut p = problem(status, err.slug(), ("Feedback niet mogelijk", "Feedback refused"), lang);
            p.detail = err.message(lang);
            if matches!(err, F::UnknownLink) {
                p.field = Some("token".into());
            }
            p
        }
        StoreError::SignIn(r) => {
            let mut p = problem(S::FORBIDDEN, r.slug(), ("Aanmelden geweigerd", "Sign-in refused"), lang);
            p.detail = match lang {
                Language::Nl => r.message_nl().to_owned(),
                Language::En => r.to_string(),
            };
            p
        }
        StoreError::Unavailable(_) => {
            let mut p = problem(
                S::SERVICE_UNAVAILABLE,
                "unavailable",
                ("Tijdelijk niet beschikbaar", "Temporarily unavailable"),
                lang,
            );
            p.detail = pick(
                lang,
                (
                    "De database is even niet bereikbaar. Probeer het zo opnieuw.",
                    "The database cannot be reached right now. Try again shortly.",
                ),
            )
            .into();
            p
        }
        StoreError::Config(_) | StoreError::Db(_) => {
            let mut p = problem(S::INTERNAL_SERVER_ERROR, "internal", ("Interne fout", "Internal error"), lang);
            p.detail = pick(
                lang,
                (
                    "Er ging iets mis aan onze kant; het is gelogd.",
                    "Something went wrong on our side; it has been logged.",
                ),
            )
            .into();
            p
        }
    }
}

/// The error travelling inside a response until [`localize`] renders it.
#[derive(Clone)]
struct Pending(std::sync::Arc<ApiError>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Store(e @ (StoreError::Db(_) | StoreError::Config(_))) = &self {
            tracing::error!(error = %e, "unexpected error answered 500");
        }
        if let ApiError::Store(e @ StoreError::Unavailable(_)) = &self {
            tracing::warn!(error = %e, "database unavailable, answered 503");
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
        res.extensions_mut().insert(Pending(std::sync::Arc::new(self)));
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
    let res = next.run(req).await;
    if lang == Language::Nl {
        return res;
    }
    match res.extensions().get::<Pending>().cloned() {
        Some(Pending(err)) => {
            let (parts, _) = res.into_parts();
            let mut fresh = problem_response(&err.render(lang));
            for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
                if let Some(v) = parts.headers.get(&name) {
                    fresh.headers_mut().insert(name, v.clone());
                }
            }
            fresh
        }
        None => res,
    }
}

/// Fallback for unknown routes under `/api`.
pub async fn no_route() -> ApiError {
    ApiError::NotFound("route")
}
