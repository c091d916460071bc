//! Certificates of attendance: the PDF and the signed Open Badges credential of an attended
//! seat, public verification by code (API and page), revocation, and what other systems need to
//! check a credential (the issuer's profile, its keys, the status lists).

use super::auth::client_key;
use super::now;
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::page::{escape, page_in};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_credential as vc;
use leerweek_domain::Language;
use leerweek_domain::certificate::Code;
use leerweek_store::certificates::{self, Certificate, keys};
use leerweek_store::privacy::{ANONYMOUS_NAME, ERASED_NAME};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

const AMSTERDAM: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

fn verification_url(s: &AppState, code: &Code) -> String {
    format!("{}/verificatie/{}", s.public_url, code.as_str())
}

fn issuer(s: &AppState) -> vc::Issuer {
    vc::Issuer {
        id: format!("{}/api/v1/credentials/issuer", s.public_url),
        name: s.issuer_name.clone(),
        url: format!("{}/", s.public_url),
    }
}

fn key_url(s: &AppState, number: u32) -> String {
    format!("{}/api/v1/credentials/keys/{number}", s.public_url)
}

fn status_url(s: &AppState, list: u32) -> String {
    format!("{}/api/v1/credentials/status/{list}", s.public_url)
}

/// The certificate as a PDF/A-2b document in its person's language.
fn pdf(s: &AppState, c: &Certificate) -> Result<Vec<u8>, ApiError> {
    let language = match c.language {
        Language::Nl => leerweek_certificate::Language::Nl,
        Language::En => leerweek_certificate::Language::En,
    };
    let (starts, ends) = (c.starts_at.with_timezone(&AMSTERDAM), c.ends_at.with_timezone(&AMSTERDAM));
    let doc = leerweek_certificate::Certificate {
        language,
        person_name: c.person_name.clone(),
        workshop_title: c.workshop_title.clone(),
        session_date: starts.date_naive(),
        starts: starts.time(),
        ends: ends.time(),
        minutes: c.minutes,
        skills: c
            .skills
            .iter()
            .map(|k| match (c.language, &k.name_en) {
                (Language::En, Some(en)) => en.clone(),
                _ => k.name_nl.clone(),
            })
            .collect(),
        host_organisation: c.host_organisation.clone(),
        trainer: c.trainer.clone(),
        event_name: c.event_name.clone(),
        verification_code: c.code.display(),
        verification_url: verification_url(s, &c.code),
        issued_on: c.issued_at.with_timezone(&AMSTERDAM).date_naive(),
        installation_name: s.issuer_name.clone(),
    };
    leerweek_certificate::render_certificate(&doc)
        .map_err(|e| ApiError::Internal(format!("rendering a certificate: {e}")))
}

/// The certificate as an Open Badges 3.0 credential, and signed as a VC-JWT.
async fn credential(s: &AppState, c: &Certificate) -> Result<(serde_json::Value, String), ApiError> {
    let key = keys::current(&s.store).await?;
    let signer = vc::IssuerKey::from_seed(key.seed).with_key_url(key_url(s, key.number));
    let language = match c.language {
        Language::Nl => vc::Language::Nl,
        Language::En => vc::Language::En,
    };
    let a = vc::AttendanceAchievement {
        certificate_id: c.id,
        achievement_id: format!("{}/sessies/{}", s.public_url, c.session_id),
        workshop_title: c.workshop_title.clone(),
        description: c.workshop_title.clone(),
        minutes: c.minutes,
        skills: c
            .skills
            .iter()
            .map(|k| vc::Skill {
                name: match (c.language, &k.name_en) {
                    (Language::En, Some(en)) => en.clone(),
                    _ => k.name_nl.clone(),
                },
                esco_uri: k.esco_uri.clone(),
            })
            .collect(),
        language,
        session_start: c.starts_at,
        time_zone: AMSTERDAM,
        host_organisation: c.host_organisation.clone(),
        person_name: c.person_name.clone(),
        verification_url: verification_url(s, &c.code),
        issued_at: c.issued_at,
        status: vc::StatusEntry { list_url: status_url(s, c.status_list), index: c.status_index },
    };
    let json = vc::credential_json(&issuer(s), &a).map_err(|e| ApiError::Internal(format!("a credential: {e}")))?;
    let jwt = vc::sign_vc_jwt(&signer, &json).map_err(|e| ApiError::Internal(format!("signing a credential: {e}")))?;
    Ok((json, jwt))
}

