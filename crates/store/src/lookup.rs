//! Reading and locking the rows that the rules of several aggregates need: a week with its
//! organisations, a workshop with its audience, a session locked, its quotas and their use.
//! Everything here is crate-private and depends on no other aggregate module, so that the
//! aggregates (`events`, `workshops`, `sessions`, `enrolments`, …) can share it without
//! importing each other in a circle.

use crate::entities::{
    enrolment, event, event_organisation, person, session, session_quota, workshop, workshop_audience,
};
use crate::{Result, Store, StoreError, mapping};
use leerweek_domain::access::Actor;
use leerweek_domain::event::{Event, EventPolicy};
use leerweek_domain::session::{Quota, QuotaUse, Seats};
use leerweek_domain::{EnrolmentStatus, EventStatus, SessionStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// A week's row with its participating organisations.
#[derive(Debug, Clone)]
pub(crate) struct EventRow {
    /// The row.
    pub event: event::Model,
    /// Participating organisations.
    pub organisation_ids: Vec<Uuid>,
    /// The lead among them (none only if the row was read without it).
    pub lead: Option<Uuid>,
}

impl EventRow {
    /// Its status.
    pub fn status(&self) -> EventStatus {
        mapping::event_status(&self.event.status)
    }

    /// Its time zone.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        mapping::time_zone(&self.event.time_zone)
    }

    /// The enrolment policy.
    pub fn policy(&self) -> EventPolicy {
        mapping::policy(&self.event)
    }

    /// The lead organisation; the nil id (nobody's organisation: admins only lead it) when the
    /// row was read without one.
    pub fn lead_or_nil(&self) -> Uuid {
        self.lead.unwrap_or(Uuid::nil())
    }

    /// Whether the actor may see it.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.may_see_event(&self.organisation_ids, self.status())
    }

    /// The domain's week.
    pub fn to_event(&self) -> Event {
        mapping::event(&self.event, self.organisation_ids.clone(), self.lead_or_nil())
    }
}

/// A week with its organisations.
pub(crate) async fn load_event(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<EventRow>> {
    let Some(m) = event::Entity::find_by_id(id).one(c).await? else { return Ok(None) };
    let links = event_organisation::Entity::find().filter(event_organisation::Column::EventId.eq(id)).all(c).await?;
    let lead = links.iter().find(|l| l.is_lead).map(|l| l.organisation_id);
    Ok(Some(EventRow { event: m, organisation_ids: links.into_iter().map(|l| l.organisation_id).collect(), lead }))
}

/// A workshop's row with its audience list.
#[derive(Debug, Clone)]
pub(crate) struct WorkshopRow {
    /// The row.
    pub workshop: workshop::Model,
    /// Listed organisations.
    pub audience_organisation_ids: Vec<Uuid>,
}

impl WorkshopRow {
    /// Whether it is cancelled.
    pub fn cancelled(&self) -> bool {
        mapping::session_status(&self.workshop.status) == SessionStatus::Cancelled
    }
}

/// A workshop with its audience list.
pub(crate) async fn load_workshop(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<WorkshopRow>> {
    let Some(w) = workshop::Entity::find_by_id(id).one(c).await? else { return Ok(None) };
    let listed = workshop_audience::Entity::find()
        .filter(workshop_audience::Column::WorkshopId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.organisation_id)
        .collect();
    Ok(Some(WorkshopRow { workshop: w, audience_organisation_ids: listed }))
}

/// A workshop the actor may change, with its week: "not found" (as `what`) when the actor may
/// not see it, "forbidden" when they see it but may not manage it.
pub(crate) async fn editable_workshop(
    c: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    what: &'static str,
) -> Result<(WorkshopRow, EventRow)> {
    let w = load_workshop(c, id).await?.ok_or(StoreError::NotFound(what))?;
    let e = load_event(c, w.workshop.event_id).await?.ok_or(StoreError::NotFound(what))?;
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound(what));
    }
    if !actor.may_manage_workshop(w.workshop.host_organisation_id) {
        return Err(StoreError::Forbidden);
    }
    Ok((w, e))
}

/// Lock a session row for the rest of the transaction (PostgreSQL `FOR NO KEY UPDATE`, which
/// still lets other transactions insert rows referring to it; SQLite holds the write lock already).
pub(crate) async fn lock_session(c: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<session::Model>> {
    let q = session::Entity::find_by_id(id);
    let q = if store.is_postgres() { q.lock(sea_orm::sea_query::LockType::NoKeyUpdate) } else { q };
    Ok(q.one(c).await?)
}

/// Store a session's quotas.
pub(crate) async fn insert_quotas(c: &impl ConnectionTrait, session_id: Uuid, quotas: &[Quota]) -> Result<()> {
    use sea_orm::{ActiveModelTrait, Set};
    for q in quotas {
        session_quota::ActiveModel {
            session_id: Set(session_id),
            organisation_id: Set(q.organisation_id),
            seats: Set(q.seats as i32),
            release_at: Set(q.release_at),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// Quotas of a session with how many confirmed seats each organisation holds.
pub(crate) async fn quota_use(c: &impl ConnectionTrait, session_id: Uuid) -> Result<Vec<QuotaUse>> {
    let quotas = session_quota::Entity::find().filter(session_quota::Column::SessionId.eq(session_id)).all(c).await?;
    if quotas.is_empty() {
        return Ok(vec![]);
    }
    // Each person holds at most one active enrolment per session, so counting people is counting seats.
    let used: Vec<(Uuid, i64)> = person::Entity::find()
        .select_only()
        .column(person::Column::OrganisationId)
        .column_as(person::Column::Id.count(), "n")
        .filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(enrolment::Column::PersonId)
                    .from(enrolment::Entity)
                    .and_where(enrolment::Column::SessionId.eq(session_id))
                    .and_where(enrolment::Column::Status.eq(EnrolmentStatus::Confirmed.as_str()))
                    .to_owned(),
            ),
        )
        .group_by(person::Column::OrganisationId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(quotas
        .into_iter()
        .map(|q| QuotaUse {
            used: used.iter().find(|(o, _)| *o == q.organisation_id).map(|(_, n)| *n as u32).unwrap_or(0),
            quota: Quota { organisation_id: q.organisation_id, seats: q.seats as u32, release_at: q.release_at },
        })
        .collect())
}

/// The seat situation of a session row plus its quotas.
pub(crate) fn seats_of(s: &session::Model, quotas: Vec<QuotaUse>) -> Seats {
    Seats { capacity: s.capacity as u32, confirmed: s.confirmed_count.max(0) as u32, quotas }
}

/// Whether attendance was recorded for anyone in a session (it took place, and stays).
pub(crate) async fn attendance_recorded(c: &impl ConnectionTrait, session_id: Uuid) -> Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Attendance.is_not_null())
        .count(c)
        .await?
        > 0)
}

/// The people a manager sees: those who report to them, directly or through other managers.
pub(crate) async fn reports_of(c: &impl ConnectionTrait, manager_id: Uuid) -> Result<Vec<Uuid>> {
    let mut all: Vec<Uuid> = Vec::new();
    let mut frontier = vec![manager_id];
    // Bounded depth: an accidental cycle in the manager chain cannot loop forever.
    for _ in 0..16 {
        if frontier.is_empty() {
            break;
        }
        let next: Vec<Uuid> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::ManagerId.is_in(frontier.clone()))
            .into_tuple()
            .all(c)
            .await?;
        frontier = next.into_iter().filter(|id| !all.contains(id) && *id != manager_id).collect();
        all.extend(frontier.iter().copied());
    }
    Ok(all)
}
