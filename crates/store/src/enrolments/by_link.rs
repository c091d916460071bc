//! An enrolment reached through a signed link in a mail, without signing in (see [`crate::links`]):
//! what the link's page shows, and the cancellation it offers. The link is the key; the store
//! is only asked once its signature checked out.

use super::cancel::{Via, cancel_as};
use crate::entities::{enrolment, event, person, session, workshop};
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::Enrolment;
use leerweek_domain::{Language, SessionStatus};
use sea_orm::EntityTrait;
use uuid::Uuid;

/// What the page of a link shows: the session, never who the person is (a forwarded mail
/// should not tell the next reader more than the mail did).
#[derive(Debug, Clone)]
pub struct LinkedEnrolment {
    /// The enrolment as it is now.
    pub enrolment: Enrolment,
    /// The person's language, for the page.
    pub language: Language,
    /// The session.
    pub session_id: Uuid,
    /// The workshop's title.
    pub title: String,
    /// When the session starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The week's time zone.
    pub time_zone: Tz,
    /// Until when the person may cancel themselves.
    pub cancel_before: DateTime<Utc>,
    /// The session was cancelled by its host.
    pub session_cancelled: bool,
}

/// The enrolment a link names, with its session.
pub async fn linked(store: &Store, id: Uuid) -> Result<LinkedEnrolment> {
    let c = store.conn();
    let e = enrolment::Entity::find_by_id(id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let p = person::Entity::find_by_id(e.person_id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let s = session::Entity::find_by_id(e.session_id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let w = workshop::Entity::find_by_id(s.workshop_id).one(c).await?;
    let ev = event::Entity::find_by_id(s.event_id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
    Ok(LinkedEnrolment {
        enrolment: mapping::enrolment(&e),
        language: mapping::language(&p.language),
        session_id: s.id,
        title: w.map(|w| w.title).unwrap_or_default(),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        time_zone: mapping::time_zone(&ev.time_zone),
        cancel_before: s.starts_at - Duration::hours(ev.cancellation_deadline_hours.max(0) as i64),
        session_cancelled: mapping::session_status(&s.status) == SessionStatus::Cancelled,
    })
}

/// Cancel the enrolment a cancel link names, as its person would in the app (the same rules:
/// before the deadline, not after attendance; the freed seat goes to the waiting list in the
/// same transaction; the person gets the cancellation mail). Audited as done by the person
/// through a link. Cancelling a cancelled enrolment changes nothing.
pub async fn cancel_by_link(store: &Store, id: Uuid, now: DateTime<Utc>) -> Result<LinkedEnrolment> {
    let e = enrolment::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let p =
        person::Entity::find_by_id(e.person_id).one(store.conn()).await?.ok_or(StoreError::NotFound("enrolment"))?;
    // The person, with no role beyond employee: the link lets them do what they could do
    // themselves, nothing an organiser could.
    let actor = Actor { person_id: p.id, organisation_id: p.organisation_id, roles: vec![] };
    cancel_as(store, &actor, id, None, Via::MailLink, now).await?;
    linked(store, id).await
}