fn download(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        body,
    )
        .into_response()
}

fn file_name(c: &Certificate, extension: &str) -> String {
    let word = match c.language {
        Language::Nl => "bewijs-van-deelname",
        Language::En => "certificate",
    };
    format!("{word}-{}.{extension}", c.code.as_str())
}

/// The certificate of an attended seat as a PDF/A-2b document in the person's language (the
/// person themself, the host's organisers, admins). Issued on the first request; the same
/// certificate afterwards. Not attended: 409.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/certificate.pdf", tag = "certificates", params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn certificate_pdf(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Response, ApiError> {
    let c = certificates::for_enrolment(&s.store, &actor, id, now()).await?;
    let state = s.clone();
    let (bytes, c) = tokio::task::spawn_blocking(move || pdf(&state, &c).map(|b| (b, c)))
        .await
        .map_err(|e| ApiError::Internal(format!("rendering a certificate: {e}")))??;
    Ok(download("application/pdf", file_name(&c, "pdf"), bytes))
}

/// The certificate of an attended seat as an Open Badges 3.0 `OpenBadgeCredential` (JSON):
/// exactly what its VC-JWT (`certificate.jwt`) signs.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/certificate.json", tag = "certificates", params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = Object), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn certificate_json(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Response, ApiError> {
    let c = certificates::for_enrolment(&s.store, &actor, id, now()).await?;
    let (json, _) = credential(&s, &c).await?;
    let body = serde_json::to_vec_pretty(&json).map_err(|e| ApiError::Internal(format!("a credential: {e}")))?;
    Ok(download("application/json", file_name(&c, "json"), body))
}

/// The certificate of an attended seat as a signed Open Badges 3.0 credential: a VC-JWT (compact
/// JWS, EdDSA), for wallets and other employers' systems.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/certificate.jwt", tag = "certificates", params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, content_type = "application/vc+jwt", body = String), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn certificate_jwt(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Response, ApiError> {
    let c = certificates::for_enrolment(&s.store, &actor, id, now()).await?;
    let (_, jwt) = credential(&s, &c).await?;
    Ok(download("application/vc+jwt", file_name(&c, "jwt"), jwt.into_bytes()))
}

/// A certificate issued for a session, in the host's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionCertificateDto {
    /// The seat.
    pub enrolment_id: uuid::Uuid,
    /// The name printed on it.
    pub person_name: String,
    /// Its code (`K7QF-2M9X-C4TD`).
    pub code: String,
    /// When issued.
    pub issued_at: DateTime<Utc>,
    /// When revoked (null: valid).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The certificates issued for a session, revoked ones too, by name (the host's organisers,
