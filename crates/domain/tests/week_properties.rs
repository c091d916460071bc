//! A week of four sessions driven by random sequences of enrol, cancel (by the person or an
//! organiser), change-capacity, cancel-session and the clock moving on. The system under test
//! composes the real domain rules the way the store does (`decide`, `promotions`,
//! `promotion_open`, `may_cancel`, `validate_quotas`, `Seats`); a small reference model, written
//! independently on whole hours and plain lists, says what should happen. After every step the
//! outcomes and the seat/queue state must agree, and the invariants must hold:
//!
//! - confirmed never exceeds capacity (lowering capacity below the confirmed seats is refused,
//!   as `store::events::update_session` refuses it, so this holds strictly);
//! - the seat counter and every quota's use equal a recount of the seated people;
//! - nobody waits while a seat is free for them: for a scheduled session that has not started,
//!   no waiting person of organisation `o` has `free_for(o, T) > 0`, where seats reserved for
//!   another organisation stay reserved until that quota's release time and `T` is the last time
//!   promotion ran in that session — the server's minute round (`Tick`, like
//!   `store::enrolments::promote_released`), or an enrolment, a freed seat or a new capacity
//!   there. Time may also pass without a round (`Advance`): a released seat then stands free
//!   until one of those;
//! - the queue is in arrival order, positions are 1..k;
//! - a person holds at most one active enrolment per session, no two overlapping sessions, and
//!   no more active enrolments than the event's limit;
//! - a cancelled session has nobody.

use chrono::{DateTime, Duration, TimeZone, Utc};
use leerweek_domain::enrolment::{
    ActiveEnrolment, CancelError, Decision, EnrolError, EnrolRequest, SessionFacts, Waiting, decide, may_cancel,
    promotion_open, promotions,
};
use leerweek_domain::event::EventPolicy;
use leerweek_domain::session::{Capacity, QuotaUse, Seats, TimeRange, validate_quotas};
use leerweek_domain::{EventStatus, SessionStatus};
use proptest::prelude::*;
use uuid::Uuid;

const PEOPLE: usize = 8;
const ORGS: usize = 3;
const DEADLINE_HOURS: i64 = 24;
/// Enrolment opens a day before hour 0 and closes at hour 128.
const OPENS: i64 = -24;
const CLOSES: i64 = 128;
/// Sessions as whole hours after hour 0: 0 and 1 overlap, 0 and 2 touch (no overlap), 1 and 2
/// overlap, 3 is the next day.
const TIMES: [(i64, i64); 4] = [(168, 171), (170, 172), (171, 173), (192, 195)];

fn instant(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 10, 9, 0, 0).unwrap() + Duration::hours(h)
}

fn org_of(person: usize) -> usize {
    person % ORGS
}

fn org_id(org: usize) -> Uuid {
    Uuid::from_u128(1000 + org as u128)
}

/// Generated set-up of one session.
#[derive(Debug, Clone)]
struct SessionSetup {
    capacity: u32,
    /// Organisation, seats, release hour.
    quota: Option<(usize, u32, i64)>,
}

#[derive(Debug, Clone)]
enum Op {
    Enrol {
        person: usize,
        session: usize,
    },
    Cancel {
        person: usize,
        session: usize,
        by_organiser: bool,
    },
    SetCapacity {
        session: usize,
        capacity: u32,
    },
    CancelSession {
        session: usize,
    },
    /// Time passes and the server's minute round promotes wherever a released quota opened a seat.
    Tick {
        hours: i64,
    },
    /// Time passes before the next round.
    Advance {
        hours: i64,
    },
}

fn setup() -> impl Strategy<Value = SessionSetup> {
    (1u32..=4)
        .prop_flat_map(|capacity| {
            let quota = proptest::option::weighted(0.5, (0..ORGS, 1..=capacity, 0i64..=180));
            (Just(capacity), quota)
        })
        .prop_map(|(capacity, quota)| SessionSetup { capacity, quota })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (0..PEOPLE, 0..4usize).prop_map(|(person, session)| Op::Enrol { person, session }),
        5 => (0..PEOPLE, 0..4usize, proptest::bool::weighted(0.2))
            .prop_map(|(person, session, by_organiser)| Op::Cancel { person, session, by_organiser }),
        3 => (0..4usize, 1u32..=6).prop_map(|(session, capacity)| Op::SetCapacity { session, capacity }),
        1 => (0..4usize).prop_map(|session| Op::CancelSession { session }),
        2 => (1i64..=48).prop_map(|hours| Op::Tick { hours }),
        2 => (1i64..=48).prop_map(|hours| Op::Advance { hours }),
    ]
}

