//! A person's development record across weeks: the sessions they attended with their hours,
//! certificates and reflections, their skills, and sessions to come that teach a skill they
//! want ([`suggestions`]). A manager sees only what their report shared ([`of_report`]).
//! Reflections are written in [`reflections`].

pub mod reflections;
mod suggestions;

pub use suggestions::Suggestion;

use crate::entities::{certificate, enrolment, event, organisation, person, reflection, session, workshop};
use crate::skills::mine::{PersonSkills, person_skills};
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, Datelike, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::Attendance;
use leerweek_domain::certificate::Code;
use leerweek_domain::skill::Skill;
use leerweek_domain::{EnrolmentStatus, Language};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// A reflection as its writer sees it.
#[derive(Debug, Clone)]
pub struct ReflectionView {
    /// What they learned.
    pub learned: String,
    /// What they will do with it.
    pub will_do: String,
    /// Whether their manager may read it.
    pub shared_with_manager: bool,
    /// Last written.
    pub updated_at: DateTime<Utc>,
}

/// One session a person took part in (it ended; their seat was confirmed).
#[derive(Debug, Clone)]
pub struct PortfolioSession {
    /// Their seat.
    pub enrolment_id: Uuid,
    /// The session.
    pub session_id: Uuid,
    /// Its workshop's title.
    pub workshop_title: String,
    /// The week.
    pub event_name: String,
    /// The host organisation's name.
    pub host_organisation: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Their attendance (none: not recorded yet).
    pub attendance: Option<Attendance>,
    /// Study time credited (attended sessions only).
    pub minutes: u32,
    /// Skills the workshop teaches.
    pub skills: Vec<Skill>,
    /// Their certificate's code, if one was issued and is valid.
    pub certificate: Option<Code>,
    /// Their reflection.
    pub reflection: Option<ReflectionView>,
}

/// Study per calendar year (Europe/Amsterdam).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year {
    /// The year.
    pub year: i32,
    /// Sessions attended.
    pub sessions: u32,
    /// Minutes credited.
    pub minutes: u32,
}

/// A person's portfolio.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// Their name.
    pub name: String,
    /// Their language.
    pub language: Language,
    /// Sessions they took part in, newest first.
    pub sessions: Vec<PortfolioSession>,
    /// Attended sessions and hours per year, newest first.
    pub years: Vec<Year>,
    /// Their skills (empty in a manager's view).
    pub skills: PersonSkills,
    /// Sessions to come that teach a skill they want (empty in a manager's view).
    pub suggestions: Vec<Suggestion>,
    /// Klussen they took part in that are done, newest first (a manager reads only shared
    /// reflections).
    pub assignments: Vec<crate::assignments::done::PortfolioKlus>,
}

