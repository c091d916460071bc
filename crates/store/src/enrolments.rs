//! Enrolling, cancelling and promoting from the waiting list: one transaction each, with the
//! seat counter, the outbox row and the audit row committed together.

use crate::entities::{enrolment, person, session, workshop, workshop_audience};
use crate::events::{can_see, load_event, lock_session, policy_of, quota_use, seats_of};
use crate::outbox::{self, CalendarMethod, MailKind, NewMail};
use crate::{Conflict, Result, Store, StoreError, audit, idempotency};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::{
    ActiveEnrolment, Audience, Decision, EnrolRequest, SessionFacts, Waiting, decide, may_cancel, promotion_open,
    promotions,
};
use leerweek_domain::session::TimeRange;
use leerweek_domain::{AudienceKind, EnrolmentStatus, SessionStatus};
use sea_orm::sea_query::{Expr, ExprTrait, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The answer to an enrolment request.
#[derive(Debug, Clone)]
pub struct EnrolOutcome {
    /// The enrolment (new, or the existing one).
    pub enrolment: enrolment::Model,
    /// Place on the waiting list, when waitlisted.
    pub waitlist_position: Option<u32>,
    /// Whether this request created it (false: it already existed).
    pub created: bool,
}

/// Lock a person row for the rest of the transaction (always before any session row).
///
/// `FOR NO KEY UPDATE`, not `FOR UPDATE`: inserting an outbox or enrolment row that refers to
/// a person takes a key-share lock on that person, which `FOR UPDATE` would block — a
/// cancellation promoting B while B enrols elsewhere would then deadlock.
async fn lock_person(c: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<person::Model>> {
    let q = person::Entity::find_by_id(id);
    let q = if store.is_postgres() { q.lock(LockType::NoKeyUpdate) } else { q };
    Ok(q.one(c).await?)
}

/// A new enrolment row, as both enrolment paths (one by one, and [`crate::enrol_batch`]) write it.
pub(crate) fn new_enrolment(
    session_id: Uuid,
    person: &person::Model,
    event_id: Uuid,
    status: EnrolmentStatus,
    waitlist_seq: Option<i64>,
    now: DateTime<Utc>,
) -> enrolment::Model {
    enrolment::Model {
        id: Uuid::now_v7(),
        session_id,
        person_id: person.id,
        event_id,
        status: status.as_str().to_owned(),
        waitlist_seq,
        created_at: now,
        confirmed_at: (status == EnrolmentStatus::Confirmed).then_some(now),
        cancelled_at: None,
        cancelled_by: None,
        attendance: None,
        reminder_queued_at: None,
        check_in_code: Some(new_check_in_code()),
        attendance_marked_at: None,
        attendance_marked_by: None,
        checked_in_at: None,
        feedback_token_hash: None,
        feedback_requested_at: None,
        organisation_id: Some(person.organisation_id),
        org_unit_id: person.org_unit_id,
        credited_minutes: None,
    }
}

/// The mail that confirms a new enrolment: a seat (with the calendar invite) or a waiting-list place.
pub(crate) fn enrolment_mail<'a>(
    e: &enrolment::Model,
    waitlist_position: Option<u32>,
    snapshot: &'a serde_json::Value,
) -> NewMail<'a> {
    let confirmed = e.status == EnrolmentStatus::Confirmed.as_str();
    NewMail {
        kind: if confirmed { MailKind::EnrolmentConfirmed } else { MailKind::EnrolmentWaitlisted },
        person_id: e.person_id,
        enrolment_id: Some(e.id),
        session: Some(snapshot),
        calendar: confirmed.then_some(CalendarMethod::Request),
        extra: serde_json::json!({"waitlist_position": waitlist_position, "check_in_code": confirmed.then(|| display_code(e)).flatten()}),
    }
}

