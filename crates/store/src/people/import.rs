//! Importing people from a file: every row checked first, then all rows or none.

use super::{NewPerson, find_by_email, insert_person};
use crate::entities::{org_unit, organisation, person};
use crate::people::organisations::insert_unit;
use crate::{Result, Store, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{FieldError, Invalid, Language};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

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
    /// The person created or updated (once imported).
    pub person_id: Option<Uuid>,
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
            && !actor.may_manage_people_of(existing.organisation_id)
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
            Some(id) if actor.may_manage_people_of(*id) => Some(*id),
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
            person_id: None,
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
        report.person_id = Some(id);
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
