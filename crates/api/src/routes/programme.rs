//! The programme of a week and its themes.

use super::events::EventInfoDto;
use super::now;
use super::sessions::{LocationDto, location_of};
use crate::AppState;
use crate::extract::{ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::WorkshopFormat;
use leerweek_store::programme::{self, ProgrammeEntry, ProgrammeFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Filters of the programme.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// Day (`YYYY-MM-DD`, event time zone).
    pub day: Option<NaiveDate>,
    /// Theme.
    pub theme: Option<String>,
    /// Host organisation.
    pub organisation_id: Option<Uuid>,
    /// `on_site`, `online`, `hybrid`.
    pub format: Option<String>,
    /// Only workshops that teach this skill.
    pub skill: Option<Uuid>,
    /// Text in title, description, theme or trainer.
    pub q: Option<String>,
    /// `true`: only sessions with a free seat.
    pub available: Option<bool>,
}

/// One session in the programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeItemDto {
    /// Session.
    pub session_id: Uuid,
    /// Workshop.
    pub workshop_id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Theme.
    pub theme: String,
    /// Format.
    pub format: String,
    /// Language.
    pub language: String,
    /// Trainer.
    pub trainer: Option<String>,
    /// Host organisation.
    pub host_organisation_id: Uuid,
    /// Host organisation's name.
    pub host_organisation_name: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Place.
    pub location: LocationDto,
    /// Online link.
    pub online_url: Option<String>,
    /// Seats.
    pub capacity: i32,
    /// Confirmed.
    pub confirmed_count: i32,
    /// Seats the signed-in person could take.
    pub seats_left: u32,
    /// People waiting.
    pub waitlist_length: i32,
    /// Skills the workshop teaches, by Dutch name.
    pub skills: Vec<super::skills::SkillDto>,
}

/// The programme of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDto {
    /// The event.
    pub event: EventInfoDto,
    /// Sessions by start time.
    pub sessions: Vec<ProgrammeItemDto>,
}

// Shared among its readers for up to half a second (see `crate::programme`): seat counts are at
// most that old, changes to the week made here show at once. Answers `304` to a matching
// `If-None-Match` (standard HTTP, so not in the OpenAPI document); gzipped when accepted.
/// The week's programme with live seat counts and filters.
#[utoipa::path(get, path = "/api/v1/events/{id}/programme", tag = "events", params(("id" = Uuid, Path, description = "Event id"), ProgrammeQuery),
    responses((status = 200, body = ProgrammeDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn programme(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<ProgrammeQuery>,
) -> Result<axum::response::Response, ApiError> {
    let format = match q.format {
        Some(f) => Some(
            WorkshopFormat::parse(&f)
                .map_err(|e| ApiError::InvalidQuery { field: "format".into(), detail: e.to_string() })?,
        ),
        None => None,
    };
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ApiError::InvalidQuery { field: "q".into(), detail: "is longer than 200 characters".into() });
    }
    let f = ProgrammeFilter {
        day: q.day,
        theme: q.theme.filter(|t| !t.trim().is_empty()),
        organisation_id: q.organisation_id,
        format,
        skill: q.skill,
        q: q.q.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
        available: q.available.unwrap_or(false),
    };
    s.programme.respond(&s.store, &actor, id, &f, &headers, now()).await
}

impl ProgrammeItemDto {
    /// One entry of the programme with the viewer's seats.
    pub(crate) fn of(e: &ProgrammeEntry, seats_left: u32, names: &std::collections::HashMap<Uuid, String>) -> Self {
        let (s, w) = (&e.session, &e.workshop);
        ProgrammeItemDto {
            location: location_of(s),
            session_id: s.id,
            workshop_id: w.id,
            host_organisation_name: names.get(&w.host_organisation_id).cloned().unwrap_or_default(),
            title: w.title.clone(),
            description: w.description.clone(),
            theme: w.theme.clone(),
            format: w.format.as_str().to_owned(),
            language: w.language.as_str().to_owned(),
            trainer: w.trainer.clone(),
            host_organisation_id: w.host_organisation_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            online_url: s.online_url.clone(),
            capacity: s.capacity as i32,
            confirmed_count: s.confirmed_count as i32,
            seats_left,
            waitlist_length: s.waitlist_count as i32,
            skills: e.skills.iter().map(Into::into).collect(),
        }
    }
}

/// Themes used in an event.
#[utoipa::path(get, path = "/api/v1/events/{id}/themes", tag = "events", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = Vec<String>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn themes(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(programme::themes(&s.store, &actor, id).await?))
}
