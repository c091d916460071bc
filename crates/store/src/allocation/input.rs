//! What an allocation run reads: the week's sessions with their seats, everyone's ranked choices
//! and what they hold already, in set queries (a national week has 20,000 people ranking 5
//! sessions each). The part the lottery weighs is kept with a real run as a [`Snapshot`] (JSON),
//! so that `leerweek allocation verify` recomputes exactly what was decided.

use super::{audience, listed_audiences};
use crate::entities::{enrolment, person, preference, session, session_quota, workshop};
use crate::lookup::EventRow;
use crate::{Result, Store, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::allocation::{Applicant, Choice, Held, Offer};
use leerweek_domain::session::{Quota, QuotaUse, Seats, TimeRange};
use leerweek_domain::{EnrolmentStatus, SessionStatus};
use sea_orm::sea_query::{LockType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// A session as the lottery saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SnapOffer {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: u32,
    pub confirmed: u32,
    pub waitlist_len: u32,
    pub quotas: Vec<SnapQuota>,
}

/// A quota with its use at the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SnapQuota {
    pub organisation_id: Uuid,
    pub seats: u32,
    pub release_at: DateTime<Utc>,
    pub used: u32,
}

/// An applicant as the lottery saw them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SnapApplicant {
    pub person: Uuid,
    pub organisation: Uuid,
    /// Their choices, best first: the session and whether its audience admits them.
    pub choices: Vec<(Uuid, bool)>,
    /// What they held in the week.
    pub held: Vec<Holding>,
}

/// A seat or waiting place held before the run: the session, its start and end.
pub(crate) type Holding = (Uuid, DateTime<Utc>, DateTime<Utc>);

/// Everything the lottery weighed, besides its seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Snapshot {
    pub now: DateTime<Utc>,
    pub limit: Option<u32>,
    pub offers: Vec<SnapOffer>,
    /// Ordered by person id: the lottery's order is a permutation of this list.
    pub applicants: Vec<SnapApplicant>,
}

/// The ids of a week's sessions, as a subquery.
pub(super) fn sessions_of(event_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(session::Column::Id)
        .from(session::Entity)
        .and_where(session::Column::EventId.eq(event_id))
        .to_owned()
}

impl Snapshot {
    /// The offers, as the domain takes them.
    pub fn offers(&self) -> Vec<Offer> {
        self.offers
            .iter()
            // Stored sessions always end after they start (a check of the schema).
            .filter_map(|o| {
                Some(Offer {
                    id: o.id,
                    time: TimeRange::new(o.starts_at, o.ends_at).ok()?,
                    seats: Seats {
                        capacity: o.capacity,
                        confirmed: o.confirmed,
                        quotas: o
                            .quotas
                            .iter()
                            .map(|q| QuotaUse {
                                quota: Quota {
                                    organisation_id: q.organisation_id,
                                    seats: q.seats,
                                    release_at: q.release_at,
                                },
                                used: q.used,
                            })
                            .collect(),
                    },
                    waitlist_len: o.waitlist_len,
                })
            })
            .collect()
    }

    /// The applicants, as the domain takes them.
    pub fn applicants(&self) -> Vec<Applicant> {
        self.applicants
            .iter()
            .map(|a| Applicant {
                person: a.person,
                organisation: a.organisation,
                choices: a
                    .choices
                    .iter()
                    .map(|(session, eligible)| Choice { session: *session, eligible: *eligible })
                    .collect(),
                held: a
                    .held
                    .iter()
                    .filter_map(|(session, s, e)| Some(Held { session: *session, time: TimeRange::new(*s, *e).ok()? }))
                    .collect(),
            })
            .collect()
    }
}

/// The snapshot with the rows a run writes from.
pub(crate) struct Loaded {
    pub snapshot: Snapshot,
    pub sessions: HashMap<Uuid, session::Model>,
    pub workshops: HashMap<Uuid, workshop::Model>,
    /// Everyone who ranked (also people who left since: they are not applicants).
    pub people: HashMap<Uuid, person::Model>,
}

#[derive(Debug, FromQueryResult)]
struct Used {
    session_id: Uuid,
    organisation_id: Uuid,
    n: i64,
}