/// Place of a waitlisted enrolment in its session's queue (1 = next).
pub(crate) async fn position_of(c: &impl ConnectionTrait, e: &enrolment::Model) -> Result<Option<u32>> {
    let Some(seq) = e.waitlist_seq else { return Ok(None) };
    let ahead = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(e.session_id))
        .filter(enrolment::Column::Status.eq("waitlisted"))
        .filter(enrolment::Column::WaitlistSeq.lte(seq))
        .count(c)
        .await?;
    Ok(Some(ahead as u32))
}

pub(crate) fn fingerprint(session_id: Uuid, person_id: Uuid) -> String {
    format!("enrol:{session_id}:{person_id}")
}

/// Enrol `person_id` (default: the actor) in a session. Enrolling twice returns the existing
/// active enrolment. With an `idempotency_key`, a repeated request returns the first answer.
///
/// People enrolling themselves are decided together with everyone else enrolling at that
/// moment, in one transaction ([`crate::enrol_batch`]); the rest, and anything a batch leaves
/// alone, go through [`enrol_one`]. Both apply the same rules and locks.
pub async fn enrol(
    store: &Store,
    actor: &Actor,
    session_id: Uuid,
    person_id: Option<Uuid>,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<EnrolOutcome> {
    if person_id.is_none_or(|p| p == actor.person_id)
        && let Some(queue) = store.enrol_queue()
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = crate::enrol_batch::Job {
            actor: actor.clone(),
            session_id,
            key: idempotency_key.map(str::to_owned),
            // Microseconds, as the databases keep them: the enrolment answered then carries
            // exactly the times a later read returns (the single-request path's binary
            // parameters truncate likewise; PostgreSQL would round the batch's text timestamps).
            now: chrono::SubsecRound::trunc_subsecs(now, 6),
            reply,
        };
        if queue.send(job).is_ok()
            && let Ok(crate::enrol_batch::Answer::Done(outcome)) = answer.await
        {
            return *outcome;
        }
    }
    enrol_one(store, actor, session_id, person_id, idempotency_key, now).await
}

