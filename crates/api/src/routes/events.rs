//! Development weeks, workshops, sessions and the programme.

use super::{at, double_option, now, opt};
use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::attendance::NoShowPolicy;
use leerweek_domain::event::{
    EventSchedule, parse_cancellation_deadline_hours, parse_max_enrolments, parse_reminder_hours, parse_time_zone,
};
use leerweek_domain::session::{Capacity, TimeRange};
use leerweek_domain::text::{Description, MessageBody, MessageSubject, Name, OnlineUrl, ShortText, Theme, Title};
use leerweek_domain::{AudienceKind, EventStatus, FieldError, Invalid, Language, WorkshopFormat};
use leerweek_store::entities::session;
use leerweek_store::events::{
    self, EventPatch, EventView, Location, NewEvent, NewSession, NewWorkshop, ProgrammeFilter, Recipients,
    SessionPatch, SessionView, WorkshopPatch, WorkshopView,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A development week.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
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
    /// Hours before a session at which the reminder mail goes out (0: none).
    pub reminder_hours_before: i32,
    /// When unmarked confirmed enrolments become no-shows: `automatic` (when the session ends)
    /// or `on_close` (when an organiser closes the attendance list).
    pub no_show_policy: String,
}

impl From<EventView> for EventDto {
    fn from(v: EventView) -> Self {
        let e = v.event;
        Self {
            id: e.id,
            name: e.name,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            time_zone: e.time_zone,
            enrolment_opens_at: e.enrolment_opens_at,
            enrolment_closes_at: e.enrolment_closes_at,
            cancellation_deadline_hours: e.cancellation_deadline_hours,
            max_enrolments_per_person: e.max_enrolments_per_person,
            status: e.status,
            organisation_ids: v.organisation_ids,
            reminder_hours_before: e.reminder_hours_before,
            no_show_policy: e.no_show_policy,
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
    /// Reminder lead time in hours, default 24; 0 switches reminders off.
    pub reminder_hours_before: Option<i64>,
    /// `automatic` (default) or `on_close`.
    pub no_show_policy: Option<String>,
}

/// Create a development week in draft (organisers of a participating organisation, admins).
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
        reminder_hours_before: at("reminder_hours_before", parse_reminder_hours(b.reminder_hours_before))?,
        no_show_policy: opt("no_show_policy", b.no_show_policy, |p| NoShowPolicy::parse(&p))?.unwrap_or_default(),
    };
    let v = events::create_event(&s.store, &actor, e, now()).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Events the signed-in person may see.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, body = Vec<EventDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_events(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<Vec<EventDto>>, ApiError> {
    Ok(Json(events::list_events(&s.store, &actor).await?.into_iter().map(Into::into).collect()))
}

/// One event.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = EventDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_event(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<EventDto>, ApiError> {
    Ok(Json(events::get_event(&s.store, &actor, id).await?.into()))
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
    /// Participating organisations.
    pub organisation_ids: Option<Vec<Uuid>>,
    /// Reminder lead time in hours.
    pub reminder_hours_before: Option<i64>,
    /// `automatic` or `on_close`.
    pub no_show_policy: Option<String>,
}

/// Change an event (its organisers, admins).
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
        reminder_hours_before: opt("reminder_hours_before", b.reminder_hours_before, |h| {
            parse_reminder_hours(Some(h))
        })?,
        no_show_policy: opt("no_show_policy", b.no_show_policy, |p| NoShowPolicy::parse(&p))?,
    };
    let v = events::update_event(&s.store, &actor, id, p, now()).await?;
    s.programme.invalidate();
    Ok(Json(v.into()))
}

