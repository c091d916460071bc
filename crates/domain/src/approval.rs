//! Manager approval: a week (or one of its workshops) asks the person's manager to agree before
//! a seat is final. The seat is held meanwhile; approval makes it final, a decline or no
//! decision before the deadline releases it as a cancellation would.

use crate::access::Actor;
use crate::validation::{FieldError, Invalid};
use crate::{Approval, ApprovalState};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// Hours a manager has to decide, unless the week says otherwise.
pub const DEFAULT_APPROVAL_HOURS: u32 = 72;
/// The longest a week may give (30 days).
pub const MAX_APPROVAL_HOURS: u32 = 720;

/// Check a week's `approval_hours` (1–720).
pub fn parse_approval_hours(raw: Option<i64>) -> Result<u32, Invalid> {
    match raw {
        None => Ok(DEFAULT_APPROVAL_HOURS),
        Some(n) if n < 1 => Err(Invalid::TooSmall { min: 1 }),
        Some(n) if n > MAX_APPROVAL_HOURS as i64 => Err(Invalid::TooLarge { max: MAX_APPROVAL_HOURS as i64 }),
        Some(n) => Ok(n as u32),
    }
}

/// Whether a seat in a workshop needs approval: the workshop's own policy, else its week's.
pub fn needs_approval(week: Approval, workshop: Option<Approval>) -> bool {
    workshop.unwrap_or(week) == Approval::Manager
}

/// Until when a manager may decide on a seat asked for at `now`: `hours` later, but never after
/// the session starts (an unanswered request then lapses as the session begins).
pub fn due_at(now: DateTime<Utc>, hours: u32, session_starts_at: DateTime<Utc>) -> DateTime<Utc> {
    (now + Duration::hours(hours as i64)).min(session_starts_at)
}

/// Who decides on a person's enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approver {
    /// Their manager, from the people data.
    Manager(Uuid),
    /// Without a manager: the organisers of their organisation.
    OrganisersOf(Uuid),
}

impl Approver {
    /// The approver of a person with this manager in this organisation.
    pub fn of(manager_id: Option<Uuid>, organisation_id: Uuid) -> Self {
        match manager_id {
            Some(m) => Approver::Manager(m),
            None => Approver::OrganisersOf(organisation_id),
        }
    }

    /// Whether `actor` may decide: the manager, or (without one) an organiser of the person's
    /// organisation; admins always, except on their own: nobody approves their own enrolment.
    pub fn admits(self, actor: &Actor, person_id: Uuid) -> bool {
        if actor.person_id == person_id {
            return false;
        }
        actor.is_admin()
            || match self {
                Approver::Manager(m) => actor.person_id == m,
                Approver::OrganisersOf(org) => actor.organises_for(org),
            }
    }
}

/// Why a decision cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    /// The enrolment does not wait for approval (never did, or was decided already).
    #[error("the enrolment does not wait for approval")]
    NotPending(Option<ApprovalState>),
    /// The deadline passed: the request lapsed (or is about to, at the next minute).
    #[error("the time to decide has passed")]
    TooLate,
}

/// Whether a decision on an enrolment in `state`, due at `due`, may be taken at `now`.
pub fn may_decide(
    state: Option<ApprovalState>,
    due: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), ApprovalError> {
    if state != Some(ApprovalState::Pending) {
        return Err(ApprovalError::NotPending(state));
    }
    if due.is_some_and(|due| now >= due) {
        return Err(ApprovalError::TooLate);
    }
    Ok(())
}

/// A manager's reason for declining: optional, trimmed, at most 500 characters, told to the
/// person in the mail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct DeclineReason(String);

impl DeclineReason {
    /// Longest allowed reason, in characters.
    pub const MAX: usize = 500;

