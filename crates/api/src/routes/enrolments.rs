//! Enrolling, cancelling, the personal agenda and participant lists.

use super::now;
use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Auth, Id, OptionalJson};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use leerweek_domain::enrolment::{CancelReason, Enrolment};
use leerweek_store::StoreError;
use leerweek_store::enrolments::{self, EnrolmentView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// An enrolment.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentDto {
    /// Id.
    pub id: Uuid,
    /// Session.
    pub session_id: Uuid,
    /// Person.
    pub person_id: Uuid,
    /// `confirmed`, `pending_approval` (a seat held until the manager approves it),
    /// `waitlisted` or `cancelled`.
    pub status: String,
    /// Where the manager's approval stands, where one was asked: `pending`, `approved`,
    /// `declined`, `lapsed` (nobody decided in time) or `withdrawn`.
    pub approval: Option<String>,
    /// Until when the manager may decide (a pending seat is released then).
    pub approval_due_at: Option<DateTime<Utc>>,
    /// Place in the queue when waitlisted (1 = next).
    pub waitlist_position: Option<u32>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When the seat was confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// `present`, `absent` (no-show) or `excused`, once recorded.
    pub attendance: Option<String>,
    /// When the person checked in with their code.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// The personal check-in code (`XXXX-XXXX-XXXX`): shown to the person themself, for a
    /// confirmed seat only. Its QR code: `GET /api/v1/enrolments/{id}/check-in.svg`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_code: Option<String>,
}

impl EnrolmentDto {
    /// The wire form; the check-in code only when `viewer` is the enrolled person.
    pub(crate) fn of(e: Enrolment, waitlist_position: Option<u32>, viewer: Uuid) -> Self {
        let check_in_code = (e.person_id == viewer && e.is_confirmed())
            .then(|| e.check_in_code.as_ref().map(|c| c.display()))
            .flatten();
        Self {
            attendance: e.attendance.map(|a| a.as_str().to_owned()),
            checked_in_at: e.checked_in_at,
            check_in_code,
            id: e.id,
            session_id: e.session_id,
            person_id: e.person_id,
            status: e.status.as_str().to_owned(),
            approval: e.approval.map(|a| a.as_str().to_owned()),
            approval_due_at: e.approval_due_at,
            waitlist_position,
            created_at: e.created_at,
            confirmed_at: e.confirmed_at,
            cancelled_at: e.cancelled_at,
        }
    }
}

/// Whom to enrol; empty body or `{}` enrols the signed-in person.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolDto {
    /// Someone else (organisers only).
    pub person_id: Option<Uuid>,
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else { return Ok(None) };
    let bad = || ApiError::InvalidHeader {
        field: "Idempotency-Key".into(),
        detail: "must be 1–255 visible ASCII characters".into(),
    };
    let s = v.to_str().map_err(|_| bad())?.trim();
    if s.is_empty() || s.len() > 255 || !s.chars().all(|c| c.is_ascii_graphic()) {
        return Err(bad());
    }
    Ok(Some(s.to_owned()))
}

/// Enrol in a session: a seat (`confirmed`) or a place on the waiting list (`waitlisted`).
/// Enrolling again answers 200 with the existing enrolment; with the same `Idempotency-Key` a
/// repeated request answers as the first did.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/enrolments", tag = "enrolments", request_body(content = Option<EnrolDto>),
    params(("id" = Uuid, Path, description = "Session id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = EnrolmentDto), (status = 200, body = EnrolmentDto, description = "Already enrolled"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "A rule refused: overlap, closed, limit…"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn enrol(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(session_id): Id,
    headers: HeaderMap,
    OptionalJson(b): OptionalJson<EnrolDto>,
) -> Result<(StatusCode, Json<EnrolmentDto>), ApiError> {
    let key = idempotency_key(&headers)?;
    let person_id = b.and_then(|b| b.person_id);
    let o = enrolments::enrol(&s.store, &actor, session_id, person_id, key.as_deref(), now()).await?;
    let status = if o.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(EnrolmentDto::of(o.enrolment, o.waitlist_position, actor.person_id))))
}

/// One enrolment (own, or organised by the signed-in person).
#[utoipa::path(get, path = "/api/v1/enrolments/{id}", tag = "enrolments", params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_enrolment(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<EnrolmentDto>, ApiError> {
    let (e, pos) = enrolments::get_enrolment(&s.store, &actor, id).await?;
    Ok(Json(EnrolmentDto::of(e, pos, actor.person_id)))
}

/// Cancel an enrolment (own before the deadline; organisers any time). The freed seat goes to
/// the first waiting person in the same transaction.
#[utoipa::path(delete, path = "/api/v1/enrolments/{id}", tag = "enrolments", params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentDto), (status = 409, body = Problem, content_type = "application/problem+json", description = "Deadline passed"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<EnrolmentDto>, ApiError> {
    let e = enrolments::cancel(&s.store, &actor, id, None, now()).await?;
    Ok(Json(EnrolmentDto::of(e, None, actor.person_id)))
}