async fn transition(
    s: &AppState,
    actor: &leerweek_domain::access::Actor,
    id: Uuid,
    to: EventStatus,
) -> Result<Json<EventDto>, ApiError> {
    let v = events::set_event_status(&s.store, actor, id, to, now()).await?;
    s.programme.invalidate();
    Ok(Json(v.into()))
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

/// A workshop.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopDto {
    /// Id.
    pub id: Uuid,
    /// Event.
    pub event_id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Theme (lower case).
    pub theme: String,
    /// Trainer.
    pub trainer: Option<String>,
    /// Host organisation.
    pub host_organisation_id: Uuid,
    /// `nl` or `en`.
    pub language: String,
    /// `on_site`, `online`, `hybrid`.
    pub format: String,
    /// `all`, `host_only`, `listed`.
    pub audience: String,
    /// Listed organisations.
    pub audience_organisation_ids: Vec<Uuid>,
    /// `scheduled` or `cancelled`.
    pub status: String,
}

impl From<WorkshopView> for WorkshopDto {
    fn from(v: WorkshopView) -> Self {
        let w = v.workshop;
        Self {
            id: w.id,
            event_id: w.event_id,
            title: w.title,
            description: w.description,
            theme: w.theme,
            trainer: w.trainer,
            host_organisation_id: w.host_organisation_id,
            language: w.language,
            format: w.format,
            audience: w.audience,
            audience_organisation_ids: v.audience_organisation_ids,
            status: w.status,
        }
    }
}

/// New workshop.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkshopDto {
    /// Title, 1–200.
    pub title: String,
    /// Description, up to 5,000.
    pub description: String,
    /// Theme, e.g. `kennis`, `vaardigheden`, `talent`, `vitaliteit`, `leiderschap`, or a new one.
    pub theme: String,
    /// Host organisation (participating in the event).
    pub host_organisation_id: Uuid,
    /// Trainer.
    pub trainer: Option<String>,
    /// `nl` (default) or `en`.
    pub language: Option<String>,
    /// `on_site` (default), `online`, `hybrid`.
    pub format: Option<String>,
    /// `all` (default), `host_only`, `listed`.
    pub audience: Option<String>,
    /// For `listed`: the organisations.
    pub audience_organisation_ids: Option<Vec<Uuid>>,
}

/// Add a workshop to an event (organisers of the host, admins).
#[utoipa::path(post, path = "/api/v1/events/{id}/workshops", tag = "workshops", request_body = NewWorkshopDto, params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 201, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(event_id): Id,
    ApiJson(b): ApiJson<NewWorkshopDto>,
) -> Result<(StatusCode, Json<WorkshopDto>), ApiError> {
    let w = NewWorkshop {
        title: at("title", Title::parse(&b.title))?,
        description: at("description", Description::parse(&b.description))?,
        theme: at("theme", Theme::normalized(&b.theme))?,
        host_organisation_id: b.host_organisation_id,
        trainer: opt("trainer", b.trainer, |t| ShortText::parse(&t))?,
        language: opt("language", b.language, |l| Language::parse(&l))?.unwrap_or_default(),
        format: opt("format", b.format, |f| WorkshopFormat::parse(&f))?.unwrap_or(WorkshopFormat::OnSite),
        audience: opt("audience", b.audience, |a| AudienceKind::parse(&a))?.unwrap_or(AudienceKind::All),
        audience_organisation_ids: b.audience_organisation_ids.unwrap_or_default(),
    };
    let v = events::create_workshop(&s.store, &actor, event_id, w, now()).await?;
    s.programme.invalidate();
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// One workshop.
#[utoipa::path(get, path = "/api/v1/workshops/{id}", tag = "workshops", params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<WorkshopDto>, ApiError> {
    Ok(Json(events::get_workshop(&s.store, &actor, id).await?.into()))
}

/// Changes to a workshop; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkshopPatchDto {
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Theme.
    pub theme: Option<String>,
    /// Trainer; `null` removes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub trainer: Option<Option<String>>,
    /// Language.
    pub language: Option<String>,
    /// Format.
    pub format: Option<String>,
    /// Audience.
    pub audience: Option<String>,
    /// Listed organisations (with `audience`).
    pub audience_organisation_ids: Option<Vec<Uuid>>,
}

