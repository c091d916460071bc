//! The plan of an import: every row checked against what the database holds now, read on a
//! reader connection in a few set queries (no write lock), and what would happen to it.

use super::{Change, GonePerson, ImportOptions, ImportReport, ImportRow, ImportRowReport, RowOutcome};
use crate::entities::{org_unit, organisation, person};
use crate::{Result, Store};
use leerweek_domain::access::Actor;
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{FieldError, Invalid};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Most values in one `IN (…)` list.
const CHUNK: usize = 500;

/// Where a person's unit goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum UnitTarget {
    /// The file has no unit column: a known person keeps theirs.
    Keep,
    /// No unit.
    None,
    /// A unit that exists.
    Existing(Uuid),
    /// A unit to create in the person's organisation (this name).
    New(String),
}

/// A valid row, ready to be written.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    /// E-mail, lower case.
    pub email: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Unit.
    pub unit: UnitTarget,
    /// Manager: `None` keep, `Some(None)` none, `Some(Some(e-mail))` that person.
    pub manager: Option<Option<String>>,
    /// The known person, if any; else the id the new person gets.
    pub id: Uuid,
    /// Whether the person is known already.
    pub known: bool,
    /// Whether anything is to be written (a new person, or a change).
    pub write: bool,
}

/// A checked file.
pub(super) struct Plan {
    /// What happens to every row (the rows of `people` are its valid ones, in order).
    pub report: ImportReport,
    /// The valid rows.
    pub people: Vec<Planned>,
    /// With `mark_gone`: the ids of the people to mark as gone.
    pub gone: Vec<Uuid>,
}

