//! Sessions of a workshop: add, list, read, change (everyone enrolled is told), cancel, and
//! messages to their participants.

use super::{at, double_option, now, opt};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::may::SessionMayDto;
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use leerweek_domain::FieldError;
use leerweek_domain::access::Actor;
use leerweek_domain::session::{Capacity, Location, Session, TimeRange};
use leerweek_domain::text::{MessageBody, MessageSubject, OnlineUrl, ShortText};
use leerweek_store::sessions::{self, NewSession, Recipients, SessionPatch, SessionView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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
    /// What the signed-in person may do with it.
    pub may: SessionMayDto,
}

/// Where a session takes place, on the wire.
pub(crate) fn location_of(s: &Session) -> LocationDto {
    LocationDto { venue: s.venue.clone(), room: s.room.clone(), address: s.address.clone() }
}

impl SessionDto {
    /// The session as `actor` sees it.
    pub fn of(v: SessionView, actor: &Actor) -> Self {
        let s = v.session;
        Self {
            may: SessionMayDto::of(actor, v.workshop.host_organisation_id, s.trainer_id),
            location: location_of(&s),
            id: s.id,
            workshop_id: s.workshop_id,
            event_id: s.event_id,
            title: v.workshop.title,
            host_organisation_id: v.workshop.host_organisation_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            online_url: s.online_url,
            capacity: s.capacity as i32,
            confirmed_count: s.confirmed_count as i32,
            waitlist_count: s.waitlist_count as i32,
            seats_left: v.seats_left,
            status: s.status.as_str().to_owned(),
            sequence: s.sequence as i32,
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
    let v = sessions::create_session(&s.store, &actor, workshop_id, n, now()).await?;
    s.programme.invalidate();
    Ok((StatusCode::CREATED, Json(SessionDto::of(v, &actor))))
}

/// Sessions of a workshop.
#[utoipa::path(get, path = "/api/v1/workshops/{id}/sessions", tag = "sessions", params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = Vec<SessionDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_sessions(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(workshop_id): Id,
) -> Result<Json<Vec<SessionDto>>, ApiError> {
    let views = sessions::sessions_of_workshop(&s.store, &actor, workshop_id, now()).await?;
    Ok(Json(views.into_iter().map(|v| SessionDto::of(v, &actor)).collect()))
}

/// One session with live seat counts.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_session(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<SessionDto>, ApiError> {
    Ok(Json(SessionDto::of(sessions::get_session(&s.store, &actor, id, now()).await?, &actor)))
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
    let v = sessions::update_session(&s.store, &actor, id, p, now()).await?;
    s.programme.invalidate();
    Ok(Json(SessionDto::of(v, &actor)))
}

/// Cancel a session; everyone enrolled is told.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/cancel", tag = "sessions", params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel_session(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<SessionDto>, ApiError> {
    let v = sessions::cancel_session(&s.store, &actor, id, now()).await?;
    s.programme.invalidate();
    Ok(Json(SessionDto::of(v, &actor)))
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
    let recipients = sessions::message_participants(&s.store, &actor, id, &subject, &body, to, now()).await?;
    Ok((StatusCode::ACCEPTED, Json(MessageSentDto { recipients })))
}

/// Someone to ask about a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// Whom to ask about a session: the organisers of the organisation that hosts it, by name
/// (organisers and admins, who organise the week together).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/contacts", tag = "sessions", params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = Vec<ContactDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn host_contacts(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<Vec<ContactDto>>, ApiError> {
    let people = sessions::host_contacts(&s.store, &actor, id).await?;
    Ok(Json(people.into_iter().map(|p| ContactDto { name: p.name, email: p.email }).collect()))
}