/// Change a workshop (organisers of the host, admins).
#[utoipa::path(patch, path = "/api/v1/workshops/{id}", tag = "workshops", request_body = WorkshopPatchDto, params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<WorkshopPatchDto>,
) -> Result<Json<WorkshopDto>, ApiError> {
    let audience = match (b.audience, b.audience_organisation_ids) {
        (Some(a), orgs) => Some((at("audience", AudienceKind::parse(&a))?, orgs.unwrap_or_default())),
        (None, Some(_)) => return Err(FieldError::new("audience", Invalid::Required).into()),
        (None, None) => None,
    };
    let p = WorkshopPatch {
        title: opt("title", b.title, |t| Title::parse(&t))?,
        description: opt("description", b.description, |d| Description::parse(&d))?,
        theme: opt("theme", b.theme, |t| Theme::normalized(&t))?,
        trainer: match b.trainer {
            None => None,
            Some(t) => Some(opt("trainer", t, |t| ShortText::parse(&t))?),
        },
        language: opt("language", b.language, |l| Language::parse(&l))?,
        format: opt("format", b.format, |f| WorkshopFormat::parse(&f))?,
        audience,
    };
    let v = events::update_workshop(&s.store, &actor, id, p, now()).await?;
    s.programme.invalidate();
    Ok(Json(v.into()))
}

/// Cancel a workshop and all its sessions; everyone enrolled is told.
#[utoipa::path(post, path = "/api/v1/workshops/{id}/cancel", tag = "workshops", params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<WorkshopDto>, ApiError> {
    let v = events::cancel_workshop(&s.store, &actor, id, now()).await?;
    s.programme.invalidate();
    Ok(Json(v.into()))
}

/// Where a session takes place.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LocationDto {
    /// Building or venue.
    pub venue: Option<String>,
    /// Room.
    pub room: Option<String>,
    /// Street address.
    pub address: Option<String>,
}

impl LocationDto {
    fn parse(self) -> Result<Location, FieldError> {
        Ok(Location {
            venue: opt("location.venue", self.venue, |v| ShortText::parse(&v))?,
            room: opt("location.room", self.room, |v| ShortText::parse(&v))?,
            address: opt("location.address", self.address, |v| ShortText::parse(&v))?,
        })
    }
}

/// Seats kept for one organisation until `release_at`, and how many of them are taken.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuotaDto {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Seats kept.
    pub seats: i64,
    /// After this, unused seats are open to all.
    pub release_at: DateTime<Utc>,
    /// Seats of this organisation's people now confirmed.
    pub used: i64,
}

/// Seats to keep for one organisation until `release_at` (a request's part of a quota).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaInput {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Seats kept.
    pub seats: i64,
    /// After this, unused seats are open to all.
    pub release_at: DateTime<Utc>,
}

/// A session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// Id.
    pub id: Uuid,
    /// Workshop.
    pub workshop_id: Uuid,
    /// Event.
    pub event_id: Uuid,
    /// Workshop title.
    pub title: String,
    /// Host organisation.
    pub host_organisation_id: Uuid,
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
    /// Confirmed enrolments.
    pub confirmed_count: i32,
    /// People waiting.
    pub waitlist_count: i32,
    /// Seats the signed-in person could take now.
    pub seats_left: u32,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// Calendar sequence: rises with every change of time or place.
    pub sequence: i32,
    /// Quotas.
    pub quotas: Vec<QuotaDto>,
    /// The trainer (a person who may check people in), if set.
    pub trainer_id: Option<Uuid>,
    /// When the attendance list was closed (unmarked people became no-shows).
    pub attendance_closed_at: Option<DateTime<Utc>>,
}

fn location_of(s: &session::Model) -> LocationDto {
    LocationDto { venue: s.venue.clone(), room: s.room.clone(), address: s.address.clone() }
}