/// [`enrol`] on its own, in a transaction of its own.
pub async fn enrol_one(
    store: &Store,
    actor: &Actor,
    session_id: Uuid,
    person_id: Option<Uuid>,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<EnrolOutcome> {
    let person_id = person_id.unwrap_or(actor.person_id);
    let txn = store.write().await?;
    // The person lock first: a concurrent request with the same key then sees the stored answer.
    let person = lock_person(&*txn, store, person_id).await?;
    if let Some(key) = idempotency_key
        && let Some(stored) = idempotency::find(&*txn, actor.person_id, key).await?
    {
        if stored.fingerprint != fingerprint(session_id, person_id) {
            return Err(Conflict::IdempotencyKeyReused.into());
        }
        let id: Option<Uuid> = stored.body.get("enrolment_id").and_then(|v| v.as_str()).and_then(|s| s.parse().ok());
        let position = stored.body.get("waitlist_position").and_then(|v| v.as_u64()).map(|p| p as u32);
        if let Some(e) = match id {
            Some(id) => enrolment::Entity::find_by_id(id).one(&*txn).await?,
            None => None,
        } {
            let status = stored.body.get("status").and_then(|v| v.as_str()).unwrap_or("confirmed").to_owned();
            return Ok(EnrolOutcome {
                enrolment: enrolment::Model { status, ..e },
                waitlist_position: position,
                created: true,
            });
        }
    }
    let session = lock_session(&*txn, store, session_id).await?.ok_or(StoreError::NotFound("session"))?;
    let event = load_event(&*txn, session.event_id).await?.ok_or(StoreError::NotFound("session"))?;
    if !can_see(actor, &event) {
        return Err(StoreError::NotFound("session"));
    }
    let w =
        workshop::Entity::find_by_id(session.workshop_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?;
    let person = match person {
        Some(p) => p,
        None => return Err(StoreError::UnknownReference { field: "person_id".into() }),
    };
    if person.id != actor.person_id
        && !actor.organises_for(person.organisation_id)
        && !actor.organises_for(w.host_organisation_id)
    {
        return Err(StoreError::UnknownReference { field: "person_id".into() });
    }

    if let Some(existing) = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::PersonId.eq(person_id))
        .filter(enrolment::Column::Status.ne("cancelled"))
        .one(&*txn)
        .await?
    {
        let waitlist_position = position_of(&*txn, &existing).await?;
        return Ok(EnrolOutcome { enrolment: existing, waitlist_position, created: false });
    }

    // Seats freed by a quota's release go to those already waiting, before anyone new.
    let session = if promote_waiting(&*txn, &session, now).await? > 0 {
        session::Entity::find_by_id(session_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?
    } else {
        session
    };

    let listed: Vec<Uuid> = if w.audience == AudienceKind::Listed.as_str() {
        workshop_audience::Entity::find()
            .filter(workshop_audience::Column::WorkshopId.eq(w.id))
            .all(&*txn)
            .await?
            .into_iter()
            .map(|a| a.organisation_id)
            .collect()
    } else {
        vec![]
    };
    let audience = Audience {
        kind: AudienceKind::parse(&w.audience).unwrap_or(AudienceKind::All),
        host_organisation_id: w.host_organisation_id,
        listed,
    };
    let eligible = audience.admits(person.organisation_id, &event.organisation_ids);
    let active = active_in_event(&*txn, person.id, event.event.id).await?;
    let time = TimeRange::new(session.starts_at, session.ends_at)?;
    let quotas = quota_use(&*txn, session.id).await?;
    let status = if w.status == SessionStatus::Cancelled.as_str() {
        SessionStatus::Cancelled
    } else {
        SessionStatus::parse(&session.status).unwrap_or(SessionStatus::Cancelled)
    };
    let facts = SessionFacts {
        status,
        time,
        seats: seats_of(&session, quotas),
        waitlist_len: Ord::max(session.waitlist_count, 0) as u32,
    };
    let policy = policy_of(&event.event);
    let decision = decide(&EnrolRequest {
        now,
        policy: &policy,
        session: &facts,
        organisation_id: person.organisation_id,
        eligible,
        active: &active,
    })?;

    let (status, seq, position) = match decision {
        Decision::Confirm => (EnrolmentStatus::Confirmed, None, None),
        Decision::Waitlist { position } => (EnrolmentStatus::Waitlisted, Some(session.waitlist_next), Some(position)),
    };
    let e = new_enrolment(session_id, &person, event.event.id, status, seq, now)
        .into_active_model()
        .reset_all()
        .insert(&*txn)
        .await?;
    let counter = session::Entity::update_many().filter(session::Column::Id.eq(session_id));
    let counter = match status {
        EnrolmentStatus::Confirmed => {
            counter.col_expr(session::Column::ConfirmedCount, Expr::col(session::Column::ConfirmedCount).add(1))
        }
        _ => counter
            .col_expr(session::Column::WaitlistCount, Expr::col(session::Column::WaitlistCount).add(1))
            .col_expr(session::Column::WaitlistNext, Expr::col(session::Column::WaitlistNext).add(1)),
    };
    counter.exec(&*txn).await?;
    // The workshop and event are in hand already: no second read on the enrolment path.
    let snapshot = outbox::snapshot_of(&session, Some(&w), Some(&event.event));
    outbox::enqueue(&*txn, enrolment_mail(&e, position, &snapshot), now).await?;
    if person.id != actor.person_id {
        audit::record(
            &*txn,
            Some(actor.person_id),
            "enrolment.create",
            ("enrolment", e.id),
            None::<&()>,
            Some(&e),
            now,
        )
        .await?;
    }
    if let Some(key) = idempotency_key {
        let body = serde_json::json!({"enrolment_id": e.id, "status": e.status, "waitlist_position": position});
        idempotency::save(&*txn, actor.person_id, key, &fingerprint(session_id, person_id), 201, &body, now).await?;
    }
    txn.commit().await?;
    Ok(EnrolOutcome { enrolment: e, waitlist_position: position, created: true })
}

/// The person's confirmed and waitlisted sessions in an event, with their times.
async fn active_in_event(c: &impl ConnectionTrait, person_id: Uuid, event_id: Uuid) -> Result<Vec<ActiveEnrolment>> {
    let mine = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(person_id))
        .filter(enrolment::Column::EventId.eq(event_id))
        .filter(enrolment::Column::Status.ne("cancelled"))
        .all(c)
        .await?;
    if mine.is_empty() {
        return Ok(vec![]);
    }
    let sessions =
        session::Entity::find().filter(session::Column::Id.is_in(mine.iter().map(|e| e.session_id))).all(c).await?;
    Ok(sessions
        .into_iter()
        .filter_map(|s| {
            TimeRange::new(s.starts_at, s.ends_at).ok().map(|time| ActiveEnrolment { session_id: s.id, time })
        })
        .collect())
}

/// Promote waiting people into free seats of a (locked) session, first come first served,
/// skipping those whose seat is still reserved for another organisation. Returns how many.
pub(crate) async fn promote_waiting(c: &impl ConnectionTrait, s: &session::Model, now: DateTime<Utc>) -> Result<u32> {
    let status = SessionStatus::parse(&s.status).unwrap_or(SessionStatus::Cancelled);
    if s.waitlist_count <= 0 || s.confirmed_count >= s.capacity || !promotion_open(status, s.starts_at, now) {
        return Ok(0);
    }
    let waiting = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(s.id))
        .filter(enrolment::Column::Status.eq("waitlisted"))
        .order_by_asc(enrolment::Column::WaitlistSeq)
        .all(c)
        .await?;
    let orgs: HashMap<Uuid, Uuid> = person::Entity::find()
        .filter(person::Column::Id.is_in(waiting.iter().map(|e| e.person_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.organisation_id))
        .collect();
    let queue: Vec<Waiting> = waiting
        .iter()
        .map(|e| Waiting { enrolment_id: e.id, organisation_id: orgs.get(&e.person_id).copied().unwrap_or_default() })
        .collect();
    let mut seats = seats_of(s, quota_use(c, s.id).await?);
    let promoted = promotions(&mut seats, &queue, now);
    let snapshot = if promoted.is_empty() { serde_json::Value::Null } else { outbox::session_snapshot(c, s).await? };
    for id in &promoted {
        let e = waiting.iter().find(|e| e.id == *id).ok_or(StoreError::NotFound("enrolment"))?;
        let mut am: enrolment::ActiveModel = e.clone().into();
        am.status = Set(EnrolmentStatus::Confirmed.as_str().to_owned());
        am.waitlist_seq = Set(None);
        am.confirmed_at = Set(Some(now));
        am.update(c).await?;
        outbox::enqueue(
            c,
            NewMail {
                kind: MailKind::EnrolmentPromoted,
                person_id: e.person_id,
                enrolment_id: Some(e.id),
                session: Some(&snapshot),
                calendar: Some(CalendarMethod::Request),
                extra: serde_json::json!({"check_in_code": display_code(e)}),
            },
            now,
        )
        .await?;
    }
    let n = promoted.len() as i32;
    if n > 0 {
        session::Entity::update_many()
            .col_expr(session::Column::ConfirmedCount, Expr::col(session::Column::ConfirmedCount).add(n))
            .col_expr(session::Column::WaitlistCount, Expr::col(session::Column::WaitlistCount).sub(n))
            .filter(session::Column::Id.eq(s.id))
            .exec(c)
            .await?;
    }
    Ok(n as u32)
}

/// Whether the actor may act on this enrolment as an organiser (of the person's organisation or the workshop's host).
async fn organises_enrolment(c: &impl ConnectionTrait, actor: &Actor, e: &enrolment::Model) -> Result<bool> {
    if actor.is_admin() {
        return Ok(true);
    }
    if !actor.is_organiser() {
        return Ok(false);
    }
    let person_org = person::Entity::find_by_id(e.person_id).one(c).await?.map(|p| p.organisation_id);
    if person_org.is_some_and(|o| actor.organises_for(o)) {
        return Ok(true);
    }
    let s = session::Entity::find_by_id(e.session_id).one(c).await?;
    let host = match s {
        Some(s) => workshop::Entity::find_by_id(s.workshop_id).one(c).await?.map(|w| w.host_organisation_id),
        None => None,
    };
    Ok(host.is_some_and(|h| actor.organises_for(h)))
}

/// One enrolment, if it is the actor's own or the actor organises it.
pub async fn get_enrolment(store: &Store, actor: &Actor, id: Uuid) -> Result<(enrolment::Model, Option<u32>)> {
    let e = enrolment::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("enrolment"))?;
    if e.person_id != actor.person_id && !organises_enrolment(store.conn(), actor, &e).await? {
        return Err(StoreError::NotFound("enrolment"));
    }
    let pos = position_of(store.conn(), &e).await?;
    Ok((e, pos))
}

