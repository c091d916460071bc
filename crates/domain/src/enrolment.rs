//! The enrolment rules: who gets a seat, who waits, who may cancel, who is promoted.

use crate::event::EventPolicy;
use crate::model::{Allocation, AudienceKind, EventStatus, SessionStatus};
use crate::session::{Seats, TimeRange};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// Who may enrol in a workshop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// The kind of audience.
    pub kind: AudienceKind,
    /// The workshop's host organisation.
    pub host_organisation_id: Uuid,
    /// The organisations listed for [`AudienceKind::Listed`].
    pub listed: Vec<Uuid>,
}

impl Audience {
    /// Whether a person of `organisation` may enrol, given the event's participating organisations.
    pub fn admits(&self, organisation: Uuid, participating: &[Uuid]) -> bool {
        if !participating.contains(&organisation) {
            return false;
        }
        match self.kind {
            AudienceKind::All => true,
            AudienceKind::HostOnly => organisation == self.host_organisation_id,
            AudienceKind::Listed => organisation == self.host_organisation_id || self.listed.contains(&organisation),
        }
    }
}

/// What the rules need to know of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    /// Scheduled or cancelled (a cancelled workshop counts as cancelled sessions).
    pub status: SessionStatus,
    /// When it takes place.
    pub time: TimeRange,
    /// Capacity, confirmed seats and quotas.
    pub seats: Seats,
    /// People on the waiting list now.
    pub waitlist_len: u32,
}

/// An active (confirmed or waitlisted) enrolment of the applicant in the same event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveEnrolment {
    /// Its session.
    pub session_id: Uuid,
    /// Its session's time.
    pub time: TimeRange,
}

/// Everything [`decide`] weighs.
#[derive(Debug, Clone)]
pub struct EnrolRequest<'a> {
    /// The moment of the decision.
    pub now: DateTime<Utc>,
    /// The event's policy.
    pub policy: &'a EventPolicy,
    /// The session asked for.
    pub session: &'a SessionFacts,
    /// The applicant's organisation.
    pub organisation_id: Uuid,
    /// Whether the workshop's audience admits the applicant.
    pub eligible: bool,
    /// The applicant's other active enrolments in this event.
    pub active: &'a [ActiveEnrolment],
}

/// The outcome of an accepted enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A seat is taken.
    Confirm,
    /// No seat: a place on the waiting list at `position` (1-based).
    Waitlist {
        /// Place in the queue, 1 being next.
        position: u32,
    },
}

/// Why an enrolment was refused. `Display` is for the log; the api words it for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolError {
    /// The event is not published (draft, closed or archived).
    #[error("the event is not open for enrolment")]
    EventNotPublished,
    /// The session or its workshop was cancelled.
    #[error("the session has been cancelled")]
    SessionCancelled,
    /// The session has already started.
    #[error("the session has already started")]
    SessionStarted,
    /// Enrolment has not opened yet.
    #[error("enrolment opens at {opens_at}")]
    EnrolmentNotYetOpen {
        /// When it opens.
        opens_at: DateTime<Utc>,
    },
    /// Enrolment has closed.
    #[error("enrolment closed at {closed_at}")]
    EnrolmentClosed {
        /// When it closed.
        closed_at: DateTime<Utc>,
    },
    /// A lottery week whose allocation has not run: people rank preferences instead of
    /// enrolling (also organisers on someone's behalf: nobody's place depends on when they came).
    #[error("places in this week are allocated by lottery after {closes_at}")]
    AwaitingAllocation {
        /// When the preference window closes.
        closes_at: DateTime<Utc>,
    },
    /// The workshop's audience does not include the person's organisation.
    #[error("this workshop is not open to your organisation")]
    NotEligible,
    /// The person already holds an overlapping session in this event.
    #[error("you already have a session at that time")]
    Overlap {
        /// The session that overlaps.
        session_id: Uuid,
    },
    /// The per-person limit of the event is reached.
    #[error("you have reached the limit of {limit} enrolments for this event")]
    LimitReached {
        /// The limit.
        limit: u32,
    },
}

