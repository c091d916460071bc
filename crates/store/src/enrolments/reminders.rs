//! Reminder mails before a session.

use super::display_code;
use crate::entities::{enrolment, event, session};
use crate::outbox::{self, MailKind, NewMail};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use leerweek_domain::{EnrolmentStatus, EventStatus, SessionStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Queue the reminder mail for every confirmed enrolment whose session starts within its
/// event's reminder lead time, once per enrolment. Run periodically; returns how many were queued.
pub async fn queue_reminders(store: &Store, now: DateTime<Utc>) -> Result<u32> {
    let events = event::Entity::find()
        .filter(event::Column::Status.is_in([EventStatus::Published.as_str(), EventStatus::Closed.as_str()]))
        .filter(event::Column::ReminderHoursBefore.gt(0))
        .all(store.conn())
        .await?;
    let mut total = 0;
    for e in events {
        let horizon = now + chrono::Duration::hours(e.reminder_hours_before as i64);
        let sessions = session::Entity::find()
            .filter(session::Column::EventId.eq(e.id))
            .filter(session::Column::Status.eq(SessionStatus::Scheduled.as_str()))
            .filter(session::Column::StartsAt.gt(now))
            .filter(session::Column::StartsAt.lte(horizon))
            .all(store.conn())
            .await?;
        for s in sessions {
            let txn = store.write().await?;
            let due = enrolment::Entity::find()
                .filter(enrolment::Column::SessionId.eq(s.id))
                .filter(enrolment::Column::Status.eq(EnrolmentStatus::Confirmed.as_str()))
                .filter(enrolment::Column::ReminderQueuedAt.is_null())
                // A seat still waiting for approval is reminded of once it is approved.
                .filter(
                    sea_orm::Condition::any()
                        .add(enrolment::Column::Approval.is_null())
                        .add(enrolment::Column::Approval.ne(leerweek_domain::ApprovalState::Pending.as_str())),
                )
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
