//! Messages from a session's organisers or trainer to its participants.

use crate::entities::{enrolment, person, session};
use crate::lookup::editable_workshop;
use crate::outbox::{self, MailKind, NewMail};
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::EnrolmentStatus;
use leerweek_domain::access::Actor;
use leerweek_domain::text::{MessageBody, MessageSubject};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

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
    let txn = store.write().await?;
    let s = session::Entity::find_by_id(session_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?;
    if s.trainer_id != Some(actor.person_id) {
        editable_workshop(&*txn, actor, s.workshop_id, "session").await?;
    }
    let statuses: &[EnrolmentStatus] = match to {
        Recipients::Confirmed => &[EnrolmentStatus::Confirmed],
        Recipients::ConfirmedAndWaiting => &[EnrolmentStatus::Confirmed, EnrolmentStatus::Waitlisted],
    };
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.is_in(statuses.iter().map(|s| s.as_str())))
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
