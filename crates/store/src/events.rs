//! Development weeks, workshops and sessions: creation, changes, and the programme.

use crate::enrolments::{cancel_all_in_session, promote_waiting};
use crate::entities::{
    enrolment, event, event_organisation, organisation, person, session, session_quota, workshop, workshop_audience,
};
use crate::outbox::{self, CalendarMethod, MailKind, NewMail};
use crate::{Conflict, Result, Store, StoreError, audit};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::NoShowPolicy;
use leerweek_domain::event::{EventPolicy, EventSchedule};
use leerweek_domain::session::{Capacity, Quota, QuotaUse, Seats, TimeRange};
use leerweek_domain::text::{Description, MessageBody, MessageSubject, Name, OnlineUrl, ShortText, Theme, Title};
use leerweek_domain::{AudienceKind, EventStatus, FieldError, Invalid, Language, SessionStatus, WorkshopFormat};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
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

/// An event with its participating organisations.
#[derive(Debug, Clone)]
pub struct EventView {
    /// The row.
    pub event: event::Model,
    /// Participating organisations.
    pub organisation_ids: Vec<Uuid>,
}

impl EventView {
    /// The event's time zone (Amsterdam if the stored name were ever unknown).
    pub fn time_zone(&self) -> Tz {
        self.event.time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam)
    }

    /// The enrolment policy.
    pub fn policy(&self) -> EventPolicy {
        policy_of(&self.event)
    }
}

pub(crate) fn policy_of(e: &event::Model) -> EventPolicy {
    EventPolicy {
        status: EventStatus::parse(&e.status).unwrap_or(EventStatus::Draft),
        enrolment_opens_at: e.enrolment_opens_at,
        enrolment_closes_at: e.enrolment_closes_at,
        cancellation_deadline_hours: e.cancellation_deadline_hours.max(0) as u32,
        max_enrolments_per_person: e.max_enrolments_per_person.map(|n| n.max(1) as u32),
    }
}

async fn check_organisations(c: &impl ConnectionTrait, ids: &[Uuid], field: &str) -> Result<()> {
    if ids.is_empty() {
        return Err(FieldError::new(field, Invalid::Required).into());
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(FieldError::new(format!("{field}[{i}]"), Invalid::Duplicate).into());
        }
        if organisation::Entity::find_by_id(*id).one(c).await?.is_none() {
            return Err(StoreError::UnknownReference { field: format!("{field}[{i}]") });
        }
    }
    Ok(())
}

