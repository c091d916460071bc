//! Attendance: check-in with a personal code, marks, "all present", closing the list, and the
//! QR code of one's own check-in code.

use super::{at, now};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_domain::attendance::{Attendance, AttendanceError, CheckInCode};
use leerweek_store::{StoreError, attendance, enrolments};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A scanned or typed check-in code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInDto {
    /// The personal code (`XXXX-XXXX-XXXX`; case, spaces and dashes do not matter).
    pub code: String,
}

/// Who was checked in.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckedInDto {
    /// The enrolment.
    pub enrolment_id: Uuid,
    /// The person.
    pub person_id: Uuid,
    /// Their name, to greet them.
    pub name: String,
    /// Always `present`.
    pub attendance: String,
    /// When they checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// They had checked in before; nothing changed.
    pub already_checked_in: bool,
}

/// Check someone in with their personal code (organisers of the host, admins, the session's
/// trainer; from an hour before the start). A code of another session is refused and named.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/check-in", tag = "attendance", request_body = CheckInDto,
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = CheckedInDto),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Another session's code, no seat, too early"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn check_in(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(session_id): Id,
    ApiJson(b): ApiJson<CheckInDto>,
) -> Result<Json<CheckedInDto>, ApiError> {
    let code = at("code", CheckInCode::parse(&b.code))?;
    let c = attendance::check_in(&s.store, &actor, session_id, &code, now()).await?;
    Ok(Json(CheckedInDto {
        enrolment_id: c.enrolment.id,
        person_id: c.person.id,
        name: c.person.name,
        attendance: c.enrolment.attendance.map(|a| a.as_str().to_owned()).unwrap_or_default(),
        checked_in_at: c.enrolment.checked_in_at,
        already_checked_in: c.already,
    }))
}

/// A mark.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkDto {
    /// `present`, `absent`, `excused`, or `null` to clear the mark.
    pub attendance: Option<String>,
}

/// An enrolment's attendance.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceDto {
    /// The enrolment.
    pub enrolment_id: Uuid,
    /// The mark, if any.
    pub attendance: Option<String>,
    /// When it was recorded.
    pub attendance_marked_at: Option<DateTime<Utc>>,
    /// Who recorded it (none: the no-show job).
    pub attendance_marked_by: Option<Uuid>,
    /// When the person checked in with their code.
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// Record or correct one person's attendance (organisers of the host, admins, the session's
/// trainer). Every change is in the audit log with before and after.
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/attendance", tag = "attendance", request_body = MarkDto,
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = AttendanceDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn mark(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<MarkDto>,
) -> Result<Json<AttendanceDto>, ApiError> {
    let mark = b.attendance.map(|a| at("attendance", Attendance::parse(&a))).transpose()?;
    let e = attendance::mark(&s.store, &actor, id, mark, now()).await?;
    Ok(Json(AttendanceDto {
        enrolment_id: e.id,
        attendance: e.attendance.map(|a| a.as_str().to_owned()),
        attendance_marked_at: e.attendance_marked_at,
        attendance_marked_by: e.attendance_marked_by,
        checked_in_at: e.checked_in_at,
    }))
}

/// How many enrolments a bulk action marked.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedDto {
    /// Enrolments marked now.
    pub marked: u64,
}

/// Mark everyone not yet marked present (organisers of the host, admins, the trainer).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/attendance/all-present", tag = "attendance",
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = MarkedDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn all_present(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<MarkedDto>, ApiError> {
    Ok(Json(MarkedDto { marked: attendance::mark_all_present(&s.store, &actor, id, now()).await? }))
}

/// Close the attendance list once the session has ended: everyone not marked becomes a
/// no-show (`absent`). Events with the `automatic` no-show policy close by themselves.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/attendance/close", tag = "attendance",
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = MarkedDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn close(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<MarkedDto>, ApiError> {
    Ok(Json(MarkedDto { marked: attendance::close_list(&s.store, &actor, id, now()).await? }))
}

/// The QR code of one's own check-in code (SVG), for the agenda and the door.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/check-in.svg", tag = "attendance",
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, content_type = "image/svg+xml", body = String),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn qr(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Response, ApiError> {
    let (e, _) = enrolments::get_enrolment(&s.store, &actor, id).await?;
    // Only the person themself sees their code, and only for a seat.
    if e.person_id != actor.person_id {
        return Err(StoreError::NotFound("enrolment").into());
    }
    if !e.is_confirmed() {
        return Err(StoreError::Attendance(AttendanceError::NotConfirmed).into());
    }
    let code = e.check_in_code.ok_or(StoreError::NotFound("enrolment"))?;
    let svg = leerweek_mailer::qr::svg(code.as_str());
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "private, max-age=3600")], svg)
        .into_response())
}