/// admins).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/certificates", tag = "certificates", params(("id" = uuid::Uuid, Path, description = "Session id")),
    responses((status = 200, body = Vec<SessionCertificateDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn of_session(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<Vec<SessionCertificateDto>>, ApiError> {
    let list = certificates::of_session(&s.store, &actor, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|c| SessionCertificateDto {
                enrolment_id: c.enrolment_id,
                code: c.code.display(),
                person_name: c.person_name,
                issued_at: c.issued_at,
                revoked_at: c.revoked_at,
            })
            .collect(),
    ))
}

/// Everyone's certificate of a session in one ZIP file of PDFs, for printing (the host's
/// organisers, admins): a certificate for each seat recorded present, issued where not yet.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/certificates.zip", tag = "certificates", params(("id" = uuid::Uuid, Path, description = "Session id")),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn session_zip(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Response, ApiError> {
    let list = certificates::issue_for_session(&s.store, &actor, id, now()).await?;
    let state = s.clone();
    let started = std::time::Instant::now();
    let n = list.len();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        // PDFs are compressed already: stored as they are.
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        // Rendered on every core (a certificate takes a few milliseconds of one), then zipped.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let chunk = list.len().div_ceil(cores).max(1);
        let pdfs: Vec<Vec<u8>> = std::thread::scope(|scope| {
            let parts: Vec<_> = list
                .chunks(chunk)
                .map(|part| scope.spawn(|| part.iter().map(|c| pdf(&state, c)).collect::<Result<Vec<_>, _>>()))
                .collect();
            let mut all = Vec::with_capacity(list.len());
            for p in parts {
                all.extend(
                    p.join().map_err(|_| ApiError::Internal("rendering certificates: a thread panicked".into()))??,
                );
            }
            Ok::<_, ApiError>(all)
        })?;
        let mut names = std::collections::HashSet::new();
        for (c, pdf) in list.iter().zip(pdfs) {
            let mut name = format!("{}-{}.pdf", file_safe(&c.person_name), c.code.as_str());
            while !names.insert(name.clone()) {
                name.insert(0, '_');
            }
            let failed = |e: &dyn std::fmt::Display| ApiError::Internal(format!("writing a ZIP of certificates: {e}"));
            zip.start_file(name, options).map_err(|e| failed(&e))?;
            zip.write_all(&pdf).map_err(|e| failed(&e))?;
        }
        zip.finish()
            .map(|c| c.into_inner())
            .map_err(|e| ApiError::Internal(format!("writing a ZIP of certificates: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("writing a ZIP of certificates: {e}")))??;
    tracing::info!(session = %id, certificates = n, ms = started.elapsed().as_millis() as u64, "certificates rendered for printing");
    Ok(download("application/zip", format!("certificaten-{id}.zip"), bytes))
}

/// A person's name as part of a file name: letters, digits and dashes.
fn file_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() { "deelnemer".into() } else { s.chars().take(60).collect() }
}

/// What anyone may learn of a certificate by its code.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDto {
    /// The code as asked (normalised when it is one).
    pub code: String,
    /// `valid`, `revoked` or `unknown`.
    pub status: String,
    /// For whom (null: unknown, or the person's data was erased).
    pub person_name: Option<String>,
    /// The workshop.
    pub workshop_title: Option<String>,
    /// The week.
    pub event_name: Option<String>,
    /// The host organisation.
    pub host_organisation: Option<String>,
    /// When the session started.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ends_at: Option<DateTime<Utc>>,
    /// Study time in minutes.
    pub minutes: Option<u32>,
    /// Skills it taught (Dutch names).
    pub skills: Vec<String>,
    /// The issuer (this installation).
    pub issuer: String,
    /// When it was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn verification(s: &AppState, code: String, c: Option<Certificate>) -> VerificationDto {
    let Some(c) = c else {
        return VerificationDto {
            code,
            status: "unknown".into(),
            person_name: None,
            workshop_title: None,
            event_name: None,
            host_organisation: None,
            starts_at: None,
            ends_at: None,
            minutes: None,
            skills: vec![],
            issuer: s.issuer_name.clone(),
            issued_at: None,
            revoked_at: None,
        };
    };
    let forgotten = c.person_name == ERASED_NAME || c.person_name == ANONYMOUS_NAME;
    VerificationDto {
        code: c.code.display(),
        status: if c.revoked_at.is_some() { "revoked" } else { "valid" }.into(),
        person_name: (!forgotten).then_some(c.person_name),
        workshop_title: Some(c.workshop_title),
        event_name: Some(c.event_name),
        host_organisation: Some(c.host_organisation),
        starts_at: Some(c.starts_at),
        ends_at: Some(c.ends_at),
        minutes: Some(c.minutes),
        skills: c.skills.into_iter().map(|k| k.name_nl).collect(),
        issuer: s.issuer_name.clone(),
        issued_at: Some(c.issued_at),
        revoked_at: c.revoked_at,
    }
}

async fn look_up(
    s: &AppState,
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    code: &str,
) -> Result<VerificationDto, ApiError> {
    let ip = client_key(s, headers, peer);
    s.limits.verify_per_ip.check(&ip, std::time::Instant::now()).map_err(ApiError::RateLimited)?;
    let asked: String = code.chars().take(40).collect();
    let found = match Code::parse(&asked) {
        Ok(c) => certificates::by_code(&s.store, &c).await?,
        Err(_) => None,
    };
    Ok(verification(s, asked, found))
}

/// Check a certificate by its code (no sign-in; rate-limited per address): genuine or
/// revoked, for whom (name only), what, when, how long, by whom. An unknown code answers 404
/// with the same shape (`status` `unknown`).
#[utoipa::path(get, path = "/api/v1/certificates/{code}", tag = "certificates", security(()), params(("code" = String, Path, description = "Verification code")),
    responses((status = 200, body = VerificationDto), (status = 404, body = VerificationDto), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn verify(
    State(s): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let v = look_up(&s, &headers, peer.as_ref().map(|e| &e.0), &code).await?;
    let status = if v.status == "unknown" { StatusCode::NOT_FOUND } else { StatusCode::OK };
    Ok((status, Json(v)).into_response())
}

/// The public verification page `/verificatie/{code}` (the address in a certificate's QR code):
/// no sign-in, no script, in Dutch with English below.
pub async fn verify_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
    Path(code): Path<String>,
) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Language::from_accept_language)
        .unwrap_or_default();
    let tr = |nl: &str, en: &str| if lang == Language::En { en.to_owned() } else { nl.to_owned() };
    let heading = tr("Bewijs van deelname controleren", "Verify a certificate");
    let v = match look_up(&s, &headers, peer.as_ref().map(|e| &e.0), &code).await {
        Ok(v) => v,
        Err(ApiError::RateLimited(_)) => {
            let body = format!(
                r#"<p role="alert">{}</p>"#,
                tr(
                    "Te veel controles vanaf dit adres; probeer het later opnieuw.",
                    "Too many checks from this address; try again later."
                )
            );
            return page_in(lang, StatusCode::TOO_MANY_REQUESTS, &heading, &heading, &body);
        }
        Err(_) => {
            let body = format!(
                r#"<p role="alert">{}</p>"#,
                tr(
                    "Controleren lukt nu niet; probeer het later opnieuw.",
                    "Checking is not possible now; try again later."
                )
            );
            return page_in(lang, StatusCode::SERVICE_UNAVAILABLE, &heading, &heading, &body);
        }
    };
    let (status, verdict) = match v.status.as_str() {
        "valid" => {
            (StatusCode::OK, tr("Dit bewijs van deelname is echt en geldig.", "This certificate is genuine and valid."))
        }
        "revoked" => (
            StatusCode::OK,
            tr(
                "Dit bewijs van deelname is ingetrokken: het geldt niet meer.",
                "This certificate has been revoked: it is no longer valid.",
            ),
        ),
        _ => (
            StatusCode::NOT_FOUND,
            tr("Er is geen bewijs van deelname met deze code.", "There is no certificate with this code."),
        ),
    };
    let mut rows = String::new();
    let mut row = |label: String, value: Option<String>| {
        if let Some(v) = value {
            rows.push_str(&format!(
                r#"<dt style="font-weight:bold">{}</dt><dd style="margin:0 0 0.6rem 0">{}</dd>"#,
                escape(&label),
                escape(&v)
            ));
        }
    };
    row(tr("Code", "Code"), Some(v.code.clone()));
    if v.status != "unknown" {
        row(
            tr("Voor", "For"),
            Some(
                v.person_name
                    .clone()
                    .unwrap_or_else(|| tr("(onbekend: gegevens verwijderd)", "(unknown: data erased)")),
            ),
        );
    }
    row(tr("Workshop", "Workshop"), v.workshop_title.clone());
    row(tr("Week", "Week"), v.event_name.clone());
    row(
        tr("Datum", "Date"),
        v.starts_at.zip(v.ends_at).map(|(a, b)| {
            let (a, b) = (a.with_timezone(&AMSTERDAM), b.with_timezone(&AMSTERDAM));
            format!("{} {}–{}", a.format("%d-%m-%Y"), a.format("%H:%M"), b.format("%H:%M"))
        }),
    );
    row(
        tr("Studietijd", "Study time"),
        v.minutes.map(|m| {
            let h = format!("{:.1}", m as f64 / 60.0);
            let h = h.trim_end_matches(".0");
            match (lang, h) {
                (Language::En, "1") => "1 hour".to_owned(),
                (Language::En, h) => format!("{h} hours"),
                (_, h) => format!("{} uur", h.replace('.', ",")),
            }
        }),
    );
    row(tr("Georganiseerd door", "Hosted by"), v.host_organisation.clone());
    if !v.skills.is_empty() {
        row(tr("Vaardigheden", "Skills"), Some(v.skills.join(", ")));
    }
    row(tr("Uitgegeven door", "Issued by"), Some(v.issuer.clone()));
    row(
        tr("Ingetrokken op", "Revoked on"),
        v.revoked_at.map(|r| r.with_timezone(&AMSTERDAM).format("%d-%m-%Y").to_string()),
    );
    let alert = if v.status == "valid" { "status" } else { "alert" };
    let colour = if v.status == "valid" { "#0b6b2e" } else { "#b00020" };
    let body = format!(
        r#"<p role="{alert}" style="border-left:4px solid {colour};padding:0.5rem 1rem;font-weight:bold">{}</p><dl>{rows}</dl><p style="font-size:0.9rem">{}</p>"#,
        escape(&verdict),
        escape(&tr(
            "Alleen de naam van de deelnemer wordt getoond, niets anders over die persoon.",
            "Only the participant's name is shown, nothing else about them."
        )),
    );
    page_in(lang, status, &heading, &heading, &body)
}