/// Read a week's allocation input. With `lock` (a real run on PostgreSQL) the week's sessions
/// are locked in id order, as every enrolment path locks them.
pub(crate) async fn load(
    c: &impl ConnectionTrait,
    store: &Store,
    e: &EventRow,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<Loaded> {
    let event_id = e.event.id;
    let q = session::Entity::find().filter(session::Column::EventId.eq(event_id)).order_by_asc(session::Column::Id);
    let q = if lock && store.is_postgres() { q.lock(LockType::NoKeyUpdate) } else { q };
    let sessions: HashMap<Uuid, session::Model> = q.all(c).await?.into_iter().map(|s| (s.id, s)).collect();
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::EventId.eq(event_id))
        .all(c)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let listed = listed_audiences(c, workshops.keys().copied()).await?;

    let quotas = session_quota::Entity::find()
        .filter(session_quota::Column::SessionId.in_subquery(sessions_of(event_id)))
        .all(c)
        .await?;
    let used: HashMap<(Uuid, Uuid), u32> = if quotas.is_empty() {
        HashMap::new()
    } else {
        Used::find_by_statement(sea_orm::Statement::from_sql_and_values(
            c.get_database_backend(),
            if store.is_postgres() {
                "SELECT e.session_id, p.organisation_id, COUNT(*) AS n FROM enrolments e JOIN people p ON p.id = e.person_id \
                 WHERE e.event_id = $1 AND e.status = $2 GROUP BY e.session_id, p.organisation_id"
            } else {
                "SELECT e.session_id, p.organisation_id, COUNT(*) AS n FROM enrolments e JOIN people p ON p.id = e.person_id \
                 WHERE e.event_id = ?1 AND e.status = ?2 GROUP BY e.session_id, p.organisation_id"
            },
            [event_id.into(), EnrolmentStatus::Confirmed.as_str().into()],
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|u| ((u.session_id, u.organisation_id), u.n.max(0) as u32))
        .collect()
    };
    let mut quotas_of: HashMap<Uuid, Vec<SnapQuota>> = HashMap::new();
    for q in quotas {
        quotas_of.entry(q.session_id).or_default().push(SnapQuota {
            organisation_id: q.organisation_id,
            seats: q.seats.max(0) as u32,
            release_at: q.release_at,
            used: used.get(&(q.session_id, q.organisation_id)).copied().unwrap_or(0),
        });
    }
    let open = |s: &session::Model| {
        workshops.get(&s.workshop_id).is_some_and(|w| mapping::session_status(&w.status) == SessionStatus::Scheduled)
            && mapping::session_status(&s.status) == SessionStatus::Scheduled
            && s.starts_at > now
    };
    let mut offers: Vec<SnapOffer> = sessions
        .values()
        .filter(|s| open(s))
        .map(|s| SnapOffer {
            id: s.id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            capacity: s.capacity.max(0) as u32,
            confirmed: s.confirmed_count.max(0) as u32,
            waitlist_len: s.waitlist_count.max(0) as u32,
            quotas: quotas_of.remove(&s.id).unwrap_or_default(),
        })
        .collect();
    offers.sort_by_key(|o| o.id);

    let max = e.event.max_preferences.clamp(1, 20);
    let ranked = preference::Entity::find()
        .filter(preference::Column::EventId.eq(event_id))
        .filter(preference::Column::Rank.lte(max))
        .order_by_asc(preference::Column::PersonId)
        .order_by_asc(preference::Column::Rank)
        .all(c)
        .await?;
    let who = || {
        Query::select()
            .column(preference::Column::PersonId)
            .from(preference::Entity)
            .and_where(preference::Column::EventId.eq(event_id))
            .to_owned()
    };
    let people: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::Id.in_subquery(who()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut held: HashMap<Uuid, Vec<Holding>> = HashMap::new();
    for en in enrolment::Entity::find()
        .filter(enrolment::Column::EventId.eq(event_id))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()))
        .filter(enrolment::Column::PersonId.in_subquery(who()))
        .all(c)
        .await?
    {
        if let Some(s) = sessions.get(&en.session_id) {
            held.entry(en.person_id).or_default().push((s.id, s.starts_at, s.ends_at));
        }
    }

    let mut applicants: Vec<SnapApplicant> = Vec::new();
    for row in ranked {
        let Some(p) = people.get(&row.person_id).filter(|p| p.left_at.is_none()) else { continue };
        if applicants.last().is_none_or(|a| a.person != p.id) {
            let mut mine = held.remove(&p.id).unwrap_or_default();
            mine.sort();
            applicants.push(SnapApplicant {
                person: p.id,
                organisation: p.organisation_id,
                choices: vec![],
                held: mine,
            });
        }
        let eligible = sessions
            .get(&row.session_id)
            .and_then(|s| workshops.get(&s.workshop_id))
            .is_some_and(|w| audience(w, &listed).admits(p.organisation_id, &e.organisation_ids));
        if let Some(a) = applicants.last_mut() {
            a.choices.push((row.session_id, eligible));
        }
    }
    applicants.sort_by_key(|a| a.person);
    let limit = e.event.max_enrolments_per_person.map(|n| n.max(1) as u32);
    Ok(Loaded { snapshot: Snapshot { now, limit, offers, applicants }, sessions, workshops, people })
}
