//! A session of a workshop: its time, capacity and per-organisation seat quotas.

use crate::model::SessionStatus;
use crate::text::ShortText;
use crate::validation::{FieldError, Invalid};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// Largest capacity of one session.
pub const MAX_CAPACITY: i64 = 10_000;
/// Longest session.
pub const MAX_SESSION_HOURS: i64 = 24;

/// Seats in a session: 1 to [`MAX_CAPACITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Capacity(u32);

impl Capacity {
    /// Check the bounds.
    pub fn parse(raw: i64) -> Result<Self, Invalid> {
        if raw < 1 {
            Err(Invalid::TooSmall { min: 1 })
        } else if raw > MAX_CAPACITY {
            Err(Invalid::TooLarge { max: MAX_CAPACITY })
        } else {
            Ok(Self(raw as u32))
        }
    }

    /// The number of seats.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A half-open interval `[start, end)` with `end > start`, at most a day long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TimeRange {
    /// Check that the end lies after the start and the session is not absurdly long.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, FieldError> {
        if end <= start {
            return Err(FieldError::new("ends_at", Invalid::NotAfter { start_field: "starts_at" }));
        }
        if end - start > Duration::hours(MAX_SESSION_HOURS) {
            return Err(FieldError::new("ends_at", Invalid::TooLarge { max: MAX_SESSION_HOURS }));
        }
        Ok(Self { start, end })
    }

    /// Start instant.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// End instant.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// Whether two ranges share any instant. Back-to-back sessions (one ends when the next starts) do not.
    pub fn overlaps(&self, other: &TimeRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A session of a workshop: what the store holds of it, with its seat counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Id.
    pub id: Uuid,
    /// Its workshop.
    pub workshop_id: Uuid,
    /// Its week.
    pub event_id: Uuid,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Building or venue.
    pub venue: Option<String>,
    /// Room.
    pub room: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Online link.
    pub online_url: Option<String>,
    /// Seats.
    pub capacity: u32,
    /// Confirmed enrolments.
    pub confirmed_count: u32,
    /// People on the waiting list.
    pub waitlist_count: u32,
    /// Scheduled or cancelled.
    pub status: SessionStatus,
    /// Calendar sequence: rises with every change of time or place.
    pub sequence: u32,
    /// The trainer (a person who may check people in).
    pub trainer_id: Option<Uuid>,
    /// When the attendance list was closed.
    pub attendance_closed_at: Option<DateTime<Utc>>,
}

/// Where a session takes place (each part optional; on-site and hybrid sessions need a venue).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// Building or venue.
    pub venue: Option<ShortText>,
    /// Room.
    pub room: Option<ShortText>,
    /// Street address.
    pub address: Option<ShortText>,
}

impl Location {
    /// From stored texts (a text that no longer parses is left out).
    pub fn from_stored(venue: Option<&str>, room: Option<&str>, address: Option<&str>) -> Self {
        let part = |t: Option<&str>| t.and_then(|t| ShortText::parse(t).ok()).filter(|t| !t.as_str().is_empty());
        Self { venue: part(venue), room: part(room), address: part(address) }
    }
}

/// Seats reserved for one organisation until `release_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The organisation the seats are kept for.
    pub organisation_id: Uuid,
    /// How many seats.
    pub seats: u32,
    /// After this instant unused seats are open to everyone.
    pub release_at: DateTime<Utc>,
}

/// Check a session's quotas against its capacity: positive seats, one quota per organisation,
/// and together no more than the capacity.
pub fn validate_quotas(capacity: Capacity, quotas: &[(Uuid, i64, DateTime<Utc>)]) -> Result<Vec<Quota>, FieldError> {
    let mut out: Vec<Quota> = Vec::with_capacity(quotas.len());
    let mut sum: i64 = 0;
    for (i, (org, seats, release_at)) in quotas.iter().enumerate() {
        let at = |f: &str| format!("quotas[{i}].{f}");
        if *seats < 1 {
            return Err(FieldError::new(at("seats"), Invalid::TooSmall { min: 1 }));
        }
        if *seats > capacity.get() as i64 {
            return Err(FieldError::new(at("seats"), Invalid::TooLarge { max: capacity.get() as i64 }));
        }
        if out.iter().any(|q| q.organisation_id == *org) {
            return Err(FieldError::new(at("organisation_id"), Invalid::Duplicate));
        }
        sum += seats;
        out.push(Quota { organisation_id: *org, seats: *seats as u32, release_at: *release_at });
    }
    if sum > capacity.get() as i64 {
        return Err(FieldError::new("quotas", Invalid::SumExceeds { what: "capacity" }));
    }
    Ok(out)
}

/// A quota together with how many of its organisation's people hold a confirmed seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaUse {
    /// The quota.
    pub quota: Quota,
    /// Confirmed enrolments of that organisation's people in the session.
    pub used: u32,
}