/// Why a certificate is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeDto {
    /// Why (up to 500 characters; shown to no one outside the organisers).
    pub reason: Option<String>,
}

/// Revoke a certificate (the host's organisers, admins): its verification says so from now on,
/// and so does the status list other systems check. A corrected attendance revokes it too.
#[utoipa::path(post, path = "/api/v1/certificates/{code}/revoke", tag = "certificates", request_body = RevokeDto, params(("code" = String, Path, description = "Verification code")),
    responses((status = 200, body = VerificationDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn revoke(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<RevokeDto>,
) -> Result<Json<VerificationDto>, ApiError> {
    let code = Code::parse(&code).map_err(|_| ApiError::NotFound("certificate"))?;
    let reason = match b.reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > 500 => {
            return Err(
                leerweek_domain::FieldError::new("reason", leerweek_domain::Invalid::TooLong { max: 500 }).into()
            );
        }
        r => r,
    };
    let c = certificates::revoke(&s.store, &actor, &code, reason, now()).await?;
    Ok(Json(verification(&s, c.code.display(), Some(c))))
}

/// The installation as issuer of credentials: an Open Badges 3.0 `Profile` (no sign-in).
#[utoipa::path(get, path = "/api/v1/credentials/issuer", tag = "certificates", security(()),
    responses((status = 200, body = Object)))]
