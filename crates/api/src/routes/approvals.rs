//! Manager approval: the seats waiting for one's decision, and the decision (signed in; the
//! approval mail's signed links open the pages in `links`).

use super::enrolments::EnrolmentDto;
use super::now;
use crate::AppState;
use crate::extract::{ApiQuery, Auth, Id, OptionalJson};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use leerweek_domain::approval::DeclineReason;
use leerweek_store::enrolments::approval::{self, DecidedVia, PendingApproval, Verdict};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A seat waiting for the reader's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalDto {
    /// The enrolment to approve or decline.
    pub enrolment_id: Uuid,
    /// Who asked.
    pub person_id: Uuid,
    /// Their name.
    pub person_name: String,
    /// Their unit, if known.
    pub unit_name: Option<String>,
    /// The session.
    pub session_id: Uuid,
    /// The workshop's title.
    pub title: String,
    /// The session's start.
    pub starts_at: DateTime<Utc>,
    /// Its end.
    pub ends_at: DateTime<Utc>,
    /// When the seat was asked for.
    pub requested_at: DateTime<Utc>,
    /// Until when one can decide; the seat is released then.
    pub due_at: Option<DateTime<Utc>>,
}

impl From<PendingApproval> for ApprovalDto {
    fn from(p: PendingApproval) -> Self {
        Self {
            enrolment_id: p.enrolment.id,
            person_id: p.enrolment.person_id,
            person_name: p.person_name,
            unit_name: p.unit_name,
            session_id: p.enrolment.session_id,
            title: p.title,
            starts_at: p.starts_at,
            ends_at: p.ends_at,
            requested_at: p.enrolment.confirmed_at.unwrap_or(p.enrolment.created_at),
            due_at: p.enrolment.approval_due_at,
        }
    }
}

/// How many to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApprovalsQuery {
    /// At most this many (1–500, default 200), the soonest deadline first.
    pub limit: Option<u64>,
}

/// The seats waiting for my decision: of the people I manage; of my organisation's people who
/// have no manager (organisers); all (admins). The soonest deadline first. Empty for everyone
/// else.
#[utoipa::path(get, path = "/api/v1/me/approvals", tag = "approvals", params(ApprovalsQuery),
    responses((status = 200, body = Vec<ApprovalDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn mine(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<ApprovalsQuery>,
) -> Result<Json<Vec<ApprovalDto>>, ApiError> {
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::InvalidQuery { field: "limit".into(), detail: "must be 1–500".into() });
    }
    let list = approval::pending_for(&s.store, &actor, limit).await?;
    Ok(Json(list.into_iter().map(ApprovalDto::from).collect()))
}

/// Approve a seat that waits for approval: it becomes `confirmed` and the person gets the
/// confirmation with the calendar invite (the tentative appointment becomes definite). The
/// person's manager; without one, an organiser of their organisation; admins.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/approve", tag = "approvals",
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentDto),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Decided already, or too late (`/errors/approval-not-pending`, `/errors/approval-too-late`)"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn approve(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<EnrolmentDto>, ApiError> {
    let e = approval::decide(&s.store, &actor, id, Verdict::Approve, DecidedVia::App, now()).await?;
    s.programme.invalidate();
    Ok(Json(EnrolmentDto::of(e, None, actor.person_id)))
}

/// Why a seat is declined (the body may be left out).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineDto {
    /// Optional, up to 500 characters; told to the person in the mail.
    pub reason: Option<String>,
}

/// Decline a seat that waits for approval: it is released as a cancellation releases it (the
/// waiting list moves up), and the person gets a mail with the reason. Who may: as for approve.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/decline", tag = "approvals", request_body = DeclineDto,
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentDto),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Decided already, or too late (`/errors/approval-not-pending`, `/errors/approval-too-late`)"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn decline(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    OptionalJson(b): OptionalJson<DeclineDto>,
) -> Result<Json<EnrolmentDto>, ApiError> {
    let reason = DeclineReason::parse(b.unwrap_or_default().reason.as_deref())?;
    let e = approval::decide(&s.store, &actor, id, Verdict::Decline(reason), DecidedVia::App, now()).await?;
    s.programme.invalidate();
    Ok(Json(EnrolmentDto::of(e, None, actor.person_id)))
}
