//! Privacy: the person's own export, erasure by an admin, and the audit log.

use super::now;
use crate::AppState;
use crate::extract::{ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use leerweek_store::privacy;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Everything stored about the signed-in person (AVG/GDPR access), as JSON.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "me",
    responses((status = 200, body = Object), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn export(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(privacy::export(&s.store, &actor).await?))
}

/// Erase a person (admins): name and address replaced, credentials and mail removed, enrolments
/// kept anonymously so that attendance figures stay right.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/erase", tag = "admin", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = super::people::PersonDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn erase(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<super::people::PersonDto>, ApiError> {
    Ok(Json(privacy::erase(&s.store, &actor, id, now()).await?.into()))
}

/// Filter and page of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries about this thing.
    pub subject_id: Option<Uuid>,
    /// Page, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    /// Id.
    pub id: Uuid,
    /// Who acted (none: the system or the command line).
    pub actor_id: Option<Uuid>,
    /// What they did, e.g. `session.update`.
    pub action: String,
    /// Kind of thing.
    pub subject_type: String,
    /// The thing.
    pub subject_id: Uuid,
    /// Before: any JSON value (an object, or a plain value such as a status).
    pub before: Option<serde_json::Value>,
    /// After: any JSON value.
    pub after: Option<serde_json::Value>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Entries, newest first.
    pub items: Vec<AuditDto>,
    /// All matching.
    pub total: u64,
    /// Page.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

/// The audit log of organiser and admin actions (admins).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn audit_log(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let (page, per_page) = crate::paging::check(q.page, q.per_page, 50, 500)?;
    let (rows, total) = privacy::audit_log(&s.store, &actor, q.subject_id, page, per_page).await?;
    let parse = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
    let items = rows
        .into_iter()
        .map(|r| AuditDto {
            id: r.id,
            actor_id: r.actor_id,
            action: r.action,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            before: parse(r.before),
            after: parse(r.after),
            at: r.at,
        })
        .collect();
    Ok(Json(AuditPage { items, total, page, per_page }))
}
