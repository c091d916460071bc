//! Retention: how long personal data of an archived week is kept (set by an admin, else the
//! configured default), and the anonymisation of what has been kept long enough.

use crate::entities::{enrolment, outbox, person, privacy_settings};
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::privacy::RetentionDays;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

/// The retention period in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days after a week is archived before its enrolments are anonymised.
    pub days: u32,
    /// Whether an admin set it (otherwise it is the configured default).
    pub set: bool,
    /// When an admin last set it.
    pub updated_at: Option<DateTime<Utc>>,
    /// Who did.
    pub updated_by: Option<Uuid>,
}

/// The retention period: the one an admin set, or `default_days` (the configuration's).
pub async fn retention(store: &Store, default_days: u32) -> Result<Retention> {
    Ok(match privacy_settings::Entity::find_by_id(1).one(store.conn()).await? {
        Some(r) => Retention {
            days: u32::try_from(r.retention_days).unwrap_or(default_days),
            set: true,
            updated_at: Some(r.updated_at),
            updated_by: r.updated_by,
        },
        None => Retention { days: default_days, set: false, updated_at: None, updated_by: None },
    })
}

/// Set the retention period (admins; audited with the old and new number of days).
pub async fn set_retention(
    store: &Store,
    actor: &Actor,
    days: RetentionDays,
    default_days: u32,
    now: DateTime<Utc>,
) -> Result<Retention> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let old = privacy_settings::Entity::find_by_id(1).one(&*txn).await?;
    let before = old.as_ref().map(|r| r.retention_days).unwrap_or(default_days as i32);
    let row = privacy_settings::ActiveModel {
        id: Set(1),
        retention_days: Set(days.days() as i32),
        updated_by: Set(Some(actor.person_id)),
        updated_at: Set(now),
    };
    if old.is_some() {
        row.update(&*txn).await?
    } else {
        row.insert(&*txn).await?
    };
    audit::record(
        &*txn,
        Some(actor.person_id),
        "privacy.retention",
        ("settings", Uuid::nil()),
        Some(&serde_json::json!({ "retention_days": before })),
        Some(&serde_json::json!({ "retention_days": days.days() })),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Retention { days: days.days(), set: true, updated_at: Some(now), updated_by: Some(actor.person_id) })
}

/// Name given to the stand-in of a participant whose data has been anonymised.
pub const ANONYMOUS_NAME: &str = "Anonieme deelnemer";

/// Retention: in events archived before `archived_before`, every enrolment is moved to an
/// anonymous stand-in of the same organisation and unit (so participation figures per
/// organisation and unit stay right) and its mail is deleted. Returns how many enrolments.
pub async fn anonymise_archived(store: &Store, archived_before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
    use crate::entities::{calendar_sequence, event};
    use sea_orm::{ActiveModelTrait, Set};
    let events: Vec<Uuid> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::Status.eq("archived"))
        .filter(event::Column::ArchivedAt.lt(archived_before))
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut total = 0;
    for event_id in events {
        let txn = store.write().await?;
        let rows = enrolment::Entity::find().filter(enrolment::Column::EventId.eq(event_id)).all(&*txn).await?;
        let people: std::collections::HashMap<Uuid, person::Model> = person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|e| e.person_id)))
            .all(&*txn)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for e in rows {
            let Some(p) = people.get(&e.person_id) else { continue };
            if p.name == ANONYMOUS_NAME {
                continue; // done before
            }
            let stand_in = person::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(format!("anoniem-{}@anonymised.invalid", e.id.simple())),
                name: Set(ANONYMOUS_NAME.to_owned()),
                organisation_id: Set(p.organisation_id),
                org_unit_id: Set(p.org_unit_id),
                manager_id: Set(None),
                language: Set("nl".to_owned()),
                created_at: Set(now),
                left_at: Set(None),
            }
            .insert(&*txn)
            .await?;
            calendar_sequence::Entity::delete_many()
                .filter(calendar_sequence::Column::PersonId.eq(e.person_id))
                .filter(calendar_sequence::Column::SessionId.eq(e.session_id))
                .exec(&*txn)
                .await?;
            outbox::Entity::delete_many().filter(outbox::Column::EnrolmentId.eq(e.id)).exec(&*txn).await?;
            crate::portfolio::reflections::forget(&*txn, None, Some(e.id)).await?;
            crate::certificates::anonymise_enrolment(&*txn, e.id, stand_in.id, ANONYMOUS_NAME, now).await?;
            enrolment::Entity::update_many()
                .col_expr(enrolment::Column::PersonId, Expr::value(stand_in.id))
                .col_expr(enrolment::Column::CancelledBy, Expr::value(Option::<Uuid>::None))
                // Who decided on the person's seat, and a decline's words about them, go too.
                .col_expr(enrolment::Column::ApprovalDecidedBy, Expr::value(Option::<Uuid>::None))
                .col_expr(enrolment::Column::ApprovalReason, Expr::value(Option::<String>::None))
                .filter(enrolment::Column::Id.eq(e.id))
                .exec(&*txn)
                .await?;
            total += 1;
        }
        txn.commit().await?;
        store.sign_ins().clear();
    }
    Ok(total)
}
