//! Dates as Dutch readers expect them ("maandag 16 november 2026").

use chrono::{Datelike, NaiveDate};

/// Weekday names, Monday first.
pub const DAYS_NL: [&str; 7] = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"];

/// Month names, January first.
pub const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "16 november 2026".
pub fn dutch_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS_NL[d.month0() as usize], d.year())
}

/// "maandag 16 november 2026".
pub fn dutch_day(d: NaiveDate) -> String {
    format!("{} {}", DAYS_NL[d.weekday().num_days_from_monday() as usize], dutch_date(d))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dutch_days() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        assert_eq!(super::dutch_day(d), "maandag 16 november 2026");
    }
}
