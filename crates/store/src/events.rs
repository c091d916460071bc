//! Development weeks: creation, changes, their life cycle, and who sees them.

use crate::entities::{event, event_organisation, organisation};
use crate::lookup::{EventRow, load_event};
use crate::{Conflict, Result, Store, StoreError, audit};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use leerweek_domain::EventStatus;
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::NoShowPolicy;
use leerweek_domain::event::{Event, EventSchedule};
use leerweek_domain::rules::check_organisation_list;
use leerweek_domain::text::Name;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// A development week to create, parsed.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Its name.
    pub name: Name,
    /// Dates and window.
    pub schedule: EventSchedule,
    /// Hours before a session after which employees cannot cancel.
    pub cancellation_deadline_hours: u32,
    /// Per-person limit.
    pub max_enrolments_per_person: Option<u32>,
    /// Participating (hosting) organisations, at least one.
    pub organisation_ids: Vec<Uuid>,
    /// Hours before a session at which the reminder mail goes out (0: no reminder).
    pub reminder_hours_before: u32,
    /// When unmarked confirmed enrolments become no-shows.
    pub no_show_policy: NoShowPolicy,
}

/// A list of organisations for a week: valid, and each one existing.
async fn check_organisations(c: &impl ConnectionTrait, ids: &[Uuid], field: &str) -> Result<()> {
    check_organisation_list(ids, field)?;
    for (i, id) in ids.iter().enumerate() {
        if organisation::Entity::find_by_id(*id).one(c).await?.is_none() {
            return Err(StoreError::UnknownReference { field: format!("{field}[{i}]") });
        }
    }
    Ok(())
}

/// Create a development week in draft. The actor must organise for one of its organisations.
pub async fn create_event(store: &Store, actor: &Actor, e: NewEvent, now: DateTime<Utc>) -> Result<Event> {
    check_organisations(store.conn(), &e.organisation_ids, "organisation_ids").await?;
    if !actor.may_change_event(&e.organisation_ids) {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let m = event::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(e.name.into_inner()),
        starts_on: Set(e.schedule.starts_on),
        ends_on: Set(e.schedule.ends_on),
        time_zone: Set(e.schedule.time_zone.name().to_owned()),
        enrolment_opens_at: Set(e.schedule.enrolment_opens_at),
        enrolment_closes_at: Set(e.schedule.enrolment_closes_at),
        cancellation_deadline_hours: Set(e.cancellation_deadline_hours as i32),
        max_enrolments_per_person: Set(e.max_enrolments_per_person.map(|n| n as i32)),
        status: Set(EventStatus::Draft.as_str().to_owned()),
        reminder_hours_before: Set(e.reminder_hours_before as i32),
        no_show_policy: Set(e.no_show_policy.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    for org in &e.organisation_ids {
        event_organisation::ActiveModel { event_id: Set(m.id), organisation_id: Set(*org) }.insert(&*txn).await?;
    }
    audit::record(&*txn, Some(actor.person_id), "event.create", ("event", m.id), None::<&()>, Some(&m), now).await?;
    txn.commit().await?;
    Ok(EventRow { event: m, organisation_ids: e.organisation_ids }.to_event())
}

/// One event, if visible.
pub async fn get_event(store: &Store, actor: &Actor, id: Uuid) -> Result<Event> {
    match load_event(store.conn(), id).await? {
        Some(e) if e.visible_to(actor) => Ok(e.to_event()),
        _ => Err(StoreError::NotFound("event")),
    }
}

/// The events the actor may see, newest first.
pub async fn list_events(store: &Store, actor: &Actor) -> Result<Vec<Event>> {
    let events = event::Entity::find().order_by_desc(event::Column::StartsOn).all(store.conn()).await?;
    let links = event_organisation::Entity::find().all(store.conn()).await?;
    let mut orgs: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for l in links {
        orgs.entry(l.event_id).or_default().push(l.organisation_id);
    }
    Ok(events
        .into_iter()
        .map(|e| EventRow { organisation_ids: orgs.remove(&e.id).unwrap_or_default(), event: e })
        .filter(|v| v.visible_to(actor))
        .map(|v| v.to_event())
        .collect())
}

/// Changes to an event; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    /// New name.
    pub name: Option<Name>,
    /// New first day.
    pub starts_on: Option<NaiveDate>,
    /// New last day.
    pub ends_on: Option<NaiveDate>,
    /// New time zone.
    pub time_zone: Option<Tz>,
    /// New opening of enrolment.
    pub enrolment_opens_at: Option<DateTime<Utc>>,
    /// New closing of enrolment.
    pub enrolment_closes_at: Option<DateTime<Utc>>,
    /// New deadline.
    pub cancellation_deadline_hours: Option<u32>,
    /// New limit (`Some(None)` removes it).
    pub max_enrolments_per_person: Option<Option<u32>>,
    /// New participating organisations.
    pub organisation_ids: Option<Vec<Uuid>>,
    /// New reminder lead time in hours.
    pub reminder_hours_before: Option<u32>,
    /// New no-show policy.
    pub no_show_policy: Option<NoShowPolicy>,
}

/// An event the actor may change: "not found" when they may not see it, "forbidden" when they
/// only see it.
fn editable_event(actor: &Actor, e: &EventRow) -> Result<()> {
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("event"));
    }
    if !actor.may_change_event(&e.organisation_ids) {
        return Err(StoreError::Forbidden);
    }
    Ok(())
}

