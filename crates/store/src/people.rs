//! Organisations, their units, people, roles and API tokens.

use crate::entities::{api_token, org_unit, organisation, person, person_role};
use crate::{Conflict, Result, Store, StoreError, audit};
use base64::Engine;
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{FieldError, Invalid, Language, Role};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Name of the organisation that admins created from the command line belong to.
pub const ADMIN_ORGANISATION: &str = "Leerweek beheer";

/// Create an organisation (admins only).
pub async fn create_organisation(
    store: &Store,
    actor: &Actor,
    name: Name,
    now: DateTime<Utc>,
) -> Result<organisation::Model> {
    if !actor.is_admin() {
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
    Ok(m)
}

async fn insert_organisation(c: &impl ConnectionTrait, name: &str, now: DateTime<Utc>) -> Result<organisation::Model> {
    let existing = organisation::Entity::find()
        .filter(Expr::expr(Func::lower(Expr::col(organisation::Column::Name))).eq(name.to_lowercase()))
        .one(c)
        .await?;
    if existing.is_some() {
        return Err(Conflict::NameTaken.into());
    }
    Ok(organisation::ActiveModel { id: Set(Uuid::now_v7()), name: Set(name.to_owned()), created_at: Set(now) }
        .insert(c)
        .await?)
}

/// All organisations, by name.
pub async fn list_organisations(store: &Store) -> Result<Vec<organisation::Model>> {
    Ok(organisation::Entity::find().order_by_asc(organisation::Column::Name).all(store.conn()).await?)
}

/// One organisation.
pub async fn get_organisation(store: &Store, id: Uuid) -> Result<organisation::Model> {
    organisation::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("organisation"))
}

