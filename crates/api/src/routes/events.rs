//! Development weeks: create, list, change, and move along their life cycle.

use super::{at, double_option, now, opt};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::may::EventMayDto;
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::approval::parse_approval_hours;
use leerweek_domain::attendance::NoShowPolicy;
use leerweek_domain::event::{
    Event, EventSchedule, parse_cancellation_deadline_hours, parse_max_enrolments, parse_max_preferences,
    parse_reminder_hours, parse_time_zone,
};
use leerweek_domain::text::Name;
use leerweek_domain::{Allocation, Approval, EventStatus};
use leerweek_store::events::{self, EventPatch, NewEvent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A development week with what the signed-in person may do with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// The week.
    #[serde(flatten)]
    pub event: EventInfoDto,
    /// What the signed-in person may do with it.
    pub may: EventMayDto,
}

impl EventDto {
    /// The week as `actor` sees it.
    pub fn of(e: Event, actor: &Actor) -> Self {
        let may = EventMayDto::of(actor, &e.organisation_ids, e.lead_organisation_id);
        EventDto { event: e.into(), may }
    }
}

/// A development week as everyone who sees it sees it (the programme shares it among its readers).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventInfoDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// IANA time zone of the days.
    pub time_zone: String,
    /// Enrolment opens.
    pub enrolment_opens_at: DateTime<Utc>,
    /// Enrolment closes.
    pub enrolment_closes_at: DateTime<Utc>,
    /// Hours before a session after which employees cannot cancel.
    pub cancellation_deadline_hours: i32,
    /// Per-person limit of active enrolments (null: none).
    pub max_enrolments_per_person: Option<i32>,
    /// `draft`, `published`, `closed` or `archived`.
    pub status: String,
    /// Participating organisations.
    pub organisation_ids: Vec<Uuid>,
    /// The one of them that leads the week: its organisers (and admins) change the week's
    /// settings, organisations and status; the others manage their own workshops.
    pub lead_organisation_id: Uuid,
    /// Hours before a session at which the reminder mail goes out (0: none).
    pub reminder_hours_before: i32,
    /// When unmarked confirmed enrolments become no-shows: `automatic` (when the session ends)
    /// or `on_close` (when an organiser closes the attendance list).
    pub no_show_policy: String,
    /// How seats are handed out: `first_come` (while enrolment is open) or `lottery` (people
    /// rank sessions while the window is open; the allocation then places everyone at once and
    /// the seats left go first come, first served).
    pub allocation: String,
    /// Sessions a person may rank in a lottery week.
    pub max_preferences: i32,
    /// When a lottery week's allocation ran (null: not yet).
    pub allocated_at: Option<DateTime<Utc>>,
    /// `none` or `manager`: whether each seat waits for the person's manager to approve it
    /// (a workshop may say otherwise).
    pub approval: String,
    /// Hours a manager has to decide before the seat is released.
    pub approval_hours: i32,
}

impl From<Event> for EventInfoDto {
    fn from(e: Event) -> Self {
        Self {
            id: e.id,
            name: e.name,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            time_zone: e.time_zone.name().to_owned(),
            enrolment_opens_at: e.enrolment_opens_at,
            enrolment_closes_at: e.enrolment_closes_at,
            cancellation_deadline_hours: e.cancellation_deadline_hours as i32,
            max_enrolments_per_person: e.max_enrolments_per_person.map(|n| n as i32),
            status: e.status.as_str().to_owned(),
            organisation_ids: e.organisation_ids,
            lead_organisation_id: e.lead_organisation_id,
            reminder_hours_before: e.reminder_hours_before as i32,
            no_show_policy: e.no_show_policy.as_str().to_owned(),
            allocation: e.allocation.as_str().to_owned(),
            max_preferences: e.max_preferences as i32,
            allocated_at: e.allocated_at,
            approval: e.approval.as_str().to_owned(),
            approval_hours: e.approval_hours as i32,
        }
    }
}

