//! Sessions of a workshop, with their seats and per-organisation quotas: creation, changes
//! (which tell everyone enrolled), cancellation, messages to participants, and whom to ask.

mod contacts;
mod message;

pub use contacts::host_contacts;
pub use message::{Recipients, message_participants};

use crate::enrolments::waiting::{cancel_all_in_session, promote_waiting};
use crate::entities::{enrolment, person, session, session_quota, workshop};
use crate::lookup::{
    attendance_recorded, editable_workshop, insert_quotas, load_event, load_workshop, lock_session, quota_use, seats_of,
};
use crate::outbox::{self, CalendarMethod, MailKind, NewMail};
use crate::{Conflict, Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::Attendance;
use leerweek_domain::event::EventSchedule;
use leerweek_domain::rules::{check_quota_organisations, check_where};
use leerweek_domain::session::{Capacity, Location, QuotaUse, Seats, Session, TimeRange};
use leerweek_domain::text::{OnlineUrl, ShortText};
use leerweek_domain::workshop::Workshop;
use leerweek_domain::{EnrolmentStatus, FieldError, Invalid, SessionStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

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
    /// The session.
    pub session: Session,
    /// Its workshop.
    pub workshop: Workshop,
    /// Its quotas and their use.
    pub quotas: Vec<QuotaUse>,
    /// Seats the viewer could take now.
    pub seats_left: u32,
}

impl SessionView {
    fn of(s: &session::Model, w: &workshop::Model, quotas: Vec<QuotaUse>, seats_left: u32) -> Self {
        SessionView { session: mapping::session(s), workshop: mapping::workshop(w), quotas, seats_left }
    }
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

/// Whether a session may start at this instant: on one of its week's days.
fn check_day(schedule: &EventSchedule, start: DateTime<Utc>) -> Result<()> {
    if !schedule.contains_day_of(start) {
        return Err(FieldError::new("starts_at", Invalid::Outside { what: "the days of the event" }).into());
    }
    Ok(())
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
    let (w, e) = editable_workshop(&*txn, actor, workshop_id, "workshop").await?;
    if w.cancelled() {
        return Err(Conflict::Cancelled.into());
    }
    let schedule = schedule_of(&e)?;
    check_day(&schedule, s.time.start())?;
    check_where(mapping::format(&w.workshop.format), &s.location, s.online_url.as_ref())?;
    check_trainer(&*txn, s.trainer_id).await?;
    let quotas = leerweek_domain::session::validate_quotas(s.capacity, &s.quotas)?;
    check_quota_organisations(&s.quotas, &e.organisation_ids)?;
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
    Ok(SessionView::of(&m, &w.workshop, quotas, seats.free_for(actor.organisation_id, now)))
}

/// The days and window of a week, as the session rules need them.
fn schedule_of(e: &crate::lookup::EventRow) -> Result<EventSchedule> {
    Ok(EventSchedule::new(
        e.event.starts_on,
        e.event.ends_on,
        e.time_zone(),
        e.event.enrolment_opens_at,
        e.event.enrolment_closes_at,
    )?)
}

/// One session, if its event is visible.
pub async fn get_session(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<SessionView> {
    let s = session::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("session"))?;
    let e = load_event(store.conn(), s.event_id).await?.ok_or(StoreError::NotFound("session"))?;
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("session"));
    }
    let w =
        workshop::Entity::find_by_id(s.workshop_id).one(store.conn()).await?.ok_or(StoreError::NotFound("session"))?;
    let quotas = quota_use(store.conn(), id).await?;
    let seats = seats_of(&s, quotas.clone());
    Ok(SessionView::of(&s, &w, quotas, seats.free_for(actor.organisation_id, now)))
}

