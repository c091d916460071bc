//! The admins' view of the mail outbox: mails by state with search and counts, retrying one
//! or every failed mail, a test mail to oneself, and whether mail has been failing for a while.

use super::now;
use crate::AppState;
use crate::extract::{ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use leerweek_store::outbox::{self, Listed, Mail, MailCounts, MailHealth, MailStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A mail in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxDto {
    /// Id (also the Message-ID's local part).
    pub id: Uuid,
    /// Kind of mail.
    pub kind: String,
    /// Recipient.
    pub person_id: Uuid,
    /// The recipient's name (none once erased with their mail).
    pub recipient_name: Option<String>,
    /// The recipient's address.
    pub recipient_email: Option<String>,
    /// The subject line, in the recipient's language.
    pub subject: Option<String>,
    /// Session concerned.
    pub session_id: Option<Uuid>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// Next attempt.
    pub next_attempt_at: DateTime<Utc>,
    /// Last error.
    pub last_error: Option<String>,
    /// When the first attempt failed (until it is sent).
    pub first_failed_at: Option<DateTime<Utc>>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Sent.
    pub sent_at: Option<DateTime<Utc>>,
}

impl OutboxDto {
    fn of(s: &AppState, l: Listed) -> Self {
        let subject = l.recipient.as_ref().map(|p| leerweek_mailer::subject(&s.mail_templates, &l.mail, p));
        let mut dto = OutboxDto::from(l.mail);
        dto.subject = subject.filter(|s| !s.is_empty());
        dto.recipient_name = l.recipient.as_ref().map(|p| p.name.clone());
        dto.recipient_email = l.recipient.map(|p| p.email);
        dto
    }
}

impl From<Mail> for OutboxDto {
    fn from(m: Mail) -> Self {
        Self {
            id: m.id,
            kind: m.kind.as_str().to_owned(),
            person_id: m.person_id,
            recipient_name: None,
            recipient_email: None,
            subject: None,
            session_id: m.session_id,
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            first_failed_at: m.first_failed_at,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

/// Filter, search and page of the outbox.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sent` or `failed`.
    pub status: Option<String>,
    /// Text in the recipient's name or address, or in the session title or message subject.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

/// Mails per state.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailCountsDto {
    /// Waiting to be sent (including those being retried).
    pub pending: u64,
    /// Of those waiting, the ones whose last attempt failed.
    pub retrying: u64,
    /// Given up; retry them.
    pub failed: u64,
    /// Sent.
    pub sent: u64,
}

impl From<MailCounts> for MailCountsDto {
    fn from(c: MailCounts) -> Self {
        Self { pending: c.pending, retrying: c.retrying, failed: c.failed, sent: c.sent }
    }
}

/// A page of the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPage {
    /// Mails, newest first.
    pub items: Vec<OutboxDto>,
    /// All matching.
    pub total: u64,
    /// Page.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Mails per state among those the search finds (whatever the `status`).
    pub counts: MailCountsDto,
}

/// The mail outbox (admins): e.g. `?status=failed` for mails that gave up, `?q=` to search.
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", params(OutboxQuery),
    responses((status = 200, body = OutboxPage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_outbox(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<OutboxQuery>,
) -> Result<Json<OutboxPage>, ApiError> {
    let status = match &q.status {
        None => None,
        Some(st) => Some(MailStatus::parse(st).map_err(|_| ApiError::InvalidQuery {
            field: "status".into(),
            detail: "must be one of pending sent failed".into(),
        })?),
    };
    let search = crate::paging::search("q", q.q)?;
    let (page, per_page) = crate::paging::check(q.page, q.per_page, 50, 500)?;
    let (rows, total, counts) = outbox::list(&s.store, &actor, status, search.as_deref(), page, per_page).await?;
    let items = rows.into_iter().map(|l| OutboxDto::of(&s, l)).collect();
    Ok(Json(OutboxPage { items, total, page, per_page, counts: counts.into() }))
}

/// Put a failed mail back in the queue (admins).
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "admin", params(("id" = Uuid, Path, description = "Outbox id")),
    responses((status = 200, body = OutboxDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn retry_outbox(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<OutboxDto>, ApiError> {
    Ok(Json(outbox::retry(&s.store, &actor, id, now()).await?.into()))
}

/// How many mails went back in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetriedDto {
    /// Failed mails now waiting again.
    pub retried: u64,
}

/// Put every failed mail back in the queue (admins).
#[utoipa::path(post, path = "/api/v1/admin/outbox/retry-failed", tag = "admin",
    responses((status = 200, body = RetriedDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn retry_failed(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<RetriedDto>, ApiError> {
    Ok(Json(RetriedDto { retried: outbox::retry_failed(&s.store, &actor, now()).await? }))
}

/// Send a test mail to oneself (admins): it goes through the outbox like every mail.
#[utoipa::path(post, path = "/api/v1/admin/mail/test", tag = "admin",
    responses((status = 202, body = OutboxDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn send_test_mail(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> Result<(StatusCode, Json<OutboxDto>), ApiError> {
    Ok((StatusCode::ACCEPTED, Json(outbox::send_test(&s.store, &actor, now()).await?.into())))
}

/// Whether mail is going out.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailHealthDto {
    /// Mail has been failing for more than `threshold_minutes`: the earliest first failure of
    /// an unsent mail, among those that failed after the last mail went out, lies longer ago.
    pub failing: bool,
    /// That earliest first failure.
    pub failing_since: Option<DateTime<Utc>>,
    /// When the last mail was sent.
    pub last_sent_at: Option<DateTime<Utc>>,
    /// The threshold, in minutes (15).
    pub threshold_minutes: i64,
    /// Mails per state.
    pub counts: MailCountsDto,
}

impl From<MailHealth> for MailHealthDto {
    fn from(h: MailHealth) -> Self {
        Self {
            failing: h.failing,
            failing_since: h.failing_since,
            last_sent_at: h.last_sent_at,
            threshold_minutes: outbox::FAILING_AFTER.num_minutes(),
            counts: h.counts.into(),
        }
    }
}

/// Whether mail is going out (admins): the console warns when it has been failing for more
/// than 15 minutes.
#[utoipa::path(get, path = "/api/v1/admin/mail/health", tag = "admin",
    responses((status = 200, body = MailHealthDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn mail_health(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<MailHealthDto>, ApiError> {
    Ok(Json(outbox::health(&s.store, &actor, now()).await?.into()))
}
