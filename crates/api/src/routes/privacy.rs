//! Privacy: a person's export (their own, or anyone's by an admin), erasure by an admin, the
//! audit log, and the retention period.

use super::now;
use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use leerweek_domain::privacy::RetentionDays;
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

/// Everything stored about a person (admins): the same JSON as `GET /api/v1/me/export`. The
/// reading is audited (`person.export`).
#[utoipa::path(get, path = "/api/v1/admin/people/{id}/export", tag = "admin", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Object), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn export_person(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(privacy::export_person(&s.store, &actor, id, now()).await?))
}

/// Erase a person (admins): name and address replaced, credentials and mail removed (also the
/// file transport's copies), their places in sessions still to come released to the waiting
/// list, enrolments that took place kept anonymously so that attendance figures stay right.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/erase", tag = "admin", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = super::people::PersonDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn erase(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<super::people::PersonDto>, ApiError> {
    let erased = privacy::erase(&s.store, &actor, id, now()).await?;
    if let Some(dir) = &s.mail_file_dir {
        for mail in &erased.mails {
            let path = dir.join(format!("{mail}.eml"));
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(person_id = %id, file = %path.display(), error = %e, "an erased person's mail file could not be removed")
                }
            }
        }
    }
    tracing::info!(person_id = %id, mails = erased.mails.len(), places_released = erased.places_released, "person erased");
    Ok(Json(erased.person.into()))
}

/// Filter and page of the audit log; all given filters must hold.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Done by this person.
    pub actor_id: Option<Uuid>,
    /// Done by someone whose name or address contains this.
    #[param(max_length = 200)]
    pub actor: Option<String>,
    /// The action (`person.erase`), or every action of a kind when it ends in a dot (`person.`).
    #[param(max_length = 200)]
    pub action: Option<String>,
    /// The kind of thing (`person`, `session`, `mail`, …).
    #[param(max_length = 200)]
    pub subject_type: Option<String>,
    /// Only entries about this thing.
    pub subject_id: Option<Uuid>,
    /// At or after this moment (RFC 3339, e.g. `2027-11-15T00:00:00Z`).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub from: Option<String>,
    /// Before this moment (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub to: Option<String>,
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
    /// Their name as it is now.
    pub actor_name: Option<String>,
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
    let moment = |field: &str, v: Option<String>| -> Result<Option<DateTime<Utc>>, ApiError> {
        v.filter(|v| !v.trim().is_empty())
            .map(|v| {
                DateTime::parse_from_rfc3339(v.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| {
                    ApiError::InvalidQuery { field: field.into(), detail: "must be a moment in RFC 3339".into() }
                })
            })
            .transpose()
    };
    let (from, to) = (moment("from", q.from)?, moment("to", q.to)?);
    if let (Some(from), Some(to)) = (from, to)
        && to <= from
    {
        return Err(ApiError::InvalidQuery { field: "to".into(), detail: "must be after from".into() });
    }
    let filter = privacy::AuditFilter {
        actor_id: q.actor_id,
        actor: crate::paging::search("actor", q.actor)?,
        action: crate::paging::search("action", q.action)?,
        subject_type: crate::paging::search("subject_type", q.subject_type)?,
        subject_id: q.subject_id,
        from,
        to,
    };
    let (rows, total) = privacy::audit_log(&s.store, &actor, &filter, page, per_page).await?;
    let parse = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
    let items = rows
        .into_iter()
        .map(|r| AuditDto {
            id: r.id,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
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

/// The retention period of personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrivacySettingsDto {
    /// Days after a week is archived before its enrolments are anonymised.
    pub retention_days: u32,
    /// The configured period, in force until an admin sets one.
    pub default_retention_days: u32,
    /// Whether an admin set the period.
    pub set: bool,
    /// When an admin last set it.
    pub updated_at: Option<DateTime<Utc>>,
    /// Who did.
    pub updated_by: Option<Uuid>,
    /// The shortest period allowed.
    pub min_days: i64,
    /// The longest period allowed.
    pub max_days: i64,
}

impl PrivacySettingsDto {
    fn of(r: privacy::Retention, default: u32) -> Self {
        Self {
            retention_days: r.days,
            default_retention_days: default,
            set: r.set,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
            min_days: RetentionDays::MIN,
            max_days: RetentionDays::MAX,
        }
    }
}

/// A new retention period.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettingsInput {
    /// Days, 30–3650.
    pub retention_days: i64,
}

/// The retention period of personal data (admins).
#[utoipa::path(get, path = "/api/v1/admin/settings/privacy", tag = "admin",
    responses((status = 200, body = PrivacySettingsDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_privacy_settings(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<PrivacySettingsDto>, ApiError> {
    if !actor.may_administer() {
        return Err(leerweek_store::StoreError::Forbidden.into());
    }
    let r = privacy::retention(&s.store, s.retention_days).await?;
    Ok(Json(PrivacySettingsDto::of(r, s.retention_days)))
}

/// Set the retention period (admins; 30–3650 days). The anonymisation job uses it from its
/// next round.
#[utoipa::path(put, path = "/api/v1/admin/settings/privacy", tag = "admin", request_body = PrivacySettingsInput,
    responses((status = 200, body = PrivacySettingsDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn put_privacy_settings(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<PrivacySettingsInput>,
) -> Result<Json<PrivacySettingsDto>, ApiError> {
    if !actor.may_administer() {
        return Err(leerweek_store::StoreError::Forbidden.into());
    }
    let days = RetentionDays::parse(b.retention_days, "retention_days")?;
    let r = privacy::set_retention(&s.store, &actor, days, s.retention_days, now()).await?;
    Ok(Json(PrivacySettingsDto::of(r, s.retention_days)))
}