/// The actor's own portfolio.
pub async fn mine(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<Portfolio> {
    let c = store.conn();
    let p = person::Entity::find_by_id(actor.person_id).one(c).await?.ok_or(StoreError::NotFound("person"))?;
    let sessions = sessions_of(c, actor.person_id, now, false).await?;
    let skills = person_skills(c, actor.person_id).await?;
    let wanted: Vec<Uuid> = skills.want.iter().map(|s| s.id).collect();
    let suggestions = suggestions::for_actor(c, actor, &wanted, now).await?;
    Ok(Portfolio {
        name: p.name,
        language: mapping::language(&p.language),
        years: years(&sessions),
        sessions,
        skills,
        suggestions,
        assignments: crate::assignments::done::portfolio(c, actor.person_id, false).await?,
    })
}

/// A report's portfolio as their manager sees it: the sessions they took part in (as in the
/// managers' reports) and only the reflections they shared; not their skills or ratings. Only
/// their own manager (`people.manager_id`) may look; anyone else learns nothing ("not found").
pub async fn of_report(store: &Store, actor: &Actor, person_id: Uuid, now: DateTime<Utc>) -> Result<Portfolio> {
    let c = store.conn();
    let p = person::Entity::find_by_id(person_id).one(c).await?.ok_or(StoreError::NotFound("person"))?;
    if p.manager_id != Some(actor.person_id) {
        return Err(StoreError::NotFound("person"));
    }
    let sessions = sessions_of(c, person_id, now, true).await?;
    Ok(Portfolio {
        name: p.name,
        language: mapping::language(&p.language),
        years: years(&sessions),
        sessions,
        skills: PersonSkills::default(),
        suggestions: vec![],
        assignments: crate::assignments::done::portfolio(c, person_id, true).await?,
    })
}

fn years(sessions: &[PortfolioSession]) -> Vec<Year> {
    let mut by_year: BTreeMap<i32, Year> = BTreeMap::new();
    for s in sessions.iter().filter(|s| s.attendance == Some(Attendance::Present)) {
        let year = s.starts_at.with_timezone(&chrono_tz::Europe::Amsterdam).year();
        let y = by_year.entry(year).or_insert(Year { year, sessions: 0, minutes: 0 });
        y.sessions += 1;
        y.minutes += s.minutes;
    }
    by_year.into_values().rev().collect()
}

/// The sessions a person took part in, newest first; `shared_only`: only reflections shared
/// with the manager.
async fn sessions_of(
    c: &impl ConnectionTrait,
    person_id: Uuid,
    now: DateTime<Utc>,
    shared_only: bool,
) -> Result<Vec<PortfolioSession>> {
    let seats = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(person_id))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Confirmed.as_str()))
        .all(c)
        .await?;
    let sessions: HashMap<Uuid, session::Model> = session::Entity::find()
        .filter(session::Column::Id.is_in(seats.iter().map(|e| e.session_id)))
        .filter(session::Column::EndsAt.lte(now))
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
    let events: HashMap<Uuid, String> = event::Entity::find()
        .filter(event::Column::Id.is_in(workshops.values().map(|w| w.event_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let hosts: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(workshops.values().map(|w| w.host_organisation_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let taught = crate::skills::of_workshops(c, &workshops.keys().copied().collect::<Vec<_>>()).await?;
    let certificates: HashMap<Uuid, String> = certificate::Entity::find()
        .filter(certificate::Column::PersonId.eq(person_id))
        .filter(certificate::Column::RevokedAt.is_null())
        .all(c)
        .await?
        .into_iter()
        .map(|c| (c.enrolment_id, c.code))
        .collect();
    let mut reflections = reflection::Entity::find().filter(reflection::Column::PersonId.eq(person_id));
    if shared_only {
        reflections = reflections.filter(reflection::Column::SharedWithManager.eq(true));
    }
    let reflections: HashMap<Uuid, reflection::Model> =
        reflections.all(c).await?.into_iter().map(|r| (r.enrolment_id, r)).collect();
    let mut out = Vec::with_capacity(seats.len());
    for e in seats {
        let Some(s) = sessions.get(&e.session_id) else { continue };
        let Some(w) = workshops.get(&s.workshop_id) else { continue };
        let attendance = e.attendance.as_deref().map(mapping::attendance);
        out.push(PortfolioSession {
            enrolment_id: e.id,
            session_id: s.id,
            workshop_title: w.title.clone(),
            event_name: events.get(&w.event_id).cloned().unwrap_or_default(),
            host_organisation: hosts.get(&w.host_organisation_id).cloned().unwrap_or_default(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            minutes: if attendance == Some(Attendance::Present) {
                e.credited_minutes.unwrap_or(0).max(0) as u32
            } else {
                0
            },
            skills: taught.get(&w.id).cloned().unwrap_or_default(),
            certificate: certificates.get(&e.id).and_then(|c| Code::parse(c).ok()),
            reflection: reflections.get(&e.id).map(|r| ReflectionView {
                learned: r.learned.clone(),
                will_do: r.will_do.clone(),
                shared_with_manager: r.shared_with_manager,
                updated_at: r.updated_at,
            }),
            attendance,
        });
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.starts_at));
    Ok(out)
}
