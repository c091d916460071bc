//! A development week: its dates, enrolment window and policy.

use crate::attendance::NoShowPolicy;
use crate::model::{Allocation, EventStatus};
use crate::validation::{FieldError, Invalid};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

/// Default hours before a session after which an employee can no longer cancel.
pub const DEFAULT_CANCELLATION_DEADLINE_HOURS: u32 = 24;
/// Longest cancellation deadline an organiser may set (four weeks).
pub const MAX_CANCELLATION_DEADLINE_HOURS: u32 = 24 * 28;
/// Longest a development week may last, in days.
pub const MAX_EVENT_DAYS: i64 = 31;

/// Parse an IANA time zone name, `Europe/Amsterdam` when absent.
pub fn parse_time_zone(raw: Option<&str>) -> Result<Tz, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(chrono_tz::Europe::Amsterdam),
        Some(name) => name.parse::<Tz>().map_err(|_| Invalid::UnknownTimeZone),
    }
}

/// The calendar part of an event, checked as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSchedule {
    /// First day (in the event's time zone).
    pub starts_on: NaiveDate,
    /// Last day, inclusive.
    pub ends_on: NaiveDate,
    /// Zone in which days are reckoned.
    pub time_zone: Tz,
    /// Enrolment opens at this instant.
    pub enrolment_opens_at: DateTime<Utc>,
    /// Enrolment closes at this instant.
    pub enrolment_closes_at: DateTime<Utc>,
}

impl EventSchedule {
    /// Check the relations between the dates.
    pub fn new(
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        time_zone: Tz,
        enrolment_opens_at: DateTime<Utc>,
        enrolment_closes_at: DateTime<Utc>,
    ) -> Result<Self, FieldError> {
        if ends_on < starts_on {
            return Err(FieldError::new("ends_on", Invalid::NotAfter { start_field: "starts_on" }));
        }
        if (ends_on - starts_on).num_days() >= MAX_EVENT_DAYS {
            return Err(FieldError::new("ends_on", Invalid::TooLarge { max: MAX_EVENT_DAYS }));
        }
        if enrolment_closes_at <= enrolment_opens_at {
            return Err(FieldError::new(
                "enrolment_closes_at",
                Invalid::NotAfter { start_field: "enrolment_opens_at" },
            ));
        }
        Ok(Self { starts_on, ends_on, time_zone, enrolment_opens_at, enrolment_closes_at })
    }

    /// Whether an instant falls on one of the event's days, in its time zone.
    pub fn contains_day_of(&self, instant: DateTime<Utc>) -> bool {
        let day = instant.with_timezone(&self.time_zone).date_naive();
        day >= self.starts_on && day <= self.ends_on
    }
}

/// Check a cancellation deadline in hours.
pub fn parse_cancellation_deadline_hours(raw: Option<i64>) -> Result<u32, Invalid> {
    match raw {
        None => Ok(DEFAULT_CANCELLATION_DEADLINE_HOURS),
        Some(h) if h < 0 => Err(Invalid::TooSmall { min: 0 }),
        Some(h) if h > MAX_CANCELLATION_DEADLINE_HOURS as i64 => {
            Err(Invalid::TooLarge { max: MAX_CANCELLATION_DEADLINE_HOURS as i64 })
        }
        Some(h) => Ok(h as u32),
    }
}

/// Default hours before a session at which the reminder goes out.
pub const DEFAULT_REMINDER_HOURS: u32 = 24;

/// Check a reminder lead time in hours (0 switches reminders off; at most two weeks).
pub fn parse_reminder_hours(raw: Option<i64>) -> Result<u32, Invalid> {
    match raw {
        None => Ok(DEFAULT_REMINDER_HOURS),
        Some(h) if h < 0 => Err(Invalid::TooSmall { min: 0 }),
        Some(h) if h > 336 => Err(Invalid::TooLarge { max: 336 }),
        Some(h) => Ok(h as u32),
    }
}

/// Check a per-person limit of active enrolments (`None`: no limit).
pub fn parse_max_enrolments(raw: Option<i64>) -> Result<Option<u32>, Invalid> {
    match raw {
        None => Ok(None),
        Some(n) if n < 1 => Err(Invalid::TooSmall { min: 1 }),
        Some(n) if n > 100 => Err(Invalid::TooLarge { max: 100 }),
        Some(n) => Ok(Some(n as u32)),
    }
}

/// Default number of sessions a person may rank in a lottery week.
pub const DEFAULT_MAX_PREFERENCES: u32 = 5;
/// Most sessions a lottery week may let a person rank.
pub const MAX_PREFERENCES: u32 = 20;

/// Check the number of sessions a person may rank (default 5, 1–20).
pub fn parse_max_preferences(raw: Option<i64>) -> Result<u32, Invalid> {
    match raw {
        None => Ok(DEFAULT_MAX_PREFERENCES),
        Some(n) if n < 1 => Err(Invalid::TooSmall { min: 1 }),
        Some(n) if n > MAX_PREFERENCES as i64 => Err(Invalid::TooLarge { max: MAX_PREFERENCES as i64 }),
        Some(n) => Ok(n as u32),
    }
}

