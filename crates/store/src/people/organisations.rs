//! Organisations and their units.

use super::Organisation;
use crate::entities::{org_unit, organisation, person};
use crate::{Conflict, Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::people::OrgUnit;
use leerweek_domain::text::Name;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// Name of the organisation that admins created from the command line belong to.
pub const ADMIN_ORGANISATION: &str = "Leerweek beheer";

/// Create an organisation (admins only).
pub async fn create_organisation(store: &Store, actor: &Actor, name: Name, now: DateTime<Utc>) -> Result<Organisation> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let m = insert_organisation(&*txn, name.as_str(), now).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "organisation.create",
        ("organisation", m.id),
        None::<&()>,
        Some(&m),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(mapping::organisation(&m))
}

/// What changes in an organisation; `None` keeps.
#[derive(Debug, Clone, Default)]
pub struct OrganisationChange {
    /// A new name.
    pub name: Option<Name>,
    /// Whether its people may sign in by mail link.
    pub mail_link_sign_in: Option<bool>,
}

/// Rename an organisation or choose how its people sign in (admins only). Names stay unique
/// regardless of case. Audited as `organisation.rename` and `organisation.sign_in`.
pub async fn update_organisation(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    change: OrganisationChange,
    now: DateTime<Utc>,
) -> Result<Organisation> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let before = organisation::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("organisation"))?;
    let mut row: organisation::ActiveModel = before.clone().into();
    if let Some(name) = &change.name {
        let taken = organisation::Entity::find()
            .filter(Expr::expr(Func::lower(Expr::col(organisation::Column::Name))).eq(name.as_str().to_lowercase()))
            .filter(organisation::Column::Id.ne(id))
            .one(&*txn)
            .await?;
        if taken.is_some() {
            return Err(Conflict::NameTaken.into());
        }
        row.name = Set(name.as_str().to_owned());
    }
    if let Some(on) = change.mail_link_sign_in {
        row.mail_link_sign_in = Set(on);
    }
    let after = row.update(&*txn).await?;
    for (action, changed) in [
        ("organisation.rename", after.name != before.name),
        ("organisation.sign_in", after.mail_link_sign_in != before.mail_link_sign_in),
    ] {
        if changed {
            audit::record(&*txn, Some(actor.person_id), action, ("organisation", id), Some(&before), Some(&after), now)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(mapping::organisation(&after))
}

/// How many people and units an organisation has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganisationCounts {
    /// People (employees, anonymous stand-ins of retention aside).
    pub people: u64,
    /// Units.
    pub units: u64,
}

/// The number of people and units of every organisation, or of one (for the console).
pub async fn organisation_counts(
    store: &Store,
    only: Option<Uuid>,
) -> Result<std::collections::HashMap<Uuid, OrganisationCounts>> {
    use sea_orm::{FromQueryResult, QuerySelect, QueryTrait};
    #[derive(FromQueryResult)]
    struct Count {
        organisation_id: Uuid,
        n: i64,
    }
    let people: Vec<Count> = person::Entity::find()
        .select_only()
        .column(person::Column::OrganisationId)
        .column_as(Expr::col(person::Column::Id).count(), "n")
        .filter(person::Column::Email.not_like("%@anonymised.invalid"))
        .apply_if(only, |q, id| q.filter(person::Column::OrganisationId.eq(id)))
        .group_by(person::Column::OrganisationId)
        .into_model()
        .all(store.conn())
        .await?;
    let units: Vec<Count> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::OrganisationId)
        .column_as(Expr::col(org_unit::Column::Id).count(), "n")
        .apply_if(only, |q, id| q.filter(org_unit::Column::OrganisationId.eq(id)))
        .group_by(org_unit::Column::OrganisationId)
        .into_model()
        .all(store.conn())
        .await?;
    let mut out: std::collections::HashMap<Uuid, OrganisationCounts> = std::collections::HashMap::new();
    for c in people {
        out.entry(c.organisation_id).or_insert(OrganisationCounts { people: 0, units: 0 }).people =
            u64::try_from(c.n).unwrap_or(0);
    }
    for c in units {
        out.entry(c.organisation_id).or_insert(OrganisationCounts { people: 0, units: 0 }).units =
            u64::try_from(c.n).unwrap_or(0);
    }
    Ok(out)
}

pub(super) async fn insert_organisation(
    c: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<organisation::Model> {
    let existing = organisation::Entity::find()
        .filter(Expr::expr(Func::lower(Expr::col(organisation::Column::Name))).eq(name.to_lowercase()))
        .one(c)
        .await?;
    if existing.is_some() {
        return Err(Conflict::NameTaken.into());
    }
    Ok(organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_owned()),
        mail_link_sign_in: Set(true),
        created_at: Set(now),
    }
    .insert(c)
    .await?)
}

/// All organisations, by name.
pub async fn list_organisations(store: &Store) -> Result<Vec<Organisation>> {
    let rows = organisation::Entity::find().order_by_asc(organisation::Column::Name).all(store.conn()).await?;
    Ok(rows.iter().map(mapping::organisation).collect())
}

/// One organisation.
pub async fn get_organisation(store: &Store, id: Uuid) -> Result<Organisation> {
    let o = organisation::Entity::find_by_id(id).one(store.conn()).await?;
    o.as_ref().map(mapping::organisation).ok_or(StoreError::NotFound("organisation"))
}

/// Create a unit (department) in an organisation, optionally under a parent unit of the same organisation.
pub async fn create_unit(
    store: &Store,
    actor: &Actor,
    organisation_id: Uuid,
    name: Name,
    parent_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<OrgUnit> {
    get_organisation(store, organisation_id).await?;
    if !actor.may_manage_people_of(organisation_id) {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    if let Some(parent) = parent_id {
        let p = org_unit::Entity::find_by_id(parent).one(&*txn).await?;
        if p.map(|p| p.organisation_id) != Some(organisation_id) {
            return Err(StoreError::UnknownReference { field: "parent_id".into() });
        }
    }
    let m = insert_unit(&*txn, organisation_id, name.as_str(), parent_id, now).await?;
    audit::record(&*txn, Some(actor.person_id), "org_unit.create", ("org_unit", m.id), None::<&()>, Some(&m), now)
        .await?;
    txn.commit().await?;
    Ok(mapping::org_unit(&m))
}

pub(super) async fn insert_unit(
    c: &impl ConnectionTrait,
    organisation_id: Uuid,
    name: &str,
    parent_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<org_unit::Model> {
    Ok(org_unit::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(organisation_id),
        parent_id: Set(parent_id),
        name: Set(name.to_owned()),
        created_at: Set(now),
    }
    .insert(c)
    .await?)
}

/// Units of an organisation, by name.
pub async fn list_units(store: &Store, organisation_id: Uuid) -> Result<Vec<OrgUnit>> {
    get_organisation(store, organisation_id).await?;
    let rows = org_unit::Entity::find()
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(org_unit::Column::Name)
        .all(store.conn())
        .await?;
    Ok(rows.iter().map(mapping::org_unit).collect())
}