/// The rule that refused an enrolment, named as the api's problem types name it.
fn rule(e: &EnrolError) -> &'static str {
    match e {
        EnrolError::EventNotPublished => "event-not-published",
        EnrolError::SessionCancelled => "session-cancelled",
        EnrolError::SessionStarted => "session-started",
        EnrolError::EnrolmentNotYetOpen { .. } => "enrolment-not-open",
        EnrolError::EnrolmentClosed { .. } => "enrolment-closed",
        EnrolError::AwaitingAllocation { .. } => "awaiting-allocation",
        EnrolError::NotEligible => "not-eligible",
        EnrolError::Overlap { .. } => "session-overlap",
        EnrolError::LimitReached { .. } => "limit-reached",
    }
}

/// What a step answered, in terms both sides can give.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Enrolling again: the existing enrolment comes back.
    Existing,
    Confirmed,
    Waitlisted(u32),
    /// Refused, with the rule's slug.
    Refused(&'static str),
    /// Done (cancelled, capacity changed, session cancelled, clock moved).
    Done,
    /// Nothing to do (cancelling what is not active, cancelling a cancelled session).
    Nothing,
}

// ---------------------------------------------------------------------------------------------
// The system under test: the domain's rules, composed as the store composes them.

#[derive(Clone)]
struct SimSession {
    facts: SessionFacts,
    seated: Vec<usize>,
    queue: Vec<usize>,
    /// When promotion last ran for it.
    promoted_at: DateTime<Utc>,
}

struct Sim {
    now: DateTime<Utc>,
    policy: EventPolicy,
    sessions: Vec<SimSession>,
}

impl Sim {
    fn new(setups: &[SessionSetup], limit: Option<u32>) -> Sim {
        let sessions = setups
            .iter()
            .zip(TIMES)
            .map(|(s, (start, end))| {
                let capacity = Capacity::parse(s.capacity as i64).unwrap();
                let raw: Vec<(Uuid, i64, DateTime<Utc>)> =
                    s.quota.iter().map(|(o, seats, at)| (org_id(*o), *seats as i64, instant(*at))).collect();
                let quotas = validate_quotas(capacity, &raw).unwrap();
                SimSession {
                    facts: SessionFacts {
                        status: SessionStatus::Scheduled,
                        time: TimeRange::new(instant(start), instant(end)).unwrap(),
                        seats: Seats {
                            capacity: capacity.get(),
                            confirmed: 0,
                            quotas: quotas.into_iter().map(|quota| QuotaUse { quota, used: 0 }).collect(),
                        },
                        waitlist_len: 0,
                    },
                    seated: vec![],
                    queue: vec![],
                    promoted_at: instant(0),
                }
            })
            .collect();
        Sim {
            now: instant(0),
            policy: EventPolicy {
                status: EventStatus::Published,
                enrolment_opens_at: instant(OPENS),
                enrolment_closes_at: instant(CLOSES),
                cancellation_deadline_hours: DEADLINE_HOURS as u32,
                max_enrolments_per_person: limit,
                allocation: leerweek_domain::Allocation::FirstCome,
                allocated_at: None,
            },
            sessions,
        }
    }

    fn active(&self, person: usize, session: usize) -> bool {
        let s = &self.sessions[session];
        s.seated.contains(&person) || s.queue.contains(&person)
    }

    /// Promote from the queue into free seats while promotion is open (the store's `promote_waiting`).
    fn promote(&mut self, session: usize) -> usize {
        let now = self.now;
        let s = &mut self.sessions[session];
        if !promotion_open(s.facts.status, s.facts.time.start(), now) {
            return 0;
        }
        s.promoted_at = now;
        let queue: Vec<Waiting> = s
            .queue
            .iter()
            .map(|p| Waiting { enrolment_id: Uuid::from_u128(*p as u128), organisation_id: org_id(org_of(*p)) })
            .collect();
        let promoted = promotions(&mut s.facts.seats, &queue, now);
        for id in &promoted {
            let p = id.as_u128() as usize;
            s.queue.retain(|q| *q != p);
            s.seated.push(p);
        }
        s.facts.waitlist_len = s.queue.len() as u32;
        promoted.len()
    }

