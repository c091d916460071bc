//! The programme of a week: a read model of its scheduled sessions with their seats, shared by
//! every viewer, filtered and given each viewer's own free seats.

use crate::entities::{session, session_quota, workshop};
use crate::lookup::{load_event, quota_use};
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use leerweek_domain::access::Actor;
use leerweek_domain::event::Event;
use leerweek_domain::session::{QuotaUse, Seats, Session};
use leerweek_domain::skill::Skill;
use leerweek_domain::workshop::Workshop;
use leerweek_domain::{SessionStatus, WorkshopFormat};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Filters of the programme.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    /// Only sessions starting on this day (event time zone).
    pub day: Option<NaiveDate>,
    /// Only this theme.
    pub theme: Option<String>,
    /// Only workshops hosted by this organisation.
    pub organisation_id: Option<Uuid>,
    /// Only this format.
    pub format: Option<WorkshopFormat>,
    /// Only workshops that teach this skill.
    pub skill: Option<Uuid>,
    /// Text to find in title, description, trainer or theme (case-insensitive).
    pub q: Option<String>,
    /// Only sessions with a seat the viewer could take.
    pub available: bool,
}

/// One line of the programme.
#[derive(Debug, Clone)]
pub struct ProgrammeItem {
    /// The session.
    pub session: Session,
    /// Its workshop.
    pub workshop: Workshop,
    /// Seats the viewer could take.
    pub seats_left: u32,
}

/// What the programme of an event shows every viewer, before filters and before the viewer's
/// own seats: the event, and its scheduled sessions of scheduled workshops by start time with
/// their seat counters and quotas. The API shares one read among many viewers for a moment;
/// nothing that decides an enrolment reads it.
#[derive(Debug, Clone)]
pub struct ProgrammeData {
    /// The event (whoever may see it).
    pub event: Event,
    /// Its sessions, by start time.
    pub entries: Vec<ProgrammeEntry>,
}

impl ProgrammeData {
    /// Whether the actor may see this programme.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.may_see_event(&self.event.organisation_ids, self.event.status)
    }
}

/// One session of [`ProgrammeData`].
#[derive(Debug, Clone)]
pub struct ProgrammeEntry {
    /// The session, with its counters.
    pub session: Session,
    /// Its workshop.
    pub workshop: Workshop,
    /// Its quotas and their use (empty for most sessions).
    pub quotas: Vec<QuotaUse>,
    /// Skills its workshop teaches, by name.
    pub skills: Arc<[Skill]>,
}

impl ProgrammeEntry {
    /// Seats a person of `organisation` could take at `now`.
    pub fn seats_left(&self, organisation: Uuid, now: DateTime<Utc>) -> u32 {
        if self.quotas.is_empty() {
            self.session.capacity.saturating_sub(self.session.confirmed_count)
        } else {
            Seats {
                capacity: self.session.capacity,
                confirmed: self.session.confirmed_count,
                quotas: self.quotas.clone(),
            }
            .free_for(organisation, now)
        }
    }
}

impl ProgrammeFilter {
    /// Whether the entry passes every filter but `available` (which depends on the viewer).
    pub fn matches(&self, e: &ProgrammeEntry, tz: Tz) -> bool {
        let (s, w) = (&e.session, &e.workshop);
        if self.day.is_some_and(|d| s.starts_at.with_timezone(&tz).date_naive() != d)
            || self.theme.as_ref().is_some_and(|t| w.theme != t.trim().to_lowercase())
            || self.organisation_id.is_some_and(|o| w.host_organisation_id != o)
            || self.format.is_some_and(|fm| w.format != fm)
            || self.skill.is_some_and(|k| !e.skills.iter().any(|s| s.id == k))
        {
            return false;
        }
        match &self.q {
            Some(q) => {
                let q = q.to_lowercase();
                [w.title.as_str(), w.description.as_str(), w.theme.as_str(), w.trainer.as_deref().unwrap_or("")]
                    .iter()
                    .any(|h| h.to_lowercase().contains(q.as_str()))
            }
            None => true,
        }
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.day.is_none()
            && self.theme.is_none()
            && self.organisation_id.is_none()
            && self.format.is_none()
            && self.skill.is_none()
            && self.q.is_none()
            && !self.available
    }
}