impl From<SessionView> for SessionDto {
    fn from(v: SessionView) -> Self {
        let s = v.session;
        Self {
            location: location_of(&s),
            id: s.id,
            workshop_id: s.workshop_id,
            event_id: s.event_id,
            title: v.workshop.title,
            host_organisation_id: v.workshop.host_organisation_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            online_url: s.online_url,
            capacity: s.capacity,
            confirmed_count: s.confirmed_count,
            waitlist_count: s.waitlist_count,
            seats_left: v.seats_left,
            status: s.status,
            sequence: s.sequence,
            trainer_id: s.trainer_id,
            attendance_closed_at: s.attendance_closed_at,
            quotas: v
                .quotas
                .into_iter()
                .map(|q| QuotaDto {
                    organisation_id: q.quota.organisation_id,
                    seats: q.quota.seats as i64,
                    release_at: q.quota.release_at,
                    used: q.used as i64,
                })
                .collect(),
        }
    }
}

/// New session.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSessionDto {
    /// Start (RFC 3339), on one of the event's days.
    pub starts_at: DateTime<Utc>,
    /// End, after the start, at most 24 h later.
    pub ends_at: DateTime<Utc>,
    /// Seats, 1–10,000.
    pub capacity: i64,
    /// Place (needed on site and hybrid).
    pub location: Option<LocationDto>,
    /// Link (needed online and hybrid).
    pub online_url: Option<String>,
    /// Seats kept per organisation.
    pub quotas: Option<Vec<QuotaInput>>,
    /// The trainer: a person who may check people in and record attendance.
    pub trainer_id: Option<Uuid>,
}

fn quotas_of(q: Option<Vec<QuotaInput>>) -> Option<Vec<(Uuid, i64, DateTime<Utc>)>> {
    q.map(|qs| qs.into_iter().map(|q| (q.organisation_id, q.seats, q.release_at)).collect())
}

/// Add a session to a workshop (organisers of the host, admins).
#[utoipa::path(post, path = "/api/v1/workshops/{id}/sessions", tag = "sessions", request_body = NewSessionDto, params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 201, body = SessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_session(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(workshop_id): Id,
    ApiJson(b): ApiJson<NewSessionDto>,
) -> Result<(StatusCode, Json<SessionDto>), ApiError> {
    let n = NewSession {
        time: TimeRange::new(b.starts_at, b.ends_at)?,
        capacity: at("capacity", Capacity::parse(b.capacity))?,
        location: b.location.unwrap_or_default().parse()?,
        online_url: opt("online_url", b.online_url, |u| OnlineUrl::parse(&u))?,
        quotas: quotas_of(b.quotas).unwrap_or_default(),
        trainer_id: b.trainer_id,
    };
    let v = events::create_session(&s.store, &actor, workshop_id, n, now()).await?;
    s.programme.invalidate();
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Sessions of a workshop.
#[utoipa::path(get, path = "/api/v1/workshops/{id}/sessions", tag = "sessions", params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = Vec<SessionDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_sessions(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(workshop_id): Id,
) -> Result<Json<Vec<SessionDto>>, ApiError> {
    let mut out = Vec::new();
    for m in events::sessions_of_workshop(&s.store, &actor, workshop_id).await? {
        out.push(events::get_session(&s.store, &actor, m.id, now()).await?.into());
    }
    Ok(Json(out))
}

/// One session with live seat counts.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_session(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<SessionDto>, ApiError> {
    Ok(Json(events::get_session(&s.store, &actor, id, now()).await?.into()))
}

/// Changes to a session; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionPatchDto {
    /// Start.
    pub starts_at: Option<DateTime<Utc>>,
    /// End.
    pub ends_at: Option<DateTime<Utc>>,
    /// Seats (not below the confirmed enrolments; more seats promote waiting people).
    pub capacity: Option<i64>,
    /// Place (replaces the whole location).
    pub location: Option<LocationDto>,
    /// Link; `null` removes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub online_url: Option<Option<String>>,
    /// Quotas (replace all).
    pub quotas: Option<Vec<QuotaInput>>,
    /// The trainer; `null` removes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub trainer_id: Option<Option<Uuid>>,
}