/// New development week.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEventDto {
    /// Name.
    pub name: String,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// IANA zone, default `Europe/Amsterdam`.
    pub time_zone: Option<String>,
    /// Enrolment opens (RFC 3339).
    pub enrolment_opens_at: DateTime<Utc>,
    /// Enrolment closes.
    pub enrolment_closes_at: DateTime<Utc>,
    /// Default 24; 0–672.
    pub cancellation_deadline_hours: Option<i64>,
    /// 1–100; absent: no limit.
    pub max_enrolments_per_person: Option<i64>,
    /// Participating organisations, at least one.
    pub organisation_ids: Vec<Uuid>,
    /// The one that leads the week (one of `organisation_ids`); default the creator's own
    /// organisation when it takes part, else the first listed. Organisers can only lead with
    /// their own.
    pub lead_organisation_id: Option<Uuid>,
    /// Reminder lead time in hours, default 24; 0 switches reminders off.
    pub reminder_hours_before: Option<i64>,
    /// `automatic` (default) or `on_close`.
    pub no_show_policy: Option<String>,
    /// `first_come` (default) or `lottery`.
    pub allocation: Option<String>,
    /// Sessions a person may rank in a lottery week: 1–20, default 5.
    pub max_preferences: Option<i64>,
    /// `none` (default) or `manager` (not in a lottery week).
    pub approval: Option<String>,
    /// Hours a manager has to decide: 1–720, default 72.
    pub approval_hours: Option<i64>,
}

/// Create a development week in draft, led by the creator's organisation (organisers, admins).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = NewEventDto,
    responses((status = 201, body = EventDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_event(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<NewEventDto>,
) -> Result<(StatusCode, Json<EventDto>), ApiError> {
    let name = at("name", Name::parse(&b.name))?;
    let tz = at("time_zone", parse_time_zone(b.time_zone.as_deref()))?;
    let schedule = EventSchedule::new(b.starts_on, b.ends_on, tz, b.enrolment_opens_at, b.enrolment_closes_at)?;
    let e = NewEvent {
        name,
        schedule,
        cancellation_deadline_hours: at(
            "cancellation_deadline_hours",
            parse_cancellation_deadline_hours(b.cancellation_deadline_hours),
        )?,
        max_enrolments_per_person: at("max_enrolments_per_person", parse_max_enrolments(b.max_enrolments_per_person))?,
        organisation_ids: b.organisation_ids,
        lead_organisation_id: b.lead_organisation_id,
        reminder_hours_before: at("reminder_hours_before", parse_reminder_hours(b.reminder_hours_before))?,
        no_show_policy: opt("no_show_policy", b.no_show_policy, |p| NoShowPolicy::parse(&p))?.unwrap_or_default(),
        allocation: opt("allocation", b.allocation, |a| Allocation::parse(&a))?.unwrap_or_default(),
        max_preferences: at("max_preferences", parse_max_preferences(b.max_preferences))?,
        approval: opt("approval", b.approval, |a| Approval::parse(&a))?.unwrap_or(Approval::None),
        approval_hours: at("approval_hours", parse_approval_hours(b.approval_hours))?,
    };
    let v = events::create_event(&s.store, &actor, e, now()).await?;
    Ok((StatusCode::CREATED, Json(EventDto::of(v, &actor))))
}

/// Events the signed-in person may see.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, body = Vec<EventDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_events(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<Vec<EventDto>>, ApiError> {
    Ok(Json(events::list_events(&s.store, &actor).await?.into_iter().map(|e| EventDto::of(e, &actor)).collect()))
}

/// One event.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = EventDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_event(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<EventDto>, ApiError> {
    Ok(Json(EventDto::of(events::get_event(&s.store, &actor, id).await?, &actor)))
}

/// Changes to an event; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPatchDto {
    /// Name.
    pub name: Option<String>,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Time zone.
    pub time_zone: Option<String>,
    /// Enrolment opens.
    pub enrolment_opens_at: Option<DateTime<Utc>>,
    /// Enrolment closes.
    pub enrolment_closes_at: Option<DateTime<Utc>>,
    /// Deadline hours.
    pub cancellation_deadline_hours: Option<i64>,
    /// Limit; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub max_enrolments_per_person: Option<Option<i64>>,
    /// Participating organisations. The lead stays; a partner that hosts workshops leaves
    /// only itself (`DELETE /events/{id}/organisations/{organisation_id}`).
    pub organisation_ids: Option<Vec<Uuid>>,
    /// Hand the lead to another of the week's organisations (admins).
    pub lead_organisation_id: Option<Uuid>,
    /// Reminder lead time in hours.
    pub reminder_hours_before: Option<i64>,
    /// `automatic` or `on_close`.
    pub no_show_policy: Option<String>,
    /// `first_come` or `lottery` (fixed once the allocation has run).
    pub allocation: Option<String>,
    /// Sessions a person may rank in a lottery week (1–20).
    pub max_preferences: Option<i64>,
    /// `none` or `manager` (seats asked for earlier keep what they had).
    pub approval: Option<String>,
    /// Hours a manager has to decide (1–720), for requests from now on.
    pub approval_hours: Option<i64>,
}