/// Cancel an enrolment: the person before the deadline, organisers at any time. A freed seat
/// promotes the first eligible waiting person in the same transaction. Cancelling a cancelled
/// enrolment returns it unchanged.
pub async fn cancel(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<enrolment::Model> {
    let txn = store.write().await?;
    let e = enrolment::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let organiser = organises_enrolment(&*txn, actor, &e).await?;
    if e.person_id != actor.person_id && !organiser {
        return Err(StoreError::NotFound("enrolment"));
    }
    let s = lock_session(&*txn, store, e.session_id).await?.ok_or(StoreError::NotFound("enrolment"))?;
    // Read again under the session lock: a concurrent promotion may have changed it.
    let e = enrolment::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    if e.status == EnrolmentStatus::Cancelled.as_str() {
        return Ok(e);
    }
    if e.attendance.is_some() {
        return Err(Conflict::AttendanceRecorded.into());
    }
    let event = load_event(&*txn, s.event_id).await?.ok_or(StoreError::NotFound("enrolment"))?;
    may_cancel(now, s.starts_at, policy_of(&event.event).cancellation_deadline_hours, organiser)?;
    let was_confirmed = e.status == EnrolmentStatus::Confirmed.as_str();
    let mut am: enrolment::ActiveModel = e.clone().into();
    am.status = Set(EnrolmentStatus::Cancelled.as_str().to_owned());
    am.waitlist_seq = Set(None);
    am.cancelled_at = Set(Some(now));
    am.cancelled_by = Set(Some(actor.person_id));
    let cancelled = am.update(&*txn).await?;
    let column = if was_confirmed { session::Column::ConfirmedCount } else { session::Column::WaitlistCount };
    session::Entity::update_many()
        .col_expr(column, Expr::col(column).sub(1))
        .filter(session::Column::Id.eq(s.id))
        .exec(&*txn)
        .await?;
    let snapshot = outbox::session_snapshot(&*txn, &s).await?;
    outbox::enqueue(
        &*txn,
        NewMail {
            kind: MailKind::EnrolmentCancelled,
            person_id: e.person_id,
            enrolment_id: Some(e.id),
            session: Some(&snapshot),
            // Only a confirmed seat had an appointment in the calendar to remove.
            calendar: was_confirmed.then_some(CalendarMethod::Cancel),
            extra: serde_json::json!({"by_organiser": e.person_id != actor.person_id}),
        },
        now,
    )
    .await?;
    if e.person_id != actor.person_id {
        audit::record(
            &*txn,
            Some(actor.person_id),
            "enrolment.cancel",
            ("enrolment", e.id),
            Some(&e),
            Some(&cancelled),
            now,
        )
        .await?;
    }
    if was_confirmed {
        let s = session::Entity::find_by_id(s.id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
        promote_waiting(&*txn, &s, now).await?;
    }
    txn.commit().await?;
    Ok(cancelled)
}

/// Cancel every active enrolment of a session (the session is being cancelled) and tell each person.
pub(crate) async fn cancel_all_in_session(
    c: &impl ConnectionTrait,
    actor: &Actor,
    session_id: Uuid,
    snapshot: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    let active = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.ne("cancelled"))
        .all(c)
        .await?;
    for e in active {
        let mut am: enrolment::ActiveModel = e.clone().into();
        am.status = Set(EnrolmentStatus::Cancelled.as_str().to_owned());
        am.waitlist_seq = Set(None);
        am.cancelled_at = Set(Some(now));
        am.cancelled_by = Set(Some(actor.person_id));
        am.update(c).await?;
        outbox::enqueue(
            c,
            NewMail {
                kind: MailKind::SessionCancelled,
                person_id: e.person_id,
                enrolment_id: Some(e.id),
                session: Some(snapshot),
                calendar: (e.status == EnrolmentStatus::Confirmed.as_str()).then_some(CalendarMethod::Cancel),
                extra: serde_json::json!({}),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// An enrolment with its session and workshop, for agendas and participant lists.
#[derive(Debug, Clone)]
pub struct EnrolmentView {
    /// The enrolment.
    pub enrolment: enrolment::Model,
    /// Its session.
    pub session: session::Model,
    /// Its workshop.
    pub workshop: workshop::Model,
    /// Place on the waiting list.
    pub waitlist_position: Option<u32>,
    /// The enrolled person (participant lists only).
    pub person: Option<person::Model>,
}

async fn views(c: &impl ConnectionTrait, rows: Vec<enrolment::Model>, with_people: bool) -> Result<Vec<EnrolmentView>> {
    let sessions: HashMap<Uuid, session::Model> = session::Entity::find()
        .filter(session::Column::Id.is_in(rows.iter().map(|e| e.session_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(sessions.values().map(|s| s.workshop_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let people: HashMap<Uuid, person::Model> = if with_people {
        person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|e| e.person_id)))
            .all(c)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
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
            .filter(enrolment::Column::Status.eq("waitlisted"))
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
            enrolment: e,
        });
    }
    Ok(out)
}

/// The actor's own enrolments (active only unless `include_cancelled`), by session start.
pub async fn my_enrolments(store: &Store, actor: &Actor, include_cancelled: bool) -> Result<Vec<EnrolmentView>> {
    let mut q = enrolment::Entity::find().filter(enrolment::Column::PersonId.eq(actor.person_id));
    if !include_cancelled {
        q = q.filter(enrolment::Column::Status.ne("cancelled"));
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
        if !can_see(actor, &e) {
            return Err(StoreError::NotFound("session"));
        }
        let w = workshop::Entity::find_by_id(s.workshop_id)
            .one(store.conn())
            .await?
            .ok_or(StoreError::NotFound("session"))?;
        if !actor.organises_for(w.host_organisation_id) {
            return Err(StoreError::Forbidden);
        }
    }
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.ne("cancelled"))
        .order_by_asc(enrolment::Column::Status)
        .order_by_asc(enrolment::Column::WaitlistSeq)
        .order_by_asc(enrolment::Column::CreatedAt)
        .all(store.conn())
        .await?;
    views(store.conn(), rows, true).await
}

/// Totals of one session straight from the enrolment rows (for invariant checks).
pub async fn recount(store: &Store, session_id: Uuid) -> Result<(u64, u64)> {
    let count = |status: &'static str| {
        enrolment::Entity::find()
            .filter(enrolment::Column::SessionId.eq(session_id))
            .filter(enrolment::Column::Status.eq(status))
            .count(store.conn())
    };
    Ok((count("confirmed").await?, count("waitlisted").await?))
}

/// Promote waiting people wherever a seat is free without anyone having cancelled: a quota's
/// release time passed. Run periodically by the server; returns how many were promoted.
pub async fn promote_released(store: &Store, now: DateTime<Utc>) -> Result<u32> {
    let candidates: Vec<Uuid> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::Status.eq("scheduled"))
        .filter(session::Column::WaitlistCount.gt(0))
        .filter(session::Column::StartsAt.gt(now))
        .filter(Expr::col(session::Column::ConfirmedCount).lt(Expr::col(session::Column::Capacity)))
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut total = 0;
    for id in candidates {
        let txn = store.write().await?;
        if let Some(s) = lock_session(&*txn, store, id).await? {
            total += promote_waiting(&*txn, &s, now).await?;
        }
        txn.commit().await?;
    }
    Ok(total)
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

/// Enrolments of one person, for themselves, their managers (read-only), organisers of their
/// organisation and admins; others get "not found".
pub async fn enrolments_of_person(store: &Store, actor: &Actor, person_id: Uuid) -> Result<Vec<EnrolmentView>> {
    let p = person::Entity::find_by_id(person_id).one(store.conn()).await?.ok_or(StoreError::NotFound("person"))?;
    let allowed = p.id == actor.person_id
        || actor.organises_for(p.organisation_id)
        || (actor.is_manager() && reports_of(store.conn(), actor.person_id).await?.contains(&p.id))
        || p.manager_id == Some(actor.person_id);
    if !allowed {
        return Err(StoreError::NotFound("person"));
    }
    let rows = enrolment::Entity::find().filter(enrolment::Column::PersonId.eq(person_id)).all(store.conn()).await?;
    let mut v = views(store.conn(), rows, false).await?;
    v.sort_by_key(|e| (e.session.starts_at, e.session.id));
    Ok(v)
}

/// Queue the reminder mail for every confirmed enrolment whose session starts within its
/// event's reminder lead time, once per enrolment. Run periodically; returns how many were queued.
pub async fn queue_reminders(store: &Store, now: DateTime<Utc>) -> Result<u32> {
    use crate::entities::event;
    let events = event::Entity::find()
        .filter(event::Column::Status.is_in(["published", "closed"]))
        .filter(event::Column::ReminderHoursBefore.gt(0))
        .all(store.conn())
        .await?;
    let mut total = 0;
    for e in events {
        let horizon = now + chrono::Duration::hours(e.reminder_hours_before as i64);
        let sessions = session::Entity::find()
            .filter(session::Column::EventId.eq(e.id))
            .filter(session::Column::Status.eq("scheduled"))
            .filter(session::Column::StartsAt.gt(now))
            .filter(session::Column::StartsAt.lte(horizon))
            .all(store.conn())
            .await?;
        for s in sessions {
            let txn = store.write().await?;
            let due = enrolment::Entity::find()
                .filter(enrolment::Column::SessionId.eq(s.id))
                .filter(enrolment::Column::Status.eq("confirmed"))
                .filter(enrolment::Column::ReminderQueuedAt.is_null())
                .all(&*txn)
                .await?;
            if due.is_empty() {
                continue;
            }
            let snapshot = outbox::session_snapshot(&*txn, &s).await?;
            for en in &due {
                outbox::enqueue(
                    &*txn,
                    NewMail {
                        kind: MailKind::SessionReminder,
                        person_id: en.person_id,
                        enrolment_id: Some(en.id),
                        session: Some(&snapshot),
                        calendar: None,
                        extra: serde_json::json!({"check_in_code": display_code(en)}),
                    },
                    now,
                )
                .await?;
            }
            enrolment::Entity::update_many()
                .col_expr(enrolment::Column::ReminderQueuedAt, Expr::value(now))
                .filter(enrolment::Column::Id.is_in(due.iter().map(|e| e.id)))
                .exec(&*txn)
                .await?;
            txn.commit().await?;
            total += due.len() as u32;
        }
    }
    Ok(total)
}

/// A fresh personal check-in code (60 random bits: collisions are negligible, and the unique
/// index would refuse one).
pub(crate) fn new_check_in_code() -> String {
    leerweek_domain::attendance::CheckInCode::from_random(rand::random::<u64>()).as_str().to_owned()
}

/// The check-in code of an enrolment as people read it (`XXXX-XXXX-XXXX`), for mails.
pub(crate) fn display_code(e: &enrolment::Model) -> Option<String> {
    e.check_in_code
        .as_deref()
        .and_then(|c| leerweek_domain::attendance::CheckInCode::parse(c).ok())
        .map(|c| c.display())
}
