//! Attendance: who came to a session. Marks, personal check-in codes, when marking may start,
//! and when unmarked enrolments become no-shows.

use crate::validation::Invalid;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How long before its start a session's attendance may be recorded (people arrive early).
pub const CHECK_IN_OPENS_BEFORE: Duration = Duration::minutes(60);

/// The attendance of a confirmed enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attendance {
    /// Came.
    Present,
    /// Did not come, without notice: a no-show.
    Absent,
    /// Did not come, with a reason the organiser accepts.
    Excused,
}

impl Attendance {
    /// Stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Present => "present",
            Attendance::Absent => "absent",
            Attendance::Excused => "excused",
        }
    }

    /// Parse the wire form.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "present" => Ok(Attendance::Present),
            "absent" => Ok(Attendance::Absent),
            "excused" => Ok(Attendance::Excused),
            _ => Err(Invalid::NotOneOf { allowed: "present, absent, excused" }),
        }
    }
}

/// When unmarked confirmed enrolments of a finished session become no-shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoShowPolicy {
    /// As soon as the session has ended.
    #[default]
    Automatic,
    /// Only when an organiser closes the attendance list.
    OnClose,
}

impl NoShowPolicy {
    /// Stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            NoShowPolicy::Automatic => "automatic",
            NoShowPolicy::OnClose => "on_close",
        }
    }

    /// Parse the wire form.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "automatic" => Ok(NoShowPolicy::Automatic),
            "on_close" => Ok(NoShowPolicy::OnClose),
            _ => Err(Invalid::NotOneOf { allowed: "automatic, on_close" }),
        }
    }
}

/// A personal check-in code: 12 characters of Crockford's base-32 alphabet (no I, L, O, U),
/// 60 random bits. Typed codes are forgiving: case, spaces and dashes do not matter, and O, I
/// and L read as 0, 1 and 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckInCode(String);

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl CheckInCode {
    /// Length of a code.
    pub const LEN: usize = 12;

    /// A code from 60 random bits (the low bits of `random`).
    pub fn from_random(random: u64) -> Self {
        let s = (0..Self::LEN).map(|i| ALPHABET[((random >> (5 * i)) & 31) as usize] as char).collect();
        Self(s)
    }

    /// Normalise and check a typed or scanned code.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        if s.is_empty() {
            return Err(Invalid::Empty);
        }
        if s.len() != Self::LEN || !s.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(Invalid::NotOneOf { allowed: "check-in codes (12 letters and digits)" });
        }
        Ok(Self(s))
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For people: three groups of four (`K7Q3-M9XP-2A4B`).
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

/// Why attendance cannot be recorded, or a check-in is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttendanceError {
    /// Too long before the session starts.
    #[error("attendance can be recorded from one hour before the session starts")]
    TooEarly,
    /// The session was cancelled.
    #[error("this session has been cancelled")]
    SessionCancelled,
    /// No enrolment has this code.
    #[error("this check-in code is unknown")]
    UnknownCode,
    /// The code belongs to another session.
    #[error("this check-in code belongs to another session: {title}")]
    OtherSession {
        /// The session it belongs to.
        session_id: Uuid,
        /// Its workshop's title.
        title: String,
        /// Its start.
        starts_at: DateTime<Utc>,
    },
    /// The enrolment is not (or no longer) a confirmed seat.
    #[error("this enrolment has no seat in the session (waiting list, cancelled, or not yet approved)")]
    NotConfirmed,
    /// The attendance list can be closed only once the session has ended.
    #[error("the attendance list can be closed once the session has ended")]
    NotOver,
}

/// Whether a session's attendance may be recorded now.
pub fn may_record(starts_at: DateTime<Utc>, cancelled: bool, now: DateTime<Utc>) -> Result<(), AttendanceError> {
    if cancelled {
        return Err(AttendanceError::SessionCancelled);
    }
    if now < starts_at - CHECK_IN_OPENS_BEFORE {
        return Err(AttendanceError::TooEarly);
    }
    Ok(())
}