/// Change an event (its organisers and admins).
pub async fn update_event(store: &Store, actor: &Actor, id: Uuid, p: EventPatch, now: DateTime<Utc>) -> Result<Event> {
    if let Some(orgs) = &p.organisation_ids {
        check_organisations(store.conn(), orgs, "organisation_ids").await?;
    }
    let txn = store.write().await?;
    let current = load_event(&*txn, id).await?.ok_or(StoreError::NotFound("event"))?;
    editable_event(actor, &current)?;
    let e = &current.event;
    let tz = p.time_zone.unwrap_or_else(|| current.time_zone());
    let schedule = EventSchedule::new(
        p.starts_on.unwrap_or(e.starts_on),
        p.ends_on.unwrap_or(e.ends_on),
        tz,
        p.enrolment_opens_at.unwrap_or(e.enrolment_opens_at),
        p.enrolment_closes_at.unwrap_or(e.enrolment_closes_at),
    )?;
    let mut am: event::ActiveModel = e.clone().into();
    if let Some(n) = p.name {
        am.name = Set(n.into_inner());
    }
    am.starts_on = Set(schedule.starts_on);
    am.ends_on = Set(schedule.ends_on);
    am.time_zone = Set(tz.name().to_owned());
    am.enrolment_opens_at = Set(schedule.enrolment_opens_at);
    am.enrolment_closes_at = Set(schedule.enrolment_closes_at);
    if let Some(h) = p.cancellation_deadline_hours {
        am.cancellation_deadline_hours = Set(h as i32);
    }
    if let Some(m) = p.max_enrolments_per_person {
        am.max_enrolments_per_person = Set(m.map(|n| n as i32));
    }
    if let Some(h) = p.reminder_hours_before {
        am.reminder_hours_before = Set(h as i32);
    }
    if let Some(n) = p.no_show_policy {
        am.no_show_policy = Set(n.as_str().to_owned());
    }
    am.updated_at = Set(now);
    let updated = am.update(&*txn).await?;
    let mut organisation_ids = current.organisation_ids.clone();
    if let Some(orgs) = p.organisation_ids {
        if !actor.may_change_event(&orgs) {
            // An organiser may not remove their own organisation from the week.
            return Err(StoreError::Forbidden);
        }
        event_organisation::Entity::delete_many()
            .filter(event_organisation::Column::EventId.eq(id))
            .exec(&*txn)
            .await?;
        for org in &orgs {
            event_organisation::ActiveModel { event_id: Set(id), organisation_id: Set(*org) }.insert(&*txn).await?;
        }
        organisation_ids = orgs;
    }
    audit::record(&*txn, Some(actor.person_id), "event.update", ("event", id), Some(e), Some(&updated), now).await?;
    txn.commit().await?;
    Ok(EventRow { event: updated, organisation_ids }.to_event())
}

/// Move an event along its life cycle (draft → published → closed → archived). Asking for the
/// status it already has changes nothing.
pub async fn set_event_status(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    to: EventStatus,
    now: DateTime<Utc>,
) -> Result<Event> {
    let txn = store.write().await?;
    let current = load_event(&*txn, id).await?.ok_or(StoreError::NotFound("event"))?;
    editable_event(actor, &current)?;
    let from = current.status();
    if from == to {
        return Ok(current.to_event());
    }
    if from.next() != Some(to) {
        return Err(Conflict::StatusTransition { from: from.as_str().into(), to: to.as_str().into() }.into());
    }
    let mut am: event::ActiveModel = current.event.clone().into();
    am.status = Set(to.as_str().to_owned());
    am.updated_at = Set(now);
    let updated = am.update(&*txn).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "event.status",
        ("event", id),
        Some(&from.as_str()),
        Some(&to.as_str()),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(EventRow { event: updated, organisation_ids: current.organisation_ids }.to_event())
}

/// Every week's id and name, newest first, for the installation itself (the command line and the
/// demo; no actor).
pub async fn all_names(store: &Store) -> Result<Vec<(Uuid, String)>> {
    Ok(event::Entity::find()
        .order_by_desc(event::Column::StartsOn)
        .all(store.conn())
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect())
}
