//! The Klussenbank's figures per organisation for a calendar year (klussen first opened in it):
//! admins see every organisation, organisers their own.

use crate::entities::{assignment, assignment_selection, organisation};
use crate::{Result, Store, StoreError};
use chrono::TimeZone;
use leerweek_domain::ConsentState;
use leerweek_domain::access::Actor;
use leerweek_domain::assignment::figures::{self, KlusFacts, OrganisationFigures};
use leerweek_domain::assignment::total_hours;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// One organisation's figures.
#[derive(Debug, Clone)]
pub struct Row {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub figures: OrganisationFigures,
}

/// The figures of `year`, per organisation the actor may see (those that posted nothing too,
/// so an empty year reads as such), by name.
pub async fn of_year(store: &Store, actor: &Actor, year: i32) -> Result<Vec<Row>> {
    if !actor.is_admin() && !actor.is_organiser() {
        return Err(StoreError::Forbidden);
    }
    let c = store.conn();
    let zone = super::ZONE;
    let start = zone.with_ymd_and_hms(year, 1, 1, 0, 0, 0).earliest().map(|t| t.to_utc());
    let end = zone.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).earliest().map(|t| t.to_utc());
    let (Some(start), Some(end)) = (start, end) else { return Ok(vec![]) };
    let mut orgs = organisation::Entity::find().order_by_asc(organisation::Column::Name);
    if !actor.is_admin() {
        orgs = orgs.filter(organisation::Column::Id.eq(actor.organisation_id));
    }
    let orgs = orgs.all(c).await?;
    let mut q = assignment::Entity::find()
        .filter(assignment::Column::OpenedAt.gte(start))
        .filter(assignment::Column::OpenedAt.lt(end));
    if !actor.is_admin() {
        q = q.filter(assignment::Column::OrganisationId.eq(actor.organisation_id));
    }
    let klussen = q.all(c).await?;
    let mut participants: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for s in assignment_selection::Entity::find()
        .filter(assignment_selection::Column::AssignmentId.is_in(klussen.iter().map(|a| a.id).collect::<Vec<_>>()))
        .filter(assignment_selection::Column::State.eq(ConsentState::Approved.as_str()))
        .all(c)
        .await?
    {
        participants.entry(s.assignment_id).or_default().push(s.organisation_id);
    }
    let facts: Vec<KlusFacts> = klussen
        .iter()
        .map(|a| KlusFacts {
            organisation_id: a.organisation_id,
            opened_at: a.opened_at,
            filled_at: a.filled_at,
            hours_per_week: a.hours_per_week as u32,
            total_hours: total_hours(a.hours_per_week as u8, super::period_of(a)),
            participants: participants.remove(&a.id).unwrap_or_default(),
        })
        .collect();
    Ok(orgs
        .into_iter()
        .map(|o| Row { organisation_id: o.id, figures: figures::of(o.id, &facts), organisation_name: o.name })
        .collect())
}