    fn enrol(&mut self, person: usize, session: usize) -> Outcome {
        if self.active(person, session) {
            return Outcome::Existing;
        }
        // The store first lets in whoever a released quota now admits, in the same transaction:
        // a refusal rolls that back too.
        let before = self.sessions[session].clone();
        self.promote(session);
        let active: Vec<ActiveEnrolment> = (0..self.sessions.len())
            .filter(|i| *i != session && self.active(person, *i))
            .map(|i| ActiveEnrolment { session_id: Uuid::from_u128(i as u128), time: self.sessions[i].facts.time })
            .collect();
        let s = &mut self.sessions[session];
        let org = org_id(org_of(person));
        let decision = decide(&EnrolRequest {
            now: self.now,
            policy: &self.policy,
            session: &s.facts,
            organisation_id: org,
            eligible: true,
            active: &active,
        });
        match decision {
            Ok(Decision::Confirm) => {
                s.facts.seats.take(org);
                s.seated.push(person);
                Outcome::Confirmed
            }
            Ok(Decision::Waitlist { position }) => {
                s.queue.push(person);
                s.facts.waitlist_len += 1;
                Outcome::Waitlisted(position)
            }
            Err(e) => {
                *s = before;
                Outcome::Refused(rule(&e))
            }
        }
    }

    fn cancel(&mut self, person: usize, session: usize, by_organiser: bool) -> Outcome {
        if !self.active(person, session) {
            return Outcome::Nothing;
        }
        let s = &mut self.sessions[session];
        if let Err(CancelError::DeadlinePassed { .. }) =
            may_cancel(self.now, s.facts.time.start(), self.policy.cancellation_deadline_hours, by_organiser)
        {
            return Outcome::Refused("cancellation-deadline-passed");
        }
        if let Some(i) = s.queue.iter().position(|p| *p == person) {
            s.queue.remove(i);
            s.facts.waitlist_len -= 1;
        } else {
            s.seated.retain(|p| *p != person);
            s.facts.seats.release(org_id(org_of(person)));
            self.promote(session);
        }
        Outcome::Done
    }

    /// The store's rule: a cancelled session cannot change; capacity below the confirmed seats
    /// is refused (nobody is bumped); the quotas must still fit; more seats promote.
    fn set_capacity(&mut self, session: usize, capacity: u32) -> Outcome {
        let s = &mut self.sessions[session];
        if s.facts.status == SessionStatus::Cancelled {
            return Outcome::Refused("cancelled");
        }
        if capacity < s.facts.seats.confirmed {
            return Outcome::Refused("capacity-below-confirmed");
        }
        let cap = Capacity::parse(capacity as i64).unwrap();
        let quotas: Vec<(Uuid, i64, DateTime<Utc>)> = s
            .facts
            .seats
            .quotas
            .iter()
            .map(|q| (q.quota.organisation_id, q.quota.seats as i64, q.quota.release_at))
            .collect();
        if validate_quotas(cap, &quotas).is_err() {
            return Outcome::Refused("invalid");
        }
        s.facts.seats.capacity = cap.get();
        self.promote(session);
        Outcome::Done
    }

    fn cancel_session(&mut self, session: usize) -> Outcome {
        let s = &mut self.sessions[session];
        if s.facts.status == SessionStatus::Cancelled {
            return Outcome::Nothing;
        }
        s.facts.status = SessionStatus::Cancelled;
        for p in std::mem::take(&mut s.seated) {
            s.facts.seats.release(org_id(org_of(p)));
        }
        s.queue.clear();
        s.facts.waitlist_len = 0;
        Outcome::Done
    }

    fn tick(&mut self, hours: i64, round: bool) -> Outcome {
        self.now += Duration::hours(hours);
        if round {
            for i in 0..self.sessions.len() {
                self.promote(i);
            }
        }
        Outcome::Done
    }
}

// ---------------------------------------------------------------------------------------------
// The reference model: whole hours, plain lists, the rules written out once more.

struct RefSession {
    start: i64,
    end: i64,
    capacity: u32,
    cancelled: bool,
    quota: Option<(usize, u32, i64)>,
    seated: Vec<usize>,
    queue: Vec<usize>,
    promoted_at: i64,
}

struct Model {
    now: i64,
    limit: Option<u32>,
    sessions: Vec<RefSession>,
}

impl Model {
    fn new(setups: &[SessionSetup], limit: Option<u32>) -> Model {
        let sessions = setups
            .iter()
            .zip(TIMES)
            .map(|(s, (start, end))| RefSession {
                start,
                end,
                capacity: s.capacity,
                cancelled: false,
                quota: s.quota,
                seated: vec![],
                queue: vec![],
                promoted_at: 0,
            })
            .collect();
        Model { now: 0, limit, sessions }
    }