/// Why an organiser cancels someone's enrolment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancellationDto {
    /// The reason, 1–500 characters; told to the person in the cancellation mail.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Cancel someone's enrolment as the host (organisers of the workshop's host organisation,
/// admins), also after the cancellation deadline, with a reason that goes into the mail to the
/// person. The freed seat goes to the first waiting person, as with any cancellation. Audited
/// with the reason.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/cancellation", tag = "enrolments", request_body = CancellationDto,
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentDto),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "No reason, or too long (`/errors/cancellation-reason-required`, `/errors/cancellation-reason-too-long`)"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel_with_reason(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<CancellationDto>,
) -> Result<Json<EnrolmentDto>, ApiError> {
    let reason = CancelReason::parse(b.reason.as_deref()).map_err(StoreError::from)?;
    let e = enrolments::cancel(&s.store, &actor, id, Some(&reason), now()).await?;
    Ok(Json(EnrolmentDto::of(e, None, actor.person_id)))
}

/// A session in someone's agenda or participant list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItemDto {
    /// The enrolment.
    #[serde(flatten)]
    pub enrolment: EnrolmentDto,
    /// Workshop.
    pub workshop_id: Uuid,
    /// Title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Place.
    pub location: super::sessions::LocationDto,
    /// Online link.
    pub online_url: Option<String>,
    /// Session status.
    pub session_status: String,
    /// The person's name (participant lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    /// The person's e-mail (participant lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_email: Option<String>,
}

impl AgendaItemDto {
    /// The wire form, as `viewer` sees it.
    pub(crate) fn of(v: EnrolmentView, viewer: Uuid) -> Self {
        Self {
            workshop_id: v.workshop.id,
            title: v.workshop.title,
            starts_at: v.session.starts_at,
            ends_at: v.session.ends_at,
            location: super::sessions::location_of(&v.session),
            online_url: v.session.online_url.clone(),
            session_status: v.session.status.as_str().to_owned(),
            person_name: v.person.as_ref().map(|p| p.name.clone()),
            person_email: v.person.as_ref().map(|p| p.email.clone()),
            enrolment: EnrolmentDto::of(v.enrolment, v.waitlist_position, viewer),
        }
    }
}

/// A list of agenda items.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaDto {
    /// Items by start time.
    pub items: Vec<AgendaItemDto>,
}

/// Agenda options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgendaQuery {
    /// Also show cancelled enrolments.
    pub include_cancelled: Option<bool>,
}

/// The signed-in person's agenda.
#[utoipa::path(get, path = "/api/v1/me/enrolments", tag = "me", params(AgendaQuery),
    responses((status = 200, body = AgendaDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn my_enrolments(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<AgendaQuery>,
) -> Result<Json<AgendaDto>, ApiError> {
    let v = enrolments::my_enrolments(&s.store, &actor, q.include_cancelled.unwrap_or(false)).await?;
    Ok(Json(AgendaDto { items: v.into_iter().map(|v| AgendaItemDto::of(v, actor.person_id)).collect() }))
}

/// Download format of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFormat {
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<crate::export::Format>,
}

/// Participants and waiting list of a session (organisers of the host, admins, the session's
/// trainer), also as a CSV or XLSX download.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/enrolments", tag = "enrolments", params(("id" = Uuid, Path, description = "Session id"), ListFormat),
    responses((status = 200, content((AgendaDto = "application/json"), (String = "text/csv"), (String = crate::export::XLSX))),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn participants(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiQuery(q): ApiQuery<ListFormat>,
) -> Result<axum::response::Response, ApiError> {
    use crate::export::{Column, Format, Kind};
    use axum::response::IntoResponse;
    let v = enrolments::participants(&s.store, &actor, id).await?;
    let items: Vec<AgendaItemDto> = v.into_iter().map(|v| AgendaItemDto::of(v, actor.person_id)).collect();
    match q.format.unwrap_or_default() {
        Format::Json => Ok(Json(AgendaDto { items }).into_response()),
        f => {
            let columns = [
                Column("person_name", "Naam", Kind::Text),
                Column("person_email", "E-mail", Kind::Text),
                Column("status", "Status", Kind::Text),
                Column("waitlist_position", "Plaats op de wachtlijst", Kind::Number),
                Column("attendance", "Aanwezigheid", Kind::Text),
                Column("checked_in_at", "Ingecheckt", Kind::Time),
                Column("created_at", "Ingeschreven op", Kind::Time),
            ];
            let name = items.first().map(|i| format!("deelnemers-{}", i.title)).unwrap_or_else(|| "deelnemers".into());
            crate::export::download(&name, f, &columns, &items)
        }
    }
}

/// A person's enrolments, cancelled ones included (themselves, their managers, organisers of
/// their organisation, admins).
#[utoipa::path(get, path = "/api/v1/people/{id}/enrolments", tag = "people", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = AgendaDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn person_enrolments(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<AgendaDto>, ApiError> {
    let v = enrolments::enrolments_of_person(&s.store, &actor, id).await?;
    Ok(Json(AgendaDto { items: v.into_iter().map(|v| AgendaItemDto::of(v, actor.person_id)).collect() }))
}
