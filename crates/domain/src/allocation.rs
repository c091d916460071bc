//! The preference lottery (issue 25): when a week's preference window closes, everyone who ranked
//! sessions is placed at once, so nobody's place depends on when they came.
//!
//! - **Rounds.** In round 1 every applicant gets at most one seat, in round 2 at most a second,
//!   and so on: nobody gets a second seat while someone who asked gets none, when the seats
//!   allow it. Each applicant takes the best-ranked choice still open to them: eligible
//!   (audience), not overlapping what they hold, a seat free for their organisation.
//! - **A lottery within a round.** The order of each round is a permutation of the applicants
//!   drawn from the stored seed (a SplitMix64 generator of our own, so that a seed gives the same
//!   result with every version of every crate: `leerweek allocation verify` recomputes it).
//! - **Quotas first to their own.** Seats are counted with [`Seats::free_for`]: a session's
//!   unreleased quota seats are open only to its own organisation's people, who use them before
//!   the open seats ([`Seats::take`]).
//! - **Waiting places** after the seats, in rounds as well (one place per applicant a round, a
//!   lottery order per round): each applicant's best-ranked choices that were full for them, as
//!   far as the per-person limit and overlaps allow (a waiting place counts for both, as today).
//!
//! Pure: the caller reads the sessions, applicants and what they already hold, and writes the
//! [`Outcome`] through the same rules as an enrolment.

use crate::session::{Seats, TimeRange};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// A session open to the allocation, with its seats as they stand.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The session.
    pub id: Uuid,
    /// When it runs.
    pub time: TimeRange,
    /// Its seats and quotas.
    pub seats: Seats,
    /// People already waiting.
    pub waitlist_len: u32,
}

/// One ranked choice of an applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The session.
    pub session: Uuid,
    /// Whether its workshop's audience admits the applicant.
    pub eligible: bool,
}

/// Something an applicant already holds in the week (a seat or a waiting place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// The session.
    pub session: Uuid,
    /// When it runs.
    pub time: TimeRange,
}

/// Someone who ranked sessions.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// The person.
    pub person: Uuid,
    /// Their organisation (for quotas).
    pub organisation: Uuid,
    /// Their choices, best first.
    pub choices: Vec<Choice>,
    /// What they hold in the week already.
    pub held: Vec<Held>,
}

/// What to allocate.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The week's sessions.
    pub offers: &'a [Offer],
    /// Everyone who ranked.
    pub applicants: &'a [Applicant],
    /// The week's per-person limit of active enrolments.
    pub limit: Option<u32>,
    /// The lottery's seed.
    pub seed: u64,
    /// The moment of the run (quota releases).
    pub now: DateTime<Utc>,
}

/// A seat or a waiting place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// A confirmed seat.
    Seat,
    /// A waiting place, numbered after those already waiting.
    Waiting {
        /// 1 is first.
        position: u32,
    },
}

/// One result for one applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The person.
    pub person: Uuid,
    /// The session.
    pub session: Uuid,
    /// Which of their choices (0: the first).
    pub rank: usize,
    /// What they got.
    pub placed: Placed,
    /// The round that gave it (seats and waiting places each count from 1).
    pub round: u32,
}

/// Why an applicant who ranked sessions got nothing: the reason of their best-ranked choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// They already hold as much as the week allows.
    Limit,
    /// Its audience does not admit them.
    Audience,
    /// It overlaps something they hold.
    Overlap,
    /// Not a session of the week (or no longer open).
    Unknown,
    /// They hold it already.
    Held,
}

/// The allocation's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Every seat and waiting place given, in the order given.
    pub placements: Vec<Placement>,
    /// Applicants with choices who got nothing, and why.
    pub nothing: Vec<(Uuid, Missed)>,
}

/// SplitMix64 (Steele, Lea and Flood, 2014): small, and the same for a seed forever.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), without the modulo's bias.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// The lottery order of `n` applicants for one round (`stream` 0 for seats, 1 for waiting
/// places: [`Give`] as a number): a Fisher–Yates shuffle.
fn order(seed: u64, stream: u64, round: u32, n: usize) -> Vec<usize> {
    let mut rng = SplitMix64(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ u64::from(round).rotate_left(32));
    let mut out: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        out.swap(i, j);
    }
    out
}

/// An applicant's state during the run.
struct Taking {
    times: Vec<TimeRange>,
    count: u32,
    placed: Vec<bool>,
}

/// What a series of rounds gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Give {
    /// A seat, on a choice with a seat free for the applicant.
    Seat,
    /// A waiting place, on a choice with none free for them.
    Waiting,
}

