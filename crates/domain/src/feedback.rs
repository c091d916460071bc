//! Feedback after an attended session: a rating of 1–5 and an optional comment, once per
//! enrolment.

use crate::validation::Invalid;

/// A rating from 1 (poor) to 5 (excellent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating(u8);

impl Rating {
    /// Check the range.
    pub fn parse(raw: i64) -> Result<Self, Invalid> {
        match raw {
            i64::MIN..=0 => Err(Invalid::TooSmall { min: 1 }),
            6.. => Err(Invalid::TooLarge { max: 5 }),
            n => Ok(Self(n as u8)),
        }
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// An optional comment: trimmed, up to 2,000 characters; empty means none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment(String);

impl Comment {
    /// Longest comment.
    pub const MAX: usize = 2000;

    /// `None` for empty text.
    pub fn parse(raw: &str) -> Result<Option<Self>, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if s.chars().count() > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        if s.contains('\0') {
            return Err(Invalid::NotOneOf { allowed: "printable characters" });
        }
        Ok(Some(Self(s.to_owned())))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why feedback is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    /// Only people who attended give feedback.
    #[error("feedback can be given after attending the session")]
    NotAttended,
    /// Once per enrolment.
    #[error("feedback on this session has been given already")]
    AlreadyGiven,
    /// The link is unknown.
    #[error("this feedback link is not valid")]
    UnknownLink,
}

/// Whether the holder of an enrolment may give feedback now.
pub fn may_give(attended: bool, given: bool) -> Result<(), FeedbackError> {
    if given {
        return Err(FeedbackError::AlreadyGiven);
    }
    if !attended {
        return Err(FeedbackError::NotAttended);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_run_from_one_to_five() {
        assert_eq!(Rating::parse(0), Err(Invalid::TooSmall { min: 1 }));
        assert_eq!(Rating::parse(6), Err(Invalid::TooLarge { max: 5 }));
        assert_eq!(Rating::parse(5).unwrap().get(), 5);
    }

    #[test]
    fn comments_are_optional_and_bounded() {
        assert_eq!(Comment::parse("   ").unwrap(), None);
        assert_eq!(Comment::parse(" Heel nuttig ").unwrap().unwrap().as_str(), "Heel nuttig");
        assert_eq!(Comment::parse(&"x".repeat(2001)), Err(Invalid::TooLong { max: 2000 }));
    }

    #[test]
    fn feedback_once_and_only_after_attending() {
        assert_eq!(may_give(true, false), Ok(()));
        assert_eq!(may_give(false, false), Err(FeedbackError::NotAttended));
        assert_eq!(may_give(true, true), Err(FeedbackError::AlreadyGiven));
    }
}