/// Move or change a session: people enrolled are told; more capacity promotes from the waiting list.
#[utoipa::path(patch, path = "/api/v1/sessions/{id}", tag = "sessions", request_body = SessionPatchDto, params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_session(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<SessionPatchDto>,
) -> Result<Json<SessionDto>, ApiError> {
    if let Some(c) = b.capacity {
        at("capacity", Capacity::parse(c))?;
    }
    let p = SessionPatch {
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        capacity: b.capacity,
        location: b.location.map(LocationDto::parse).transpose()?,
        online_url: match b.online_url {
            None => None,
            Some(u) => Some(opt("online_url", u, |u| OnlineUrl::parse(&u))?),
        },
        quotas: quotas_of(b.quotas),
        trainer_id: b.trainer_id,
    };
    let v = events::update_session(&s.store, &actor, id, p, now()).await?;
    s.programme.invalidate();
    Ok(Json(v.into()))
}

/// Cancel a session; everyone enrolled is told.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/cancel", tag = "sessions", params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel_session(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<SessionDto>, ApiError> {
    let v = events::cancel_session(&s.store, &actor, id, now()).await?;
    s.programme.invalidate();
    Ok(Json(v.into()))
}

/// A message to a session's participants.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageDto {
    /// Subject, one line of 1–150 characters.
    pub subject: String,
    /// Text, 1–5,000 characters.
    pub body: String,
    /// Also to the people on the waiting list (default: only those with a seat).
    #[serde(default)]
    pub include_waitlist: bool,
}

/// How many people a message went to.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageSentDto {
    /// Mails queued (0: nobody was enrolled, nothing was sent).
    pub recipients: u64,
}

/// Send a message by mail to a session's participants (organisers of the host, admins, the
/// session's trainer): a changed room, something to bring. Audited.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/messages", tag = "sessions", request_body = MessageDto,
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 202, body = MessageSentDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn message_participants(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<MessageDto>,
) -> Result<(StatusCode, Json<MessageSentDto>), ApiError> {
    let subject = at("subject", MessageSubject::parse_line(&b.subject))?;
    let body = at("body", MessageBody::parse(&b.body))?;
    let to = if b.include_waitlist { Recipients::ConfirmedAndWaiting } else { Recipients::Confirmed };
    let recipients = events::message_participants(&s.store, &actor, id, &subject, &body, to, now()).await?;
    Ok((StatusCode::ACCEPTED, Json(MessageSentDto { recipients })))
}

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
}

/// The programme of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDto {
    /// The event.
    pub event: EventDto,
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
        q: q.q.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
        available: q.available.unwrap_or(false),
    };
    s.programme.respond(&s.store, &actor, id, &f, &headers, now()).await
}

impl ProgrammeItemDto {
    /// One entry of the programme with the viewer's seats.
    pub(crate) fn of(
        e: &leerweek_store::events::ProgrammeEntry,
        seats_left: u32,
        names: &std::collections::HashMap<Uuid, String>,
    ) -> Self {
        let (s, w) = (&e.session, &e.workshop);
        ProgrammeItemDto {
            location: location_of(s),
            session_id: s.id,
            workshop_id: w.id,
            host_organisation_name: names.get(&w.host_organisation_id).cloned().unwrap_or_default(),
            title: w.title.clone(),
            description: w.description.clone(),
            theme: w.theme.clone(),
            format: w.format.clone(),
            language: w.language.clone(),
            trainer: w.trainer.clone(),
            host_organisation_id: w.host_organisation_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            online_url: s.online_url.clone(),
            capacity: s.capacity,
            confirmed_count: s.confirmed_count,
            seats_left,
            waitlist_length: s.waitlist_count,
        }
    }
}

/// Themes used in an event.
#[utoipa::path(get, path = "/api/v1/events/{id}/themes", tag = "events", params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = Vec<String>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn themes(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(events::themes(&s.store, &actor, id).await?))
}