/// The enrolment a scanned or typed code belongs to.
#[derive(Debug, Clone)]
pub struct CodeOwner {
    /// Its session.
    pub session_id: Uuid,
    /// Whether it holds a seat.
    pub confirmed: bool,
    /// The session's workshop title.
    pub title: String,
    /// The session's start.
    pub starts_at: DateTime<Utc>,
}

/// Whether a code checks someone in to session `session_id`.
pub fn check_code(session_id: Uuid, found: Option<CodeOwner>) -> Result<(), AttendanceError> {
    match found {
        None => Err(AttendanceError::UnknownCode),
        Some(o) if o.session_id != session_id => {
            Err(AttendanceError::OtherSession { session_id: o.session_id, title: o.title, starts_at: o.starts_at })
        }
        Some(o) if !o.confirmed => Err(AttendanceError::NotConfirmed),
        Some(_) => Ok(()),
    }
}

/// Whether a session's unmarked confirmed enrolments become no-shows now.
pub fn no_shows_due(policy: NoShowPolicy, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    policy == NoShowPolicy::Automatic && now >= ends_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_forgiving_when_typed() {
        let c = CheckInCode::from_random(0x3_1234_5678_9abc);
        assert_eq!(c.as_str().len(), 12);
        let typed = format!(" {} ", c.display().to_lowercase());
        assert_eq!(CheckInCode::parse(&typed).unwrap(), c);
        assert_eq!(CheckInCode::parse("0o1i-labc-de23").unwrap().as_str(), "00111ABCDE23");
        assert!(CheckInCode::parse("ABCDEFGHJK").is_err());
        assert!(CheckInCode::parse("ABCDEFGHJKMU").is_err(), "U is not in the alphabet");
        assert_eq!(CheckInCode::parse("  "), Err(Invalid::Empty));
    }

    #[test]
    fn a_code_of_another_session_is_named_as_such() {
        let (here, there) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let starts_at = DateTime::parse_from_rfc3339("2027-11-16T09:30:00Z").unwrap().with_timezone(&Utc);
        let owner =
            |session_id, confirmed| CodeOwner { session_id, confirmed, title: "Grip op stress".into(), starts_at };
        assert_eq!(check_code(here, None), Err(AttendanceError::UnknownCode));
        assert_eq!(
            check_code(here, Some(owner(there, true))),
            Err(AttendanceError::OtherSession { session_id: there, title: "Grip op stress".into(), starts_at })
        );
        assert_eq!(check_code(here, Some(owner(here, false))), Err(AttendanceError::NotConfirmed));
        assert_eq!(check_code(here, Some(owner(here, true))), Ok(()));
    }

    #[test]
    fn attendance_opens_an_hour_before_the_start() {
        let start = DateTime::parse_from_rfc3339("2027-11-15T09:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(may_record(start, false, start - Duration::minutes(61)), Err(AttendanceError::TooEarly));
        assert_eq!(may_record(start, false, start - Duration::minutes(60)), Ok(()));
        assert_eq!(may_record(start, false, start + Duration::days(30)), Ok(()), "corrections stay possible");
        assert_eq!(may_record(start, true, start), Err(AttendanceError::SessionCancelled));
    }

    #[test]
    fn no_shows_follow_the_policy() {
        let end = DateTime::parse_from_rfc3339("2027-11-15T12:00:00Z").unwrap().with_timezone(&Utc);
        assert!(!no_shows_due(NoShowPolicy::Automatic, end, end - Duration::seconds(1)));
        assert!(no_shows_due(NoShowPolicy::Automatic, end, end));
        assert!(!no_shows_due(NoShowPolicy::OnClose, end, end + Duration::days(1)));
    }

    proptest! {
        #[test]
        fn every_generated_code_parses_back_to_itself(r in any::<u64>()) {
            let c = CheckInCode::from_random(r);
            prop_assert_eq!(CheckInCode::parse(c.as_str()).unwrap(), c.clone());
            prop_assert_eq!(CheckInCode::parse(&c.display()).unwrap(), c);
        }
    }
}