/// Rounds of `give` until nobody can take anything more: in each round, in the round's lottery
/// order, every applicant still taking gets their best-ranked choice that is eligible, fits
/// beside what they hold, and has (for seats) or lacks (for waiting places) a seat free for them.
fn rounds(
    input: &Input<'_>,
    offers: &mut HashMap<Uuid, Offer>,
    state: &mut [Taking],
    limit: u32,
    give: Give,
    placements: &mut Vec<Placement>,
) {
    let n = input.applicants.len();
    let mut taking = vec![true; n];
    let mut round = 0;
    while taking.iter().any(|t| *t) {
        round += 1;
        for i in order(input.seed, give as u64, round, n) {
            if !taking[i] {
                continue;
            }
            let (a, s) = (&input.applicants[i], &mut state[i]);
            let choice = if s.count < limit {
                a.choices.iter().enumerate().find(|(k, c)| {
                    !s.placed[*k]
                        && c.eligible
                        && offers.get(&c.session).is_some_and(|o| {
                            !s.times.iter().any(|t| t.overlaps(&o.time))
                                && (o.seats.free_for(a.organisation, input.now) > 0) == (give == Give::Seat)
                        })
                })
            } else {
                None
            };
            let Some((rank, offer)) = choice.and_then(|(k, c)| Some((k, offers.get_mut(&c.session)?))) else {
                taking[i] = false;
                continue;
            };
            let placed = match give {
                Give::Seat => {
                    offer.seats.take(a.organisation);
                    Placed::Seat
                }
                Give::Waiting => {
                    offer.waitlist_len += 1;
                    Placed::Waiting { position: offer.waitlist_len }
                }
            };
            s.times.push(offer.time);
            s.count += 1;
            s.placed[rank] = true;
            placements.push(Placement { person: a.person, session: offer.id, rank, placed, round });
        }
    }
}