/// Decide an enrolment. The caller has already returned an existing active enrolment of the
/// same person in the same session (enrolling twice is not an error) and has promoted anyone
/// on the waiting list who could take a free seat, so a free seat now belongs to the applicant.
pub fn decide(r: &EnrolRequest<'_>) -> Result<Decision, EnrolError> {
    if r.policy.status != EventStatus::Published {
        return Err(EnrolError::EventNotPublished);
    }
    if r.session.status != SessionStatus::Scheduled {
        return Err(EnrolError::SessionCancelled);
    }
    if r.now >= r.session.time.start() {
        return Err(EnrolError::SessionStarted);
    }
    if r.now < r.policy.enrolment_opens_at {
        return Err(EnrolError::EnrolmentNotYetOpen { opens_at: r.policy.enrolment_opens_at });
    }
    match (r.policy.allocation, r.policy.allocated_at) {
        (Allocation::Lottery, None) => {
            return Err(EnrolError::AwaitingAllocation { closes_at: r.policy.enrolment_closes_at });
        }
        // After the allocation the seats left go first come, first served until the session starts.
        (Allocation::Lottery, Some(_)) => {}
        (Allocation::FirstCome, _) if r.now >= r.policy.enrolment_closes_at => {
            return Err(EnrolError::EnrolmentClosed { closed_at: r.policy.enrolment_closes_at });
        }
        (Allocation::FirstCome, _) => {}
    }
    if !r.eligible {
        return Err(EnrolError::NotEligible);
    }
    if let Some(clash) = r.active.iter().find(|a| a.time.overlaps(&r.session.time)) {
        return Err(EnrolError::Overlap { session_id: clash.session_id });
    }
    if let Some(limit) = r.policy.max_enrolments_per_person
        && r.active.len() as u32 >= limit
    {
        return Err(EnrolError::LimitReached { limit });
    }
    if r.session.seats.free_for(r.organisation_id, r.now) > 0 {
        Ok(Decision::Confirm)
    } else {
        Ok(Decision::Waitlist { position: r.session.waitlist_len + 1 })
    }
}

/// Why a cancellation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    /// The cancellation deadline has passed; only an organiser can cancel now.
    #[error("the cancellation deadline passed at {deadline}; ask the organiser")]
    DeadlinePassed {
        /// The deadline.
        deadline: DateTime<Utc>,
    },
    /// An organiser's cancellation on someone's behalf needs a reason (it goes into the mail).
    #[error("a reason is required")]
    ReasonRequired,
    /// The reason is longer than [`CancelReason::MAX`] characters.
    #[error("the reason is longer than {max} characters")]
    ReasonTooLong {
        /// Longest allowed, in characters.
        max: usize,
    },
}

/// Why an organiser cancelled someone's enrolment: 1–500 characters, trimmed, told to the
/// person in the cancellation mail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct CancelReason(String);

impl CancelReason {
    /// Longest allowed reason, in characters.
    pub const MAX: usize = 500;

