//! Reflections: after a session, a person writes down what they learned and what they will do
//! with it. Private unless they share it with their manager (for the development conversation).

use crate::attendance::Attendance;
use crate::validation::{FieldError, Invalid};
use chrono::{DateTime, Utc};

/// Longest part of a reflection, in characters.
pub const MAX_PART: usize = 2000;

/// A reflection's two parts, checked: each at most [`MAX_PART`], not both empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reflection {
    /// What I learned.
    pub learned: String,
    /// What I will do with it.
    pub will_do: String,
    /// Whether the manager may read it.
    pub shared_with_manager: bool,
}

impl Reflection {
    /// Trim and check both parts.
    pub fn parse(learned: &str, will_do: &str, shared_with_manager: bool) -> Result<Self, FieldError> {
        let part = |field: &str, raw: &str| {
            let t = raw.trim();
            if t.chars().count() > MAX_PART {
                return Err(FieldError::new(field, Invalid::TooLong { max: MAX_PART }));
            }
            if t.contains('\0') {
                return Err(FieldError::new(field, Invalid::NotOneOf { allowed: "printable characters" }));
            }
            Ok(t.to_owned())
        };
        let (learned, will_do) = (part("learned", learned)?, part("will_do", will_do)?);
        if learned.is_empty() && will_do.is_empty() {
            return Err(FieldError::new("learned", Invalid::Empty));
        }
        Ok(Self { learned, will_do, shared_with_manager })
    }
}

/// Why a reflection cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReflectionError {
    /// The session has not ended yet, or the seat was not taken (cancelled, waiting, absent).
    #[error("a reflection can be written after a session one took part in")]
    NotAfterSession,
}

/// A reflection is written on a confirmed seat after its session ended, unless the person was
/// recorded as absent or excused.
pub fn may_reflect(
    confirmed: bool,
    attendance: Option<Attendance>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ReflectionError> {
    let away = matches!(attendance, Some(Attendance::Absent | Attendance::Excused));
    if !confirmed || away || now < ends_at { Err(ReflectionError::NotAfterSession) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_reflection_has_something_in_it_and_not_too_much() {
        let r = Reflection::parse("  Vragen stellen werkt ", "", true).unwrap();
        assert_eq!((r.learned.as_str(), r.will_do.as_str(), r.shared_with_manager), ("Vragen stellen werkt", "", true));
        assert_eq!(Reflection::parse(" ", "\n", false).unwrap_err().problem, Invalid::Empty);
        let e = Reflection::parse("a", &"x".repeat(MAX_PART + 1), false).unwrap_err();
        assert_eq!((e.field.as_str(), e.problem), ("will_do", Invalid::TooLong { max: MAX_PART }));
    }

    #[test]
    fn one_reflects_after_a_session_one_took_part_in() {
        let now = Utc::now();
        let ended = now - Duration::minutes(1);
        assert!(may_reflect(true, None, ended, now).is_ok());
        assert!(may_reflect(true, Some(Attendance::Present), ended, now).is_ok());
        assert!(may_reflect(true, None, now + Duration::minutes(1), now).is_err(), "not before it ends");
        assert!(may_reflect(false, None, ended, now).is_err(), "not on a cancelled or waiting seat");
        assert!(may_reflect(true, Some(Attendance::Absent), ended, now).is_err());
        assert!(may_reflect(true, Some(Attendance::Excused), ended, now).is_err());
    }
}
