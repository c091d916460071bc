//! `leerweek allocation verify`: recompute a week's real run from the input and seed kept with
//! it, and compare with what is stored: what the run gave, kept on the enrolments it wrote
//! (`allocation_*`), and the preferences it read. Anyone can check that the lottery decided what
//! the rows say.

use super::input::Snapshot;
use crate::entities::{allocation_run, enrolment, preference};
use crate::{Result, Store, StoreError};
use leerweek_domain::allocation::{Input, Placed, allocate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The run checked.
    pub run_id: Uuid,
    /// Its seed.
    pub seed: u64,
    /// Placements recomputed.
    pub expected: usize,
    /// Placements stored.
    pub stored: usize,
    /// Every difference, in words (empty: the run holds).
    pub differences: Vec<String>,
}

impl Verification {
    /// Whether the stored result is what the lottery decides.
    pub fn holds(&self) -> bool {
        self.differences.is_empty()
    }
}

type Key = (Uuid, Uuid);
/// Rank (from 1), seat or waiting place with its position, round.
type Given = (i32, Option<i32>, i32);

/// Recompute the real allocation run of a week and compare (the installation's own check: no actor).
pub async fn verify(store: &Store, event_id: Uuid) -> Result<Verification> {
    let c = store.conn();
    let run = allocation_run::Entity::find()
        .filter(allocation_run::Column::EventId.eq(event_id))
        .filter(allocation_run::Column::DryRun.eq(false))
        .one(c)
        .await?
        .ok_or(StoreError::NotFound("allocation"))?;
    let seed = run.seed as u64;
    let mut differences = Vec::new();
    let snapshot: Option<Snapshot> = run.input.as_deref().and_then(|i| serde_json::from_str(i).ok());
    let Some(snapshot) = snapshot else {
        differences.push("the input kept with the run cannot be read".to_owned());
        return Ok(Verification { run_id: run.id, seed, expected: 0, stored: 0, differences });
    };
    let (offers, applicants) = (snapshot.offers(), snapshot.applicants());
    let outcome =
        allocate(&Input { offers: &offers, applicants: &applicants, limit: snapshot.limit, seed, now: snapshot.now });
    let expected: BTreeMap<Key, Given> = outcome
        .placements
        .iter()
        .map(|p| {
            let position = match p.placed {
                Placed::Seat => None,
                Placed::Waiting { position } => Some(position as i32),
            };
            ((p.person, p.session), (p.rank as i32 + 1, position, p.round as i32))
        })
        .collect();
    // One real run per week: the week's enrolments that carry what a run gave are its.
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::EventId.eq(event_id))
        .filter(enrolment::Column::AllocationPlaced.is_not_null())
        .all(c)
        .await?;
    let stored: BTreeMap<Key, Given> = rows
        .iter()
        .map(|r| {
            let position =
                if r.allocation_placed.as_deref() == Some("seat") { None } else { r.allocation_position.or(Some(0)) };
            let (rank, round) = (r.allocation_rank.unwrap_or(0), r.allocation_round.unwrap_or(0));
            ((r.person_id, r.session_id), (rank, position, round))
        })
        .collect();
    let say = |g: Option<&Given>| match g {
        None => "nothing".to_owned(),
        Some((rank, None, round)) => format!("a seat (choice {rank}, round {round})"),
        Some((rank, Some(p), round)) => format!("waiting place {p} (choice {rank}, round {round})"),
    };
    for key in expected.keys().chain(stored.keys().filter(|k| !expected.contains_key(k))) {
        let (e, s) = (expected.get(key), stored.get(key));
        if e != s {
            differences.push(format!(
                "person {} in session {}: the lottery gives {}, the database holds {}",
                key.0,
                key.1,
                say(e),
                say(s)
            ));
        }
    }

    // The preferences the run read are the ones stored (they cannot change after the window).
    let mut ranked: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for p in preference::Entity::find()
        .filter(preference::Column::EventId.eq(event_id))
        .order_by_asc(preference::Column::Rank)
        .all(c)
        .await?
    {
        ranked.entry(p.person_id).or_default().push(p.session_id);
    }
    for a in &snapshot.applicants {
        let now: Vec<Uuid> =
            ranked.get(&a.person).map(|v| v.iter().take(a.choices.len().max(1)).copied().collect()).unwrap_or_default();
        let then: Vec<Uuid> = a.choices.iter().map(|(s, _)| *s).collect();
        if now != then {
            differences.push(format!("person {}: the preferences stored differ from those the run read", a.person));
        }
    }

    Ok(Verification { run_id: run.id, seed, expected: expected.len(), stored: stored.len(), differences })
}
