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

/// What a mail needs to be written: the row and the facts it is about.
#[derive(Debug, Clone)]
pub struct DueMail {
    /// The outbox row.
    pub row: outbox::Model,
    /// The recipient.
    pub person: crate::entities::person::Model,
    /// The session concerned.
    pub session: Option<crate::entities::session::Model>,
    /// Its workshop.
    pub workshop: Option<crate::entities::workshop::Model>,
}

/// Pending rows whose next attempt is due, oldest first, with what rendering needs.
pub async fn due(store: &crate::Store, limit: u64, now: DateTime<Utc>) -> Result<Vec<DueMail>> {
    use crate::entities::{person, session, workshop};
    use sea_orm::{QueryOrder, QuerySelect};
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Status.eq("pending"))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::CreatedAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(store.conn())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(person) = person::Entity::find_by_id(row.person_id).one(store.conn()).await? else { continue };
        let session = match row.session_id {
            Some(id) => session::Entity::find_by_id(id).one(store.conn()).await?,
            None => None,
        };
        let workshop = match &session {
            Some(s) => workshop::Entity::find_by_id(s.workshop_id).one(store.conn()).await?,
            None => None,
        };
        out.push(DueMail { row, person, session, workshop });
    }
    Ok(out)
}

/// Mark a row sent.
pub async fn mark_sent(store: &crate::Store, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    use sea_orm::sea_query::Expr;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("sent"))
        .col_expr(outbox::Column::SentAt, Expr::value(now))
        .col_expr(outbox::Column::Attempts, Expr::value(1))
        .filter(outbox::Column::Id.eq(id))
        .exec(store.conn())
        .await?;
    Ok(())
}

/// Record a failed attempt: retry at `next_attempt_at`, or give up as `failed` after `max_attempts`.
pub async fn mark_attempt_failed(
    store: &crate::Store,
    row: &outbox::Model,
    error: &str,
    next_attempt_at: DateTime<Utc>,
    max_attempts: i32,
) -> Result<()> {
    use sea_orm::sea_query::Expr;
    let attempts = row.attempts + 1;
    let status = if attempts >= max_attempts { "failed" } else { "pending" };
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(outbox::Column::Attempts, Expr::value(attempts))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(outbox::Column::LastError, Expr::value(error.chars().take(1000).collect::<String>()))
        .filter(outbox::Column::Id.eq(row.id))
        .exec(store.conn())
        .await?;
    Ok(())
}
