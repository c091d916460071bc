//! The preference lottery of a week (issue 25): people rank sessions while the window is open
//! (this module), an organiser of the lead organisation runs the allocation once the window has
//! closed ([`run`]), the run is reported ([`report`]) and can be recomputed ([`verify`]).

mod input;
mod mails;
mod remind;
mod report;
mod rows;
mod run;
mod verify;

pub use remind::{REMIND_BEFORE_HOURS, queue_preference_reminders};
pub use report::{OrganisationFigures, SessionFigures, Summary};
pub use run::{Run, RunRequest, last_run, run};
pub use verify::{Verification, verify};

use crate::entities::{preference, session, workshop, workshop_audience};
use crate::lookup::{EventRow, load_event};
use crate::{Conflict, Result, Store, StoreError, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::Audience;
use leerweek_domain::{Allocation, AudienceKind, FieldError, Invalid, SessionStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// A person's ranked sessions in a lottery week, with what they may still do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    /// The week.
    pub event_id: Uuid,
    /// Their sessions, first choice first.
    pub sessions: Vec<Uuid>,
    /// How many they may rank.
    pub max_preferences: u32,
    /// Whether they can change them now.
    pub open: bool,
    /// When the window opens.
    pub opens_at: DateTime<Utc>,
    /// When the window closes.
    pub closes_at: DateTime<Utc>,
    /// When the allocation ran (`None`: not yet).
    pub allocated_at: Option<DateTime<Utc>>,
    /// When they last changed them (`None`: never).
    pub updated_at: Option<DateTime<Utc>>,
}

/// A lottery week the actor sees: "not found" when they do not see it, "not a lottery" for a
/// first-come week.
async fn lottery_week(c: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<EventRow> {
    let e = load_event(c, id).await?.filter(|e| e.visible_to(actor)).ok_or(StoreError::NotFound("event"))?;
    if mapping::allocation(&e.event.allocation) != Allocation::Lottery {
        return Err(Conflict::NotALottery.into());
    }
    Ok(e)
}

async fn read(c: &impl ConnectionTrait, e: &EventRow, person: Uuid) -> Result<Preferences> {
    let rows = preference::Entity::find()
        .filter(preference::Column::EventId.eq(e.event.id))
        .filter(preference::Column::PersonId.eq(person))
        .order_by_asc(preference::Column::Rank)
        .all(c)
        .await?;
    Ok(Preferences {
        event_id: e.event.id,
        sessions: rows.iter().map(|r| r.session_id).collect(),
        max_preferences: e.event.max_preferences.max(1) as u32,
        open: false,
        opens_at: e.event.enrolment_opens_at,
        closes_at: e.event.enrolment_closes_at,
        allocated_at: e.event.allocated_at,
        updated_at: rows.iter().map(|r| r.updated_at).max(),
    })
}

/// The actor's own preferences in a lottery week.
pub async fn my_preferences(store: &Store, actor: &Actor, event_id: Uuid, now: DateTime<Utc>) -> Result<Preferences> {
    let e = lottery_week(store.conn(), actor, event_id).await?;
    let mut p = read(store.conn(), &e, actor.person_id).await?;
    p.open = e.policy().preferences_open(now);
    Ok(p)
}

/// Replace the actor's preferences (an empty list withdraws them). Only while the window is open
/// and before the allocation; each session once, of this week, scheduled and open to the
/// actor's organisation, at most the week's `max_preferences`.
pub async fn set_preferences(
    store: &Store,
    actor: &Actor,
    event_id: Uuid,
    sessions: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Preferences> {
    let txn = store.write().await?;
    let e = lottery_week(&*txn, actor, event_id).await?;
    if !e.policy().preferences_open(now) {
        return Err(Conflict::PreferencesClosed.into());
    }
    let max = e.event.max_preferences.max(1) as usize;
    if sessions.len() > max {
        return Err(FieldError::new("sessions", Invalid::TooLarge { max: max as i64 }).into());
    }
    check_choices(&*txn, &e, actor.organisation_id, sessions).await?;
    preference::Entity::delete_many()
        .filter(preference::Column::EventId.eq(event_id))
        .filter(preference::Column::PersonId.eq(actor.person_id))
        .exec(&*txn)
        .await?;
    if !sessions.is_empty() {
        preference::Entity::insert_many(sessions.iter().enumerate().map(|(i, s)| {
            preference::Model {
                event_id,
                person_id: actor.person_id,
                rank: i as i32 + 1,
                session_id: *s,
                updated_at: now,
            }
            .into_active_model()
        }))
        .exec(&*txn)
        .await?;
    }
    let mut p = read(&*txn, &e, actor.person_id).await?;
    txn.commit().await?;
    p.open = true;
    p.updated_at = Some(now);
    Ok(p)
}

/// Each listed session once, of the week, scheduled (its workshop too), and open to `organisation`.
async fn check_choices(c: &impl ConnectionTrait, e: &EventRow, organisation: Uuid, ids: &[Uuid]) -> Result<()> {
    let field = |i: usize| format!("sessions[{i}]");
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(FieldError::new(field(i), Invalid::Duplicate).into());
        }
    }
    let sessions: HashMap<Uuid, session::Model> = session::Entity::find()
        .filter(session::Column::Id.is_in(ids.iter().copied()))
        .filter(session::Column::EventId.eq(e.event.id))
        .all(c)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(sessions.values().map(|s| s.workshop_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let listed = listed_audiences(c, workshops.keys().copied()).await?;
    for (i, id) in ids.iter().enumerate() {
        let Some((s, w)) = sessions.get(id).and_then(|s| Some((s, workshops.get(&s.workshop_id)?))) else {
            return Err(StoreError::UnknownReference { field: field(i) });
        };
        let scheduled = mapping::session_status(&s.status) == SessionStatus::Scheduled
            && mapping::session_status(&w.status) == SessionStatus::Scheduled;
        if !scheduled {
            return Err(
                FieldError::new(field(i), Invalid::Outside { what: "the scheduled sessions of the week" }).into()
            );
        }
        if !audience(w, &listed).admits(organisation, &e.organisation_ids) {
            return Err(FieldError::new(
                field(i),
                Invalid::Outside { what: "the workshops open to your organisation" },
            )
            .into());
        }
    }
    Ok(())
}

/// The listed organisations of workshops with a listed audience.
pub(crate) async fn listed_audiences(
    c: &impl ConnectionTrait,
    workshops: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Vec<Uuid>>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for a in
        workshop_audience::Entity::find().filter(workshop_audience::Column::WorkshopId.is_in(workshops)).all(c).await?
    {
        out.entry(a.workshop_id).or_default().push(a.organisation_id);
    }
    Ok(out)
}

/// A workshop's audience.
pub(crate) fn audience(w: &workshop::Model, listed: &HashMap<Uuid, Vec<Uuid>>) -> Audience {
    let kind = mapping::audience(&w.audience);
    Audience {
        kind,
        host_organisation_id: w.host_organisation_id,
        listed: if kind == AudienceKind::Listed { listed.get(&w.id).cloned().unwrap_or_default() } else { vec![] },
    }
}