/// The seat situation of a session at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seats {
    /// Capacity of the session.
    pub capacity: u32,
    /// Confirmed enrolments.
    pub confirmed: u32,
    /// Quotas and their use.
    pub quotas: Vec<QuotaUse>,
}

impl Seats {
    /// Seats a person of `organisation` could take now: the free seats minus what other
    /// organisations still have reserved and unused (until their quota's release).
    pub fn free_for(&self, organisation: Uuid, now: DateTime<Utc>) -> u32 {
        let reserved_for_others: u32 = self
            .quotas
            .iter()
            .filter(|q| q.quota.organisation_id != organisation && now < q.quota.release_at)
            .map(|q| q.quota.seats.saturating_sub(q.used))
            .sum();
        self.capacity.saturating_sub(self.confirmed).saturating_sub(reserved_for_others)
    }

    /// Free seats for someone of no quota organisation (what the programme shows to all).
    pub fn free_for_anyone(&self, now: DateTime<Utc>) -> u32 {
        self.free_for(Uuid::nil(), now)
    }

    /// Record a confirmed seat for a person of `organisation`.
    pub fn take(&mut self, organisation: Uuid) {
        self.confirmed += 1;
        if let Some(q) = self.quotas.iter_mut().find(|q| q.quota.organisation_id == organisation) {
            q.used += 1;
        }
    }

    /// Record that a person of `organisation` gave up a confirmed seat.
    pub fn release(&mut self, organisation: Uuid) {
        self.confirmed = self.confirmed.saturating_sub(1);
        if let Some(q) = self.quotas.iter_mut().find(|q| q.quota.organisation_id == organisation) {
            q.used = q.used.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 16, h, 0, 0).unwrap()
    }

    #[test]
    fn capacity_bounds() {
        assert_eq!(Capacity::parse(0), Err(Invalid::TooSmall { min: 1 }));
        assert_eq!(Capacity::parse(-5), Err(Invalid::TooSmall { min: 1 }));
        assert!(Capacity::parse(20).is_ok());
        assert!(Capacity::parse(10_001).is_err());
    }

    #[test]
    fn ranges_need_end_after_start_and_touching_ranges_do_not_overlap() {
        assert!(TimeRange::new(t(10), t(9)).is_err());
        assert!(TimeRange::new(t(10), t(10)).is_err());
        let a = TimeRange::new(t(9), t(11)).unwrap();
        let b = TimeRange::new(t(11), t(12)).unwrap();
        let c = TimeRange::new(t(10), t(12)).unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c) && c.overlaps(&b));
    }

    #[test]
    fn quotas_must_fit_the_capacity() {
        let cap = Capacity::parse(10).unwrap();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(validate_quotas(cap, &[(a, 5, t(8)), (b, 5, t(8))]).is_ok());
        assert_eq!(validate_quotas(cap, &[(a, 6, t(8)), (b, 5, t(8))]).unwrap_err().field, "quotas");
        assert_eq!(validate_quotas(cap, &[(a, 1, t(8)), (a, 1, t(8))]).unwrap_err().field, "quotas[1].organisation_id");
        assert_eq!(validate_quotas(cap, &[(a, 0, t(8))]).unwrap_err().field, "quotas[0].seats");
    }

    #[test]
    fn reserved_seats_are_kept_until_release() {
        let (a, other) = (Uuid::new_v4(), Uuid::new_v4());
        let seats = Seats {
            capacity: 10,
            confirmed: 4,
            quotas: vec![QuotaUse { quota: Quota { organisation_id: a, seats: 5, release_at: t(12) }, used: 1 }],
        };
        assert_eq!(seats.free_for(a, t(10)), 6);
        assert_eq!(seats.free_for(other, t(10)), 2);
        assert_eq!(seats.free_for(other, t(12)), 6);
    }

    proptest! {
        /// Whatever order people of three organisations arrive in, admitting only when
        /// `free_for > 0` never exceeds the capacity and never takes another's reserved seat.
        #[test]
        fn admitting_by_free_for_keeps_capacity_and_quotas(
            arrivals in proptest::collection::vec(0usize..3, 0..60),
            capacity in 1u32..20,
            qa in 0u32..8,
        ) {
            let orgs = [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)];
            let qa = qa.min(capacity);
            let mut s = Seats {
                capacity,
                confirmed: 0,
                quotas: vec![QuotaUse { quota: Quota { organisation_id: orgs[0], seats: qa, release_at: t(12) }, used: 0 }],
            };
            for who in arrivals {
                if s.free_for(orgs[who], t(10)) > 0 {
                    s.take(orgs[who]);
                }
                prop_assert!(s.confirmed <= s.capacity);
                let others = s.confirmed - s.quotas[0].used;
                // Others never eat into organisation 0's unused reservation.
                prop_assert!(others + qa.max(s.quotas[0].used) <= s.capacity);
            }
        }
    }
}