/// Sessions of a workshop, by start, each as [`get_session`] shows it.
pub async fn sessions_of_workshop(
    store: &Store,
    actor: &Actor,
    workshop_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<SessionView>> {
    let w = load_workshop(store.conn(), workshop_id).await?.ok_or(StoreError::NotFound("workshop"))?;
    let e = load_event(store.conn(), w.workshop.event_id).await?.ok_or(StoreError::NotFound("workshop"))?;
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("workshop"));
    }
    let rows = session::Entity::find()
        .filter(session::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(session::Column::StartsAt)
        .all(store.conn())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for s in rows {
        out.push(get_session(store, actor, s.id, now).await?);
    }
    Ok(out)
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
    let (w, e) = editable_workshop(&*txn, actor, s.workshop_id, "session").await?;
    if mapping::session_status(&s.status) == SessionStatus::Cancelled {
        return Err(Conflict::Cancelled.into());
    }
    let time = TimeRange::new(p.starts_at.unwrap_or(s.starts_at), p.ends_at.unwrap_or(s.ends_at))?;
    check_day(&schedule_of(&e)?, time.start())?;
    let capacity =
        Capacity::parse(p.capacity.unwrap_or(s.capacity as i64)).map_err(|e| FieldError::new("capacity", e))?;
    if (capacity.get() as i32) < s.confirmed_count {
        return Err(Conflict::CapacityBelowConfirmed { confirmed: s.confirmed_count as u32 }.into());
    }
    let location = p
        .location
        .clone()
        .unwrap_or_else(|| Location::from_stored(s.venue.as_deref(), s.room.as_deref(), s.address.as_deref()));
    let online_url = match p.online_url.clone() {
        Some(u) => u,
        None => s.online_url.as_deref().and_then(|u| OnlineUrl::parse(u).ok()),
    };
    check_where(mapping::format(&w.workshop.format), &location, online_url.as_ref())?;
    if let Some(q) = &p.quotas {
        let parsed = leerweek_domain::session::validate_quotas(capacity, q)?;
        check_quota_organisations(q, &e.organisation_ids)?;
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
        tell_about_the_move(&*txn, &updated, now).await?;
    }
    if promote_waiting(&*txn, &updated, now).await? > 0 {
        updated = session::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?;
    }
    audit::record(&*txn, Some(actor.person_id), "session.update", ("session", id), Some(&s), Some(&updated), now)
        .await?;
    let quotas = quota_use(&*txn, id).await?;
    txn.commit().await?;
    let seats = seats_of(&updated, quotas.clone());
    Ok(SessionView::of(&updated, &w.workshop, quotas, seats.free_for(actor.organisation_id, now)))
}

/// A session moved in time or place: those present are credited its new length, and everyone
/// enrolled is told (those with a seat with the changed appointment).
async fn tell_about_the_move(c: &impl ConnectionTrait, updated: &session::Model, now: DateTime<Utc>) -> Result<()> {
    enrolment::Entity::update_many()
        .col_expr(
            enrolment::Column::CreditedMinutes,
            sea_orm::sea_query::Expr::value(crate::attendance::minutes_of(updated)),
        )
        .filter(enrolment::Column::SessionId.eq(updated.id))
        .filter(enrolment::Column::Attendance.eq(Attendance::Present.as_str()))
        .exec(c)
        .await?;
    let active = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(updated.id))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
        .all(c)
        .await?;
    let snapshot = outbox::session_snapshot(c, updated).await?;
    for en in active {
        let confirmed = mapping::enrolment_status(&en.status) == EnrolmentStatus::Confirmed;
        outbox::enqueue(
            c,
            NewMail {
                kind: MailKind::SessionChanged,
                person_id: en.person_id,
                enrolment_id: Some(en.id),
                session: Some(&snapshot),
                // Waiting people have no appointment yet: they get the news without an invite. A
                // seat waiting for approval keeps its appointment tentative.
                calendar: confirmed.then_some(CalendarMethod::Request),
                extra: serde_json::json!({"tentative": en.approval.as_deref() == Some("pending")}),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Cancel a session: every active enrolment is cancelled and told by mail.
pub async fn cancel_session(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<SessionView> {
    let txn = store.write().await?;
    let s = lock_session(&*txn, store, id).await?.ok_or(StoreError::NotFound("session"))?;
    let (w, _) = editable_workshop(&*txn, actor, s.workshop_id, "session").await?;
    let cancelled = mapping::session_status(&s.status) == SessionStatus::Cancelled;
    if !cancelled && attendance_recorded(&*txn, s.id).await? {
        return Err(Conflict::AttendanceRecorded.into());
    }
    let updated = if cancelled { s } else { cancel_session_in(&*txn, actor, s, now).await? };
    txn.commit().await?;
    Ok(SessionView::of(&updated, &w.workshop, vec![], 0))
}

/// Cancel a (locked) session in the caller's transaction: its row, every active enrolment (each
/// told by mail), and the audit entry.
pub(crate) async fn cancel_session_in(
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
