//! A lottery week: everyone's ranked preferences, and the allocation that places everyone at
//! once when the window has closed (`store::allocation`).

use super::now;
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use leerweek_domain::{FieldError, Invalid};
use leerweek_store::allocation::{self, Preferences, Run, RunRequest, Summary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A person's ranked sessions in a lottery week.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreferencesDto {
    /// The week.
    pub event_id: Uuid,
    /// Their sessions, first choice first.
    pub sessions: Vec<Uuid>,
    /// How many they may rank.
    pub max_preferences: i32,
    /// Whether they can change them now (the window is open and the allocation has not run).
    pub open: bool,
    /// When the preference window opens.
    pub opens_at: DateTime<Utc>,
    /// When it closes; the allocation runs after.
    pub closes_at: DateTime<Utc>,
    /// When the allocation ran (null: not yet). Their places are then in their enrolments.
    pub allocated_at: Option<DateTime<Utc>>,
    /// When they last changed them (null: never).
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<Preferences> for PreferencesDto {
    fn from(p: Preferences) -> Self {
        Self {
            event_id: p.event_id,
            sessions: p.sessions,
            max_preferences: p.max_preferences as i32,
            open: p.open,
            opens_at: p.opens_at,
            closes_at: p.closes_at,
            allocated_at: p.allocated_at,
            updated_at: p.updated_at,
        }
    }
}

/// New preferences: they replace the old ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesBody {
    /// Sessions of the week, first choice first; each once, at most the week's
    /// `max_preferences`; an empty list withdraws them.
    pub sessions: Vec<Uuid>,
}

/// The signed-in person's preferences in a lottery week.
#[utoipa::path(get, path = "/api/v1/events/{id}/preferences", tag = "allocation", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = PreferencesDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn my_preferences(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<PreferencesDto>, ApiError> {
    Ok(Json(allocation::my_preferences(&s.store, &actor, id, now()).await?.into()))
}

/// Rank sessions of a lottery week (replaces the earlier ranking), while its window is open.
/// Changing them is free until the window closes: nobody's place depends on when they came.
#[utoipa::path(put, path = "/api/v1/events/{id}/preferences", tag = "allocation", request_body = PreferencesBody,
    params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = PreferencesDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn set_preferences(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<PreferencesBody>,
) -> Result<Json<PreferencesDto>, ApiError> {
    Ok(Json(allocation::set_preferences(&s.store, &actor, id, &b.sessions, now()).await?.into()))
}

/// Run the allocation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocationRequestDto {
    /// `true`: only compute and report (at any time); `false`: place everyone and mail them
    /// (once, after the window has closed).
    pub dry_run: bool,
    /// The lottery's seed as a decimal number (0–18446744073709551615); default a random one.
    pub seed: Option<String>,
}

/// Why people without a seat got none (by their first choice).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoSeatWhyDto {
    /// Everything they ranked was full for them.
    pub full: u32,
    /// Their choices overlap what they held.
    pub overlap: u32,
    /// Not open to their organisation.
    pub audience: u32,
    /// They held as much as the week allows.
    pub limit: u32,
    /// Their choices were cancelled or have started.
    pub closed: u32,
    /// They held their first choice already.
    pub held: u32,
}

/// A session's figures in a run.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionFiguresDto {
    /// The session.
    pub session_id: Uuid,
    /// Seats in all.
    pub capacity: u32,
    /// Seats taken before the run.
    pub taken_before: u32,
    /// Seats the run gave.
    pub seats_given: u32,
    /// Waiting places the run gave.
    pub waiting_given: u32,
    /// People who ranked it first.
    pub first_choice_of: u32,
    /// People who ranked it.
    pub ranked_by: u32,
}

/// An organisation's figures in a run (by its people).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationFiguresDto {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its people who ranked sessions.
    pub asked: u32,
    /// … who got their first choice.
    pub first_choice: u32,
    /// … who got at least one seat.
    pub any_choice: u32,
    /// … who got no seat.
    pub no_seat: u32,
}