/// Read [`ProgrammeData`] of an event, for any viewer (`None`: no such event). The caller checks
/// who may see it ([`ProgrammeData::visible_to`]).
pub async fn programme_data(store: &Store, event_id: Uuid) -> Result<Option<ProgrammeData>> {
    let Some(event) = load_event(store.conn(), event_id).await? else { return Ok(None) };
    let scheduled = SessionStatus::Scheduled.as_str();
    let workshops: HashMap<Uuid, Workshop> = workshop::Entity::find()
        .filter(workshop::Column::EventId.eq(event_id))
        .filter(workshop::Column::Status.eq(scheduled))
        .all(store.conn())
        .await?
        .iter()
        .map(|w| (w.id, mapping::workshop(w)))
        .collect();
    let sessions = session::Entity::find()
        .filter(session::Column::EventId.eq(event_id))
        .filter(session::Column::Status.eq(scheduled))
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Id)
        .all(store.conn())
        .await?;
    let quota_sessions: Vec<Uuid> = session_quota::Entity::find()
        .select_only()
        .column(session_quota::Column::SessionId)
        .filter(
            session_quota::Column::SessionId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(session::Column::Id)
                    .from(session::Entity)
                    .and_where(session::Column::EventId.eq(event_id))
                    .to_owned(),
            ),
        )
        .distinct()
        .into_tuple()
        .all(store.conn())
        .await?;
    let ids: Vec<Uuid> = workshops.keys().copied().collect();
    let taught: HashMap<Uuid, Arc<[Skill]>> =
        crate::skills::of_workshops(store.conn(), &ids).await?.into_iter().map(|(w, s)| (w, s.into())).collect();
    let none: Arc<[Skill]> = Arc::new([]);
    let mut entries = Vec::with_capacity(sessions.len());
    for s in sessions {
        let Some(w) = workshops.get(&s.workshop_id) else { continue };
        let quotas = if quota_sessions.contains(&s.id) { quota_use(store.conn(), s.id).await? } else { vec![] };
        let skills = taught.get(&w.id).cloned().unwrap_or_else(|| none.clone());
        entries.push(ProgrammeEntry { session: mapping::session(&s), workshop: w.clone(), quotas, skills });
    }
    Ok(Some(ProgrammeData { event: event.to_event(), entries }))
}

/// The programme of an event as the actor sees it: scheduled sessions of scheduled workshops, by
/// start time, with live seat counts, filtered. Cancelled ones are left out.
pub async fn programme(
    store: &Store,
    actor: &Actor,
    event_id: Uuid,
    f: &ProgrammeFilter,
    now: DateTime<Utc>,
) -> Result<(Event, Vec<ProgrammeItem>)> {
    let data = match programme_data(store, event_id).await? {
        Some(d) if d.visible_to(actor) => d,
        _ => return Err(StoreError::NotFound("event")),
    };
    let tz = data.event.time_zone;
    let items = data
        .entries
        .into_iter()
        .filter(|e| f.matches(e, tz))
        .map(|e| ProgrammeItem {
            seats_left: e.seats_left(actor.organisation_id, now),
            session: e.session,
            workshop: e.workshop,
        })
        .filter(|i| !f.available || i.seats_left > 0)
        .collect();
    Ok((data.event, items))
}

/// Distinct themes used in an event, for filters.
pub async fn themes(store: &Store, actor: &Actor, event_id: Uuid) -> Result<Vec<String>> {
    crate::events::get_event(store, actor, event_id).await?;
    Ok(workshop::Entity::find()
        .select_only()
        .column(workshop::Column::Theme)
        .filter(workshop::Column::EventId.eq(event_id))
        .distinct()
        .order_by_asc(workshop::Column::Theme)
        .into_tuple()
        .all(store.conn())
        .await?)
}
