//! The personal calendar feed with its revocable token.

use super::now;
use crate::AppState;
use crate::extract::{ApiQuery, Auth};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_domain::{EnrolmentStatus, SessionStatus};
use leerweek_mailer::ics;
use leerweek_store::{enrolments, people};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The state of the personal calendar feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarTokenDto {
    /// Whether a feed address exists.
    pub active: bool,
    /// When it was made.
    pub created_at: Option<DateTime<Utc>>,
    /// The subscription address: only in the answer that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Whether the signed-in person has a calendar feed address.
#[utoipa::path(get, path = "/api/v1/me/calendar-token", tag = "me",
    responses((status = 200, body = CalendarTokenDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_calendar_token(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<CalendarTokenDto>, ApiError> {
    let created_at = people::calendar_token_created(&s.store, &actor).await?;
    Ok(Json(CalendarTokenDto { active: created_at.is_some(), created_at, url: None }))
}

/// Make a new secret feed address (the old one stops working). Subscribe to it in Outlook,
/// Google or Apple Calendar.
#[utoipa::path(post, path = "/api/v1/me/calendar-token", tag = "me",
    responses((status = 201, body = CalendarTokenDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn rotate_calendar_token(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> Result<(StatusCode, Json<CalendarTokenDto>), ApiError> {
    let t = now();
    let token = people::rotate_calendar_token(&s.store, &actor, t).await?;
    let url = format!("{}/api/v1/me/calendar.ics?token={token}", s.public_url);
    Ok((StatusCode::CREATED, Json(CalendarTokenDto { active: true, created_at: Some(t), url: Some(url) })))
}

/// Revoke the feed address.
#[utoipa::path(delete, path = "/api/v1/me/calendar-token", tag = "me",
    responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_calendar_token(State(s): State<AppState>, Auth(actor): Auth) -> Result<StatusCode, ApiError> {
    people::revoke_calendar_token(&s.store, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The feed's secret.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The secret from `POST /api/v1/me/calendar-token` (calendar apps cannot send a bearer token).
    pub token: Option<String>,
}

/// The signed-in person's sessions as an iCalendar feed: confirmed seats as appointments,
/// waiting-list places as tentative ones. Authenticated by the secret `token` in the address
/// (or a bearer token, or the browser session).
#[utoipa::path(get, path = "/api/v1/me/calendar.ics", tag = "me", params(FeedQuery), security((), ("bearer" = [])),
    responses((status = 200, content_type = "text/calendar", body = String), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn calendar_feed(
    State(s): State<AppState>,
    mut parts: axum::http::request::Parts,
    ApiQuery(q): ApiQuery<FeedQuery>,
) -> Result<Response, ApiError> {
    let (person, actor) = match q.token {
        Some(t) => people::by_calendar_token(&s.store, &t).await?.ok_or(ApiError::Unauthenticated)?,
        None => {
            // A bearer token, or the browser session (the web app's "download .ics").
            let crate::extract::Auth(actor) =
                <crate::extract::Auth as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &s)
                    .await?;
            (people::get_person(&s.store, &actor, actor.person_id).await?, actor)
        }
    };
    let stamp = now();
    let items = enrolments::my_enrolments(&s.store, &actor, false).await?;
    let organizer = s.mail_from_address.clone();
    let events = items
        .iter()
        .filter(|v| v.session.status == SessionStatus::Scheduled)
        .map(|v| {
            let place = [v.session.venue.as_deref(), v.session.room.as_deref(), v.session.address.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let waiting = v.enrolment.status == EnrolmentStatus::Waitlisted;
            let pending = v.enrolment.status == EnrolmentStatus::PendingApproval;
            let summary = match (waiting, pending) {
                (true, _) => format!("(wachtlijst) {}", v.workshop.title),
                (_, true) => format!("(wacht op goedkeuring) {}", v.workshop.title),
                _ => v.workshop.title.clone(),
            };
            let location = if place.is_empty() { v.session.online_url.clone().unwrap_or_default() } else { place };
            ics::event(&ics::Invite {
                method: "PUBLISH",
                uid: ics::uid(person.id, v.session.id),
                sequence: v.session.sequence,
                summary: &summary,
                description: &v.workshop.description,
                starts_at: v.session.starts_at,
                ends_at: v.session.ends_at,
                location: &location,
                url: v.session.online_url.as_deref(),
                organizer: &organizer,
                tentative: waiting || pending,
                attendee_name: &person.name,
                attendee_email: &person.email,
                stamp,
            })
        })
        .collect();
    let body = ics::feed("Leerweek", events);
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "private, max-age=300")],
        body,
    )
        .into_response())
}