    /// Trim and check: empty (or absent) is [`CancelError::ReasonRequired`].
    pub fn parse(raw: Option<&str>) -> Result<Self, CancelError> {
        // Control characters other than line breaks and tabs have no place in a mail.
        let clean: String = raw.unwrap_or("").chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
        let trimmed = clean.trim();
        if trimmed.is_empty() {
            return Err(CancelError::ReasonRequired);
        }
        if trimmed.chars().count() > Self::MAX {
            return Err(CancelError::ReasonTooLong { max: Self::MAX });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The last instant at which an employee may cancel an enrolment in a session starting at `start`.
pub fn cancellation_deadline(start: DateTime<Utc>, deadline_hours: u32) -> DateTime<Utc> {
    start - Duration::hours(deadline_hours as i64)
}

/// Whether a cancellation at `now` is allowed. Organisers override the deadline.
pub fn may_cancel(
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    deadline_hours: u32,
    by_organiser: bool,
) -> Result<(), CancelError> {
    let deadline = cancellation_deadline(start, deadline_hours);
    if by_organiser || now <= deadline { Ok(()) } else { Err(CancelError::DeadlinePassed { deadline }) }
}

/// A place on the waiting list, in queue order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// The enrolment.
    pub enrolment_id: Uuid,
    /// The waiting person's organisation.
    pub organisation_id: Uuid,
}

/// Whether waiting-list promotion still happens: until the session starts, unless it is cancelled.
pub fn promotion_open(session_status: SessionStatus, start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    session_status == SessionStatus::Scheduled && now < start
}

/// Who is promoted, in order, when seats are free: the first waiting person who can take a seat
/// (reserved seats of other organisations stay reserved until their release), again and again
/// while seats remain. Updates `seats` and returns the promoted enrolments.
pub fn promotions(seats: &mut Seats, waitlist: &[Waiting], now: DateTime<Utc>) -> Vec<Uuid> {
    let mut promoted = Vec::new();
    let mut remaining: Vec<&Waiting> = waitlist.iter().collect();
    while let Some(i) = remaining.iter().position(|w| seats.free_for(w.organisation_id, now) > 0) {
        let w = remaining.remove(i);
        seats.take(w.organisation_id);
        promoted.push(w.enrolment_id);
    }
    promoted
}

/// One person's enrolment in a session: what the store holds of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// Id.
    pub id: Uuid,
    /// The session.
    pub session_id: Uuid,
    /// The person.
    pub person_id: Uuid,
    /// The session's week.
    pub event_id: Uuid,
    /// Confirmed, waitlisted or cancelled.
    pub status: crate::model::EnrolmentStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When the seat was confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Who cancelled it.
    pub cancelled_by: Option<Uuid>,
    /// Present, absent or excused, once recorded.
    pub attendance: Option<crate::attendance::Attendance>,
    /// When the attendance was recorded.
    pub attendance_marked_at: Option<DateTime<Utc>>,
    /// Who recorded it (`None`: the no-show job).
    pub attendance_marked_by: Option<Uuid>,
    /// When the person checked in with their code.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// The personal check-in code.
    pub check_in_code: Option<crate::attendance::CheckInCode>,
    /// Minutes credited for attending.
    pub credited_minutes: Option<u32>,
    /// Where the manager's approval stands, where one was asked.
    pub approval: Option<crate::ApprovalState>,
    /// Until when the manager may decide.
    pub approval_due_at: Option<DateTime<Utc>>,
}

impl Enrolment {
    /// Whether it holds a seat.
    pub fn is_confirmed(&self) -> bool {
        self.status == crate::model::EnrolmentStatus::Confirmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Quota, QuotaUse};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
    }

    fn policy() -> EventPolicy {
        EventPolicy {
            status: EventStatus::Published,
            enrolment_opens_at: at(1, 9),
            enrolment_closes_at: at(15, 17),
            cancellation_deadline_hours: 24,
            max_enrolments_per_person: Some(3),
            allocation: Allocation::FirstCome,
            allocated_at: None,
        }
    }

    fn session(capacity: u32, confirmed: u32, waitlist_len: u32) -> SessionFacts {
        SessionFacts {
            status: SessionStatus::Scheduled,
            time: TimeRange::new(at(17, 9), at(17, 12)).unwrap(),
            seats: Seats { capacity, confirmed, quotas: vec![] },
            waitlist_len,
        }
    }

