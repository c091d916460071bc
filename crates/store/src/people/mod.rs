//! People of the participating organisations: adding them one by one or by import, who sees
//! them, their roles, their tokens (bearer and calendar feed), and the organisations and units
//! they belong to.

mod access;
mod import;
mod organisations;
mod setup;
mod tokens;
mod units;

use access::insert_role;
pub use access::{SignIn, SignInKind, grant_role, revoke_role, revoke_sign_in, revoke_token_from_shell, sign_ins};
pub use import::{
    Change, GonePerson, ImportOptions, ImportReport, ImportRow, ImportRowReport, RowOutcome, import_people,
    preview_import,
};
pub use leerweek_domain::people::{OrgUnit, Organisation, Person};
pub use organisations::{
    ADMIN_ORGANISATION, OrganisationChange, OrganisationCounts, create_organisation, create_unit, get_organisation,
    list_organisations, list_units, organisation_counts, update_organisation,
};
pub use setup::{SETUP_CODE_VALIDITY, complete_setup, issue_setup_code, needs_setup};
pub(crate) use tokens::hash_token;
pub use tokens::{
    NewToken, authenticate, by_calendar_token, calendar_token_created, create_admin, issue_token,
    issue_token_unchecked, revoke_calendar_token, rotate_calendar_token,
};
pub use units::{Merged, UnitChange, merge_units, update_unit};

use crate::entities::{org_unit, organisation, person, person_role};
use crate::lookup::reports_of;
use crate::{Conflict, Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::{Actor, Reach};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{FieldError, Invalid, Language, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
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
    if let Some(existing) = find_by_email(&*txn, &p.email).await? {
        // Whom an organiser may not see, they do not learn of either: only that the address
        // cannot be used (an admin, who sees everyone, hears that it is taken).
        if !actor.may_manage_people_of(existing.organisation_id) {
            return Err(FieldError::new("email", Invalid::Unusable).into());
        }
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

/// Which people to list.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Part of the name or e-mail address, any case.
    pub query: Option<String>,
    /// Only the people of this unit.
    pub org_unit_id: Option<Uuid>,
    /// Only the people holding this role.
    pub role: Option<Role>,
}

/// People of an organisation (organisers of it and admins), or of every organisation (admins
/// only: `organisation_id` `None`), optionally only those whose name or address contains the
/// search, of a unit, or holding a role; paged by name. Anonymous stand-ins are no people here.
pub async fn list_people(
    store: &Store,
    actor: &Actor,
    organisation_id: Option<Uuid>,
    filter: &PeopleFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Person>, u64)> {
    use sea_orm::sea_query::Query;
    let mut query = person::Entity::find().filter(person::Column::Email.not_like("%@anonymised.invalid"));
    match organisation_id {
        Some(org) => {
            get_organisation(store, org).await?;
            if !actor.may_manage_people_of(org) {
                return Err(StoreError::Forbidden);
            }
            query = query.filter(person::Column::OrganisationId.eq(org));
        }
        None if actor.may_administer() => {}
        None => return Err(StoreError::Forbidden),
    }
    if let Some(p) = crate::search::pattern(filter.query.as_deref()) {
        query = query.filter(
            Condition::any()
                .add(crate::search::contains((person::Entity, person::Column::Name), &p))
                .add(crate::search::contains((person::Entity, person::Column::Email), &p)),
        );
    }
    if let Some(unit) = filter.org_unit_id {
        query = query.filter(person::Column::OrgUnitId.eq(unit));
    }
    if let Some(role) = filter.role {
        query = query.filter(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(person_role::Column::PersonId)
                    .from(person_role::Entity)
                    .and_where(person_role::Column::Role.eq(role.as_str()))
                    .to_owned(),
            ),
        );
    }
    let query = query.order_by_asc(person::Column::Name).order_by_asc(person::Column::Id);
    let total = query.clone().count(store.conn()).await?;
    let rows = query.offset(page.saturating_sub(1).saturating_mul(per_page)).limit(per_page).all(store.conn()).await?;
    Ok((rows.iter().map(mapping::person).collect(), total))
}

/// Set the language of the actor's own mail (audited).
pub async fn set_language(store: &Store, actor: &Actor, language: Language, now: DateTime<Utc>) -> Result<Person> {
    let txn = store.write().await?;
    let p = person::Entity::find_by_id(actor.person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
    let before = p.language.clone();
    let mut am: person::ActiveModel = p.into();
    am.language = Set(language.as_str().to_owned());
    let after = am.update(&*txn).await?;
    if before != language.as_str() {
        audit::record(
            &*txn,
            Some(actor.person_id),
            "person.language",
            ("person", actor.person_id),
            Some(&before),
            Some(&language.as_str()),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(mapping::person(&after))
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
