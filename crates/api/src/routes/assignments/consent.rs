//! The manager's consent to a selection, a participant's reflection on a klus done, and one's
//! own Klussenbank choices (findable, saved search).

use super::dto::SelectionBriefDto;
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::problem::{ApiError, Problem};
use crate::routes::now;
use crate::routes::portfolio::ReflectionDto;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::approval::DeclineReason;
use leerweek_domain::reflection::Reflection;
use leerweek_domain::{FieldError, Invalid, WorkPlace};
use leerweek_store::assignments::consent::{self, SelectionView, Via};
use leerweek_store::assignments::done;
use leerweek_store::assignments::matching::{self, Profile, SavedSearch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The candidate of a selection.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateDto {
    pub id: Uuid,
    pub name: String,
    pub unit_name: Option<String>,
    pub organisation_name: String,
}

/// A selection for a klus, waiting for (or given) the candidate's manager's consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionDto {
    #[serde(flatten)]
    pub selection: SelectionBriefDto,
    pub created_at: DateTime<Utc>,
    /// The candidate (null once erased).
    pub person: Option<CandidateDto>,
    pub assignment_id: Uuid,
    pub title: String,
    pub description: String,
    pub organisation_name: String,
    pub unit_name: Option<String>,
    pub hours_per_week: u8,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// `on_site`, `remote` or `hybrid`.
    pub place: String,
    /// Whether the reader may consent now.
    pub may_decide: bool,
}

impl From<SelectionView> for SelectionDto {
    fn from(v: SelectionView) -> Self {
        Self {
            selection: v.selection.into(),
            created_at: v.created_at,
            person: v.person.map(|(id, name, unit_name, organisation_name)| CandidateDto {
                id,
                name,
                unit_name,
                organisation_name,
            }),
            assignment_id: v.assignment_id,
            title: v.title,
            description: v.description,
            organisation_name: v.organisation_name,
            unit_name: v.unit_name,
            hours_per_week: v.hours_per_week,
            starts_on: v.period.map(|p| p.0),
            ends_on: v.period.map(|p| p.1),
            place: v.place.as_str().into(),
            may_decide: v.may_decide,
        }
    }
}

