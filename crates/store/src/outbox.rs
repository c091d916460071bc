//! The mail outbox: rows written in the same transaction as the change that causes them.
//! The mailer crate claims and sends them.

use crate::Result;
use crate::entities::outbox;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

/// What a queued mail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A seat was confirmed.
    EnrolmentConfirmed,
    /// A place on the waiting list.
    EnrolmentWaitlisted,
    /// Promoted from the waiting list to a seat.
    EnrolmentPromoted,
    /// The person cancelled (or an organiser cancelled for them).
    EnrolmentCancelled,
    /// The organiser changed the session's time or place.
    SessionChanged,
    /// The organiser cancelled the session.
    SessionCancelled,
}

impl MailKind {
    /// Stable name stored in the outbox.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::EnrolmentConfirmed => "enrolment_confirmed",
            MailKind::EnrolmentWaitlisted => "enrolment_waitlisted",
            MailKind::EnrolmentPromoted => "enrolment_promoted",
            MailKind::EnrolmentCancelled => "enrolment_cancelled",
            MailKind::SessionChanged => "session_changed",
            MailKind::SessionCancelled => "session_cancelled",
        }
    }
}

/// Queue a mail in the caller's transaction.
pub async fn enqueue(
    c: &impl ConnectionTrait,
    kind: MailKind,
    person_id: Uuid,
    session_id: Option<Uuid>,
    enrolment_id: Option<Uuid>,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.as_str().to_owned()),
        person_id: Set(person_id),
        session_id: Set(session_id),
        enrolment_id: Set(enrolment_id),
        payload: Set(payload.to_string()),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Rows queued for one enrolment, oldest first (for tests and support).
pub async fn for_enrolment(c: &impl ConnectionTrait, enrolment_id: Uuid) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find().filter(outbox::Column::EnrolmentId.eq(enrolment_id)).all(c).await?)
}

/// Number of rows in a status.
pub async fn count_with_status(c: &impl ConnectionTrait, status: &str) -> Result<u64> {
    Ok(outbox::Entity::find().filter(outbox::Column::Status.eq(status)).count(c).await?)
}
