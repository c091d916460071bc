//! One enrolment read, and cancelled: by the person before the deadline, by organisers at any
//! time. A freed seat promotes the first eligible waiting person in the same transaction.

use super::position_of;
use super::waiting::promote_waiting;
use crate::entities::{enrolment, person, session, workshop};
use crate::lookup::{load_event, lock_session};
use crate::outbox::{self, CalendarMethod, MailKind, NewMail};
use crate::{Conflict, Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::EnrolmentStatus;
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::{CancelReason, Enrolment, may_cancel};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// The audit log's "after" of a cancellation: the row, and the reason when one was given.
#[derive(serde::Serialize)]
struct CancelledWith<'a> {
    #[serde(flatten)]
    enrolment: &'a enrolment::Model,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// Whether the actor may act on this enrolment as an organiser (of the person's organisation or
/// the workshop's host), and the host (looked up only for those who may act for others).
async fn organises_enrolment(
    c: &impl ConnectionTrait,
    actor: &Actor,
    e: &enrolment::Model,
) -> Result<(bool, Option<Uuid>)> {
    if !actor.may_act_for_others() {
        return Ok((false, None));
    }
    let host = host_of(c, e).await?;
    let Some(person_org) = person::Entity::find_by_id(e.person_id).one(c).await?.map(|p| p.organisation_id) else {
        return Ok((actor.may_administer(), host));
    };
    Ok((actor.may_act_for(person_org, host.unwrap_or(person_org)), host))
}

/// The host organisation of the workshop an enrolment's session belongs to.
async fn host_of(c: &impl ConnectionTrait, e: &enrolment::Model) -> Result<Option<Uuid>> {
    Ok(match session::Entity::find_by_id(e.session_id).one(c).await? {
        Some(s) => workshop::Entity::find_by_id(s.workshop_id).one(c).await?.map(|w| w.host_organisation_id),
        None => None,
    })
}

/// One enrolment, if it is the actor's own or the actor organises it.
pub async fn get_enrolment(store: &Store, actor: &Actor, id: Uuid) -> Result<(Enrolment, Option<u32>)> {
    let e = enrolment::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("enrolment"))?;
    if e.person_id != actor.person_id && !organises_enrolment(store.conn(), actor, &e).await?.0 {
        return Err(StoreError::NotFound("enrolment"));
    }
    let pos = position_of(store.conn(), &e).await?;
    Ok((mapping::enrolment(&e), pos))
}

/// Cancel an enrolment: the person before the deadline, organisers at any time. A freed seat
/// promotes the first eligible waiting person in the same transaction. Cancelling a cancelled
/// enrolment returns it unchanged.
///
/// With a `reason` it is the host's cancellation on someone's behalf: only organisers of the
/// workshop's host and admins may (others who can see the enrolment are refused), at any time;
/// the reason goes into the mail and the audit log.
pub async fn cancel(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    reason: Option<&CancelReason>,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    cancel_as(store, actor, id, reason, Via::App, now).await
}

/// How a cancellation was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// Signed in (the app or the API).
    App,
    /// The one-click link of a mail, without signing in: audited also when it is the person's own.
    MailLink,
}

