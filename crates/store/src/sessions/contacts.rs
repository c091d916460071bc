//! Whom to ask about a session: the organisers of the organisation that hosts it.

use crate::entities::{person, person_role, session, workshop};
use crate::lookup::load_event;
use crate::{Result, Store, StoreError, mapping};
use leerweek_domain::Role;
use leerweek_domain::access::Actor;
use leerweek_domain::people::Person;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The organisers of the session's host who have not left, by name: "not found" when the actor
/// may not see the session, "forbidden" when they may see it but not whom to ask.
pub async fn host_contacts(store: &Store, actor: &Actor, session_id: Uuid) -> Result<Vec<Person>> {
    let c = store.conn();
    let s = session::Entity::find_by_id(session_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    let e = load_event(c, s.event_id).await?.ok_or(StoreError::NotFound("session"))?;
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("session"));
    }
    if !actor.may_see_host_contacts() {
        return Err(StoreError::Forbidden);
    }
    let w = workshop::Entity::find_by_id(s.workshop_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    let organisers: Vec<Uuid> = person_role::Entity::find()
        .filter(person_role::Column::Role.eq(Role::Organiser.as_str()))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    let rows = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(w.host_organisation_id))
        .filter(person::Column::Id.is_in(organisers))
        .filter(person::Column::LeftAt.is_null())
        .order_by_asc(person::Column::Name)
        .all(c)
        .await?;
    Ok(rows.iter().map(mapping::person).collect())
}