/// Change an event (the lead organisation's organisers, admins).
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "events", request_body = EventPatchDto, params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = EventDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_event(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<EventPatchDto>,
) -> Result<Json<EventDto>, ApiError> {
    let p = EventPatch {
        name: opt("name", b.name, |n| Name::parse(&n))?,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        time_zone: opt("time_zone", b.time_zone, |t| parse_time_zone(Some(&t)))?,
        enrolment_opens_at: b.enrolment_opens_at,
        enrolment_closes_at: b.enrolment_closes_at,
        cancellation_deadline_hours: opt("cancellation_deadline_hours", b.cancellation_deadline_hours, |h| {
            parse_cancellation_deadline_hours(Some(h))
        })?,
        max_enrolments_per_person: match b.max_enrolments_per_person {
            None => None,
            Some(v) => Some(at("max_enrolments_per_person", parse_max_enrolments(v))?),
        },
        organisation_ids: b.organisation_ids,
        lead_organisation_id: b.lead_organisation_id,
        reminder_hours_before: opt("reminder_hours_before", b.reminder_hours_before, |h| {
            parse_reminder_hours(Some(h))
        })?,
        no_show_policy: opt("no_show_policy", b.no_show_policy, |p| NoShowPolicy::parse(&p))?,
        allocation: opt("allocation", b.allocation, |a| Allocation::parse(&a))?,
        max_preferences: opt("max_preferences", b.max_preferences, |n| parse_max_preferences(Some(n)))?,
        approval: opt("approval", b.approval, |a| Approval::parse(&a))?,
        approval_hours: opt("approval_hours", b.approval_hours, |h| parse_approval_hours(Some(h)))?,
    };
    let v = events::update_event(&s.store, &actor, id, p, now()).await?;
    s.programme.invalidate();
    Ok(Json(EventDto::of(v, &actor)))
}

async fn transition(s: &AppState, actor: &Actor, id: Uuid, to: EventStatus) -> Result<Json<EventDto>, ApiError> {
    let v = events::set_event_status(&s.store, actor, id, to, now()).await?;
    s.programme.invalidate();
    Ok(Json(EventDto::of(v, actor)))
}

/// Publish an event: the programme becomes visible and enrolment follows the window.
#[utoipa::path(post, path = "/api/v1/events/{id}/publish", tag = "events", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = EventDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn publish_event(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<EventDto>, ApiError> {
    transition(&s, &actor, id, EventStatus::Published).await
}

/// Close an event: no more enrolments.
#[utoipa::path(post, path = "/api/v1/events/{id}/close", tag = "events", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = EventDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn close_event(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<EventDto>, ApiError> {
    transition(&s, &actor, id, EventStatus::Closed).await
}

/// Archive a closed event.
#[utoipa::path(post, path = "/api/v1/events/{id}/archive", tag = "events", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = EventDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn archive_event(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<EventDto>, ApiError> {
    transition(&s, &actor, id, EventStatus::Archived).await
}

/// Take an organisation out of a week: a partner's organisers leave with their own organisation
/// (its workshops go along), the lead's organisers remove a partner that hosts nothing, admins
/// either. Refused while its workshops have enrolments or its people hold places in the week;
/// the lead organisation never goes.
#[utoipa::path(delete, path = "/api/v1/events/{id}/organisations/{organisation_id}", tag = "events",
    params(("id" = Uuid, Path, description = "Event id"), ("organisation_id" = Uuid, Path, description = "Organisation id")),
    responses((status = 204, description = "It no longer takes part"), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn leave_event(
    State(s): State<AppState>,
    Auth(actor): Auth,
    path: Result<Path<(Uuid, Uuid)>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Ok(Path((id, organisation))) = path else { return Err(ApiError::NotFound("resource")) };
    events::leave_event(&s.store, &actor, id, organisation, now()).await?;
    s.programme.invalidate();
    Ok(StatusCode::NO_CONTENT)
}
