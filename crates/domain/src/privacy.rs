//! Privacy rules: how long personal data in a finished week is kept.

use crate::{FieldError, Invalid};

/// Days after a week is archived before its enrolments are anonymised: 30 to 3650 (ten years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RetentionDays(u32);

impl RetentionDays {
    /// The shortest period: a month, so that questions after a week can still be answered.
    pub const MIN: i64 = 30;
    /// The longest period: ten years.
    pub const MAX: i64 = 3650;

    /// Check a number of days; the error names `field`.
    pub fn parse(days: i64, field: &str) -> Result<Self, FieldError> {
        if days < Self::MIN {
            return Err(FieldError::new(field, Invalid::TooSmall { min: Self::MIN }));
        }
        if days > Self::MAX {
            return Err(FieldError::new(field, Invalid::TooLarge { max: Self::MAX }));
        }
        Ok(Self(days as u32))
    }

    /// The number of days.
    pub fn days(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_a_month_to_ten_years() {
        assert_eq!(RetentionDays::parse(30, "d").unwrap().days(), 30);
        assert_eq!(RetentionDays::parse(3650, "d").unwrap().days(), 3650);
        assert_eq!(RetentionDays::parse(29, "d").unwrap_err().problem, Invalid::TooSmall { min: 30 });
        assert_eq!(RetentionDays::parse(3651, "d").unwrap_err().problem, Invalid::TooLarge { max: 3650 });
        assert_eq!(RetentionDays::parse(-1, "retention_days").unwrap_err().field, "retention_days");
    }
}