/// The selections waiting for my consent, the soonest deadline first: of the people I manage,
/// and (organisers) of my organisation's people without a manager.
#[utoipa::path(operation_id = "my_consents", get, path = "/api/v1/me/consents", tag = "assignments",
    responses((status = 200, body = Vec<SelectionDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn mine(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<Vec<SelectionDto>>, ApiError> {
    Ok(Json(consent::pending_for(&s.store, &actor).await?.into_iter().map(Into::into).collect()))
}

/// One selection: the candidate, whoever consents for them, the klus's managers.
#[utoipa::path(operation_id = "get_selection", get, path = "/api/v1/assignment-selections/{id}", tag = "assignments",
    params(("id" = Uuid, Path, description = "Selection id")),
    responses((status = 200, body = SelectionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<SelectionDto>, ApiError> {
    Ok(Json(consent::get(&s.store, &actor, id).await?.into()))
}

/// A manager's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentDto {
    /// `approve` or `decline`.
    pub decision: String,
    /// With a decline: why (optional, up to 500 characters; told to the candidate and the poster).
    pub reason: Option<String>,
}

/// Consent (or not) to a selection: the candidate's manager; without one (or one who left),
/// an organiser of their organisation; admins. The candidate and the poster are told.
#[utoipa::path(operation_id = "consent_to_selection", post, path = "/api/v1/assignment-selections/{id}/consent", tag = "assignments", request_body = ConsentDto,
    params(("id" = Uuid, Path, description = "Selection id")),
    responses((status = 200, body = SelectionDto),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Decided already, or the five working days passed"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<ConsentDto>,
) -> Result<Json<SelectionDto>, ApiError> {
    let approve = match b.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(FieldError::new("decision", Invalid::NotOneOf { allowed: "approve decline" }).into()),
    };
    let reason = if approve { None } else { DeclineReason::parse(b.reason.as_deref())? };
    Ok(Json(consent::decide(&s.store, &actor, id, approve, reason, Via::App, now()).await?.into()))
}

/// A reflection on a klus.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KlusReflectionInput {
    /// What I learned (up to 2,000 characters).
    #[serde(default)]
    pub learned: String,
    /// What I will do with it (up to 2,000 characters).
    #[serde(default)]
    pub will_do: String,
    /// Whether my manager may read it.
    #[serde(default)]
    pub shared_with_manager: bool,
}

/// My reflection on a klus I took part in (404 when none was written).
#[utoipa::path(operation_id = "get_assignment_reflection", get, path = "/api/v1/assignment-selections/{id}/reflection", tag = "assignments",
    params(("id" = Uuid, Path, description = "Selection id")),
    responses((status = 200, body = ReflectionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_reflection(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<ReflectionDto>, ApiError> {
    done::reflection(&s.store, &actor, id)
        .await?
        .map(|r| Json(r.into()))
        .ok_or_else(|| leerweek_store::StoreError::NotFound("reflection").into())
}

/// Write or rewrite my reflection on a klus I took part in, once it is done.
#[utoipa::path(operation_id = "put_assignment_reflection", put, path = "/api/v1/assignment-selections/{id}/reflection", tag = "assignments", request_body = KlusReflectionInput,
    params(("id" = Uuid, Path, description = "Selection id")),
    responses((status = 200, body = ReflectionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn put_reflection(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<KlusReflectionInput>,
) -> Result<Json<ReflectionDto>, ApiError> {
    let r = Reflection::parse(&b.learned, &b.will_do, b.shared_with_manager)?;
    Ok(Json(done::put_reflection(&s.store, &actor, id, r, now()).await?.into()))
}

/// Remove my reflection on a klus.
#[utoipa::path(operation_id = "delete_assignment_reflection", delete, path = "/api/v1/assignment-selections/{id}/reflection", tag = "assignments",
    params(("id" = Uuid, Path, description = "Selection id")),
    responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_reflection(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    done::delete_reflection(&s.store, &actor, id, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A saved search.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedSearchDto {
    /// Words in the title or description (up to 200 characters).
    pub q: Option<String>,
    /// Any of these skills (at most 12).
    #[serde(default)]
    pub skills: Vec<Uuid>,
    /// `on_site`, `remote` or `hybrid`.
    pub place: Option<String>,
    /// Of this organisation.
    pub organisation_id: Option<Uuid>,
    /// At least this many hours a week (1–40).
    pub min_hours: Option<u8>,
    /// At most this many (1–40).
    pub max_hours: Option<u8>,
}

/// My Klussenbank choices.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KlusProfileDto {
    /// Posters of a klus that fits may see me as a suggestion: my name, unit and the skills that
    /// match, nothing more. Off by default; turning it off takes effect at once.
    #[serde(default)]
    pub findable: bool,
    /// My saved search.
    pub search: Option<SavedSearchDto>,
    /// Mail me new klussen that match, weekly (needs a saved search).
    #[serde(default)]
    pub search_weekly: bool,
}

impl From<Profile> for KlusProfileDto {
    fn from(p: Profile) -> Self {
        Self {
            findable: p.findable,
            search: p.search.map(|s| SavedSearchDto {
                q: s.q,
                skills: s.skills,
                place: s.place.map(|p| p.as_str().into()),
                organisation_id: s.organisation_id,
                min_hours: s.min_hours,
                max_hours: s.max_hours,
            }),
            search_weekly: p.search_weekly,
        }
    }
}

/// My Klussenbank choices.
#[utoipa::path(operation_id = "my_klus_profile", get, path = "/api/v1/me/klus-profile", tag = "assignments",
    responses((status = 200, body = KlusProfileDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn profile(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<KlusProfileDto>, ApiError> {
    Ok(Json(matching::profile(&s.store, &actor).await?.into()))
}

/// Set my Klussenbank choices.
#[utoipa::path(operation_id = "set_my_klus_profile", put, path = "/api/v1/me/klus-profile", tag = "assignments", request_body = KlusProfileDto,
    responses((status = 200, body = KlusProfileDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn set_profile(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<KlusProfileDto>,
) -> Result<Json<KlusProfileDto>, ApiError> {
    let search = match b.search {
        None => None,
        Some(x) => Some(SavedSearch {
            q: x.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
            skills: x.skills,
            place: x
                .place
                .as_deref()
                .map(|p| WorkPlace::parse(p).map_err(|e| FieldError::new("search.place", e)))
                .transpose()?,
            organisation_id: x.organisation_id,
            min_hours: x.min_hours,
            max_hours: x.max_hours,
        }),
    };
    let p = Profile { findable: b.findable, search, search_weekly: b.search_weekly };
    Ok(Json(matching::set_profile(&s.store, &actor, p, now()).await?.into()))
}