/// Check every row and plan the import.
pub(super) async fn plan(store: &Store, actor: &Actor, rows: &[ImportRow], options: ImportOptions) -> Result<Plan> {
    let c = store.conn();
    let orgs = organisation::Entity::find().all(c).await?;
    let org_by_name: HashMap<String, Uuid> = orgs.iter().map(|o| (o.name.to_lowercase(), o.id)).collect();
    let org_name: HashMap<Uuid, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let units = org_unit::Entity::find().all(c).await?;
    let unit_by_name: HashMap<(Uuid, String), Uuid> =
        units.iter().map(|u| ((u.organisation_id, u.name.to_lowercase()), u.id)).collect();
    let unit_name: HashMap<Uuid, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();

    let emails: Vec<Option<EmailAddress>> = rows.iter().map(|r| EmailAddress::parse(&r.email).ok()).collect();
    let file_emails: HashSet<&str> = emails.iter().flatten().map(EmailAddress::as_str).collect();
    let managers: Vec<Option<EmailAddress>> = rows
        .iter()
        .map(|r| r.manager_email.as_deref().filter(|m| !m.trim().is_empty()).and_then(|m| EmailAddress::parse(m).ok()))
        .collect();
    let mut wanted: Vec<String> = file_emails.iter().map(|e| (*e).to_owned()).collect();
    wanted.extend(managers.iter().flatten().map(|m| m.as_str().to_owned()));
    wanted.sort_unstable();
    wanted.dedup();
    let known = people_by_email(c, &wanted).await?;
    // The addresses of known people's managers, to show a changed manager.
    let manager_ids: Vec<Uuid> = known.values().filter_map(|p| p.manager_id).collect();
    let manager_email = emails_by_id(c, manager_ids, &known).await?;

    let mut seen: HashSet<&str> = HashSet::with_capacity(rows.len());
    let mut report = ImportReport { rows: Vec::with_capacity(rows.len()), ..Default::default() };
    let mut people = Vec::with_capacity(rows.len());
    for ((r, email), manager) in rows.iter().zip(&emails).zip(&managers) {
        let mut errors = Vec::new();
        if email.is_none() {
            let e = EmailAddress::parse(&r.email).err().unwrap_or(Invalid::NotAnEmail);
            errors.push(FieldError::new("email", e));
        }
        let existing = email.as_ref().and_then(|e| known.get(e.as_str()));
        if existing.is_some_and(|p| !actor.may_manage_people_of(p.organisation_id)) {
            // Someone of another organisation: an import may not move or rename them, and the
            // importer learns no more than that the address cannot be used.
            errors.push(FieldError::new("email", Invalid::Unusable));
        }
        if let Some(e) = email
            && !seen.insert(e.as_str())
        {
            errors.push(FieldError::new("email", Invalid::Duplicate));
        }
        let name = Name::parse(&r.name).map_err(|e| errors.push(FieldError::new("name", e))).ok();
        let organisation_id = match org_by_name.get(&r.organisation.trim().to_lowercase()) {
            Some(id) if actor.may_manage_people_of(*id) => Some(*id),
            Some(_) => {
                errors.push(FieldError::new("organisation", Invalid::Outside { what: "your organisation" }));
                None
            }
            None if r.organisation.trim().is_empty() => {
                errors.push(FieldError::new("organisation", Invalid::Required));
                None
            }
            None => {
                errors.push(FieldError::new("organisation", Invalid::Outside { what: "the known organisations" }));
                None
            }
        };
        let unit_given = match r.org_unit.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(u) => Name::parse(u).map_err(|e| errors.push(FieldError::new("org_unit", e))).ok().map(Some),
        };
        let manager_given = match r.manager_email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(m) => match manager {
                // Someone the importer may not see counts as unknown: the answer is the same.
                Some(m)
                    if !file_emails.contains(m.as_str())
                        && !known.get(m.as_str()).is_some_and(|p| actor.may_manage_people_of(p.organisation_id)) =>
                {
                    errors.push(FieldError::new(
                        "manager_email",
                        Invalid::Outside { what: "the people known or in this file" },
                    ));
                    None
                }
                Some(m) if email.as_ref() == Some(m) => {
                    errors.push(FieldError::new("manager_email", Invalid::Duplicate));
                    None
                }
                Some(m) => Some(Some(m.as_str().to_owned())),
                None => {
                    let e = EmailAddress::parse(m).err().unwrap_or(Invalid::NotAnEmail);
                    errors.push(FieldError::new("manager_email", e));
                    None
                }
            },
        };
        let (Some(email), Some(name), Some(organisation_id), true) = (email, name, organisation_id, errors.is_empty())
        else {
            report.invalid += 1;
            report.rows.push(ImportRowReport {
                line: r.line,
                email: r.email.clone(),
                outcome: RowOutcome::Invalid(errors),
                person_id: None,
            });
            continue;
        };
        let unit = match unit_given {
            // Someone moving to another organisation leaves their unit behind.
            None if existing.is_some_and(|p| p.organisation_id != organisation_id) => UnitTarget::None,
            None => UnitTarget::Keep,
            Some(None) => UnitTarget::None,
            Some(Some(u)) => match unit_by_name.get(&(organisation_id, u.as_str().to_lowercase())) {
                Some(id) => UnitTarget::Existing(*id),
                None => UnitTarget::New(u.as_str().to_owned()),
            },
        };
        let mut planned = Planned {
            email: email.as_str().to_owned(),
            name: name.as_str().to_owned(),
            organisation_id,
            unit,
            manager: manager_given,
            id: existing.map(|p| p.id).unwrap_or_else(Uuid::now_v7),
            known: existing.is_some(),
            write: true,
        };
        let outcome = match existing {
            None => {
                report.new += 1;
                RowOutcome::New
            }
            Some(p) => {
                let changes = changes(p, &planned, &org_name, &unit_name, &manager_email);
                if changes.is_empty() {
                    planned.write = false;
                    report.unchanged += 1;
                    RowOutcome::Unchanged
                } else {
                    report.changed += 1;
                    RowOutcome::Changed(changes)
                }
            }
        };
        report.rows.push(ImportRowReport {
            line: r.line,
            email: r.email.clone(),
            outcome,
            person_id: Some(planned.id),
        });
        people.push(planned);
    }

    let mut gone = Vec::new();
    if options.mark_gone {
        let mut organisations: Vec<Uuid> = people.iter().map(|p| p.organisation_id).collect();
        organisations.sort_unstable();
        organisations.dedup();
        let listed: HashSet<&str> = people.iter().map(|p| p.email.as_str()).collect();
        let mut candidates = person::Entity::find()
            .filter(person::Column::OrganisationId.is_in(organisations))
            .filter(person::Column::LeftAt.is_null())
            .all(c)
            .await?;
        candidates.retain(|p| {
            !listed.contains(p.email.as_str()) && p.id != actor.person_id && !p.email.ends_with(".invalid")
        });
        candidates.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        gone = candidates.iter().map(|p| p.id).collect();
        report.gone = candidates.into_iter().map(|p| GonePerson { id: p.id, email: p.email, name: p.name }).collect();
    }
    Ok(Plan { report, people, gone })
}

