//! Working days in the Netherlands: Monday to Friday, except the public holidays on which
//! municipalities are closed (Nieuwjaarsdag, tweede paasdag, Koningsdag, Hemelvaartsdag, tweede
//! pinksterdag, eerste en tweede kerstdag). Goede Vrijdag and Bevrijdingsdag are working days
//! for most municipal employees (their CAO leaves them to the employer).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// Easter Sunday of `year` (the anonymous Gregorian algorithm).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or_default()
}

/// Whether `d` is a public holiday on which municipalities are closed.
pub fn is_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    let e = easter(y);
    // Koningsdag is 27 April, or the 26th when the 27th is a Sunday.
    let kings =
        NaiveDate::from_ymd_opt(y, 4, 27).map(|k| if k.weekday() == Weekday::Sun { k - Duration::days(1) } else { k });
    let fixed = [(1, 1), (12, 25), (12, 26)];
    fixed.iter().any(|(m, day)| d.month() == *m && d.day() == *day)
        || Some(d) == kings
        || d == e + Duration::days(1)
        || d == e + Duration::days(39)
        || d == e + Duration::days(50)
}

/// Whether `d` is a working day.
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(d)
}

/// The moment `n` working days after `from`, in `tz`: the same time of day on the n-th working
/// day after `from`'s date (the end of that day when the time does not exist there).
pub fn after(from: DateTime<Utc>, n: u32, tz: Tz) -> DateTime<Utc> {
    let local = from.with_timezone(&tz);
    let mut day = local.date_naive();
    let mut left = n;
    while left > 0 {
        day = day.succ_opt().unwrap_or(day);
        if is_working_day(day) {
            left -= 1;
        }
    }
    let at = day.and_time(local.time());
    tz.from_local_datetime(&at)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| from + Duration::days(i64::from(n) * 7 / 5 + 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Amsterdam;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_falls_where_the_calendar_says() {
        assert_eq!(easter(2026), d(2026, 4, 5));
        assert_eq!(easter(2027), d(2027, 3, 28));
        assert_eq!(easter(2028), d(2028, 4, 16));
        assert_eq!(easter(2019), d(2019, 4, 21));
    }

    #[test]
    fn the_public_holidays_of_2027_are_no_working_days() {
        for h in [d(2027, 1, 1), d(2027, 3, 29), d(2027, 4, 27), d(2027, 5, 6), d(2027, 5, 17), d(2027, 12, 25)] {
            assert!(is_holiday(h) || !is_working_day(h), "{h}");
        }
        // Koningsdag 2031 falls on a Sunday: the Saturday before is the holiday.
        assert!(is_holiday(d(2031, 4, 26)));
        assert!(is_working_day(d(2027, 3, 26)), "Goede Vrijdag is a working day");
        assert!(is_working_day(d(2027, 5, 5)), "Bevrijdingsdag is a working day");
    }

    #[test]
    fn five_working_days_skip_weekends_and_holidays() {
        // Monday 9:00 → the next Monday 9:00.
        let mon = Amsterdam.with_ymd_and_hms(2027, 3, 8, 9, 0, 0).unwrap().with_timezone(&Utc);
        let due = after(mon, 5, Amsterdam).with_timezone(&Amsterdam);
        assert_eq!((due.date_naive(), due.time()), (d(2027, 3, 15), chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap()));
        // Friday before Easter 2027 (26 March): Mon 29 is tweede paasdag → Mon 29 skipped.
        let fri = Amsterdam.with_ymd_and_hms(2027, 3, 26, 16, 30, 0).unwrap().with_timezone(&Utc);
        assert_eq!(after(fri, 5, Amsterdam).with_timezone(&Amsterdam).date_naive(), d(2027, 4, 5));
        // Across the change to summer time the hour stays 9:00 local.
        let before = Amsterdam.with_ymd_and_hms(2027, 3, 24, 9, 0, 0).unwrap().with_timezone(&Utc);
        let due = after(before, 5, Amsterdam).with_timezone(&Amsterdam);
        assert_eq!(due.time(), chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        // On a Saturday it counts from the Monday.
        let sat = Amsterdam.with_ymd_and_hms(2027, 3, 13, 11, 0, 0).unwrap().with_timezone(&Utc);
        assert_eq!(after(sat, 5, Amsterdam).with_timezone(&Amsterdam).date_naive(), d(2027, 3, 19));
    }
}