/// Place everyone (see the module's description).
pub fn allocate(input: &Input<'_>) -> Outcome {
    let mut offers: HashMap<Uuid, Offer> = input.offers.iter().map(|o| (o.id, o.clone())).collect();
    let limit = input.limit.unwrap_or(u32::MAX);
    let mut state: Vec<Taking> = input
        .applicants
        .iter()
        .map(|a| Taking {
            times: a.held.iter().map(|h| h.time).collect(),
            count: a.held.len() as u32,
            placed: a.choices.iter().map(|c| a.held.iter().any(|h| h.session == c.session)).collect(),
        })
        .collect();
    let mut out = Outcome::default();
    // Seats first: a choice closed to someone stays closed (seats only go, times only get
    // taken), so whoever finds nothing in a round is done. Then the waiting places.
    rounds(input, &mut offers, &mut state, limit, Give::Seat, &mut out.placements);
    rounds(input, &mut offers, &mut state, limit, Give::Waiting, &mut out.placements);

    // Who asked and got nothing, with the reason of their first choice.
    for (a, s) in input.applicants.iter().zip(&state) {
        let got = s.count > a.held.len() as u32;
        if got || a.choices.is_empty() {
            continue;
        }
        let first = a.choices[0];
        let why = if a.held.len() as u32 >= limit {
            Missed::Limit
        } else if !first.eligible {
            Missed::Audience
        } else if a.held.iter().any(|h| h.session == first.session) {
            Missed::Held
        } else {
            match offers.get(&first.session) {
                None => Missed::Unknown,
                Some(o) if a.held.iter().any(|h| h.time.overlaps(&o.time)) => Missed::Overlap,
                // Every other way to nothing ends at the limit.
                Some(_) => Missed::Limit,
            }
        };
        out.nothing.push((a.person, why));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Quota, QuotaUse};
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn at(slot: u32) -> TimeRange {
        let start = Utc.with_ymd_and_hms(2027, 11, 15, 9, 0, 0).unwrap() + Duration::hours(2 * i64::from(slot));
        TimeRange::new(start, start + Duration::minutes(90)).unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn offer(n: u128, slot: u32, capacity: u32, quotas: Vec<(u128, u32)>) -> Offer {
        let release_at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        Offer {
            id: id(n),
            time: at(slot),
            seats: Seats {
                capacity,
                confirmed: 0,
                quotas: quotas
                    .into_iter()
                    .map(|(org, seats)| QuotaUse {
                        quota: Quota { organisation_id: id(org), seats, release_at },
                        used: 0,
                    })
                    .collect(),
            },
            waitlist_len: 0,
        }
    }

    fn applicant(n: u128, org: u128, choices: &[u128]) -> Applicant {
        Applicant {
            person: id(n),
            organisation: id(org),
            choices: choices.iter().map(|c| Choice { session: id(*c), eligible: true }).collect(),
            held: vec![],
        }
    }

    fn run(offers: &[Offer], applicants: &[Applicant], limit: Option<u32>, seed: u64) -> Outcome {
        allocate(&Input { offers, applicants, limit, seed, now: Utc.with_ymd_and_hms(2027, 11, 1, 9, 0, 0).unwrap() })
    }

    fn seats_of(o: &Outcome, person: Uuid) -> usize {
        o.placements.iter().filter(|p| p.person == person && p.placed == Placed::Seat).count()
    }

    #[test]
    fn everyone_gets_one_seat_before_anyone_gets_a_second() {
        // Two sessions of one seat at different times; both people want both.
        let offers = [offer(10, 0, 1, vec![]), offer(11, 1, 1, vec![])];
        let people = [applicant(1, 100, &[10, 11]), applicant(2, 100, &[10, 11])];
        for seed in 0..50 {
            let o = run(&offers, &people, Some(3), seed);
            assert_eq!((seats_of(&o, id(1)), seats_of(&o, id(2))), (1, 1), "seed {seed}: {o:?}");
            // And each waits for the one the other got (both ranked both).
            assert_eq!(o.placements.iter().filter(|p| matches!(p.placed, Placed::Waiting { position: 1 })).count(), 2);
        }
    }

    #[test]
    fn quota_seats_go_to_their_own_organisation() {
        // Two seats, one kept for organisation 200; three people of 100 and one of 200.
        let offers = [offer(10, 0, 2, vec![(200, 1)])];
        let people =
            [applicant(1, 100, &[10]), applicant(2, 100, &[10]), applicant(3, 100, &[10]), applicant(4, 200, &[10])];
        for seed in 0..50 {
            let o = run(&offers, &people, None, seed);
            assert_eq!(seats_of(&o, id(4)), 1, "seed {seed}: the quota's own person gets a seat");
            let others: usize = [1, 2, 3].iter().map(|p| seats_of(&o, id(*p))).sum();
            assert_eq!(others, 1, "seed {seed}: one open seat for the rest");
        }
    }

    #[test]
    fn who_gets_nothing_is_told_why() {
        let offers = [offer(10, 0, 1, vec![])];
        let mut barred = applicant(1, 100, &[10]);
        barred.choices[0].eligible = false;
        let mut full_up = applicant(2, 100, &[10]);
        full_up.held = vec![Held { session: id(99), time: at(5) }, Held { session: id(97), time: at(6) }];
        let mut clash = applicant(3, 100, &[10]);
        clash.held = vec![Held { session: id(98), time: at(0) }];
        let o = run(&offers, &[barred, full_up, clash, applicant(4, 100, &[])], Some(2), 7);
        let why: HashMap<Uuid, Missed> = o.nothing.iter().copied().collect();
        assert_eq!(why.get(&id(1)), Some(&Missed::Audience));
        assert_eq!(why.get(&id(2)), Some(&Missed::Limit));
        assert_eq!(why.get(&id(3)), Some(&Missed::Overlap));
        assert!(!why.contains_key(&id(4)), "who ranked nothing is not counted as getting nothing");
        assert!(o.placements.is_empty(), "{o:?}");
    }

    #[test]
    fn the_lottery_is_the_same_for_a_seed_and_differs_between_seeds() {
        let offers: Vec<Offer> = (0..3).map(|s| offer(10 + s, s as u32, 1, vec![])).collect();
        let people: Vec<Applicant> = (0..6).map(|p| applicant(p, 100, &[10, 11, 12])).collect();
        assert_eq!(run(&offers, &people, Some(3), 42), run(&offers, &people, Some(3), 42));
        let winners: std::collections::HashSet<Vec<Uuid>> = (0..20)
            .map(|seed| {
                run(&offers, &people, Some(3), seed)
                    .placements
                    .iter()
                    .filter(|p| p.placed == Placed::Seat)
                    .map(|p| p.person)
                    .collect()
            })
            .collect();
        assert!(winners.len() > 1, "every seed chose the same people");
    }

    /// A random week: up to 12 sessions in 4 slots, some with a quota, up to 40 applicants of 3
    /// organisations ranking up to 5 sessions (some not eligible, some holding something already).
    fn week() -> impl Strategy<Value = (Vec<Offer>, Vec<Applicant>, Option<u32>, u64)> {
        let offers = prop::collection::vec((0u32..4, 1u32..5, prop::option::of((0u128..3, 1u32..3))), 1..12);
        let applicants = prop::collection::vec(
            (0u128..3, prop::collection::vec((0usize..12, any::<bool>(), 0u8..10), 0..6), prop::option::of(0u32..4)),
            0..40,
        );
        (offers, applicants, prop::option::of(1u32..4), any::<u64>()).prop_map(|(os, aps, limit, seed)| {
            let offers: Vec<Offer> = os
                .iter()
                .enumerate()
                .map(|(i, (slot, cap, quota))| {
                    let quotas = quota.map(|(org, seats)| vec![(100 + org, seats.min(*cap))]).unwrap_or_default();
                    offer(1000 + i as u128, *slot, *cap, quotas)
                })
                .collect();
            let applicants = aps
                .iter()
                .enumerate()
                .map(|(i, (org, choices, held_slot))| {
                    let mut seen = std::collections::HashSet::new();
                    let choices = choices
                        .iter()
                        .filter(|(k, _, _)| seen.insert(*k % offers.len()))
                        .map(|(k, eligible, _)| Choice { session: offers[k % offers.len()].id, eligible: *eligible })
                        .collect();
                    let held = held_slot
                        .map(|slot| vec![Held { session: id(9000 + i as u128), time: at(slot) }])
                        .unwrap_or_default();
                    Applicant { person: id(i as u128 + 1), organisation: id(100 + org), choices, held }
                })
                .collect();
            (offers, applicants, limit, seed)
        })
    }

    proptest! {
        #[test]
        fn never_over_capacity_quota_limit_or_overlap_and_the_same_for_a_seed((offers, applicants, limit, seed) in week()) {
            let o = run(&offers, &applicants, limit, seed);
            prop_assert_eq!(&o, &run(&offers, &applicants, limit, seed), "deterministic for a seed");
            let now = Utc.with_ymd_and_hms(2027, 11, 1, 9, 0, 0).unwrap();
            // Capacity and quotas: replay the seats; before each, one must be free for the person.
            let mut seats: HashMap<Uuid, Seats> = offers.iter().map(|x| (x.id, x.seats.clone())).collect();
            let org: HashMap<Uuid, Uuid> = applicants.iter().map(|a| (a.person, a.organisation)).collect();
            for p in o.placements.iter().filter(|p| p.placed == Placed::Seat) {
                let s = seats.get_mut(&p.session).expect("a session of the week");
                prop_assert!(s.free_for(org[&p.person], now) > 0, "a seat that was not free: {:?}", p);
                s.take(org[&p.person]);
                prop_assert!(s.confirmed <= s.capacity);
            }
            // Waiting places only where the seats were gone for that person, numbered 1, 2, 3 …
            let mut numbers: HashMap<Uuid, Vec<u32>> = HashMap::new();
            for p in &o.placements {
                if let Placed::Waiting { position } = p.placed {
                    prop_assert_eq!(seats[&p.session].free_for(org[&p.person], now), 0, "waiting beside a free seat");
                    numbers.entry(p.session).or_default().push(position);
                }
            }
            for list in numbers.values() {
                prop_assert_eq!(list.clone(), (1..=list.len() as u32).collect::<Vec<_>>());
            }
            let times: HashMap<Uuid, TimeRange> = offers.iter().map(|x| (x.id, x.time)).collect();
            for a in &applicants {
                let mine: Vec<&Placement> = o.placements.iter().filter(|p| p.person == a.person).collect();
                // Only their own, eligible choices.
                for p in &mine {
                    prop_assert!(a.choices.get(p.rank).is_some_and(|c| c.session == p.session && c.eligible));
                }
                // Never over the limit, never an overlap (with what they held either).
                prop_assert!(a.held.len() + mine.len() <= limit.unwrap_or(u32::MAX) as usize || mine.is_empty());
                let mut all: Vec<TimeRange> = a.held.iter().map(|h| h.time).collect();
                all.extend(mine.iter().map(|p| times[&p.session]));
                for (i, x) in all.iter().enumerate() {
                    for y in &all[i + 1..] {
                        prop_assert!(!x.overlaps(y), "an overlap for {:?}", a.person);
                    }
                }
                // The round rule: nobody is left with a seat they could still take (a free seat
                // for them in an eligible choice that fits), so whoever got none could take none.
                let count = a.held.len() + mine.len();
                if count < limit.unwrap_or(u32::MAX) as usize {
                    for (k, c) in a.choices.iter().enumerate() {
                        let taken = mine.iter().any(|p| p.rank == k) || a.held.iter().any(|h| h.session == c.session);
                        let fits = !all.iter().any(|t| t.overlaps(&times[&c.session]));
                        prop_assert!(
                            taken || !c.eligible || !fits || seats[&c.session].free_for(a.organisation, now) == 0,
                            "a free seat left for {:?} in choice {}", a.person, k
                        );
                    }
                }
            }
            // Seats in rounds: a second seat only once everyone who could have a first had one.
            let seat_rounds: Vec<u32> = o.placements.iter().filter(|p| p.placed == Placed::Seat).map(|p| p.round).collect();
            prop_assert!(seat_rounds.windows(2).all(|w| w[0] <= w[1]), "rounds in order");
        }
    }
}