    /// Seats someone of `org` could take: free seats less what another organisation's quota
    /// still keeps unused before its release.
    fn free(&self, session: usize, org: usize) -> i64 {
        let s = &self.sessions[session];
        let mut free = s.capacity as i64 - s.seated.len() as i64;
        if let Some((qorg, seats, release)) = s.quota
            && qorg != org
            && self.now < release
        {
            let used = s.seated.iter().filter(|p| org_of(**p) == qorg).count() as i64;
            free -= (seats as i64 - used).max(0);
        }
        free.max(0)
    }

    fn fill(&mut self, session: usize) {
        if self.sessions[session].cancelled || self.now >= self.sessions[session].start {
            return;
        }
        self.sessions[session].promoted_at = self.now;
        while let Some(i) = self.sessions[session].queue.iter().position(|p| self.free(session, org_of(*p)) > 0) {
            let p = self.sessions[session].queue.remove(i);
            self.sessions[session].seated.push(p);
        }
    }

    fn holds(&self, person: usize) -> Vec<usize> {
        (0..self.sessions.len())
            .filter(|i| self.sessions[*i].seated.contains(&person) || self.sessions[*i].queue.contains(&person))
            .collect()
    }

    fn enrol(&mut self, person: usize, session: usize) -> Outcome {
        let held = self.holds(person);
        if held.contains(&session) {
            return Outcome::Existing;
        }
        let s = &self.sessions[session];
        let before = (s.seated.clone(), s.queue.clone(), s.promoted_at);
        self.fill(session);
        let s = &self.sessions[session];
        let refusal = if s.cancelled {
            Some("session-cancelled")
        } else if self.now >= s.start {
            Some("session-started")
        } else if self.now >= CLOSES {
            Some("enrolment-closed")
        } else if held.iter().any(|h| {
            let o = &self.sessions[*h];
            o.start < s.end && s.start < o.end
        }) {
            Some("session-overlap")
        } else if self.limit.is_some_and(|l| held.len() as u32 >= l) {
            Some("limit-reached")
        } else {
            None
        };
        if let Some(slug) = refusal {
            let s = &mut self.sessions[session];
            (s.seated, s.queue, s.promoted_at) = before;
            return Outcome::Refused(slug);
        }
        if self.free(session, org_of(person)) > 0 {
            self.sessions[session].seated.push(person);
            Outcome::Confirmed
        } else {
            self.sessions[session].queue.push(person);
            Outcome::Waitlisted(self.sessions[session].queue.len() as u32)
        }
    }

    fn cancel(&mut self, person: usize, session: usize, by_organiser: bool) -> Outcome {
        if !self.holds(person).contains(&session) {
            return Outcome::Nothing;
        }
        if !by_organiser && self.now > self.sessions[session].start - DEADLINE_HOURS {
            return Outcome::Refused("cancellation-deadline-passed");
        }
        let s = &mut self.sessions[session];
        s.queue.retain(|p| *p != person);
        if s.seated.contains(&person) {
            // Only a freed seat sets promotion going.
            s.seated.retain(|p| *p != person);
            self.fill(session);
        }
        Outcome::Done
    }

    fn set_capacity(&mut self, session: usize, capacity: u32) -> Outcome {
        let s = &mut self.sessions[session];
        if s.cancelled {
            return Outcome::Refused("cancelled");
        }
        if (capacity as usize) < s.seated.len() {
            return Outcome::Refused("capacity-below-confirmed");
        }
        if s.quota.is_some_and(|(_, seats, _)| seats > capacity) {
            return Outcome::Refused("invalid");
        }
        s.capacity = capacity;
        self.fill(session);
        Outcome::Done
    }

    fn cancel_session(&mut self, session: usize) -> Outcome {
        let s = &mut self.sessions[session];
        if s.cancelled {
            return Outcome::Nothing;
        }
        s.cancelled = true;
        s.seated.clear();
        s.queue.clear();
        Outcome::Done
    }

    fn tick(&mut self, hours: i64, round: bool) -> Outcome {
        self.now += hours;
        if round {
            for i in 0..self.sessions.len() {
                self.fill(i);
            }
        }
        Outcome::Done
    }
}