    fn req<'a>(p: &'a EventPolicy, s: &'a SessionFacts, active: &'a [ActiveEnrolment]) -> EnrolRequest<'a> {
        EnrolRequest {
            now: at(10, 9),
            policy: p,
            session: s,
            organisation_id: Uuid::from_u128(1),
            eligible: true,
            active,
        }
    }

    #[test]
    fn free_seat_confirms_full_session_waitlists() {
        let p = policy();
        assert_eq!(decide(&req(&p, &session(20, 19, 0), &[])), Ok(Decision::Confirm));
        assert_eq!(decide(&req(&p, &session(20, 20, 4), &[])), Ok(Decision::Waitlist { position: 5 }));
    }

    #[test]
    fn each_rule_has_its_error() {
        let p = policy();
        let s = session(20, 0, 0);
        let mut draft = p.clone();
        draft.status = EventStatus::Draft;
        assert_eq!(decide(&req(&draft, &s, &[])), Err(EnrolError::EventNotPublished));

        let mut cancelled = s.clone();
        cancelled.status = SessionStatus::Cancelled;
        assert_eq!(decide(&req(&p, &cancelled, &[])), Err(EnrolError::SessionCancelled));

        let mut r = req(&p, &s, &[]);
        r.now = at(1, 8);
        assert!(matches!(decide(&r), Err(EnrolError::EnrolmentNotYetOpen { .. })));
        r.now = at(16, 9);
        assert!(matches!(decide(&r), Err(EnrolError::EnrolmentClosed { .. })));
        r.now = at(17, 10);
        assert_eq!(decide(&r), Err(EnrolError::SessionStarted));

        let mut r = req(&p, &s, &[]);
        r.eligible = false;
        assert_eq!(decide(&r), Err(EnrolError::NotEligible));

        let clash =
            [ActiveEnrolment { session_id: Uuid::from_u128(9), time: TimeRange::new(at(17, 11), at(17, 13)).unwrap() }];
        assert_eq!(decide(&req(&p, &s, &clash)), Err(EnrolError::Overlap { session_id: Uuid::from_u128(9) }));

        let three: Vec<_> = (0..3)
            .map(|i| ActiveEnrolment {
                session_id: Uuid::from_u128(i),
                time: TimeRange::new(at(18 + i as u32, 9), at(18 + i as u32, 10)).unwrap(),
            })
            .collect();
        assert_eq!(decide(&req(&p, &s, &three)), Err(EnrolError::LimitReached { limit: 3 }));
    }

    #[test]
    fn a_lottery_week_takes_no_enrolment_before_its_allocation_and_then_until_the_session_starts() {
        let mut p = policy();
        p.allocation = Allocation::Lottery;
        let s = session(20, 0, 0);
        let mut r = req(&p, &s, &[]);
        assert_eq!(decide(&r), Err(EnrolError::AwaitingAllocation { closes_at: at(15, 17) }));
        assert!(p.preferences_open(r.now));
        r.now = at(16, 9);
        assert_eq!(decide(&r), Err(EnrolError::AwaitingAllocation { closes_at: at(15, 17) }));
        assert!(!p.preferences_open(r.now), "the window has closed");
        r.now = at(1, 8);
        assert!(matches!(decide(&r), Err(EnrolError::EnrolmentNotYetOpen { .. })));
        p.allocated_at = Some(at(16, 8));
        let mut r = req(&p, &s, &[]);
        r.now = at(16, 9);
        assert_eq!(decide(&r), Ok(Decision::Confirm), "the seats left go first come, first served");
        r.now = at(17, 9);
        assert_eq!(decide(&r), Err(EnrolError::SessionStarted));
        assert!(!p.preferences_open(at(10, 9)), "no preferences once allocated");
    }

    #[test]
    fn a_cancel_reason_is_trimmed_required_and_bounded() {
        assert_eq!(CancelReason::parse(Some("  Ziek gemeld \r\n")).unwrap().as_str(), "Ziek gemeld");
        assert_eq!(CancelReason::parse(Some("\u{1}")), Err(CancelError::ReasonRequired));
        assert_eq!(CancelReason::parse(Some("a\u{0}b")).unwrap().as_str(), "ab");
        assert_eq!(CancelReason::parse(None), Err(CancelError::ReasonRequired));
        assert_eq!(CancelReason::parse(Some(" \t ")), Err(CancelError::ReasonRequired));
        assert!(CancelReason::parse(Some(&"x".repeat(500))).is_ok());
        assert_eq!(CancelReason::parse(Some(&"x".repeat(501))), Err(CancelError::ReasonTooLong { max: 500 }));
    }

    #[test]
    fn cancellation_deadline_binds_employees_not_organisers() {
        let start = at(17, 9);
        assert!(may_cancel(at(16, 9), start, 24, false).is_ok());
        assert!(may_cancel(at(16, 10), start, 24, false).is_err());
        assert!(may_cancel(at(17, 8), start, 24, true).is_ok());
    }

    #[test]
    fn audience_kinds() {
        let (host, other, outsider) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let participating = [host, other];
        let mut a = Audience { kind: AudienceKind::All, host_organisation_id: host, listed: vec![] };
        assert!(a.admits(other, &participating) && !a.admits(outsider, &participating));
        a.kind = AudienceKind::HostOnly;
        assert!(a.admits(host, &participating) && !a.admits(other, &participating));
        a.kind = AudienceKind::Listed;
        assert!(!a.admits(other, &participating));
        a.listed = vec![other];
        assert!(a.admits(other, &participating));
    }

    #[test]
    fn promotion_skips_people_whose_seat_is_reserved_for_others() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut seats = Seats {
            capacity: 2,
            confirmed: 0,
            quotas: vec![QuotaUse { quota: Quota { organisation_id: a, seats: 1, release_at: at(16, 9) }, used: 0 }],
        };
        let waiting = [
            Waiting { enrolment_id: Uuid::from_u128(10), organisation_id: b },
            Waiting { enrolment_id: Uuid::from_u128(11), organisation_id: b },
            Waiting { enrolment_id: Uuid::from_u128(12), organisation_id: a },
        ];
        let promoted = promotions(&mut seats, &waiting, at(10, 9));
        assert_eq!(promoted, vec![Uuid::from_u128(10), Uuid::from_u128(12)]);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Enrol(usize),
        Cancel(usize),
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        proptest::collection::vec(
            prop_oneof![(0usize..40).prop_map(Op::Enrol), (0usize..40).prop_map(Op::Cancel)],
            0..200,
        )
    }

    proptest! {
        /// A model of one session driven by random enrol/cancel sequences: confirmed never exceeds
        /// capacity, nobody waits while a seat is free, the queue stays in arrival order, and each
        /// person holds at most one active enrolment.
        #[test]
        fn random_enrol_and_cancel_keep_the_invariants(ops in ops(), capacity in 1u32..8) {
            let p = policy();
            let org = Uuid::from_u128(1);
            let mut confirmed: Vec<usize> = vec![];
            let mut waiting: Vec<usize> = vec![];
            for op in ops {
                match op {
                    Op::Enrol(who) => {
                        if confirmed.contains(&who) || waiting.contains(&who) {
                            continue; // enrolling twice returns the existing enrolment
                        }
                        let mut s = session(capacity, confirmed.len() as u32, waiting.len() as u32);
                        s.seats.quotas.clear();
                        match decide(&req(&p, &s, &[])).unwrap() {
                            Decision::Confirm => confirmed.push(who),
                            Decision::Waitlist { position } => {
                                prop_assert_eq!(position as usize, waiting.len() + 1);
                                waiting.push(who);
                            }
                        }
                    }
                    Op::Cancel(who) => {
                        if let Some(i) = waiting.iter().position(|w| *w == who) {
                            waiting.remove(i);
                        } else if let Some(i) = confirmed.iter().position(|c| *c == who) {
                            confirmed.remove(i);
                            let mut seats = Seats { capacity, confirmed: confirmed.len() as u32, quotas: vec![] };
                            let queue: Vec<Waiting> = waiting.iter().map(|w| Waiting { enrolment_id: Uuid::from_u128(*w as u128), organisation_id: org }).collect();
                            let promoted = promotions(&mut seats, &queue, at(10, 9));
                            prop_assert!(promoted.len() <= 1);
                            for id in promoted {
                                let who = id.as_u128() as usize;
                                prop_assert_eq!(waiting.first().copied(), Some(who), "first come, first served");
                                waiting.remove(0);
                                confirmed.push(who);
                            }
                        }
                    }
                }
                prop_assert!(confirmed.len() as u32 <= capacity);
                prop_assert!(waiting.is_empty() || confirmed.len() as u32 == capacity);
                let mut all: Vec<usize> = confirmed.iter().chain(waiting.iter()).copied().collect();
                all.sort_unstable();
                let n = all.len();
                all.dedup();
                prop_assert_eq!(all.len(), n);
            }
        }
    }
}