/// Create a development week in draft. The actor must organise for one of its organisations.
pub async fn create_event(store: &Store, actor: &Actor, e: NewEvent, now: DateTime<Utc>) -> Result<EventView> {
    check_organisations(store.conn(), &e.organisation_ids, "organisation_ids").await?;
    if !actor.organises_any(&e.organisation_ids) {
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
    Ok(EventView { event: m, organisation_ids: e.organisation_ids })
}

pub(crate) async fn load_event(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<EventView>> {
    let Some(m) = event::Entity::find_by_id(id).one(c).await? else { return Ok(None) };
    let orgs = event_organisation::Entity::find()
        .filter(event_organisation::Column::EventId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.organisation_id)
        .collect();
    Ok(Some(EventView { event: m, organisation_ids: orgs }))
}

/// Whether the actor may see the event: participants see it once published; its organisers
/// and admins always.
pub fn can_see(actor: &Actor, e: &EventView) -> bool {
    if actor.is_admin() || actor.organises_any(&e.organisation_ids) {
        return true;
    }
    e.organisation_ids.contains(&actor.organisation_id) && e.event.status != EventStatus::Draft.as_str()
}

/// One event, if visible.
pub async fn get_event(store: &Store, actor: &Actor, id: Uuid) -> Result<EventView> {
    match load_event(store.conn(), id).await? {
        Some(e) if can_see(actor, &e) => Ok(e),
        _ => Err(StoreError::NotFound("event")),
    }
}

/// The events the actor may see, newest first.
pub async fn list_events(store: &Store, actor: &Actor) -> Result<Vec<EventView>> {
    let events = event::Entity::find().order_by_desc(event::Column::StartsOn).all(store.conn()).await?;
    let links = event_organisation::Entity::find().all(store.conn()).await?;
    let mut orgs: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for l in links {
        orgs.entry(l.event_id).or_default().push(l.organisation_id);
    }
    Ok(events
        .into_iter()
        .map(|e| EventView { organisation_ids: orgs.remove(&e.id).unwrap_or_default(), event: e })
        .filter(|v| can_see(actor, v))
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

fn editable_event(actor: &Actor, e: &EventView) -> Result<()> {
    if !can_see(actor, e) {
        return Err(StoreError::NotFound("event"));
    }
    if !actor.organises_any(&e.organisation_ids) {
        return Err(StoreError::Forbidden);
    }
    Ok(())
}

/// Change an event (its organisers and admins).
pub async fn update_event(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    p: EventPatch,
    now: DateTime<Utc>,
) -> Result<EventView> {
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
        if !actor.organises_any(&orgs) {
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
    Ok(EventView { event: updated, organisation_ids })
}

/// Move an event along its life cycle (draft → published → closed → archived). Asking for the
/// status it already has changes nothing.
pub async fn set_event_status(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    to: EventStatus,
    now: DateTime<Utc>,
) -> Result<EventView> {
    let txn = store.write().await?;
    let current = load_event(&*txn, id).await?.ok_or(StoreError::NotFound("event"))?;
    editable_event(actor, &current)?;
    let from = EventStatus::parse(&current.event.status).unwrap_or(EventStatus::Draft);
    if from == to {
        return Ok(current);
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
    Ok(EventView { event: updated, organisation_ids: current.organisation_ids })
}

/// A workshop to create, parsed.
#[derive(Debug, Clone)]
pub struct NewWorkshop {
    /// Title.
    pub title: Title,
    /// Description.
    pub description: Description,
    /// Theme, lower case.
    pub theme: Theme,
    /// Host organisation (a participating one).
    pub host_organisation_id: Uuid,
    /// Trainer.
    pub trainer: Option<ShortText>,
    /// Language it is given in.
    pub language: Language,
    /// On site, online or hybrid.
    pub format: WorkshopFormat,
    /// Who may enrol.
    pub audience: AudienceKind,
    /// Listed organisations for [`AudienceKind::Listed`].
    pub audience_organisation_ids: Vec<Uuid>,
}

/// A workshop with its audience list.
#[derive(Debug, Clone)]
pub struct WorkshopView {
    /// The row.
    pub workshop: workshop::Model,
    /// Listed organisations.
    pub audience_organisation_ids: Vec<Uuid>,
}

fn check_audience(kind: AudienceKind, listed: &[Uuid], participating: &[Uuid]) -> Result<()> {
    if kind == AudienceKind::Listed && listed.is_empty() {
        return Err(FieldError::new("audience_organisation_ids", Invalid::Required).into());
    }
    for (i, o) in listed.iter().enumerate() {
        if !participating.contains(o) {
            return Err(StoreError::UnknownReference { field: format!("audience_organisation_ids[{i}]") });
        }
        if listed[..i].contains(o) {
            return Err(FieldError::new(format!("audience_organisation_ids[{i}]"), Invalid::Duplicate).into());
        }
    }
    Ok(())
}

/// Add a workshop to an event. The host must take part in the event; the actor must organise for the host.
pub async fn create_workshop(
    store: &Store,
    actor: &Actor,
    event_id: Uuid,
    w: NewWorkshop,
    now: DateTime<Utc>,
) -> Result<WorkshopView> {
    let txn = store.write().await?;
    let e = load_event(&*txn, event_id).await?.filter(|e| can_see(actor, e)).ok_or(StoreError::NotFound("event"))?;
    if !e.organisation_ids.contains(&w.host_organisation_id) {
        return Err(StoreError::UnknownReference { field: "host_organisation_id".into() });
    }
    if !actor.organises_for(w.host_organisation_id) {
        return Err(StoreError::Forbidden);
    }
    check_audience(w.audience, &w.audience_organisation_ids, &e.organisation_ids)?;
    let m = workshop::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(event_id),
        title: Set(w.title.into_inner()),
        description: Set(w.description.into_inner()),
        theme: Set(w.theme.into_inner()),
        trainer: Set(w.trainer.map(ShortText::into_inner).filter(|t| !t.is_empty())),
        host_organisation_id: Set(w.host_organisation_id),
        language: Set(w.language.as_str().to_owned()),
        format: Set(w.format.as_str().to_owned()),
        audience: Set(w.audience.as_str().to_owned()),
        status: Set(SessionStatus::Scheduled.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    for org in &w.audience_organisation_ids {
        workshop_audience::ActiveModel { workshop_id: Set(m.id), organisation_id: Set(*org) }.insert(&*txn).await?;
    }
    audit::record(&*txn, Some(actor.person_id), "workshop.create", ("workshop", m.id), None::<&()>, Some(&m), now)
        .await?;
    txn.commit().await?;
    Ok(WorkshopView { workshop: m, audience_organisation_ids: w.audience_organisation_ids })
}

pub(crate) async fn load_workshop(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<WorkshopView>> {
    let Some(w) = workshop::Entity::find_by_id(id).one(c).await? else { return Ok(None) };
    let listed = workshop_audience::Entity::find()
        .filter(workshop_audience::Column::WorkshopId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.organisation_id)
        .collect();
    Ok(Some(WorkshopView { workshop: w, audience_organisation_ids: listed }))
}

/// A workshop the actor may change, with its event; not-found when invisible, forbidden when only visible.
async fn editable_workshop(c: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<(WorkshopView, EventView)> {
    let w = load_workshop(c, id).await?.ok_or(StoreError::NotFound("workshop"))?;
    let e = load_event(c, w.workshop.event_id).await?.ok_or(StoreError::NotFound("workshop"))?;
    if !can_see(actor, &e) {
        return Err(StoreError::NotFound("workshop"));
    }
    if !actor.organises_for(w.workshop.host_organisation_id) {
        return Err(StoreError::Forbidden);
    }
    Ok((w, e))
}

/// One workshop, if its event is visible.
pub async fn get_workshop(store: &Store, actor: &Actor, id: Uuid) -> Result<WorkshopView> {
    let w = load_workshop(store.conn(), id).await?.ok_or(StoreError::NotFound("workshop"))?;
    let e = load_event(store.conn(), w.workshop.event_id).await?.ok_or(StoreError::NotFound("workshop"))?;
    if can_see(actor, &e) { Ok(w) } else { Err(StoreError::NotFound("workshop")) }
}

/// Changes to a workshop; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct WorkshopPatch {
    /// Title.
    pub title: Option<Title>,
    /// Description.
    pub description: Option<Description>,
    /// Theme.
    pub theme: Option<Theme>,
    /// Trainer (`Some(None)` removes).
    pub trainer: Option<Option<ShortText>>,
    /// Language.
    pub language: Option<Language>,
    /// Format.
    pub format: Option<WorkshopFormat>,
    /// Audience with its list.
    pub audience: Option<(AudienceKind, Vec<Uuid>)>,
}

/// Change a workshop (organisers of its host, admins).
pub async fn update_workshop(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    p: WorkshopPatch,
    now: DateTime<Utc>,
) -> Result<WorkshopView> {
    let txn = store.write().await?;
    let (w, e) = editable_workshop(&*txn, actor, id).await?;
    if w.workshop.status == SessionStatus::Cancelled.as_str() {
        return Err(Conflict::Cancelled.into());
    }
    let mut am: workshop::ActiveModel = w.workshop.clone().into();
    if let Some(t) = p.title {
        am.title = Set(t.into_inner());
    }
    if let Some(d) = p.description {
        am.description = Set(d.into_inner());
    }
    if let Some(t) = p.theme {
        am.theme = Set(t.into_inner());
    }
    if let Some(t) = p.trainer {
        am.trainer = Set(t.map(ShortText::into_inner).filter(|t| !t.is_empty()));
    }
    if let Some(l) = p.language {
        am.language = Set(l.as_str().to_owned());
    }
    if let Some(f) = p.format {
        am.format = Set(f.as_str().to_owned());
    }
    let mut listed = w.audience_organisation_ids.clone();
    if let Some((kind, orgs)) = p.audience {
        check_audience(kind, &orgs, &e.organisation_ids)?;
        am.audience = Set(kind.as_str().to_owned());
        workshop_audience::Entity::delete_many()
            .filter(workshop_audience::Column::WorkshopId.eq(id))
            .exec(&*txn)
            .await?;
        for org in &orgs {
            workshop_audience::ActiveModel { workshop_id: Set(id), organisation_id: Set(*org) }.insert(&*txn).await?;
        }
        listed = orgs;
    }
    am.updated_at = Set(now);
    let updated = am.update(&*txn).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "workshop.update",
        ("workshop", id),
        Some(&w.workshop),
        Some(&updated),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(WorkshopView { workshop: updated, audience_organisation_ids: listed })
}

/// Cancel a workshop and every session of it; everyone enrolled is told by mail.
pub async fn cancel_workshop(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<WorkshopView> {
    let txn = store.write().await?;
    let (w, _) = editable_workshop(&*txn, actor, id).await?;
    if w.workshop.status == SessionStatus::Cancelled.as_str() {
        return Ok(w);
    }
    let sessions = session::Entity::find().filter(session::Column::WorkshopId.eq(id)).all(&*txn).await?;
    for s in sessions {
        // Lock each session so no enrolment slips in between reading and cancelling its list.
        let Some(s) = lock_session(&*txn, store, s.id).await? else { continue };
        // A session whose attendance was recorded took place: it stays.
        if s.status == SessionStatus::Scheduled.as_str() && !attendance_recorded(&*txn, s.id).await? {
            cancel_session_in(&*txn, actor, s, now).await?;
        }
    }
    let mut am: workshop::ActiveModel = w.workshop.clone().into();
    am.status = Set(SessionStatus::Cancelled.as_str().to_owned());
    am.updated_at = Set(now);
    let updated = am.update(&*txn).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "workshop.cancel",
        ("workshop", id),
        Some(&w.workshop),
        Some(&updated),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(WorkshopView { workshop: updated, audience_organisation_ids: w.audience_organisation_ids })
}

/// Where a session takes place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// Building or venue.
    pub venue: Option<ShortText>,
    /// Room.
    pub room: Option<ShortText>,
    /// Street address.
    pub address: Option<ShortText>,
}

/// A session to create, parsed.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// When.
    pub time: TimeRange,
    /// Seats.
    pub capacity: Capacity,
    /// Where.
    pub location: Location,
    /// Online link.
    pub online_url: Option<OnlineUrl>,
    /// Quotas as given: organisation, seats, release time.
    pub quotas: Vec<(Uuid, i64, DateTime<Utc>)>,
    /// The trainer: a person (of any organisation) who may check people in.
    pub trainer_id: Option<Uuid>,
}

/// A session with what the programme shows of it.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// The row.
    pub session: session::Model,
    /// Its workshop.
    pub workshop: workshop::Model,
    /// Its quotas and their use.
    pub quotas: Vec<QuotaUse>,
    /// Seats the viewer could take now.
    pub seats_left: u32,
}

fn check_where(format: &str, location: &Location, online_url: &Option<OnlineUrl>) -> Result<()> {
    let has_venue = location.venue.as_ref().is_some_and(|v| !v.as_str().is_empty());
    match WorkshopFormat::parse(format).unwrap_or(WorkshopFormat::OnSite) {
        WorkshopFormat::OnSite | WorkshopFormat::Hybrid if !has_venue => {
            Err(FieldError::new("location.venue", Invalid::Required).into())
        }
        WorkshopFormat::Online | WorkshopFormat::Hybrid if online_url.is_none() => {
            Err(FieldError::new("online_url", Invalid::Required).into())
        }
        _ => Ok(()),
    }
}

fn check_quota_orgs(quotas: &[(Uuid, i64, DateTime<Utc>)], participating: &[Uuid]) -> Result<()> {
    for (i, (org, _, _)) in quotas.iter().enumerate() {
        if !participating.contains(org) {
            return Err(StoreError::UnknownReference { field: format!("quotas[{i}].organisation_id") });
        }
    }
    Ok(())
}

async fn check_trainer(c: &impl ConnectionTrait, trainer: Option<Uuid>) -> Result<()> {
    if let Some(t) = trainer
        && person::Entity::find_by_id(t).one(c).await?.is_none()
    {
        return Err(StoreError::UnknownReference { field: "trainer_id".into() });
    }
    Ok(())
}

fn text_of(t: &Option<ShortText>) -> Option<String> {
    t.as_ref().map(|t| t.as_str().to_owned()).filter(|t| !t.is_empty())
}

/// Add a session to a workshop.
pub async fn create_session(
    store: &Store,
    actor: &Actor,
    workshop_id: Uuid,
    s: NewSession,
    now: DateTime<Utc>,
) -> Result<SessionView> {
    let txn = store.write().await?;
    let (w, e) = editable_workshop(&*txn, actor, workshop_id).await?;
    if w.workshop.status == SessionStatus::Cancelled.as_str() {
        return Err(Conflict::Cancelled.into());
    }
    let schedule = EventSchedule::new(
        e.event.starts_on,
        e.event.ends_on,
        e.time_zone(),
        e.event.enrolment_opens_at,
        e.event.enrolment_closes_at,
    )?;
    if !schedule.contains_day_of(s.time.start()) {
        return Err(FieldError::new("starts_at", Invalid::Outside { what: "the days of the event" }).into());
    }
    check_where(&w.workshop.format, &s.location, &s.online_url)?;
    check_trainer(&*txn, s.trainer_id).await?;
    let quotas = leerweek_domain::session::validate_quotas(s.capacity, &s.quotas)?;
    check_quota_orgs(&s.quotas, &e.organisation_ids)?;
    let m = session::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(workshop_id),
        event_id: Set(e.event.id),
        starts_at: Set(s.time.start()),
        ends_at: Set(s.time.end()),
        venue: Set(text_of(&s.location.venue)),
        room: Set(text_of(&s.location.room)),
        address: Set(text_of(&s.location.address)),
        online_url: Set(s.online_url.map(|u| u.as_str().to_owned())),
        capacity: Set(s.capacity.get() as i32),
        confirmed_count: Set(0),
        waitlist_count: Set(0),
        waitlist_next: Set(1),
        status: Set(SessionStatus::Scheduled.as_str().to_owned()),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        trainer_id: Set(s.trainer_id),
        attendance_closed_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    insert_quotas(&*txn, m.id, &quotas).await?;
    audit::record(&*txn, Some(actor.person_id), "session.create", ("session", m.id), None::<&()>, Some(&m), now)
        .await?;
    txn.commit().await?;
    let quotas = quotas.into_iter().map(|quota| QuotaUse { quota, used: 0 }).collect::<Vec<_>>();
    let seats = Seats { capacity: m.capacity as u32, confirmed: 0, quotas: quotas.clone() };
    Ok(SessionView { seats_left: seats.free_for(actor.organisation_id, now), session: m, workshop: w.workshop, quotas })
}

async fn insert_quotas(c: &impl ConnectionTrait, session_id: Uuid, quotas: &[Quota]) -> Result<()> {
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
                    .and_where(enrolment::Column::Status.eq("confirmed"))
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

/// One session, if its event is visible.
pub async fn get_session(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<SessionView> {
    let s = session::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("session"))?;
    let e = load_event(store.conn(), s.event_id).await?.ok_or(StoreError::NotFound("session"))?;
    if !can_see(actor, &e) {
        return Err(StoreError::NotFound("session"));
    }
    let w =
        workshop::Entity::find_by_id(s.workshop_id).one(store.conn()).await?.ok_or(StoreError::NotFound("session"))?;
    let quotas = quota_use(store.conn(), id).await?;
    let seats = seats_of(&s, quotas.clone());
    Ok(SessionView { seats_left: seats.free_for(actor.organisation_id, now), session: s, workshop: w, quotas })
}

/// Changes to a session; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct SessionPatch {
    /// New start.
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// New capacity (more seats promote from the waiting list).
    pub capacity: Option<i64>,
    /// New place.
    pub location: Option<Location>,
    /// New online link (`Some(None)` removes).
    pub online_url: Option<Option<OnlineUrl>>,
    /// New quotas (replace all).
    pub quotas: Option<Vec<(Uuid, i64, DateTime<Utc>)>>,
    /// New trainer (`Some(None)` removes).
    pub trainer_id: Option<Option<Uuid>>,
}

/// Change a session. A change of time or place raises its calendar sequence and tells
/// everyone enrolled; more capacity promotes from the waiting list; less than the confirmed
/// enrolments is refused.
pub async fn update_session(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    p: SessionPatch,
    now: DateTime<Utc>,
) -> Result<SessionView> {
    let txn = store.write().await?;
    let s = lock_session(&*txn, store, id).await?.ok_or(StoreError::NotFound("session"))?;
    let (w, e) = editable_workshop(&*txn, actor, s.workshop_id).await.map_err(|err| match err {
        StoreError::NotFound(_) => StoreError::NotFound("session"),
        other => other,
    })?;
    if s.status == SessionStatus::Cancelled.as_str() {
        return Err(Conflict::Cancelled.into());
    }
    let time = TimeRange::new(p.starts_at.unwrap_or(s.starts_at), p.ends_at.unwrap_or(s.ends_at))?;
    let schedule = EventSchedule::new(
        e.event.starts_on,
        e.event.ends_on,
        e.time_zone(),
        e.event.enrolment_opens_at,
        e.event.enrolment_closes_at,
    )?;
    if !schedule.contains_day_of(time.start()) {
        return Err(FieldError::new("starts_at", Invalid::Outside { what: "the days of the event" }).into());
    }
    let capacity = match p.capacity {
        Some(c) => Capacity::parse(c).map_err(|e| FieldError::new("capacity", e))?,
        None => Capacity::parse(s.capacity as i64).map_err(|e| FieldError::new("capacity", e))?,
    };
    if (capacity.get() as i32) < s.confirmed_count {
        return Err(Conflict::CapacityBelowConfirmed { confirmed: s.confirmed_count as u32 }.into());
    }
    let location = p.location.clone().unwrap_or(Location {
        venue: s.venue.as_deref().and_then(|v| ShortText::parse(v).ok()),
        room: s.room.as_deref().and_then(|v| ShortText::parse(v).ok()),
        address: s.address.as_deref().and_then(|v| ShortText::parse(v).ok()),
    });
    let online_url = match p.online_url.clone() {
        Some(u) => u,
        None => s.online_url.as_deref().and_then(|u| OnlineUrl::parse(u).ok()),
    };
    check_where(&w.workshop.format, &location, &online_url)?;
    if let Some(q) = &p.quotas {
        let parsed = leerweek_domain::session::validate_quotas(capacity, q)?;
        check_quota_orgs(q, &e.organisation_ids)?;
        session_quota::Entity::delete_many().filter(session_quota::Column::SessionId.eq(id)).exec(&*txn).await?;
        insert_quotas(&*txn, id, &parsed).await?;
    } else {
        let current: Vec<_> = quota_use(&*txn, id)
            .await?
            .into_iter()
            .map(|q| (q.quota.organisation_id, q.quota.seats as i64, q.quota.release_at))
            .collect();
        leerweek_domain::session::validate_quotas(capacity, &current)?;
    }
    let moved = time.start() != s.starts_at
        || time.end() != s.ends_at
        || text_of(&location.venue) != s.venue
        || text_of(&location.room) != s.room
        || text_of(&location.address) != s.address
        || online_url.as_ref().map(|u| u.as_str().to_owned()) != s.online_url;
    let mut am: session::ActiveModel = s.clone().into();
    am.starts_at = Set(time.start());
    am.ends_at = Set(time.end());
    am.capacity = Set(capacity.get() as i32);
    am.venue = Set(text_of(&location.venue));
    am.room = Set(text_of(&location.room));
    am.address = Set(text_of(&location.address));
    am.online_url = Set(online_url.map(|u| u.as_str().to_owned()));
    if let Some(t) = p.trainer_id {
        check_trainer(&*txn, t).await?;
        am.trainer_id = Set(t);
    }
    if moved {
        am.sequence = Set(s.sequence + 1);
    }
    am.updated_at = Set(now);
    let mut updated = am.update(&*txn).await?;
    if moved {
        // Those present are credited the session's new length.
        enrolment::Entity::update_many()
            .col_expr(
                enrolment::Column::CreditedMinutes,
                sea_orm::sea_query::Expr::value(crate::attendance::minutes_of(&updated)),
            )
            .filter(enrolment::Column::SessionId.eq(id))
            .filter(enrolment::Column::Attendance.eq("present"))
            .exec(&*txn)
            .await?;
        let active = enrolment::Entity::find()
            .filter(enrolment::Column::SessionId.eq(id))
            .filter(enrolment::Column::Status.ne("cancelled"))
            .all(&*txn)
            .await?;
        let snapshot = outbox::session_snapshot(&*txn, &updated).await?;
        for en in active {
            outbox::enqueue(
                &*txn,
                NewMail {
                    kind: MailKind::SessionChanged,
                    person_id: en.person_id,
                    enrolment_id: Some(en.id),
                    session: Some(&snapshot),
                    // Waiting people have no appointment yet: they get the news without an invite.
                    calendar: (en.status == "confirmed").then_some(CalendarMethod::Request),
                    extra: serde_json::json!({}),
                },
                now,
            )
            .await?;
        }
    }
    if promote_waiting(&*txn, &updated, now).await? > 0 {
        updated = session::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?;
    }
    audit::record(&*txn, Some(actor.person_id), "session.update", ("session", id), Some(&s), Some(&updated), now)
        .await?;
    let quotas = quota_use(&*txn, id).await?;
    txn.commit().await?;
    let seats = seats_of(&updated, quotas.clone());
    Ok(SessionView {
        seats_left: seats.free_for(actor.organisation_id, now),
        session: updated,
        workshop: w.workshop,
        quotas,
    })
}

/// Lock a session row for the rest of the transaction (PostgreSQL `FOR NO KEY UPDATE`, which
/// still lets other transactions insert rows referring to it; SQLite holds the write lock already).
pub(crate) async fn lock_session(c: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<session::Model>> {
    let q = session::Entity::find_by_id(id);
    let q = if store.is_postgres() { q.lock(sea_orm::sea_query::LockType::NoKeyUpdate) } else { q };
    Ok(q.one(c).await?)
}

/// Cancel a session: every active enrolment is cancelled and told by mail.
pub async fn cancel_session(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<SessionView> {
    let txn = store.write().await?;
    let s = lock_session(&*txn, store, id).await?.ok_or(StoreError::NotFound("session"))?;
    let (w, _) = editable_workshop(&*txn, actor, s.workshop_id).await.map_err(|err| match err {
        StoreError::NotFound(_) => StoreError::NotFound("session"),
        other => other,
    })?;
    if s.status != SessionStatus::Cancelled.as_str() && attendance_recorded(&*txn, s.id).await? {
        return Err(Conflict::AttendanceRecorded.into());
    }
    let updated =
        if s.status == SessionStatus::Cancelled.as_str() { s } else { cancel_session_in(&*txn, actor, s, now).await? };
    txn.commit().await?;
    Ok(SessionView { seats_left: 0, session: updated, workshop: w.workshop, quotas: vec![] })
}

/// Whom a message to a session goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipients {
    /// Everyone with a seat.
    Confirmed,
    /// Everyone with a seat and everyone on the waiting list.
    ConfirmedAndWaiting,
}

/// Send a message to a session's participants (organisers of the host, admins, the session's
/// trainer): one mail each, queued in one transaction with an audit entry. Returns how many.
pub async fn message_participants(
    store: &Store,
    actor: &Actor,
    session_id: Uuid,
    subject: &MessageSubject,
    body: &MessageBody,
    to: Recipients,
    now: DateTime<Utc>,
) -> Result<u64> {
    use crate::entities::person;
    let txn = store.write().await?;
    let s = session::Entity::find_by_id(session_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?;
    if s.trainer_id != Some(actor.person_id) {
        editable_workshop(&*txn, actor, s.workshop_id).await.map_err(|err| match err {
            StoreError::NotFound(_) => StoreError::NotFound("session"),
            other => other,
        })?;
    }
    let statuses: &[&str] = match to {
        Recipients::Confirmed => &["confirmed"],
        Recipients::ConfirmedAndWaiting => &["confirmed", "waitlisted"],
    };
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(enrolment::Column::CreatedAt)
        .all(&*txn)
        .await?;
    let sender = person::Entity::find_by_id(actor.person_id).one(&*txn).await?.map(|p| p.name).unwrap_or_default();
    let snapshot = outbox::session_snapshot(&*txn, &s).await?;
    let extra = serde_json::json!({ "subject": subject.as_str(), "body": body.as_str(), "sender": sender });
    for e in &rows {
        outbox::enqueue(
            &*txn,
            NewMail {
                kind: MailKind::SessionMessage,
                person_id: e.person_id,
                enrolment_id: Some(e.id),
                session: Some(&snapshot),
                calendar: None,
                extra: extra.clone(),
            },
            now,
        )
        .await?;
    }
    let count = rows.len() as u64;
    let after = serde_json::json!({ "subject": subject.as_str(), "recipients": count,
        "waiting_list": to == Recipients::ConfirmedAndWaiting });
    audit::record(&*txn, Some(actor.person_id), "session.message", ("session", s.id), None::<&()>, Some(&after), now)
        .await?;
    txn.commit().await?;
    Ok(count)
}

async fn attendance_recorded(c: &impl ConnectionTrait, session_id: Uuid) -> Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Attendance.is_not_null())
        .count(c)
        .await?
        > 0)
}

async fn cancel_session_in(
    c: &impl ConnectionTrait,
    actor: &Actor,
    s: session::Model,
    now: DateTime<Utc>,
) -> Result<session::Model> {
    let mut am: session::ActiveModel = s.clone().into();
    am.status = Set(SessionStatus::Cancelled.as_str().to_owned());
    am.confirmed_count = Set(0);
    am.waitlist_count = Set(0);
    am.sequence = Set(s.sequence + 1);
    am.updated_at = Set(now);
    let updated = am.update(c).await?;
    let snapshot = outbox::session_snapshot(c, &updated).await?;
    cancel_all_in_session(c, actor, s.id, &snapshot, now).await?;
    audit::record(c, Some(actor.person_id), "session.cancel", ("session", s.id), Some(&s), Some(&updated), now).await?;
    Ok(updated)
}

/// Filters of the programme.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    /// Only sessions starting on this day (event time zone).
    pub day: Option<NaiveDate>,
    /// Only this theme.
    pub theme: Option<String>,
    /// Only workshops hosted by this organisation.
    pub organisation_id: Option<Uuid>,
    /// Only this format.
    pub format: Option<WorkshopFormat>,
    /// Text to find in title, description, trainer or theme (case-insensitive).
    pub q: Option<String>,
    /// Only sessions with a seat the viewer could take.
    pub available: bool,
}

/// One line of the programme.
#[derive(Debug, Clone)]
pub struct ProgrammeItem {
    /// The session.
    pub session: session::Model,
    /// Its workshop.
    pub workshop: workshop::Model,
    /// Seats the viewer could take.
    pub seats_left: u32,
}

/// What the programme of an event shows every viewer, before filters and before the viewer's
/// own seats: the event, and its scheduled sessions of scheduled workshops by start time with
/// their seat counters and quotas. The API shares one read among many viewers for a moment;
/// nothing that decides an enrolment reads it.
#[derive(Debug, Clone)]
pub struct ProgrammeData {
    /// The event (whoever may see it).
    pub event: EventView,
    /// Its sessions, by start time.
    pub entries: Vec<ProgrammeEntry>,
}

/// One session of [`ProgrammeData`].
#[derive(Debug, Clone)]
pub struct ProgrammeEntry {
    /// The session, with its counters.
    pub session: session::Model,
    /// Its workshop.
    pub workshop: workshop::Model,
    /// Its quotas and their use (empty for most sessions).
    pub quotas: Vec<QuotaUse>,
}

impl ProgrammeEntry {
    /// Seats a person of `organisation` could take at `now`.
    pub fn seats_left(&self, organisation: Uuid, now: DateTime<Utc>) -> u32 {
        if self.quotas.is_empty() {
            (self.session.capacity - self.session.confirmed_count).max(0) as u32
        } else {
            seats_of(&self.session, self.quotas.clone()).free_for(organisation, now)
        }
    }
}

impl ProgrammeFilter {
    /// Whether the entry passes every filter but `available` (which depends on the viewer).
    pub fn matches(&self, e: &ProgrammeEntry, tz: Tz) -> bool {
        let (s, w) = (&e.session, &e.workshop);
        if self.day.is_some_and(|d| s.starts_at.with_timezone(&tz).date_naive() != d)
            || self.theme.as_ref().is_some_and(|t| w.theme != t.trim().to_lowercase())
            || self.organisation_id.is_some_and(|o| w.host_organisation_id != o)
            || self.format.is_some_and(|fm| w.format != fm.as_str())
        {
            return false;
        }
        match &self.q {
            Some(q) => {
                let q = q.to_lowercase();
                [w.title.as_str(), w.description.as_str(), w.theme.as_str(), w.trainer.as_deref().unwrap_or("")]
                    .iter()
                    .any(|h| h.to_lowercase().contains(q.as_str()))
            }
            None => true,
        }
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.day.is_none()
            && self.theme.is_none()
            && self.organisation_id.is_none()
            && self.format.is_none()
            && self.q.is_none()
            && !self.available
    }
}

/// Read [`ProgrammeData`] of an event, for any viewer (`None`: no such event). The caller checks
/// who may see it ([`can_see`]).
pub async fn programme_data(store: &Store, event_id: Uuid) -> Result<Option<ProgrammeData>> {
    let Some(event) = load_event(store.conn(), event_id).await? else { return Ok(None) };
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::EventId.eq(event_id))
        .filter(workshop::Column::Status.eq("scheduled"))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let sessions = session::Entity::find()
        .filter(session::Column::EventId.eq(event_id))
        .filter(session::Column::Status.eq("scheduled"))
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Id)
        .all(store.conn())
        .await?;
    let quota_sessions: Vec<Uuid> = session_quota::Entity::find()
        .select_only()
        .column(session_quota::Column::SessionId)
        .filter(
            session_quota::Column::SessionId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(session::Column::Id)
                    .from(session::Entity)
                    .and_where(session::Column::EventId.eq(event_id))
                    .to_owned(),
            ),
        )
        .distinct()
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut entries = Vec::with_capacity(sessions.len());
    for s in sessions {
        let Some(w) = workshops.get(&s.workshop_id) else { continue };
        let quotas = if quota_sessions.contains(&s.id) { quota_use(store.conn(), s.id).await? } else { vec![] };
        entries.push(ProgrammeEntry { session: s, workshop: w.clone(), quotas });
    }
    Ok(Some(ProgrammeData { event, entries }))
}

/// The programme of an event as the actor sees it: scheduled sessions of scheduled workshops, by
/// start time, with live seat counts, filtered. Cancelled ones are left out.
pub async fn programme(
    store: &Store,
    actor: &Actor,
    event_id: Uuid,
    f: &ProgrammeFilter,
    now: DateTime<Utc>,
) -> Result<(EventView, Vec<ProgrammeItem>)> {
    let data = match programme_data(store, event_id).await? {
        Some(d) if can_see(actor, &d.event) => d,
        _ => return Err(StoreError::NotFound("event")),
    };
    let tz = data.event.time_zone();
    let items = data
        .entries
        .into_iter()
        .filter(|e| f.matches(e, tz))
        .map(|e| ProgrammeItem {
            seats_left: e.seats_left(actor.organisation_id, now),
            session: e.session,
            workshop: e.workshop,
        })
        .filter(|i| !f.available || i.seats_left > 0)
        .collect();
    Ok((data.event, items))
}

/// Distinct themes used in an event, for filters.
pub async fn themes(store: &Store, actor: &Actor, event_id: Uuid) -> Result<Vec<String>> {
    get_event(store, actor, event_id).await?;
    Ok(workshop::Entity::find()
        .select_only()
        .column(workshop::Column::Theme)
        .filter(workshop::Column::EventId.eq(event_id))
        .distinct()
        .order_by_asc(workshop::Column::Theme)
        .into_tuple()
        .all(store.conn())
        .await?)
}

/// Sessions of a workshop, by start.
pub async fn sessions_of_workshop(store: &Store, actor: &Actor, workshop_id: Uuid) -> Result<Vec<session::Model>> {
    get_workshop(store, actor, workshop_id).await?;
    Ok(session::Entity::find()
        .filter(session::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(session::Column::StartsAt)
        .all(store.conn())
        .await?)
}
