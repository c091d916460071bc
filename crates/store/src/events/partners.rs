//! A shared week's organisations: who takes part, who leads, and how an organisation goes.
//!
//! An organisation goes from a week only while nothing of its people is at stake there: none of
//! its workshops in the week has ever had an enrolment, and none of its people holds a place or
//! waits in the week. Then its own workshops go with it (only its own organisers or an admin can
//! take them: the lead removes a partner only while it hosts nothing), its quotas in other
//! organisations' sessions are freed, and other workshops stop listing it in their audience. The
//! lead itself never goes; an admin hands the lead to another organisation first.

use super::{EventPatch, WEEKS_ORGANISATIONS};
use crate::entities::{
    calendar_sequence, enrolment, event_organisation, feedback, person, session, session_quota, workshop,
    workshop_audience,
};
use crate::lookup::{EventRow, load_event};
use crate::{Conflict, Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::event::Event;
use leerweek_domain::{AudienceKind, EnrolmentStatus, FieldError};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

/// Link an organisation to a week.
pub(super) async fn link(c: &impl ConnectionTrait, event: Uuid, organisation: Uuid, lead: bool) -> Result<()> {
    event_organisation::ActiveModel { event_id: Set(event), organisation_id: Set(organisation), is_lead: Set(lead) }
        .insert(c)
        .await?;
    Ok(())
}

/// Apply a change's list of organisations and lead, in the change's transaction (the actor
/// leads the week; a new lead was allowed already). Returns the new list and lead.
pub(super) async fn change_list(
    c: &impl ConnectionTrait,
    actor: &Actor,
    current: &EventRow,
    p: &EventPatch,
    now: DateTime<Utc>,
) -> Result<(Vec<Uuid>, Uuid)> {
    let id = current.event.id;
    let old_lead = current.lead_or_nil();
    let orgs = p.organisation_ids.clone().unwrap_or_else(|| current.organisation_ids.clone());
    let lead = p.lead_organisation_id.unwrap_or(old_lead);
    if !orgs.contains(&lead) {
        return Err(match p.lead_organisation_id {
            Some(_) => FieldError::new("lead_organisation_id", WEEKS_ORGANISATIONS).into(),
            None => Conflict::LeadStays.into(),
        });
    }
    if lead != old_lead {
        event_organisation::Entity::update_many()
            .col_expr(event_organisation::Column::IsLead, false.into())
            .filter(event_organisation::Column::EventId.eq(id))
            .exec(c)
            .await?;
    }
    for o in current.organisation_ids.iter().filter(|o| !orgs.contains(o)) {
        take_out(c, actor, current, lead, *o, now).await?;
    }
    for o in orgs.iter().filter(|o| !current.organisation_ids.contains(o)) {
        link(c, id, *o, false).await?;
    }
    if lead != old_lead {
        event_organisation::Entity::update_many()
            .col_expr(event_organisation::Column::IsLead, true.into())
            .filter(event_organisation::Column::EventId.eq(id))
            .filter(event_organisation::Column::OrganisationId.eq(lead))
            .exec(c)
            .await?;
    }
    Ok((orgs, lead))
}

/// Take an organisation out of a week: an organisation's own organisers leave with it (and an
/// admin may take any partner out); see the module for when it may go.
pub async fn leave_event(
    store: &Store,
    actor: &Actor,
    event: Uuid,
    organisation: Uuid,
    now: DateTime<Utc>,
) -> Result<Event> {
    let txn = store.write().await?;
    let current = load_event(&*txn, event).await?.ok_or(StoreError::NotFound("event"))?;
    if !current.visible_to(actor) {
        return Err(StoreError::NotFound("event"));
    }
    if !current.organisation_ids.contains(&organisation) {
        return Err(StoreError::NotFound("organisation"));
    }
    let lead = current.lead_or_nil();
    if !actor.may_remove_from_event(organisation, lead) {
        return Err(StoreError::Forbidden);
    }
    take_out(&*txn, actor, &current, lead, organisation, now).await?;
    let left = load_event(&*txn, event).await?.ok_or(StoreError::NotFound("event"))?;
    txn.commit().await?;
    Ok(left.to_event())
}

/// Take `organisation` out of the week led by `lead` (after a change, the new lead), or say why
/// it cannot go.
async fn take_out(
    c: &impl ConnectionTrait,
    actor: &Actor,
    week: &EventRow,
    lead: Uuid,
    organisation: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = week.event.id;
    if organisation == lead {
        return Err(Conflict::LeadStays.into());
    }
    let hosted: Vec<Uuid> = workshop::Entity::find()
        .filter(workshop::Column::EventId.eq(id))
        .filter(workshop::Column::HostOrganisationId.eq(organisation))
        .all(c)
        .await?
        .into_iter()
        .map(|w| w.id)
        .collect();
    let hosted_sessions: Vec<Uuid> = session::Entity::find()
        .filter(session::Column::WorkshopId.is_in(hosted.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let in_its_workshops =
        enrolment::Entity::find().filter(enrolment::Column::SessionId.is_in(hosted_sessions.clone())).count(c).await?;
    let its_people = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::OrganisationId.eq(organisation))
        .to_owned();
    let its_places = enrolment::Entity::find()
        .filter(enrolment::Column::EventId.eq(id))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
        .filter(enrolment::Column::PersonId.in_subquery(its_people))
        .count(c)
        .await?;
    if in_its_workshops > 0 || its_places > 0 {
        return Err(Conflict::OrganisationHasEnrolments.into());
    }
    if !hosted.is_empty() && !actor.organises_for(organisation) {
        return Err(Conflict::OrganisationHostsWorkshops.into());
    }
    // Its own workshops go with it.
    session_quota::Entity::delete_many()
        .filter(session_quota::Column::SessionId.is_in(hosted_sessions.clone()))
        .exec(c)
        .await?;
    calendar_sequence::Entity::delete_many()
        .filter(calendar_sequence::Column::SessionId.is_in(hosted_sessions.clone()))
        .exec(c)
        .await?;
    feedback::Entity::delete_many().filter(feedback::Column::WorkshopId.is_in(hosted.clone())).exec(c).await?;
    session::Entity::delete_many().filter(session::Column::Id.is_in(hosted_sessions)).exec(c).await?;
    workshop_audience::Entity::delete_many()
        .filter(workshop_audience::Column::WorkshopId.is_in(hosted.clone()))
        .exec(c)
        .await?;
    workshop::Entity::delete_many().filter(workshop::Column::Id.is_in(hosted.clone())).exec(c).await?;
    // Other workshops stop reserving seats for it and listing it.
    let week_sessions = Query::select()
        .column(session::Column::Id)
        .from(session::Entity)
        .and_where(session::Column::EventId.eq(id))
        .to_owned();
    session_quota::Entity::delete_many()
        .filter(session_quota::Column::OrganisationId.eq(organisation))
        .filter(session_quota::Column::SessionId.in_subquery(week_sessions))
        .exec(c)
        .await?;
    let listed = workshop::Entity::find()
        .filter(workshop::Column::EventId.eq(id))
        .filter(workshop::Column::Audience.eq(AudienceKind::Listed.as_str()))
        .all(c)
        .await?;
    for w in listed {
        workshop_audience::Entity::delete_many()
            .filter(workshop_audience::Column::WorkshopId.eq(w.id))
            .filter(workshop_audience::Column::OrganisationId.eq(organisation))
            .exec(c)
            .await?;
        let left =
            workshop_audience::Entity::find().filter(workshop_audience::Column::WorkshopId.eq(w.id)).count(c).await?;
        if left == 0 {
            // Listing nobody would read as everyone: it stays with its host's people.
            let mut am: workshop::ActiveModel = w.into();
            am.audience = Set(AudienceKind::HostOnly.as_str().to_owned());
            am.updated_at = Set(now);
            am.update(c).await?;
        }
    }
    event_organisation::Entity::delete_many()
        .filter(event_organisation::Column::EventId.eq(id))
        .filter(event_organisation::Column::OrganisationId.eq(organisation))
        .exec(c)
        .await?;
    let before = serde_json::json!({ "organisation_id": organisation, "workshop_ids": hosted });
    audit::record(
        c,
        Some(actor.person_id),
        "event.organisation_remove",
        ("event", id),
        Some(&before),
        None::<&()>,
        now,
    )
    .await?;
    Ok(())
}
