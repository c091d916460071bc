//! The preference window's reminder: 48 hours before a lottery week's window closes, everyone of
//! its organisations who has ranked nothing gets one mail asking them to (whoever ranks nothing is
//! placed by nobody, and can only take the seats left after the run).

use super::rows;
use crate::entities::{event, event_organisation, person, preference};
use crate::outbox::{self, MailKind, NewMail};
use crate::{Result, Store};
use chrono::{DateTime, Duration, Utc};
use leerweek_domain::{Allocation, EventStatus};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// How long before the window closes the reminder goes out.
pub const REMIND_BEFORE_HOURS: i64 = 48;

/// Queue the reminders that are due; returns how many mails were queued. Each week is reminded
/// once (a conditional update claims it, so two servers never both send).
pub async fn queue_preference_reminders(store: &Store, page: &str, now: DateTime<Utc>) -> Result<usize> {
    let due = event::Entity::find()
        .filter(event::Column::Allocation.eq(Allocation::Lottery.as_str()))
        .filter(event::Column::Status.eq(EventStatus::Published.as_str()))
        .filter(event::Column::AllocatedAt.is_null())
        .filter(event::Column::PreferencesRemindedAt.is_null())
        .filter(event::Column::EnrolmentOpensAt.lte(now))
        .filter(event::Column::EnrolmentClosesAt.gt(now))
        .filter(event::Column::EnrolmentClosesAt.lte(now + Duration::hours(REMIND_BEFORE_HOURS)))
        .all(store.conn())
        .await?;
    let mut queued = 0;
    for e in due {
        let txn = store.write().await?;
        let claimed = event::Entity::update_many()
            .col_expr(event::Column::PreferencesRemindedAt, Expr::val(now))
            .filter(event::Column::Id.eq(e.id))
            .filter(event::Column::PreferencesRemindedAt.is_null())
            .exec(&*txn)
            .await?
            .rows_affected;
        if claimed == 0 {
            continue;
        }
        let organisations = Query::select()
            .column(event_organisation::Column::OrganisationId)
            .from(event_organisation::Entity)
            .and_where(event_organisation::Column::EventId.eq(e.id))
            .to_owned();
        let ranked = Query::select()
            .column(preference::Column::PersonId)
            .from(preference::Entity)
            .and_where(preference::Column::EventId.eq(e.id))
            .to_owned();
        let people = person::Entity::find()
            .filter(person::Column::OrganisationId.in_subquery(organisations))
            .filter(person::Column::LeftAt.is_null())
            .filter(person::Column::Id.not_in_subquery(ranked))
            .all(&*txn)
            .await?;
        let extra = serde_json::json!({
            "event_name": e.name,
            "closes_at": e.enrolment_closes_at,
            "time_zone": e.time_zone,
            "max_preferences": e.max_preferences,
            "link": format!("{}?week={}", page.trim_end_matches('/'), e.id),
        });
        let mails: Vec<_> = people
            .iter()
            .map(|p| {
                let mail = NewMail {
                    kind: MailKind::PreferencesReminder,
                    person_id: p.id,
                    enrolment_id: None,
                    session: None,
                    calendar: None,
                    extra: extra.clone(),
                };
                outbox::row(&mail, None, now)
            })
            .collect();
        rows::mails(&*txn, &mails).await?;
        txn.commit().await?;
        tracing::info!(event = %e.id, mails = mails.len(), "preference window reminders queued");
        queued += mails.len();
    }
    Ok(queued)
}