/// What the enrolment rules need to know of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPolicy {
    /// Life-cycle status.
    pub status: EventStatus,
    /// Enrolment opens at this instant.
    pub enrolment_opens_at: DateTime<Utc>,
    /// Enrolment closes at this instant.
    pub enrolment_closes_at: DateTime<Utc>,
    /// Hours before a session's start after which employees can no longer cancel.
    pub cancellation_deadline_hours: u32,
    /// At most this many active enrolments per person (`None`: no limit).
    pub max_enrolments_per_person: Option<u32>,
    /// First come, first served, or a lottery over ranked preferences.
    pub allocation: Allocation,
    /// When a lottery week's allocation ran (`None`: not yet, or a first-come week).
    pub allocated_at: Option<DateTime<Utc>>,
}

impl EventPolicy {
    /// Whether people rank preferences now instead of enrolling: a lottery week whose window
    /// is open and whose allocation has not run.
    pub fn preferences_open(&self, now: DateTime<Utc>) -> bool {
        self.allocation == Allocation::Lottery
            && self.allocated_at.is_none()
            && self.status == EventStatus::Published
            && now >= self.enrolment_opens_at
            && now < self.enrolment_closes_at
    }
}

/// A development week: what the store holds of it, with its participating organisations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// First day (in [`Event::time_zone`]).
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// The zone its days are reckoned in.
    pub time_zone: Tz,
    /// Enrolment opens at this instant.
    pub enrolment_opens_at: DateTime<Utc>,
    /// Enrolment closes at this instant.
    pub enrolment_closes_at: DateTime<Utc>,
    /// Hours before a session after which employees can no longer cancel.
    pub cancellation_deadline_hours: u32,
    /// At most this many active enrolments per person (`None`: no limit).
    pub max_enrolments_per_person: Option<u32>,
    /// Life-cycle status.
    pub status: EventStatus,
    /// Hours before a session at which the reminder mail goes out (0: none).
    pub reminder_hours_before: u32,
    /// When unmarked confirmed enrolments become no-shows.
    pub no_show_policy: NoShowPolicy,
    /// First come, first served, or a lottery over ranked preferences.
    pub allocation: Allocation,
    /// How many sessions a person may rank in a lottery week.
    pub max_preferences: u32,
    /// When a lottery week's allocation ran (`None`: not yet).
    pub allocated_at: Option<DateTime<Utc>>,
    /// Whether seats wait for the manager's approval (workshops may say otherwise).
    pub approval: crate::Approval,
    /// How many hours a manager has to decide.
    pub approval_hours: u32,
    /// Participating (hosting) organisations.
    pub organisation_ids: Vec<Uuid>,
    /// The one that leads it (one of `organisation_ids`): its organisers change the week.
    pub lead_organisation_id: Uuid,
}

impl Event {
    /// What the enrolment rules need of it.
    pub fn policy(&self) -> EventPolicy {
        EventPolicy {
            status: self.status,
            enrolment_opens_at: self.enrolment_opens_at,
            enrolment_closes_at: self.enrolment_closes_at,
            cancellation_deadline_hours: self.cancellation_deadline_hours,
            max_enrolments_per_person: self.max_enrolments_per_person,
            allocation: self.allocation,
            allocated_at: self.allocated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn schedule_refuses_end_before_start_and_closed_window() {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let tz = chrono_tz::Europe::Amsterdam;
        let e = EventSchedule::new(d("2026-11-20"), d("2026-11-16"), tz, t, t + chrono::Duration::days(1));
        assert_eq!(e.unwrap_err().field, "ends_on");
        let e = EventSchedule::new(d("2026-11-16"), d("2026-11-20"), tz, t, t);
        assert_eq!(e.unwrap_err().field, "enrolment_closes_at");
        assert!(EventSchedule::new(d("2026-11-16"), d("2026-11-20"), tz, t, t + chrono::Duration::hours(1)).is_ok());
    }

    #[test]
    fn days_are_reckoned_in_the_event_time_zone() {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let s = EventSchedule::new(
            d("2026-11-16"),
            d("2026-11-20"),
            chrono_tz::Europe::Amsterdam,
            t,
            t + chrono::Duration::days(1),
        )
        .unwrap();
        // 23:30 UTC on the 15th is 00:30 on the 16th in Amsterdam.
        assert!(s.contains_day_of(Utc.with_ymd_and_hms(2026, 11, 15, 23, 30, 0).unwrap()));
        assert!(!s.contains_day_of(Utc.with_ymd_and_hms(2026, 11, 20, 23, 30, 0).unwrap()));
    }

    #[test]
    fn time_zone_defaults_to_amsterdam() {
        assert_eq!(parse_time_zone(None).unwrap(), chrono_tz::Europe::Amsterdam);
        assert_eq!(parse_time_zone(Some("Mars/Olympus")), Err(Invalid::UnknownTimeZone));
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(parse_cancellation_deadline_hours(None), Ok(24));
        assert!(parse_cancellation_deadline_hours(Some(-1)).is_err());
        assert_eq!(parse_max_enrolments(Some(0)), Err(Invalid::TooSmall { min: 1 }));
        assert_eq!(parse_max_enrolments(Some(3)), Ok(Some(3)));
    }
}
