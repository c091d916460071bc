//! The mails of the Klussenbank: every one carries the klus's facts (`extra.assignment`); the
//! templates live in the mailer.

use crate::Result;
use crate::entities::{assignment, org_unit, organisation, person};
use crate::outbox::{self, MailKind, NewMail};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use uuid::Uuid;

/// What every mail says about its klus.
pub(crate) async fn facts(c: &impl ConnectionTrait, a: &assignment::Model) -> Result<Value> {
    let org = organisation::Entity::find_by_id(a.organisation_id).one(c).await?.map(|o| o.name);
    let unit = match a.org_unit_id {
        Some(u) => org_unit::Entity::find_by_id(u).one(c).await?.map(|u| u.name),
        None => None,
    };
    let contact = match a.contact_person_id {
        Some(p) => person::Entity::find_by_id(p).one(c).await?,
        None => None,
    };
    Ok(json!({
        "id": a.id,
        "title": a.title,
        "organisation_name": org,
        "unit_name": unit,
        "hours_per_week": a.hours_per_week,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "place": a.place,
        "location": a.location,
        "contact_name": contact.as_ref().map(|p| p.name.clone()),
        "contact_email": contact.map(|p| p.email),
    }))
}

/// Queue one mail about a klus to `to`, with `extra` beside the klus's facts.
pub(crate) async fn tell(
    c: &impl ConnectionTrait,
    kind: MailKind,
    to: Uuid,
    facts: &Value,
    mut extra: Value,
    now: DateTime<Utc>,
) -> Result<()> {
    extra["assignment"] = facts.clone();
    extra["time_zone"] = json!(super::ZONE.name());
    outbox::enqueue(c, NewMail { kind, person_id: to, enrolment_id: None, session: None, calendar: None, extra }, now)
        .await
}

/// Whom to tell on the poster's side: the contact person and whoever posted it (each once, and
/// only people who have not left).
pub(crate) async fn posters(c: &impl ConnectionTrait, a: &assignment::Model) -> Result<Vec<Uuid>> {
    let mut out = Vec::new();
    for p in [a.contact_person_id, a.created_by].into_iter().flatten() {
        if out.contains(&p) {
            continue;
        }
        if person::Entity::find_by_id(p).one(c).await?.is_some_and(|p| p.left_at.is_none()) {
            out.push(p);
        }
    }
    Ok(out)
}
