//! The waiting list: promoting waiting people into free seats (after a cancellation, more
//! capacity, or a quota's release), and cancelling everyone of a cancelled session.

use super::{approval, display_code};
use crate::entities::{enrolment, event, person, session, workshop};
use crate::lookup::{lock_session, quota_use, seats_of};
use crate::outbox::{self, CalendarMethod, MailKind, NewMail};
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::{Waiting, promotion_open, promotions};
use leerweek_domain::{EnrolmentStatus, SessionStatus};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// Promote waiting people into free seats of a (locked) session, first come first served,
/// skipping those whose seat is still reserved for another organisation. Returns how many.
pub(crate) async fn promote_waiting(c: &impl ConnectionTrait, s: &session::Model, now: DateTime<Utc>) -> Result<u32> {
    let status = mapping::session_status(&s.status);
    if s.waitlist_count <= 0 || s.confirmed_count >= s.capacity || !promotion_open(status, s.starts_at, now) {
        return Ok(0);
    }
    let waiting = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(s.id))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Waitlisted.as_str()))
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
    if promoted.is_empty() {
        return Ok(0);
    }
    let w = workshop::Entity::find_by_id(s.workshop_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    let ev = event::Entity::find_by_id(s.event_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    let snapshot = outbox::snapshot_of(s, Some(&w), Some(&ev));
    // A waiting-list place needs approval only now that it turns into a seat.
    let awaits_approval = approval::needed(&ev, &w);
    for id in &promoted {
        let e = waiting.iter().find(|e| e.id == *id).ok_or(StoreError::NotFound("enrolment"))?;
        let mut seat = e.clone();
        seat.status = EnrolmentStatus::Confirmed.as_str().to_owned();
        seat.waitlist_seq = None;
        seat.confirmed_at = Some(now);
        if awaits_approval {
            approval::hold(&mut seat, &ev, s, now);
        }
        let mut am: enrolment::ActiveModel = e.clone().into();
        am.status = Set(seat.status.clone());
        am.waitlist_seq = Set(None);
        am.confirmed_at = Set(seat.confirmed_at);
        am.approval = Set(seat.approval.clone());
        am.approval_due_at = Set(seat.approval_due_at);
        am.update(c).await?;
        if awaits_approval {
            let p = person::Entity::find_by_id(e.person_id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
            approval::queue_request(c, &seat, &p, &snapshot, now).await?;
            continue;
        }
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
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
        .all(c)
        .await?;
    for e in active {
        let mut am: enrolment::ActiveModel = e.clone().into();
        am.status = Set(EnrolmentStatus::Cancelled.as_str().to_owned());
        am.waitlist_seq = Set(None);
        am.cancelled_at = Set(Some(now));
        am.cancelled_by = Set(Some(actor.person_id));
        approval::withdraw(&mut am, &e, now);
        am.update(c).await?;
        outbox::enqueue(
            c,
            NewMail {
                kind: MailKind::SessionCancelled,
                person_id: e.person_id,
                enrolment_id: Some(e.id),
                session: Some(snapshot),
                calendar: (mapping::enrolment_status(&e.status) == EnrolmentStatus::Confirmed)
                    .then_some(CalendarMethod::Cancel),
                extra: serde_json::json!({}),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Promote waiting people wherever a seat is free without anyone having cancelled: a quota's
/// release time passed. Run periodically by the server; returns how many were promoted.
pub async fn promote_released(store: &Store, now: DateTime<Utc>) -> Result<u32> {
    let candidates: Vec<Uuid> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::Status.eq(SessionStatus::Scheduled.as_str()))
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
