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

/// The person an approval link was mailed to, as the actor who decides: with their roles, and
/// only while they have not left.
async fn approver(store: &Store, by: Uuid) -> Result<Actor> {
    let p = person::Entity::find_by_id(by)
        .one(store.conn())
        .await?
        .filter(|p| p.left_at.is_none())
        .ok_or(StoreError::NotFound("enrolment"))?;
    let roles = crate::people::roles_of(store.conn(), p.id).await?;
    Ok(Actor { person_id: p.id, organisation_id: p.organisation_id, roles })
}

/// Approve or decline through the link of an approval mail, as the manager it was mailed to
/// (who must still be the one who decides: a manager replaced meanwhile gets "not found").
pub async fn decide_by_link(
    store: &Store,
    id: Uuid,
    by: Uuid,
    verdict: super::approval::Verdict,
    now: DateTime<Utc>,
) -> Result<LinkedEnrolment> {
    let actor = approver(store, by).await?;
    super::approval::decide(store, &actor, id, verdict, super::approval::DecidedVia::MailLink, now).await?;
    linked(store, id).await
}

/// What an approval link's page shows its manager.
#[derive(Debug, Clone)]
pub struct DecisionView {
    /// The enrolment and its session (`language` is the employee's).
    pub linked: LinkedEnrolment,
    /// Who asked.
    pub person_name: String,
    /// The manager's language, for the page.
    pub language: Language,
}

/// The enrolment an approval link names, for the manager `by` it was mailed to.
pub async fn decision_view(store: &Store, id: Uuid, by: Uuid) -> Result<DecisionView> {
    let linked = linked(store, id).await?;
    let c = store.conn();
    let person_name =
        person::Entity::find_by_id(linked.enrolment.person_id).one(c).await?.map(|p| p.name).unwrap_or_default();
    let language =
        person::Entity::find_by_id(by).one(c).await?.map(|p| mapping::language(&p.language)).unwrap_or_default();
    Ok(DecisionView { linked, person_name, language })
}