/// The invariants, checked on the system's own state.
fn check_invariants(sim: &Sim) -> Result<(), TestCaseError> {
    for (i, s) in sim.sessions.iter().enumerate() {
        let seats = &s.facts.seats;
        prop_assert!(
            seats.confirmed <= seats.capacity,
            "session {i}: {} confirmed > capacity {}",
            seats.confirmed,
            seats.capacity
        );
        prop_assert_eq!(seats.confirmed as usize, s.seated.len(), "session {}: seat counter", i);
        prop_assert_eq!(s.facts.waitlist_len as usize, s.queue.len(), "session {}: queue counter", i);
        for q in &seats.quotas {
            let used = s.seated.iter().filter(|p| org_id(org_of(**p)) == q.quota.organisation_id).count();
            prop_assert_eq!(q.used as usize, used, "session {}: quota use", i);
        }
        let mut everyone: Vec<usize> = s.seated.iter().chain(&s.queue).copied().collect();
        everyone.sort_unstable();
        let n = everyone.len();
        everyone.dedup();
        prop_assert_eq!(everyone.len(), n, "session {}: someone holds two enrolments", i);
        if s.facts.status == SessionStatus::Cancelled {
            prop_assert!(s.seated.is_empty() && s.queue.is_empty(), "cancelled session {i} has people");
            prop_assert_eq!(seats.confirmed, 0);
            prop_assert!(s.queue.is_empty());
        } else if sim.now < s.facts.time.start() {
            // As of the last promotion in this session: a released seat may stand free until then.
            for p in &s.queue {
                prop_assert_eq!(
                    seats.free_for(org_id(org_of(*p)), s.promoted_at),
                    0,
                    "session {}: person {} waits while a seat is free for them",
                    i,
                    p
                );
            }
        }
    }
    for p in 0..PEOPLE {
        let held: Vec<&SimSession> =
            sim.sessions.iter().filter(|s| s.seated.contains(&p) || s.queue.contains(&p)).collect();
        if let Some(limit) = sim.policy.max_enrolments_per_person {
            prop_assert!(held.len() as u32 <= limit, "person {p} holds {} > {limit}", held.len());
        }
        for (a, x) in held.iter().enumerate() {
            for y in &held[a + 1..] {
                prop_assert!(!x.facts.time.overlaps(&y.facts.time), "person {p} holds overlapping sessions");
            }
        }
    }
    Ok(())
}

fn week() -> impl Strategy<Value = (Vec<SessionSetup>, Option<u32>, Vec<Op>)> {
    (
        proptest::collection::vec(setup(), 4),
        prop_oneof![Just(None), (1u32..=3).prop_map(Some)],
        proptest::collection::vec(op(), 0..120),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Random weeks of enrol / cancel / change-capacity / cancel-session / time passing: the
    /// domain's rules agree with the reference model at every step and keep every invariant.
    #[test]
    fn a_week_of_random_operations_keeps_the_rules((setups, limit, ops) in week()) {
        let mut sim = Sim::new(&setups, limit);
        let mut model = Model::new(&setups, limit);
        for (step, op) in ops.iter().enumerate() {
            let (got, want) = match *op {
                Op::Enrol { person, session } => (sim.enrol(person, session), model.enrol(person, session)),
                Op::Cancel { person, session, by_organiser } => {
                    (sim.cancel(person, session, by_organiser), model.cancel(person, session, by_organiser))
                }
                Op::SetCapacity { session, capacity } => {
                    (sim.set_capacity(session, capacity), model.set_capacity(session, capacity))
                }
                Op::CancelSession { session } => (sim.cancel_session(session), model.cancel_session(session)),
                Op::Tick { hours } => (sim.tick(hours, true), model.tick(hours, true)),
                Op::Advance { hours } => (sim.tick(hours, false), model.tick(hours, false)),
            };
            prop_assert_eq!(&got, &want, "step {}: {:?}", step, op);
            for (i, (s, m)) in sim.sessions.iter().zip(&model.sessions).enumerate() {
                let mut seated = s.seated.clone();
                seated.sort_unstable();
                let mut want_seated = m.seated.clone();
                want_seated.sort_unstable();
                prop_assert_eq!(seated, want_seated, "step {}: seats of session {}", step, i);
                prop_assert_eq!(&s.queue, &m.queue, "step {}: queue of session {} (arrival order)", step, i);
                prop_assert_eq!(s.facts.seats.capacity, m.capacity);
                prop_assert_eq!(s.promoted_at, instant(m.promoted_at), "step {}: last promotion in session {}", step, i);
            }
            check_invariants(&sim)?;
        }
    }
}
