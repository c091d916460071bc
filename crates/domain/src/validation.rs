//! Field-level validation errors, shared by every constructor of the domain.

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// Required text was empty or only whitespace.
    #[error("must not be empty")]
    Empty,
    /// Text longer than allowed.
    #[error("is longer than {max} characters")]
    TooLong { max: usize },
    /// A number below its minimum.
    #[error("must be at least {min}")]
    TooSmall { min: i64 },
    /// A number above its maximum.
    #[error("must be at most {max}")]
    TooLarge { max: i64 },
    /// Not an e-mail address.
    #[error("is not an e-mail address")]
    NotAnEmail,
    /// An end that is not after its start.
    #[error("must be after {start_field}")]
    NotAfter { start_field: &'static str },
    /// A value outside an allowed range of another value.
    #[error("lies outside {what}")]
    Outside { what: &'static str },
    /// Not one of the allowed values.
    #[error("must be one of {allowed}")]
    NotOneOf { allowed: &'static str },
    /// A link that is not an http(s) URL.
    #[error("is not an http(s) link")]
    NotAUrl,
    /// An unknown time zone name.
    #[error("is not a known time zone")]
    UnknownTimeZone,
    /// A listed value appears twice.
    #[error("contains a duplicate")]
    Duplicate,
    /// A required value is missing.
    #[error("is required")]
    Required,
    /// A moment that must lie in the future.
    #[error("must lie in the future")]
    NotInFuture,
    /// A sum that exceeds its bound.
    #[error("together exceed {what}")]
    SumExceeds { what: &'static str },
    /// A value that may appear in only one of two lists and appears in the other (named) too.
    #[error("also appears in {other}")]
    AlsoIn { other: &'static str },
    /// A value the actor may not use, for a reason they may not learn (an address that belongs
    /// to someone of another organisation).
    #[error("cannot be used")]
    Unusable,
}

/// A validation error naming the offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {problem}")]
pub struct FieldError {
    /// The field as the client named it (`capacity`, `quotas[1].seats`).
    pub field: String,
    /// What is wrong with it.
    pub problem: Invalid,
}

impl FieldError {
    /// An error for `field`.
    pub fn new(field: impl Into<String>, problem: Invalid) -> Self {
        Self { field: field.into(), problem }
    }

    /// Prefix the field with its parent (`quotas[0]` + `seats` → `quotas[0].seats`).
    pub fn within(mut self, parent: &str) -> Self {
        self.field = format!("{parent}.{}", self.field);
        self
    }
}
