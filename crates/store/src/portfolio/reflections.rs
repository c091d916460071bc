//! Writing, changing and removing one's reflection on a session.

use super::ReflectionView;
use crate::entities::{enrolment, reflection, session};
use crate::{Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::EnrolmentStatus;
use leerweek_domain::access::Actor;
use leerweek_domain::reflection::{Reflection, may_reflect};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// The actor's own seat; anyone else's is "not found".
async fn own_seat(c: &impl ConnectionTrait, actor: &Actor, enrolment_id: Uuid) -> Result<enrolment::Model> {
    enrolment::Entity::find_by_id(enrolment_id)
        .one(c)
        .await?
        .filter(|e| e.person_id == actor.person_id)
        .ok_or(StoreError::NotFound("enrolment"))
}

/// The actor's reflection on their seat, if they wrote one.
pub async fn get(store: &Store, actor: &Actor, enrolment_id: Uuid) -> Result<Option<ReflectionView>> {
    own_seat(store.conn(), actor, enrolment_id).await?;
    Ok(reflection::Entity::find_by_id(enrolment_id).one(store.conn()).await?.map(view))
}

fn view(r: reflection::Model) -> ReflectionView {
    ReflectionView {
        learned: r.learned,
        will_do: r.will_do,
        shared_with_manager: r.shared_with_manager,
        updated_at: r.updated_at,
    }
}

/// Write (or rewrite) the actor's reflection on their seat, after its session ended.
pub async fn put(
    store: &Store,
    actor: &Actor,
    enrolment_id: Uuid,
    r: Reflection,
    now: DateTime<Utc>,
) -> Result<ReflectionView> {
    let txn = store.write().await?;
    let e = own_seat(&*txn, actor, enrolment_id).await?;
    let s = session::Entity::find_by_id(e.session_id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let confirmed = mapping::enrolment_status(&e.status) == EnrolmentStatus::Confirmed;
    may_reflect(confirmed, e.attendance.as_deref().map(mapping::attendance), s.ends_at, now)?;
    let before = reflection::Entity::find_by_id(enrolment_id).one(&*txn).await?;
    reflection::Entity::insert(reflection::ActiveModel {
        enrolment_id: Set(enrolment_id),
        person_id: Set(actor.person_id),
        learned: Set(r.learned.clone()),
        will_do: Set(r.will_do.clone()),
        shared_with_manager: Set(r.shared_with_manager),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(reflection::Column::EnrolmentId)
            .update_columns([
                reflection::Column::Learned,
                reflection::Column::WillDo,
                reflection::Column::SharedWithManager,
                reflection::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&*txn)
    .await?;
    // The audit log is read by admins: it notes that a reflection was written and whether it is
    // shared, never its words.
    let note = |shared: bool| serde_json::json!({"shared_with_manager": shared});
    audit::record(
        &*txn,
        Some(actor.person_id),
        "reflection.write",
        ("enrolment", enrolment_id),
        before.as_ref().map(|b| note(b.shared_with_manager)).as_ref(),
        Some(&note(r.shared_with_manager)),
        now,
    )
    .await?;
    let out = reflection::Entity::find_by_id(enrolment_id).one(&*txn).await?.map(view);
    txn.commit().await?;
    out.ok_or(StoreError::NotFound("enrolment"))
}

/// Remove the actor's reflection on their seat (nothing there: nothing happens).
pub async fn delete(store: &Store, actor: &Actor, enrolment_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let txn = store.write().await?;
    own_seat(&*txn, actor, enrolment_id).await?;
    let gone = reflection::Entity::delete_by_id(enrolment_id).exec(&*txn).await?.rows_affected;
    if gone > 0 {
        audit::record(
            &*txn,
            Some(actor.person_id),
            "reflection.delete",
            ("enrolment", enrolment_id),
            None::<&()>,
            None::<&()>,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A person's reflections go (erasure), or those on some seats (retention), in the caller's
/// transaction.
pub(crate) async fn forget(
    c: &impl ConnectionTrait,
    person_id: Option<Uuid>,
    enrolment_id: Option<Uuid>,
) -> Result<()> {
    let mut q = reflection::Entity::delete_many();
    if let Some(p) = person_id {
        q = q.filter(reflection::Column::PersonId.eq(p));
    }
    if let Some(e) = enrolment_id {
        q = q.filter(reflection::Column::EnrolmentId.eq(e));
    }
    if person_id.is_some() || enrolment_id.is_some() {
        q.exec(c).await?;
    }
    Ok(())
}
