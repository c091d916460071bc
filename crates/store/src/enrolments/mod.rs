//! Enrolling: one person in one session, decided by the week's rules under the session's lock,
//! with the seat counter, the outbox row and the audit row committed together. People enrolling
//! themselves at the same moment are decided together ([`writer`], group commit); anything else
//! takes [`enrol_one`]. Cancelling, the waiting list, lists of enrolments and reminders are in
//! the submodules.

pub mod approval;
mod by_link;
mod cancel;
mod lists;
mod reminders;
pub(crate) mod waiting;
pub(crate) mod writer;

pub use by_link::{DecisionView, LinkedEnrolment, cancel_by_link, decide_by_link, decision_view, linked};
pub(crate) use cancel::release_for_erasure;
pub use cancel::{cancel, get_enrolment};
pub use lists::{EnrolmentView, enrolments_of_person, my_enrolments, participants, recount};
pub use reminders::queue_reminders;
pub use waiting::promote_released;
pub use writer::{BatchFigures, MAX_BATCH};

use crate::entities::{enrolment, person, session, workshop, workshop_audience};
use crate::lookup::{load_event, lock_session, quota_use, seats_of};
use crate::outbox::{self, CalendarMethod, MailKind, NewMail};
use crate::{Conflict, Result, Store, StoreError, audit, idempotency, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::{ActiveEnrolment, Audience, Decision, EnrolRequest, Enrolment, SessionFacts, decide};
use leerweek_domain::session::TimeRange;
use leerweek_domain::{AudienceKind, EnrolmentStatus, SessionStatus};
use sea_orm::sea_query::{Expr, ExprTrait, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

/// The answer to an enrolment request.
#[derive(Debug, Clone)]
pub struct EnrolOutcome {
    /// The enrolment (new, or the existing one).
    pub enrolment: Enrolment,
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

/// A new enrolment row, as both enrolment paths (one by one, and [`writer`]) write it.
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
        approval: None,
        approval_due_at: None,
        approval_decided_at: None,
        approval_decided_by: None,
        approval_reason: None,
        allocation_rank: None,
        allocation_round: None,
        allocation_position: None,
        allocation_placed: None,
    }
}

/// The mail that confirms a new enrolment: a seat (with the calendar invite) or a waiting-list place.
pub(crate) fn enrolment_mail<'a>(
    e: &enrolment::Model,
    waitlist_position: Option<u32>,
    snapshot: &'a serde_json::Value,
) -> NewMail<'a> {
    let confirmed = mapping::enrolment_status(&e.status) == EnrolmentStatus::Confirmed;
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
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Waitlisted.as_str()))
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
/// moment, in one transaction ([`writer`]); the rest, and anything a batch leaves
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
        let job = writer::Job {
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
            && let Ok(writer::Answer::Done(outcome)) = answer.await
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
            let status = stored
                .body
                .get("status")
                .and_then(|v| v.as_str())
                .and_then(|s| EnrolmentStatus::parse(s).ok())
                .unwrap_or(EnrolmentStatus::Confirmed);
            return Ok(EnrolOutcome {
                enrolment: Enrolment { status, ..mapping::enrolment(&e) },
                waitlist_position: position,
                created: true,
            });
        }
    }
    let session = lock_session(&*txn, store, session_id).await?.ok_or(StoreError::NotFound("session"))?;
    let event = load_event(&*txn, session.event_id).await?.ok_or(StoreError::NotFound("session"))?;
    if !event.visible_to(actor) {
        return Err(StoreError::NotFound("session"));
    }
    let w =
        workshop::Entity::find_by_id(session.workshop_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?;
    let person = match person {
        Some(p) => p,
        None => return Err(StoreError::UnknownReference { field: "person_id".into() }),
    };
    if person.id != actor.person_id && !actor.may_act_for(person.organisation_id, w.host_organisation_id) {
        return Err(StoreError::UnknownReference { field: "person_id".into() });
    }

    if let Some(existing) = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::PersonId.eq(person_id))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
        .one(&*txn)
        .await?
    {
        let waitlist_position = position_of(&*txn, &existing).await?;
        return Ok(EnrolOutcome { enrolment: mapping::enrolment(&existing), waitlist_position, created: false });
    }

    // Seats freed by a quota's release go to those already waiting, before anyone new.
    let session = if waiting::promote_waiting(&*txn, &session, now).await? > 0 {
        session::Entity::find_by_id(session_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?
    } else {
        session
    };

    let kind = mapping::audience(&w.audience);
    let listed: Vec<Uuid> = if kind == AudienceKind::Listed {
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
    let audience = Audience { kind, host_organisation_id: w.host_organisation_id, listed };
    let eligible = audience.admits(person.organisation_id, &event.organisation_ids);
    let active = active_in_event(&*txn, person.id, event.event.id).await?;
    let time = TimeRange::new(session.starts_at, session.ends_at)?;
    let quotas = quota_use(&*txn, session.id).await?;
    let status = if mapping::session_status(&w.status) == SessionStatus::Cancelled {
        SessionStatus::Cancelled
    } else {
        mapping::session_status(&session.status)
    };
    let facts = SessionFacts {
        status,
        time,
        seats: seats_of(&session, quotas),
        waitlist_len: Ord::max(session.waitlist_count, 0) as u32,
    };
    let policy = event.policy();
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
    let mut e = new_enrolment(session_id, &person, event.event.id, status, seq, now);
    let awaits_approval = status == EnrolmentStatus::Confirmed && approval::needed(&event.event, &w);
    if awaits_approval {
        approval::hold(&mut e, &event.event, &session, now);
    }
    let e = e.into_active_model().reset_all().insert(&*txn).await?;
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
    if awaits_approval {
        approval::queue_request(&*txn, &e, &person, &snapshot, now).await?;
    } else {
        outbox::enqueue(&*txn, enrolment_mail(&e, position, &snapshot), now).await?;
    }
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
        let status = mapping::enrolment(&e).status;
        let body = serde_json::json!({"enrolment_id": e.id, "status": status, "waitlist_position": position});
        idempotency::save(&*txn, actor.person_id, key, &fingerprint(session_id, person_id), 201, &body, now).await?;
    }
    txn.commit().await?;
    Ok(EnrolOutcome { enrolment: mapping::enrolment(&e), waitlist_position: position, created: true })
}

/// The person's confirmed and waitlisted sessions in an event, with their times.
async fn active_in_event(c: &impl ConnectionTrait, person_id: Uuid, event_id: Uuid) -> Result<Vec<ActiveEnrolment>> {
    let mine = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(person_id))
        .filter(enrolment::Column::EventId.eq(event_id))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
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
