//! Changing an organisation's tree of units: rename, move under another unit, merge two units
//! (with their people, their sub-units and the history of their enrolments).

use super::OrgUnit;
use crate::entities::{enrolment, org_unit, person};
use crate::{Conflict, Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::text::Name;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// A change to a unit: each field given is changed.
#[derive(Debug, Clone, Default)]
pub struct UnitChange {
    /// New name, unique within the organisation.
    pub name: Option<Name>,
    /// New parent (`Some(None)`: to the top of the tree).
    pub parent_id: Option<Option<Uuid>>,
}

/// The unit `id` as the actor may change it: organisers of its organisation and admins.
async fn changeable(c: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<org_unit::Model> {
    let u = org_unit::Entity::find_by_id(id).one(c).await?.ok_or(StoreError::NotFound("unit"))?;
    if !actor.may_manage_people_of(u.organisation_id) {
        return Err(StoreError::Forbidden);
    }
    Ok(u)
}

/// Every unit's parent in an organisation.
async fn parents(c: &impl ConnectionTrait, organisation_id: Uuid) -> Result<HashMap<Uuid, Option<Uuid>>> {
    let units = org_unit::Entity::find().filter(org_unit::Column::OrganisationId.eq(organisation_id)).all(c).await?;
    Ok(units.into_iter().map(|u| (u.id, u.parent_id)).collect())
}

/// The chain from `from` up to the top: `from`, its parent, its parent's parent, …
fn ancestry(parents: &HashMap<Uuid, Option<Uuid>>, from: Uuid) -> Vec<Uuid> {
    let mut chain = vec![from];
    let mut at = from;
    while let Some(Some(up)) = parents.get(&at) {
        if chain.contains(up) {
            break; // a loop that should not exist; stop rather than spin
        }
        chain.push(*up);
        at = *up;
    }
    chain
}

async fn name_free(c: &impl ConnectionTrait, organisation_id: Uuid, name: &Name, except: Uuid) -> Result<()> {
    let taken = org_unit::Entity::find()
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .filter(org_unit::Column::Name.eq(name.as_str()))
        .filter(org_unit::Column::Id.ne(except))
        .one(c)
        .await?;
    if taken.is_some() { Err(Conflict::NameTaken.into()) } else { Ok(()) }
}

/// Rename a unit or move it under another unit of the same organisation (or to the top).
pub async fn update_unit(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    change: UnitChange,
    now: DateTime<Utc>,
) -> Result<OrgUnit> {
    let txn = store.write().await?;
    let before = changeable(&*txn, actor, id).await?;
    let mut row: org_unit::ActiveModel = before.clone().into();
    if let Some(name) = &change.name {
        name_free(&*txn, before.organisation_id, name, id).await?;
        row.name = Set(name.as_str().to_owned());
    }
    if let Some(parent) = change.parent_id {
        if let Some(parent) = parent {
            let tree = parents(&*txn, before.organisation_id).await?;
            if !tree.contains_key(&parent) {
                return Err(StoreError::UnknownReference { field: "parent_id".into() });
            }
            if ancestry(&tree, parent).contains(&id) {
                return Err(Conflict::UnitCycle.into());
            }
        }
        row.parent_id = Set(parent);
    }
    let after = row.update(&*txn).await?;
    if after != before {
        audit::record(
            &*txn,
            Some(actor.person_id),
            "org_unit.update",
            ("org_unit", id),
            Some(&before),
            Some(&after),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(mapping::org_unit(&after))
}

/// What a merge moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merged {
    /// People moved into the remaining unit.
    pub people: u64,
    /// Sub-units moved under the remaining unit.
    pub units: u64,
    /// Enrolments whose unit (of the time) became the remaining unit.
    pub enrolments: u64,
}

/// Merge unit `from` into unit `into` of the same organisation: its people, its sub-units and
/// the unit its past enrolments counted for move to `into`, and `from` is removed. When `into`
/// lies below `from`, the sub-unit on the way to it takes `from`'s place in the tree.
pub async fn merge_units(store: &Store, actor: &Actor, from: Uuid, into: Uuid, now: DateTime<Utc>) -> Result<Merged> {
    if from == into {
        return Err(StoreError::UnknownReference { field: "into".into() });
    }
    let txn = store.write().await?;
    let gone = changeable(&*txn, actor, from).await?;
    let stays = org_unit::Entity::find_by_id(into).one(&*txn).await?;
    let Some(stays) = stays.filter(|u| u.organisation_id == gone.organisation_id) else {
        return Err(StoreError::UnknownReference { field: "into".into() });
    };
    let tree = parents(&*txn, gone.organisation_id).await?;
    // The sub-unit of `from` on the way down to `into`, if `into` lies below `from`.
    let chain = ancestry(&tree, into);
    let on_the_way = chain.iter().position(|u| *u == from).and_then(|i| i.checked_sub(1)).map(|i| chain[i]);
    if let Some(child) = on_the_way {
        org_unit::Entity::update_many()
            .col_expr(org_unit::Column::ParentId, Expr::value(gone.parent_id))
            .filter(org_unit::Column::Id.eq(child))
            .exec(&*txn)
            .await?;
    }
    let units = org_unit::Entity::update_many()
        .col_expr(org_unit::Column::ParentId, Expr::value(Some(into)))
        .filter(org_unit::Column::ParentId.eq(from))
        .exec(&*txn)
        .await?
        .rows_affected;
    let people = person::Entity::update_many()
        .col_expr(person::Column::OrgUnitId, Expr::value(Some(into)))
        .filter(person::Column::OrgUnitId.eq(from))
        .exec(&*txn)
        .await?
        .rows_affected;
    let enrolments = enrolment::Entity::update_many()
        .col_expr(enrolment::Column::OrgUnitId, Expr::value(Some(into)))
        .filter(enrolment::Column::OrgUnitId.eq(from))
        .exec(&*txn)
        .await?
        .rows_affected;
    org_unit::Entity::delete_by_id(from).exec(&*txn).await?;
    let what = serde_json::json!({
        "into": { "id": stays.id, "name": stays.name },
        "people": people, "units": units + u64::from(on_the_way.is_some()), "enrolments": enrolments,
    });
    audit::record(&*txn, Some(actor.person_id), "org_unit.merge", ("org_unit", from), Some(&gone), Some(&what), now)
        .await?;
    txn.commit().await?;
    Ok(Merged { people, units: units + u64::from(on_the_way.is_some()), enrolments })
}

#[cfg(test)]
mod tests {
    use super::ancestry;
    use std::collections::HashMap;
    use uuid::Uuid;

    #[test]
    fn the_ancestry_runs_up_to_the_top_and_stops_at_a_loop() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let tree = HashMap::from([(a, None), (b, Some(a)), (c, Some(b))]);
        assert_eq!(ancestry(&tree, c), vec![c, b, a]);
        assert_eq!(ancestry(&tree, a), vec![a]);
        let looped = HashMap::from([(a, Some(b)), (b, Some(a))]);
        assert_eq!(ancestry(&looped, a), vec![a, b]);
    }
}