pub(crate) async fn cancel_as(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    reason: Option<&CancelReason>,
    via: Via,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    let txn = store.write().await?;
    let e = enrolment::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let (organiser, host) = organises_enrolment(&*txn, actor, &e).await?;
    if e.person_id != actor.person_id && !organiser {
        return Err(StoreError::NotFound("enrolment"));
    }
    // The same rule as the session's `may.cancel_enrolments`.
    if reason.is_some() && !host.is_some_and(|host| actor.may_act_for_everyone_at(host)) {
        return Err(StoreError::Forbidden);
    }
    let s = lock_session(&*txn, store, e.session_id).await?.ok_or(StoreError::NotFound("enrolment"))?;
    // Read again under the session lock: a concurrent promotion may have changed it.
    let e = enrolment::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let status = mapping::enrolment_status(&e.status);
    if status == EnrolmentStatus::Cancelled {
        return Ok(mapping::enrolment(&e));
    }
    if e.attendance.is_some() {
        return Err(Conflict::AttendanceRecorded.into());
    }
    let event = load_event(&*txn, s.event_id).await?.ok_or(StoreError::NotFound("enrolment"))?;
    may_cancel(now, s.starts_at, event.policy().cancellation_deadline_hours, organiser)?;
    let was_confirmed = status == EnrolmentStatus::Confirmed;
    let mut am: enrolment::ActiveModel = e.clone().into();
    am.status = Set(EnrolmentStatus::Cancelled.as_str().to_owned());
    am.waitlist_seq = Set(None);
    am.cancelled_at = Set(Some(now));
    am.cancelled_by = Set(Some(actor.person_id));
    super::approval::withdraw(&mut am, &e, now);
    let cancelled = am.update(&*txn).await?;
    count_out(&*txn, s.id, was_confirmed).await?;
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
            extra: match reason {
                Some(r) => serde_json::json!({"by_organiser": true, "reason": r.as_str()}),
                None => serde_json::json!({"by_organiser": e.person_id != actor.person_id}),
            },
        },
        now,
    )
    .await?;
    if e.person_id != actor.person_id || reason.is_some() || via == Via::MailLink {
        let after = CancelledWith { enrolment: &cancelled, reason: reason.map(CancelReason::as_str) };
        audit::record(
            &*txn,
            Some(actor.person_id),
            if via == Via::MailLink { "enrolment.cancel_by_link" } else { "enrolment.cancel" },
            ("enrolment", e.id),
            Some(&e),
            Some(&after),
            now,
        )
        .await?;
    }
    if was_confirmed {
        let s = session::Entity::find_by_id(s.id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
        promote_waiting(&*txn, &s, now).await?;
    }
    txn.commit().await?;
    Ok(mapping::enrolment(&cancelled))
}

/// One enrolment fewer in a session's confirmed or waiting count.
pub(super) async fn count_out(c: &impl ConnectionTrait, session: Uuid, was_confirmed: bool) -> Result<()> {
    let column = if was_confirmed { session::Column::ConfirmedCount } else { session::Column::WaitlistCount };
    session::Entity::update_many()
        .col_expr(column, Expr::col(column).sub(1))
        .filter(session::Column::Id.eq(session))
        .exec(c)
        .await?;
    Ok(())
}

/// Release the places an erased person held in sessions still to come, in the erasure's
/// transaction: their enrolments are cancelled (by `by`, without mail: the person is gone) and
/// each freed seat goes to the waiting list as with any cancellation. Returns how many.
pub(crate) async fn release_for_erasure(
    c: &impl ConnectionTrait,
    store: &Store,
    person: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<u32> {
    let active = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(person))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
        .all(c)
        .await?;
    let mut released = 0;
    for e in active {
        let Some(s) = lock_session(c, store, e.session_id).await? else { continue };
        if s.starts_at <= now {
            // It took place (or is taking place): the enrolment is history and stays.
            continue;
        }
        let Some(e) = enrolment::Entity::find_by_id(e.id).one(c).await? else { continue };
        let status = mapping::enrolment_status(&e.status);
        if status == EnrolmentStatus::Cancelled || e.attendance.is_some() {
            continue;
        }
        let was_confirmed = status == EnrolmentStatus::Confirmed;
        let mut am: enrolment::ActiveModel = e.clone().into();
        am.status = Set(EnrolmentStatus::Cancelled.as_str().to_owned());
        am.waitlist_seq = Set(None);
        am.cancelled_at = Set(Some(now));
        am.cancelled_by = Set(Some(by));
        super::approval::withdraw(&mut am, &e, now);
        am.update(c).await?;
        count_out(c, s.id, was_confirmed).await?;
        if was_confirmed {
            let s = session::Entity::find_by_id(s.id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
            promote_waiting(c, &s, now).await?;
        }
        released += 1;
    }
    Ok(released)
}
