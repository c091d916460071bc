//! What a run gave, in figures: who asked, who got their first choice, any choice, only waiting
//! places or nothing (and why), per session and per organisation. Kept with the run as JSON.

use super::input::Snapshot;
use leerweek_domain::allocation::{Missed, Outcome, Placed};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Why people got no seat, counted by the reason of their first choice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoSeatWhy {
    /// Everything they ranked was full for them (they wait, unless the limit stopped that).
    pub full: u32,
    /// Their choices overlap what they already held.
    pub overlap: u32,
    /// Not open to their organisation.
    pub audience: u32,
    /// They held as much as the week allows already.
    pub limit: u32,
    /// Their choices were cancelled or have started.
    pub closed: u32,
    /// They held their first choice already (enrolled before the run).
    pub held: u32,
}

/// A session's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFigures {
    /// The session.
    pub session_id: Uuid,
    /// Seats in all.
    pub capacity: u32,
    /// Seats taken before the run.
    pub taken_before: u32,
    /// Seats the run gave.
    pub seats_given: u32,
    /// Waiting places the run gave.
    pub waiting_given: u32,
    /// People who ranked it first.
    pub first_choice_of: u32,
    /// People who ranked it at all.
    pub ranked_by: u32,
}

/// An organisation's figures (by the people's organisation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationFigures {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its people who ranked sessions.
    pub asked: u32,
    /// … who got a seat in their first choice.
    pub first_choice: u32,
    /// … who got at least one seat.
    pub any_choice: u32,
    /// … who got no seat.
    pub no_seat: u32,
}

/// A run's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// People who ranked at least one session.
    pub asked: u32,
    /// … who got a seat in their first choice.
    pub first_choice: u32,
    /// … who got at least one seat.
    pub any_choice: u32,
    /// … who got no seat but wait for at least one session.
    pub waiting_only: u32,
    /// … who got neither a seat nor a waiting place.
    pub nothing: u32,
    /// Why those without a seat got none.
    pub no_seat_why: NoSeatWhy,
    /// Seats given.
    pub seats_given: u32,
    /// Waiting places given.
    pub waiting_given: u32,
    /// Choices ranked in all.
    pub choices: u32,
    /// Per session, in the order of their ids.
    pub sessions: Vec<SessionFigures>,
    /// Per organisation, in the order of their ids.
    pub organisations: Vec<OrganisationFigures>,
}

/// The figures of an outcome.
pub(crate) fn summarise(input: &Snapshot, outcome: &Outcome) -> Summary {
    let mut seats: HashMap<Uuid, Vec<(usize, Uuid)>> = HashMap::new();
    let mut waits: HashSet<Uuid> = HashSet::new();
    let mut per_session: BTreeMap<Uuid, SessionFigures> = input
        .offers
        .iter()
        .map(|o| {
            let f = SessionFigures {
                session_id: o.id,
                capacity: o.capacity,
                taken_before: o.confirmed,
                seats_given: 0,
                waiting_given: 0,
                first_choice_of: 0,
                ranked_by: 0,
            };
            (o.id, f)
        })
        .collect();
    let mut s = Summary::default();
    for p in &outcome.placements {
        let f = per_session.get_mut(&p.session);
        match p.placed {
            Placed::Seat => {
                s.seats_given += 1;
                seats.entry(p.person).or_default().push((p.rank, p.session));
                if let Some(f) = f {
                    f.seats_given += 1;
                }
            }
            Placed::Waiting { .. } => {
                s.waiting_given += 1;
                waits.insert(p.person);
                if let Some(f) = f {
                    f.waiting_given += 1;
                }
            }
        }
    }
    let missed: HashMap<Uuid, Missed> = outcome.nothing.iter().copied().collect();
    let mut per_org: BTreeMap<Uuid, OrganisationFigures> = BTreeMap::new();
    for a in input.applicants.iter().filter(|a| !a.choices.is_empty()) {
        s.asked += 1;
        s.choices += a.choices.len() as u32;
        for (k, (session, _)) in a.choices.iter().enumerate() {
            if let Some(f) = per_session.get_mut(session) {
                f.ranked_by += 1;
                if k == 0 {
                    f.first_choice_of += 1;
                }
            }
        }
        let org = per_org
            .entry(a.organisation)
            .or_insert_with(|| OrganisationFigures { organisation_id: a.organisation, ..Default::default() });
        org.asked += 1;
        let mine = seats.get(&a.person);
        let first = mine.is_some_and(|m| m.iter().any(|(rank, _)| *rank == 0));
        if first {
            s.first_choice += 1;
            org.first_choice += 1;
        }
        if mine.is_some() {
            s.any_choice += 1;
            org.any_choice += 1;
            continue;
        }
        org.no_seat += 1;
        if waits.contains(&a.person) {
            s.waiting_only += 1;
            s.no_seat_why.full += 1;
            continue;
        }
        s.nothing += 1;
        let why = &mut s.no_seat_why;
        match missed.get(&a.person) {
            Some(Missed::Overlap) => why.overlap += 1,
            Some(Missed::Audience) => why.audience += 1,
            Some(Missed::Unknown) => why.closed += 1,
            Some(Missed::Held) => why.held += 1,
            Some(Missed::Limit) | None => why.limit += 1,
        }
    }
    s.sessions = per_session.into_values().collect();
    s.organisations = per_org.into_values().collect();
    s
}
