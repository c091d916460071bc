//! People of the participating organisations: adding them one by one or by import, who sees
//! them, their roles, their tokens (bearer and calendar feed), and the organisations and units
//! they belong to.

mod import;
mod organisations;
mod tokens;

pub use import::{
    Change, GonePerson, ImportOptions, ImportReport, ImportRow, ImportRowReport, RowOutcome, import_people,
    preview_import,
};
pub use leerweek_domain::people::{OrgUnit, Organisation, Person};
pub use organisations::{
    ADMIN_ORGANISATION, create_organisation, create_unit, get_organisation, list_organisations, list_units,
};
pub(crate) use tokens::hash_token;
pub use tokens::{
    authenticate, by_calendar_token, calendar_token_created, create_admin, issue_token, issue_token_unchecked,
    revoke_calendar_token, rotate_calendar_token,
};

use crate::entities::{org_unit, organisation, person, person_role};
use crate::lookup::reports_of;
use crate::{Conflict, Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::{Actor, Reach};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{Language, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use uuid::Uuid;

/// A person to create, parsed.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// Unique e-mail address.
    pub email: EmailAddress,
    /// Full name.
    pub name: Name,
    /// Their organisation.
    pub organisation_id: Uuid,
    /// Their unit, in the same organisation.
    pub org_unit_id: Option<Uuid>,
    /// Their manager.
    pub manager_id: Option<Uuid>,
    /// Preferred language.
    pub language: Language,
}

/// Create a person (admins, or organisers of the person's organisation).
pub async fn create_person(store: &Store, actor: &Actor, p: NewPerson, now: DateTime<Utc>) -> Result<Person> {
    if organisation::Entity::find_by_id(p.organisation_id).one(store.conn()).await?.is_none() {
        return Err(StoreError::UnknownReference { field: "organisation_id".into() });
    }
    if !actor.may_manage_people_of(p.organisation_id) {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    if let Some(unit) = p.org_unit_id {
        let u = org_unit::Entity::find_by_id(unit).one(&*txn).await?;
        if u.map(|u| u.organisation_id) != Some(p.organisation_id) {
            return Err(StoreError::UnknownReference { field: "org_unit_id".into() });
        }
    }
    if let Some(manager) = p.manager_id
        && person::Entity::find_by_id(manager).one(&*txn).await?.is_none()
    {
        return Err(StoreError::UnknownReference { field: "manager_id".into() });
    }
    if find_by_email(&*txn, &p.email).await?.is_some() {
        return Err(Conflict::EmailTaken.into());
    }
    let m = insert_person(&*txn, &p, now).await?;
    audit::record(&*txn, Some(actor.person_id), "person.create", ("person", m.id), None::<&()>, Some(&m), now).await?;
    txn.commit().await?;
    Ok(mapping::person(&m))
}

pub(super) async fn insert_person(
    c: &impl ConnectionTrait,
    p: &NewPerson,
    now: DateTime<Utc>,
) -> Result<person::Model> {
    Ok(person::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(p.email.as_str().to_owned()),
        name: Set(p.name.as_str().to_owned()),
        organisation_id: Set(p.organisation_id),
        org_unit_id: Set(p.org_unit_id),
        manager_id: Set(p.manager_id),
        language: Set(p.language.as_str().to_owned()),
        created_at: Set(now),
        left_at: Set(None),
    }
    .insert(c)
    .await?)
}

pub(super) async fn find_by_email(c: &impl ConnectionTrait, email: &EmailAddress) -> Result<Option<person::Model>> {
    Ok(person::Entity::find().filter(person::Column::Email.eq(email.as_str())).one(c).await?)
}

/// One person, if the actor may see them: themselves, their organisation's organisers, their
/// managers (direct or higher up the chain), admins. Others get "not found", which tells nothing about existence.
pub async fn get_person(store: &Store, actor: &Actor, id: Uuid) -> Result<Person> {
    let p = person::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("person"))?;
    let seen = match actor.may_see_person(p.id, p.organisation_id, p.manager_id) {
        Reach::Yes => true,
        Reach::IfTheyReportToYou => reports_of(store.conn(), actor.person_id).await?.contains(&p.id),
        Reach::No => false,
    };
    if seen { Ok(mapping::person(&p)) } else { Err(StoreError::NotFound("person")) }
}

