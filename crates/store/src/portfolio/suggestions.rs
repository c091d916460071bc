//! Sessions to come that teach a skill a person wants to grow in.

use crate::entities::{enrolment, session, workshop, workshop_skill};
use crate::lookup::load_event;
use crate::{Result, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::Audience;
use leerweek_domain::skill::Skill;
use leerweek_domain::{EnrolmentStatus, EventStatus, SessionStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Most suggestions given.
const MAX: usize = 10;

/// A session that teaches a skill the person wants.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The session.
    pub session_id: Uuid,
    /// Its week.
    pub event_id: Uuid,
    /// The week's name.
    pub event_name: String,
    /// The workshop's title.
    pub workshop_title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// The wanted skills it teaches.
    pub skills: Vec<Skill>,
}

/// Up to ten sessions still to come, in published weeks the actor sees and workshops whose
/// audience admits them, that teach a skill in `wanted`; not those they hold a place in.
pub(crate) async fn for_actor(
    c: &impl ConnectionTrait,
    actor: &Actor,
    wanted: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<Suggestion>> {
    if wanted.is_empty() {
        return Ok(vec![]);
    }
    let teaching: Vec<workshop_skill::Model> =
        workshop_skill::Entity::find().filter(workshop_skill::Column::SkillId.is_in(wanted.to_vec())).all(c).await?;
    let workshop_ids: HashSet<Uuid> = teaching.iter().map(|t| t.workshop_id).collect();
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(workshop_ids))
        .filter(workshop::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .all(c)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let held: HashSet<Uuid> = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(actor.person_id))
        .filter(
            enrolment::Column::Status
                .is_in([EnrolmentStatus::Confirmed.as_str(), EnrolmentStatus::Waitlisted.as_str()]),
        )
        .all(c)
        .await?
        .into_iter()
        .map(|e| e.session_id)
        .collect();
    let sessions = session::Entity::find()
        .filter(session::Column::WorkshopId.is_in(workshops.keys().copied()))
        .filter(session::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .filter(session::Column::StartsAt.gt(now))
        .order_by_asc(session::Column::StartsAt)
        .all(c)
        .await?;
    let skills = crate::skills::of_workshops(c, &workshops.keys().copied().collect::<Vec<_>>()).await?;
    let mut events = HashMap::new();
    let mut out = Vec::new();
    for s in sessions {
        if out.len() >= MAX || held.contains(&s.id) {
            continue;
        }
        let Some(w) = workshops.get(&s.workshop_id) else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = events.entry(w.event_id) {
            slot.insert(load_event(c, w.event_id).await?);
        }
        let Some(Some(e)) = events.get(&w.event_id) else { continue };
        let published = e.status() == EventStatus::Published;
        if !published || !actor.may_see_event(&e.organisation_ids, e.status()) {
            continue;
        }
        let audience = Audience {
            kind: mapping::audience(&w.audience),
            host_organisation_id: w.host_organisation_id,
            listed: crate::lookup::load_workshop(c, w.id)
                .await?
                .map(|r| r.audience_organisation_ids)
                .unwrap_or_default(),
        };
        if !audience.admits(actor.organisation_id, &e.organisation_ids) {
            continue;
        }
        out.push(Suggestion {
            session_id: s.id,
            event_id: e.event.id,
            event_name: e.event.name.clone(),
            workshop_title: w.title.clone(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            skills: skills.get(&w.id).into_iter().flatten().filter(|k| wanted.contains(&k.id)).cloned().collect(),
        });
    }
    Ok(out)
}