/// What changes for a known person.
fn changes(
    p: &person::Model,
    to: &Planned,
    org_name: &HashMap<Uuid, String>,
    unit_name: &HashMap<Uuid, String>,
    manager_email: &HashMap<Uuid, String>,
) -> Vec<Change> {
    let mut out = Vec::new();
    if p.name != to.name {
        out.push(Change { field: "name", old: Some(p.name.clone()), new: Some(to.name.clone()) });
    }
    if p.organisation_id != to.organisation_id {
        out.push(Change {
            field: "organisation",
            old: org_name.get(&p.organisation_id).cloned(),
            new: org_name.get(&to.organisation_id).cloned(),
        });
    }
    let old_unit = p.org_unit_id.and_then(|u| unit_name.get(&u).cloned());
    let new_unit = match &to.unit {
        UnitTarget::Keep => old_unit.clone(),
        UnitTarget::None => None,
        UnitTarget::Existing(id) => unit_name.get(id).cloned(),
        UnitTarget::New(name) => Some(name.clone()),
    };
    let unit_differs = match &to.unit {
        UnitTarget::Keep => false,
        UnitTarget::None => p.org_unit_id.is_some(),
        UnitTarget::Existing(id) => p.org_unit_id != Some(*id),
        UnitTarget::New(_) => true,
    };
    if unit_differs {
        out.push(Change { field: "org_unit", old: old_unit, new: new_unit });
    }
    if let Some(new) = &to.manager {
        let old = p.manager_id.and_then(|m| manager_email.get(&m).cloned());
        if &old != new {
            out.push(Change { field: "manager_email", old, new: new.clone() });
        }
    }
    if let Some(left) = p.left_at {
        out.push(Change { field: "left_at", old: Some(left.to_rfc3339()), new: None });
    }
    out
}

/// The people with these addresses (lower case), by address.
async fn people_by_email(c: &impl ConnectionTrait, emails: &[String]) -> Result<HashMap<String, person::Model>> {
    let mut out = HashMap::with_capacity(emails.len());
    for chunk in emails.chunks(CHUNK) {
        let found = person::Entity::find().filter(person::Column::Email.is_in(chunk.iter().cloned())).all(c).await?;
        out.extend(found.into_iter().map(|p| (p.email.clone(), p)));
    }
    Ok(out)
}

/// The addresses of these people, by id (those in `known` without asking again).
async fn emails_by_id(
    c: &impl ConnectionTrait,
    mut ids: Vec<Uuid>,
    known: &HashMap<String, person::Model>,
) -> Result<HashMap<Uuid, String>> {
    let mut out: HashMap<Uuid, String> = known.values().map(|p| (p.id, p.email.clone())).collect();
    ids.retain(|id| !out.contains_key(id));
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(CHUNK) {
        let found = person::Entity::find().filter(person::Column::Id.is_in(chunk.iter().copied())).all(c).await?;
        out.extend(found.into_iter().map(|p| (p.id, p.email)));
    }
    Ok(out)
}