pub async fn issuer_profile(State(s): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let key = keys::current(&s.store).await?;
    let mut profile = issuer(&s).profile();
    profile["@context"] = serde_json::json!([vc::VC_CONTEXT, vc::OB_CONTEXT]);
    profile["verificationMethod"] = serde_json::json!([key_url(&s, key.number)]);
    Ok(Json(profile))
}

/// A public key that signs (or signed) the installation's credentials, as a JWK (no sign-in).
#[utoipa::path(get, path = "/api/v1/credentials/keys/{number}", tag = "certificates", security(()), params(("number" = u32, Path, description = "Key number")),
    responses((status = 200, body = Object, content_type = "application/jwk+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn public_key(State(s): State<AppState>, Path(number): Path<String>) -> Result<Response, ApiError> {
    let number: u32 = number.parse().map_err(|_| ApiError::NotFound("key"))?;
    let key = keys::by_number(&s.store, number).await?.ok_or(ApiError::NotFound("key"))?;
    let signer = vc::IssuerKey::from_seed(key.seed).with_key_url(key_url(&s, number));
    Ok(([(header::CONTENT_TYPE, "application/jwk+json")], Json(signer.public_jwk())).into_response())
}

/// A Bitstring Status List credential (VC-JWT, no sign-in): which certificates of the list
/// were revoked.
#[utoipa::path(get, path = "/api/v1/credentials/status/{list}", tag = "certificates", security(()), params(("list" = u32, Path, description = "List number")),
    responses((status = 200, content_type = "application/vc+jwt", body = String), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn status_list(State(s): State<AppState>, Path(list): Path<String>) -> Result<Response, ApiError> {
    let list: u32 = list.parse().map_err(|_| ApiError::NotFound("status list"))?;
    let revoked = certificates::revoked_in(&s.store, list).await?.ok_or(ApiError::NotFound("status list"))?;
    let key = keys::current(&s.store).await?;
    let signer = vc::IssuerKey::from_seed(key.seed).with_key_url(key_url(&s, key.number));
    let jwt = vc::status_list_credential(&signer, &issuer(&s), &status_url(&s, list), &revoked, now())
        .map_err(|e| ApiError::Internal(format!("a status list: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/vc+jwt"), (header::CACHE_CONTROL, "public, max-age=60")], jwt)
        .into_response())
}