/// What a run gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryDto {
    /// People who ranked sessions.
    pub asked: u32,
    /// … who got a seat in their first choice.
    pub first_choice: u32,
    /// … who got at least one seat.
    pub any_choice: u32,
    /// … who got no seat but wait for at least one session.
    pub waiting_only: u32,
    /// … who got neither.
    pub nothing: u32,
    /// Why those without a seat got none.
    pub no_seat_why: NoSeatWhyDto,
    /// Seats given.
    pub seats_given: u32,
    /// Waiting places given.
    pub waiting_given: u32,
    /// Choices ranked in all.
    pub choices: u32,
    /// Per session.
    pub sessions: Vec<SessionFiguresDto>,
    /// Per organisation.
    pub organisations: Vec<OrganisationFiguresDto>,
}

impl From<Summary> for SummaryDto {
    fn from(s: Summary) -> Self {
        let w = s.no_seat_why;
        Self {
            asked: s.asked,
            first_choice: s.first_choice,
            any_choice: s.any_choice,
            waiting_only: s.waiting_only,
            nothing: s.nothing,
            no_seat_why: NoSeatWhyDto {
                full: w.full,
                overlap: w.overlap,
                audience: w.audience,
                limit: w.limit,
                closed: w.closed,
                held: w.held,
            },
            seats_given: s.seats_given,
            waiting_given: s.waiting_given,
            choices: s.choices,
            sessions: s
                .sessions
                .into_iter()
                .map(|f| SessionFiguresDto {
                    session_id: f.session_id,
                    capacity: f.capacity,
                    taken_before: f.taken_before,
                    seats_given: f.seats_given,
                    waiting_given: f.waiting_given,
                    first_choice_of: f.first_choice_of,
                    ranked_by: f.ranked_by,
                })
                .collect(),
            organisations: s
                .organisations
                .into_iter()
                .map(|o| OrganisationFiguresDto {
                    organisation_id: o.organisation_id,
                    asked: o.asked,
                    first_choice: o.first_choice,
                    any_choice: o.any_choice,
                    no_seat: o.no_seat,
                })
                .collect(),
        }
    }
}

/// A run of a week's allocation.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllocationRunDto {
    /// Id.
    pub id: Uuid,
    /// The week.
    pub event_id: Uuid,
    /// The lottery's seed (a decimal number): `leerweek allocation verify` recomputes the run
    /// from it.
    pub seed: String,
    /// Whether it only computed (nothing was written or mailed).
    pub dry_run: bool,
    /// When it ran.
    pub ran_at: DateTime<Utc>,
    /// Who ran it.
    pub ran_by: Option<Uuid>,
    /// What it gave.
    pub summary: SummaryDto,
}

impl From<Run> for AllocationRunDto {
    fn from(r: Run) -> Self {
        Self {
            id: r.id,
            event_id: r.event_id,
            seed: r.seed.to_string(),
            dry_run: r.dry_run,
            ran_at: r.ran_at,
            ran_by: r.ran_by,
            summary: r.summary.into(),
        }
    }
}

/// Run a lottery week's allocation (its lead organisation's organisers, admins): everyone who
/// ranked sessions is placed at once, in rounds with a lottery order per round, through the
/// week's rules; each gets one mail with all their results. A dry run only reports.
#[utoipa::path(post, path = "/api/v1/events/{id}/allocation", tag = "allocation", request_body = AllocationRequestDto,
    params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = AllocationRunDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn run_allocation(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<AllocationRequestDto>,
) -> Result<Json<AllocationRunDto>, ApiError> {
    let seed = match b.seed.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(raw.parse::<u64>().map_err(|_| {
            FieldError::new("seed", Invalid::NotOneOf { allowed: "a whole number from 0 to 18446744073709551615" })
        })?),
    };
    let run = allocation::run(&s.store, &actor, id, RunRequest { dry_run: b.dry_run, seed }, now()).await?;
    if !run.dry_run {
        s.programme.invalidate();
    }
    Ok(Json(run.into()))
}

/// The week's last allocation run: the real one once it ran, else the latest dry run (its
/// lead organisation's organisers, admins). 404 before any run.
#[utoipa::path(get, path = "/api/v1/events/{id}/allocation", tag = "allocation", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = AllocationRunDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn last_allocation(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<AllocationRunDto>, ApiError> {
    match allocation::last_run(&s.store, &actor, id).await? {
        Some(run) => Ok(Json(run.into())),
        None => Err(ApiError::NotFound("allocation")),
    }
}
