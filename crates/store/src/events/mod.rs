//! Development weeks: creation, changes, their life cycle, and who sees them.
//!
//! A shared week has one lead organisation (the one that created it; admins can hand the lead
//! on). Only the lead's organisers and admins change the week's settings, its organisations and
//! its status; partners manage their own workshops and may leave (`partners`).

mod partners;

pub use partners::leave_event;

use crate::entities::{event, event_organisation, organisation};
use crate::lookup::{EventRow, load_event};
use crate::{Conflict, Result, Store, StoreError, audit};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::NoShowPolicy;
use leerweek_domain::event::{Event, EventSchedule};
use leerweek_domain::rules::check_organisation_list;
use leerweek_domain::text::Name;
use leerweek_domain::{Allocation, Approval, EventStatus};
use leerweek_domain::{FieldError, Invalid};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
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
    /// The lead organisation (one of `organisation_ids`); `None`: the actor's own organisation
    /// when it takes part, else the first listed.
    pub lead_organisation_id: Option<Uuid>,
    /// First come, first served, or a preference lottery.
    pub allocation: Allocation,
    /// Sessions a person may rank in a lottery week.
    pub max_preferences: u32,
    /// Whether seats wait for the manager's approval.
    pub approval: Approval,
    /// Hours a manager has to decide.
    pub approval_hours: u32,
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

/// Create a development week in draft, led by the actor's organisation (or the one an admin
/// names). The actor must organise for the lead.
pub async fn create_event(store: &Store, actor: &Actor, e: NewEvent, now: DateTime<Utc>) -> Result<Event> {
    check_organisations(store.conn(), &e.organisation_ids, "organisation_ids").await?;
    let lead = match e.lead_organisation_id {
        Some(lead) if !e.organisation_ids.contains(&lead) => {
            return Err(FieldError::new("lead_organisation_id", WEEKS_ORGANISATIONS).into());
        }
        Some(lead) => lead,
        None if e.organisation_ids.contains(&actor.organisation_id) => actor.organisation_id,
        None => e.organisation_ids[0],
    };
    if !actor.may_create_event(&e.organisation_ids, lead) {
        return Err(StoreError::Forbidden);
    }
    check_approval_with(e.allocation, e.approval)?;
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
        allocation: Set(e.allocation.as_str().to_owned()),
        max_preferences: Set(e.max_preferences as i32),
        approval: Set(e.approval.as_str().to_owned()),
        approval_hours: Set(e.approval_hours as i32),
        allocated_at: Set(None),
        preferences_reminded_at: Set(None),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    for org in &e.organisation_ids {
        partners::link(&*txn, m.id, *org, *org == lead).await?;
    }
    let after =
        serde_json::json!({ "event": &m, "organisation_ids": &e.organisation_ids, "lead_organisation_id": lead });
    audit::record(&*txn, Some(actor.person_id), "event.create", ("event", m.id), None::<&()>, Some(&after), now)
        .await?;
    txn.commit().await?;
    Ok(EventRow { event: m, organisation_ids: e.organisation_ids, lead: Some(lead) }.to_event())
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
    let mut leads: HashMap<Uuid, Uuid> = HashMap::new();
    for l in links {
        if l.is_lead {
            leads.insert(l.event_id, l.organisation_id);
        }
        orgs.entry(l.event_id).or_default().push(l.organisation_id);
    }
    Ok(events
        .into_iter()
        .map(|e| EventRow {
            organisation_ids: orgs.remove(&e.id).unwrap_or_default(),
            lead: leads.get(&e.id).copied(),
            event: e,
        })
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
    /// New participating organisations (the lead stays; an organisation leaves only as
    /// [`leave_event`] allows, and one hosting workshops only by leaving itself).
    pub organisation_ids: Option<Vec<Uuid>>,
    /// New lead organisation, one of the week's (admins).
    pub lead_organisation_id: Option<Uuid>,
    /// New reminder lead time in hours.
    pub reminder_hours_before: Option<u32>,
    /// New no-show policy.
    pub no_show_policy: Option<NoShowPolicy>,
    /// New allocation policy (not once the allocation has run).
    pub allocation: Option<Allocation>,
    /// New number of sessions a person may rank.
    pub max_preferences: Option<u32>,
    /// New approval policy (seats asked for before keep what they had).
    pub approval: Option<Approval>,
    /// New time a manager has to decide (for requests from now on).
    pub approval_hours: Option<u32>,
}

/// A lottery week places everyone at once and mails each their results: it does not (yet) ask
/// managers first, so the two policies do not go together.
fn check_approval_with(allocation: Allocation, approval: Approval) -> Result<()> {
    if allocation == Allocation::Lottery && approval == Approval::Manager {
        return Err(FieldError::new("approval", Invalid::Outside { what: "what a lottery week allows" }).into());
    }
    Ok(())
}

/// What a field naming a week's organisation must lie within.
const WEEKS_ORGANISATIONS: Invalid = Invalid::Outside { what: "the organisations of the week" };

/// An event the actor may lead: "not found" when they may not see it, "forbidden" when they
/// only see it (a partner's organisers).
fn led_event(actor: &Actor, e: &EventRow) -> Result<()> {
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("event"));
    }
    if !actor.may_lead_event(e.lead_or_nil()) {
        return Err(StoreError::Forbidden);
    }
    Ok(())
}