/// Create a unit (department) in an organisation, optionally under a parent unit of the same organisation.
pub async fn create_unit(
    store: &Store,
    actor: &Actor,
    organisation_id: Uuid,
    name: Name,
    parent_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<org_unit::Model> {
    get_organisation(store, organisation_id).await?;
    if !actor.organises_for(organisation_id) {
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
    Ok(m)
}

async fn insert_unit(
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
pub async fn list_units(store: &Store, organisation_id: Uuid) -> Result<Vec<org_unit::Model>> {
    get_organisation(store, organisation_id).await?;
    Ok(org_unit::Entity::find()
        .filter(org_unit::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(org_unit::Column::Name)
        .all(store.conn())
        .await?)
}

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
pub async fn create_person(store: &Store, actor: &Actor, p: NewPerson, now: DateTime<Utc>) -> Result<person::Model> {
    if organisation::Entity::find_by_id(p.organisation_id).one(store.conn()).await?.is_none() {
        return Err(StoreError::UnknownReference { field: "organisation_id".into() });
    }
    if !actor.organises_for(p.organisation_id) {
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
    Ok(m)
}

async fn insert_person(c: &impl ConnectionTrait, p: &NewPerson, now: DateTime<Utc>) -> Result<person::Model> {
    Ok(person::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(p.email.as_str().to_owned()),
        name: Set(p.name.as_str().to_owned()),
        organisation_id: Set(p.organisation_id),
        org_unit_id: Set(p.org_unit_id),
        manager_id: Set(p.manager_id),
        language: Set(p.language.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(c)
    .await?)
}

async fn find_by_email(c: &impl ConnectionTrait, email: &EmailAddress) -> Result<Option<person::Model>> {
    Ok(person::Entity::find().filter(person::Column::Email.eq(email.as_str())).one(c).await?)
}

/// One person, if the actor may see them: themselves, their organisation's organisers, their
/// managers (direct or higher up the chain), admins. Others get "not found", which tells nothing about existence.
pub async fn get_person(store: &Store, actor: &Actor, id: Uuid) -> Result<person::Model> {
    let p = person::Entity::find_by_id(id).one(store.conn()).await?.ok_or(StoreError::NotFound("person"))?;
    if p.id == actor.person_id
        || actor.organises_for(p.organisation_id)
        || p.manager_id == Some(actor.person_id)
        || (actor.is_manager() && crate::enrolments::reports_of(store.conn(), actor.person_id).await?.contains(&p.id))
    {
        Ok(p)
    } else {
        Err(StoreError::NotFound("person"))
    }
}

/// People of an organisation, paged by name (organisers of it and admins).
pub async fn list_people(
    store: &Store,
    actor: &Actor,
    organisation_id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<person::Model>, u64)> {
    get_organisation(store, organisation_id).await?;
    if !actor.organises_for(organisation_id) {
        return Err(StoreError::Forbidden);
    }
    let q = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id);
    let total = q.clone().count(store.conn()).await?;
    let rows = q.offset(page.saturating_sub(1).saturating_mul(per_page)).limit(per_page).all(store.conn()).await?;
    Ok((rows, total))
}

/// The roles a person holds.
pub async fn roles_of(c: &impl ConnectionTrait, person_id: Uuid) -> Result<Vec<Role>> {
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
    if !actor.is_admin() {
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

async fn insert_role(c: &impl ConnectionTrait, person_id: Uuid, role: Role, now: DateTime<Utc>) -> Result<()> {
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

pub(crate) fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

async fn insert_token(c: &impl ConnectionTrait, person_id: Uuid, now: DateTime<Utc>) -> Result<String> {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let token = format!("lw_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        revoked_at: Set(None),
    }
    .insert(c)
    .await?;
    Ok(token)
}

/// Issue a bearer token for a person (admins only). Only its hash is stored.
pub async fn issue_token(store: &Store, actor: &Actor, person_id: Uuid, now: DateTime<Utc>) -> Result<String> {
    if !actor.is_admin() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    if person::Entity::find_by_id(person_id).one(&*txn).await?.is_none() {
        return Err(StoreError::UnknownReference { field: "person_id".into() });
    }
    let token = insert_token(&*txn, person_id, now).await?;
    audit::record(&*txn, Some(actor.person_id), "token.issue", ("person", person_id), None::<&()>, None::<&()>, now)
        .await?;
    txn.commit().await?;
    Ok(token)
}

/// Issue a token without an actor: for the command line and the demo seed.
pub async fn issue_token_unchecked(store: &Store, person_id: Uuid, now: DateTime<Utc>) -> Result<String> {
    let txn = store.write().await?;
    let token = insert_token(&*txn, person_id, now).await?;
    txn.commit().await?;
    Ok(token)
}

/// The actor a bearer token belongs to, if the token is valid.
pub async fn authenticate(store: &Store, token: &str) -> Result<Option<Actor>> {
    if !token.starts_with("lw_") || token.len() > 100 {
        return Ok(None);
    }
    store.actor_of_token(hash_token(token)).await
}

/// Create (or find) an admin by e-mail and give them a fresh token: `leerweek admin create`.
pub async fn create_admin(
    store: &Store,
    email: EmailAddress,
    name: Name,
    now: DateTime<Utc>,
) -> Result<(person::Model, String)> {
    let txn = store.write().await?;
    let person = match find_by_email(&*txn, &email).await? {
        Some(p) => p,
        None => {
            let org = match organisation::Entity::find()
                .filter(organisation::Column::Name.eq(ADMIN_ORGANISATION))
                .one(&*txn)
                .await?
            {
                Some(o) => o,
                None => insert_organisation(&*txn, ADMIN_ORGANISATION, now).await?,
            };
            let p = NewPerson {
                email,
                name,
                organisation_id: org.id,
                org_unit_id: None,
                manager_id: None,
                language: Language::Nl,
            };
            insert_person(&*txn, &p, now).await?
        }
    };
    insert_role(&*txn, person.id, Role::Admin, now).await?;
    let token = insert_token(&*txn, person.id, now).await?;
    audit::record(&*txn, None, "admin.create", ("person", person.id), None::<&()>, Some(&person), now).await?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok((person, token))
}

/// One row of a people import, as read from CSV (`email,name,organisation,org_unit,manager_email`).
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    /// Line number in the file (header is line 1).
    pub line: usize,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Organisation name.
    pub organisation: String,
    /// Unit name (created when missing), may be empty.
    pub org_unit: String,
    /// Manager's e-mail (in the database or elsewhere in the file), may be empty.
    pub manager_email: String,
}

/// What happened to one row.
#[derive(Debug, Clone)]
pub struct ImportRowReport {
    /// Line number in the file.
    pub line: usize,
    /// The row's e-mail as given.
    pub email: String,
    /// `created`, `updated` or `invalid`.
    pub status: &'static str,
    /// Problems of an invalid row.
    pub errors: Vec<FieldError>,
}

/// The per-row report of an import. When any row is invalid nothing was imported.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// Whether the file was imported.
    pub imported: bool,
    /// People created.
    pub created: usize,
    /// People updated (same e-mail already present).
    pub updated: usize,
    /// Invalid rows.
    pub invalid: usize,
    /// Every row.
    pub rows: Vec<ImportRowReport>,
}

/// Import people: all rows or none. Existing people (same e-mail) are updated; missing units are created.
pub async fn import_people(
    store: &Store,
    actor: &Actor,
    rows: Vec<ImportRow>,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let txn = store.write().await?;
    let orgs: HashMap<String, Uuid> =
        organisation::Entity::find().all(&*txn).await?.into_iter().map(|o| (o.name.to_lowercase(), o.id)).collect();
    let file_emails: HashSet<String> =
        rows.iter().filter_map(|r| EmailAddress::parse(&r.email).ok()).map(|e| e.as_str().to_owned()).collect();
    let mut seen: HashSet<String> = HashSet::new();
    struct Parsed {
        email: EmailAddress,
        name: Name,
        organisation_id: Uuid,
        unit: Option<Name>,
        manager: Option<EmailAddress>,
    }
    let mut parsed: Vec<Option<Parsed>> = Vec::with_capacity(rows.len());
    let mut reports = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut errors = Vec::new();
        let email = EmailAddress::parse(&r.email).map_err(|e| errors.push(FieldError::new("email", e))).ok();
        if let Some(e) = &email
            && let Some(existing) = find_by_email(&*txn, e).await?
            && !actor.organises_for(existing.organisation_id)
        {
            // Someone of another organisation: an import may not move or rename them.
            errors.push(FieldError::new("email", Invalid::Outside { what: "your organisation" }));
        }
        if let Some(e) = &email
            && !seen.insert(e.as_str().to_owned())
        {
            errors.push(FieldError::new("email", Invalid::Duplicate));
        }
        let name = Name::parse(&r.name).map_err(|e| errors.push(FieldError::new("name", e))).ok();
        let organisation_id = match orgs.get(&r.organisation.trim().to_lowercase()) {
            Some(id) if actor.organises_for(*id) => Some(*id),
            Some(_) => {
                errors.push(FieldError::new("organisation", Invalid::Outside { what: "your organisation" }));
                None
            }
            None => {
                errors.push(FieldError::new(
                    "organisation",
                    if r.organisation.trim().is_empty() {
                        Invalid::Required
                    } else {
                        Invalid::Outside { what: "the known organisations" }
                    },
                ));
                None
            }
        };
        let unit = if r.org_unit.trim().is_empty() {
            None
        } else {
            Name::parse(&r.org_unit).map_err(|e| errors.push(FieldError::new("org_unit", e))).ok()
        };
        let manager = if r.manager_email.trim().is_empty() {
            None
        } else {
            match EmailAddress::parse(&r.manager_email) {
                Ok(m) => {
                    let known = file_emails.contains(m.as_str()) || find_by_email(&*txn, &m).await?.is_some();
                    if !known {
                        errors.push(FieldError::new(
                            "manager_email",
                            Invalid::Outside { what: "the people known or in this file" },
                        ));
                    } else if email.as_ref() == Some(&m) {
                        errors.push(FieldError::new("manager_email", Invalid::Duplicate));
                    }
                    Some(m)
                }
                Err(e) => {
                    errors.push(FieldError::new("manager_email", e));
                    None
                }
            }
        };
        let ok = errors.is_empty();
        reports.push(ImportRowReport {
            line: r.line,
            email: r.email.clone(),
            status: if ok { "created" } else { "invalid" },
            errors,
        });
        parsed.push(match (email, name, organisation_id) {
            (Some(email), Some(name), Some(organisation_id)) if ok => {
                Some(Parsed { email, name, organisation_id, unit, manager })
            }
            _ => None,
        });
    }
    let invalid = reports.iter().filter(|r| r.status == "invalid").count();
    if invalid > 0 || rows.is_empty() {
        drop(txn);
        return Ok(ImportReport { imported: false, created: 0, updated: 0, invalid, rows: reports });
    }
    // Pass 1: people and units; pass 2: managers (who may appear later in the file).
    let mut units: HashMap<(Uuid, String), Uuid> = HashMap::new();
    let mut ids: HashMap<String, Uuid> = HashMap::new();
    let (mut created, mut updated) = (0, 0);
    for (p, report) in parsed.iter().flatten().zip(reports.iter_mut()) {
        let unit_id = match &p.unit {
            None => None,
            Some(u) => {
                let key = (p.organisation_id, u.as_str().to_lowercase());
                match units.get(&key) {
                    Some(id) => Some(*id),
                    None => {
                        let existing = org_unit::Entity::find()
                            .filter(org_unit::Column::OrganisationId.eq(p.organisation_id))
                            .filter(Expr::expr(Func::lower(Expr::col(org_unit::Column::Name))).eq(key.1.clone()))
                            .one(&*txn)
                            .await?;
                        let id = match existing {
                            Some(e) => e.id,
                            None => insert_unit(&*txn, p.organisation_id, u.as_str(), None, now).await?.id,
                        };
                        units.insert(key, id);
                        Some(id)
                    }
                }
            }
        };
        let id = match find_by_email(&*txn, &p.email).await? {
            Some(existing) => {
                let mut am: person::ActiveModel = existing.clone().into();
                am.name = Set(p.name.as_str().to_owned());
                am.organisation_id = Set(p.organisation_id);
                am.org_unit_id = Set(unit_id);
                am.update(&*txn).await?;
                report.status = "updated";
                updated += 1;
                existing.id
            }
            None => {
                let np = NewPerson {
                    email: p.email.clone(),
                    name: p.name.clone(),
                    organisation_id: p.organisation_id,
                    org_unit_id: unit_id,
                    manager_id: None,
                    language: Language::Nl,
                };
                created += 1;
                insert_person(&*txn, &np, now).await?.id
            }
        };
        ids.insert(p.email.as_str().to_owned(), id);
    }
    for p in parsed.iter().flatten() {
        let manager_id = match &p.manager {
            None => None,
            Some(m) => match ids.get(m.as_str()) {
                Some(id) => Some(*id),
                None => find_by_email(&*txn, m).await?.map(|x| x.id),
            },
        };
        person::Entity::update_many()
            .col_expr(person::Column::ManagerId, Expr::value(manager_id))
            .filter(person::Column::Id.eq(ids[p.email.as_str()]))
            .exec(&*txn)
            .await?;
    }
    audit::record(
        &*txn,
        Some(actor.person_id),
        "people.import",
        ("import", Uuid::now_v7()),
        None::<&()>,
        Some(&serde_json::json!({"created": created, "updated": updated})),
        now,
    )
    .await?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(ImportReport { imported: true, created, updated, invalid: 0, rows: reports })
}

/// The people a manager manages directly.
pub async fn managed_by(store: &Store, manager_id: Uuid) -> Result<Vec<person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::ManagerId.eq(manager_id))
        .order_by_asc(person::Column::Name)
        .all(store.conn())
        .await?)
}

/// When the person's calendar-feed token was made, if they have one.
pub async fn calendar_token_created(store: &Store, actor: &Actor) -> Result<Option<DateTime<Utc>>> {
    use crate::entities::calendar_token;
    Ok(calendar_token::Entity::find_by_id(actor.person_id).one(store.conn()).await?.map(|t| t.created_at))
}

/// Make a new secret calendar-feed token for the actor, replacing (revoking) the old one.
/// Only its hash is stored; the token is shown once.
pub async fn rotate_calendar_token(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<String> {
    use crate::entities::calendar_token;
    let mut bytes = [0u8; 24];
    rand::fill(&mut bytes);
    let token = format!("cal_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let txn = store.write().await?;
    calendar_token::Entity::delete_by_id(actor.person_id).exec(&*txn).await?;
    calendar_token::ActiveModel {
        person_id: Set(actor.person_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Revoke the actor's calendar-feed token.
pub async fn revoke_calendar_token(store: &Store, actor: &Actor) -> Result<()> {
    use crate::entities::calendar_token;
    calendar_token::Entity::delete_by_id(actor.person_id).exec(store.conn()).await?;
    Ok(())
}

/// The person a calendar-feed token belongs to.
pub async fn by_calendar_token(store: &Store, token: &str) -> Result<Option<(person::Model, Actor)>> {
    use crate::entities::calendar_token;
    if !token.starts_with("cal_") || token.len() > 100 {
        return Ok(None);
    }
    let Some(t) = calendar_token::Entity::find()
        .filter(calendar_token::Column::TokenHash.eq(hash_token(token)))
        .one(store.conn())
        .await?
    else {
        return Ok(None);
    };
    let Some(p) = person::Entity::find_by_id(t.person_id).one(store.conn()).await? else { return Ok(None) };
    let roles = roles_of(store.conn(), p.id).await?;
    let actor = Actor { person_id: p.id, organisation_id: p.organisation_id, roles };
    Ok(Some((p, actor)))
}