    /// Trim and check; empty or absent is no reason.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        let clean: String = raw.unwrap_or("").chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
        let trimmed = clean.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > Self::MAX {
            return Err(FieldError::new("reason", Invalid::TooLong { max: Self::MAX }));
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    /// The reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;
    use chrono::TimeZone;

    fn actor(roles: Vec<Role>, org: Uuid) -> Actor {
        Actor { person_id: Uuid::now_v7(), organisation_id: org, roles }
    }

    #[test]
    fn a_workshop_overrides_its_week_either_way() {
        assert!(!needs_approval(Approval::None, None));
        assert!(needs_approval(Approval::Manager, None));
        assert!(needs_approval(Approval::None, Some(Approval::Manager)));
        assert!(!needs_approval(Approval::Manager, Some(Approval::None)));
    }

    #[test]
    fn the_deadline_is_the_hours_given_but_never_after_the_session_starts() {
        let now = Utc.with_ymd_and_hms(2027, 11, 1, 9, 0, 0).unwrap();
        let far = now + Duration::days(10);
        assert_eq!(due_at(now, 72, far), now + Duration::hours(72));
        let soon = now + Duration::hours(5);
        assert_eq!(due_at(now, 72, soon), soon);
        assert_eq!(parse_approval_hours(None), Ok(72));
        assert_eq!(parse_approval_hours(Some(0)), Err(Invalid::TooSmall { min: 1 }));
        assert_eq!(parse_approval_hours(Some(721)), Err(Invalid::TooLarge { max: 720 }));
        assert_eq!(parse_approval_hours(Some(720)), Ok(720));
    }

    #[test]
    fn the_manager_decides_or_without_one_the_organisations_organisers_never_the_person() {
        let org = Uuid::now_v7();
        let other = Uuid::now_v7();
        let manager = actor(vec![Role::Manager], org);
        let person = Uuid::now_v7();
        assert!(Approver::of(Some(manager.person_id), org).admits(&manager, person));
        assert!(!Approver::of(Some(Uuid::now_v7()), org).admits(&manager, person), "someone else's manager");
        let organiser = actor(vec![Role::Organiser], org);
        assert!(!Approver::of(Some(manager.person_id), org).admits(&organiser, person), "the manager decides");
        assert!(Approver::of(None, org).admits(&organiser, person));
        assert!(!Approver::of(None, other).admits(&organiser, person), "another organisation's organiser");
        let admin = actor(vec![Role::Admin], other);
        assert!(Approver::of(Some(manager.person_id), org).admits(&admin, person));
        // An organiser or admin who enrolled themselves does not approve their own seat.
        assert!(!Approver::of(None, org).admits(&organiser, organiser.person_id));
        assert!(!Approver::of(None, other).admits(&admin, admin.person_id));
    }

    #[test]
    fn only_a_pending_request_before_its_deadline_can_be_decided() {
        let now = Utc.with_ymd_and_hms(2027, 11, 1, 9, 0, 0).unwrap();
        let due = Some(now + Duration::hours(1));
        assert_eq!(may_decide(Some(ApprovalState::Pending), due, now), Ok(()));
        assert_eq!(
            may_decide(Some(ApprovalState::Pending), due, now + Duration::hours(1)),
            Err(ApprovalError::TooLate)
        );
        for s in [ApprovalState::Approved, ApprovalState::Declined, ApprovalState::Lapsed, ApprovalState::Withdrawn] {
            assert_eq!(may_decide(Some(s), due, now), Err(ApprovalError::NotPending(Some(s))));
        }
        assert_eq!(may_decide(None, None, now), Err(ApprovalError::NotPending(None)));
    }

    #[test]
    fn a_reason_is_optional_trimmed_and_bounded() {
        assert_eq!(DeclineReason::parse(None), Ok(None));
        assert_eq!(DeclineReason::parse(Some("  \n ")), Ok(None));
        assert_eq!(DeclineReason::parse(Some(" Drukke week\u{7} ")).unwrap().unwrap().as_str(), "Drukke week");
        assert!(DeclineReason::parse(Some(&"x".repeat(501))).is_err());
    }
}