/// Change an event (the lead organisation's organisers and admins).
pub async fn update_event(store: &Store, actor: &Actor, id: Uuid, p: EventPatch, now: DateTime<Utc>) -> Result<Event> {
    if let Some(orgs) = &p.organisation_ids {
        check_organisations(store.conn(), orgs, "organisation_ids").await?;
    }
    let txn = store.write().await?;
    let current = load_event(&*txn, id).await?.ok_or(StoreError::NotFound("event"))?;
    led_event(actor, &current)?;
    if p.lead_organisation_id.is_some() && !actor.may_change_lead() {
        return Err(StoreError::Forbidden);
    }
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
    if let Some(n) = p.name.clone() {
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
    if let Some(a) = p.allocation
        && a.as_str() != e.allocation
    {
        // The places a lottery gave stay what they are: the policy is fixed once it ran.
        if e.allocated_at.is_some() {
            return Err(Conflict::AllocationDone.into());
        }
        am.allocation = Set(a.as_str().to_owned());
    }
    if let Some(n) = p.max_preferences {
        am.max_preferences = Set(n as i32);
    }
    if let Some(a) = p.approval {
        am.approval = Set(a.as_str().to_owned());
    }
    if let Some(h) = p.approval_hours {
        am.approval_hours = Set(h as i32);
    }
    let allocation = p.allocation.unwrap_or_else(|| crate::mapping::allocation(&e.allocation));
    check_approval_with(allocation, p.approval.unwrap_or_else(|| crate::mapping::approval_policy(&e.approval)))?;
    am.updated_at = Set(now);
    let updated = am.update(&*txn).await?;
    let (organisation_ids, lead) = partners::change_list(&*txn, actor, &current, &p, now).await?;
    let before = serde_json::json!({ "event": e, "organisation_ids": &current.organisation_ids, "lead_organisation_id": current.lead });
    let after =
        serde_json::json!({ "event": &updated, "organisation_ids": &organisation_ids, "lead_organisation_id": lead });
    audit::record(&*txn, Some(actor.person_id), "event.update", ("event", id), Some(&before), Some(&after), now)
        .await?;
    txn.commit().await?;
    Ok(EventRow { event: updated, organisation_ids, lead: Some(lead) }.to_event())
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
    led_event(actor, &current)?;
    let from = current.status();
    if from == to {
        return Ok(current.to_event());
    }
    if from.next() != Some(to) {
        return Err(Conflict::StatusTransition { from: from.as_str().into(), to: to.as_str().into() }.into());
    }
    let mut am: event::ActiveModel = current.event.clone().into();
    am.status = Set(to.as_str().to_owned());
    if to == EventStatus::Archived {
        am.archived_at = Set(Some(now));
    }
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
    Ok(EventRow { event: updated, organisation_ids: current.organisation_ids, lead: current.lead }.to_event())
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
