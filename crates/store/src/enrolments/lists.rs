//! Lists of enrolments: one's own agenda, a session's participants, a person's record.

use crate::entities::{enrolment, person, session, workshop};
use crate::lookup::{load_event, reports_of};
use crate::{Result, Store, StoreError, mapping};
use leerweek_domain::EnrolmentStatus;
use leerweek_domain::access::{Actor, Reach};
use leerweek_domain::enrolment::Enrolment;
use leerweek_domain::people::Person;
use leerweek_domain::session::Session;
use leerweek_domain::workshop::Workshop;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// An enrolment with its session and workshop, for agendas and participant lists.
#[derive(Debug, Clone)]
pub struct EnrolmentView {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// Its session.
    pub session: Session,
    /// Its workshop.
    pub workshop: Workshop,
    /// Place on the waiting list.
    pub waitlist_position: Option<u32>,
    /// The enrolled person (participant lists only).
    pub person: Option<Person>,
}

async fn views(c: &impl ConnectionTrait, rows: Vec<enrolment::Model>, with_people: bool) -> Result<Vec<EnrolmentView>> {
    let sessions: HashMap<Uuid, Session> = session::Entity::find()
        .filter(session::Column::Id.is_in(rows.iter().map(|e| e.session_id)))
        .all(c)
        .await?
        .iter()
        .map(|s| (s.id, mapping::session(s)))
        .collect();
    let workshops: HashMap<Uuid, Workshop> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(sessions.values().map(|s| s.workshop_id)))
        .all(c)
        .await?
        .iter()
        .map(|w| (w.id, mapping::workshop(w)))
        .collect();
    let people: HashMap<Uuid, Person> = if with_people {
        person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|e| e.person_id)))
            .all(c)
            .await?
            .iter()
            .map(|p| (p.id, mapping::person(p)))
            .collect()
    } else {
        HashMap::new()
    };
    // Positions: one pass per session over its queue instead of one count per enrolment.
    let mut queues: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for e in rows.iter().filter(|e| e.waitlist_seq.is_some()) {
        if queues.contains_key(&e.session_id) {
            continue;
        }
        let seqs: Vec<i64> = enrolment::Entity::find()
            .filter(enrolment::Column::SessionId.eq(e.session_id))
            .filter(enrolment::Column::Status.eq(EnrolmentStatus::Waitlisted.as_str()))
            .order_by_asc(enrolment::Column::WaitlistSeq)
            .all(c)
            .await?
            .into_iter()
            .filter_map(|e| e.waitlist_seq)
            .collect();
        queues.insert(e.session_id, seqs);
    }
    let mut out = Vec::with_capacity(rows.len());
    for e in rows {
        let Some(s) = sessions.get(&e.session_id) else { continue };
        let Some(w) = workshops.get(&s.workshop_id) else { continue };
        let waitlist_position = e.waitlist_seq.and_then(|seq| {
            queues.get(&e.session_id).and_then(|q| q.iter().position(|x| *x == seq)).map(|p| p as u32 + 1)
        });
        out.push(EnrolmentView {
            person: people.get(&e.person_id).cloned(),
            session: s.clone(),
            workshop: w.clone(),
            waitlist_position,
            enrolment: mapping::enrolment(&e),
        });
    }
    Ok(out)
}

/// The actor's own enrolments (active only unless `include_cancelled`), by session start.
pub async fn my_enrolments(store: &Store, actor: &Actor, include_cancelled: bool) -> Result<Vec<EnrolmentView>> {
    let mut q = enrolment::Entity::find().filter(enrolment::Column::PersonId.eq(actor.person_id));
    if !include_cancelled {
        q = q.filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()));
    }
    let rows = q.all(store.conn()).await?;
    let mut v = views(store.conn(), rows, false).await?;
    v.sort_by_key(|e| (e.session.starts_at, e.session.id));
    Ok(v)
}

/// Everyone enrolled in a session (confirmed first, then the queue in order), for organisers of
/// the workshop's host, admins and the session's trainer (the check-in list).
pub async fn participants(store: &Store, actor: &Actor, session_id: Uuid) -> Result<Vec<EnrolmentView>> {
    let s = session::Entity::find_by_id(session_id).one(store.conn()).await?.ok_or(StoreError::NotFound("session"))?;
    if s.trainer_id != Some(actor.person_id) {
        let e = load_event(store.conn(), s.event_id).await?.ok_or(StoreError::NotFound("session"))?;
        if !e.visible_to(actor) {
            return Err(StoreError::NotFound("session"));
        }
        let w = workshop::Entity::find_by_id(s.workshop_id)
            .one(store.conn())
            .await?
            .ok_or(StoreError::NotFound("session"))?;
        if !actor.may_run_session(w.host_organisation_id, s.trainer_id) {
            return Err(StoreError::Forbidden);
        }
    }
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
        // Stored names sort 'confirmed' before 'waitlisted': seats first, then the queue.
        .order_by_asc(enrolment::Column::Status)
        .order_by_asc(enrolment::Column::WaitlistSeq)
        .order_by_asc(enrolment::Column::CreatedAt)
        .all(store.conn())
        .await?;
    views(store.conn(), rows, true).await
}

/// Totals of one session straight from the enrolment rows (for invariant checks).
pub async fn recount(store: &Store, session_id: Uuid) -> Result<(u64, u64)> {
    let count = |status: EnrolmentStatus| {
        enrolment::Entity::find()
            .filter(enrolment::Column::SessionId.eq(session_id))
            .filter(enrolment::Column::Status.eq(status.as_str()))
            .count(store.conn())
    };
    Ok((count(EnrolmentStatus::Confirmed).await?, count(EnrolmentStatus::Waitlisted).await?))
}

/// Enrolments of one person, for themselves, their managers (read-only), organisers of their
/// organisation and admins; others get "not found".
pub async fn enrolments_of_person(store: &Store, actor: &Actor, person_id: Uuid) -> Result<Vec<EnrolmentView>> {
    let p = person::Entity::find_by_id(person_id).one(store.conn()).await?.ok_or(StoreError::NotFound("person"))?;
    let allowed = match actor.may_see_person(p.id, p.organisation_id, p.manager_id) {
        Reach::Yes => true,
        Reach::IfTheyReportToYou => reports_of(store.conn(), actor.person_id).await?.contains(&p.id),
        Reach::No => false,
    };
    if !allowed {
        return Err(StoreError::NotFound("person"));
    }
    let rows = enrolment::Entity::find().filter(enrolment::Column::PersonId.eq(person_id)).all(store.conn()).await?;
    let mut v = views(store.conn(), rows, false).await?;
    v.sort_by_key(|e| (e.session.starts_at, e.session.id));
    Ok(v)
}