/// People of an organisation, paged by name (organisers of it and admins).
pub async fn list_people(
    store: &Store,
    actor: &Actor,
    organisation_id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Person>, u64)> {
    get_organisation(store, organisation_id).await?;
    if !actor.may_manage_people_of(organisation_id) {
        return Err(StoreError::Forbidden);
    }
    let q = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id);
    let total = q.clone().count(store.conn()).await?;
    let rows = q.offset(page.saturating_sub(1).saturating_mul(per_page)).limit(per_page).all(store.conn()).await?;
    Ok((rows.iter().map(mapping::person).collect(), total))
}

/// The roles a person holds.
pub async fn roles(store: &Store, person_id: Uuid) -> Result<Vec<Role>> {
    roles_of(store.conn(), person_id).await
}

/// The roles a person holds, read on `c`.
pub(crate) async fn roles_of(c: &impl ConnectionTrait, person_id: Uuid) -> Result<Vec<Role>> {
    let rows = person_role::Entity::find().filter(person_role::Column::PersonId.eq(person_id)).all(c).await?;
    Ok(rows.iter().filter_map(|r| Role::parse(&r.role).ok()).collect())
}

/// Grant a role (admins only). Granting a held role again changes nothing.
pub async fn grant_role(
    store: &Store,
    actor: &Actor,
    person_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Vec<Role>> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    if person::Entity::find_by_id(person_id).one(&*txn).await?.is_none() {
        return Err(StoreError::NotFound("person"));
    }
    insert_role(&*txn, person_id, role, now).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "role.grant",
        ("person", person_id),
        None::<&()>,
        Some(&role.as_str()),
        now,
    )
    .await?;
    let roles = roles_of(&*txn, person_id).await?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(roles)
}

pub(super) async fn insert_role(
    c: &impl ConnectionTrait,
    person_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
) -> Result<()> {
    let held = person_role::Entity::find_by_id((person_id, role.as_str().to_owned())).one(c).await?;
    if held.is_none() {
        person_role::ActiveModel {
            person_id: Set(person_id),
            role: Set(role.as_str().to_owned()),
            created_at: Set(now),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// The people a manager manages directly.
pub async fn managed_by(store: &Store, manager_id: Uuid) -> Result<Vec<Person>> {
    let rows = person::Entity::find()
        .filter(person::Column::ManagerId.eq(manager_id))
        .order_by_asc(person::Column::Name)
        .all(store.conn())
        .await?;
    Ok(rows.iter().map(mapping::person).collect())
}

/// A person by e-mail address, for the installation itself (the command line, the demo): no
/// actor, so only callers that act as the installation may use it.
pub async fn person_by_email(store: &Store, email: &EmailAddress) -> Result<Option<Person>> {
    Ok(find_by_email(store.conn(), email).await?.as_ref().map(mapping::person))
}

/// The actor a person is, with their roles (for the command line, which acts as a person it
/// names).
pub async fn actor_of(store: &Store, person: &Person) -> Result<Actor> {
    let roles = roles_of(store.conn(), person.id).await?;
    Ok(Actor { person_id: person.id, organisation_id: person.organisation_id, roles })
}

/// The first admin ever made, if any (the command line acts as them by default).
pub async fn first_admin(store: &Store) -> Result<Option<Person>> {
    let Some(first) = person_role::Entity::find()
        .filter(person_role::Column::Role.eq(Role::Admin.as_str()))
        .order_by_asc(person_role::Column::CreatedAt)
        .one(store.conn())
        .await?
    else {
        return Ok(None);
    };
    Ok(person::Entity::find_by_id(first.person_id).one(store.conn()).await?.as_ref().map(mapping::person))
}
