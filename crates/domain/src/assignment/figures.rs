//! The Klussenbank's figures per organisation: how many klussen it posted and filled, how long
//! filling took, how many of its places went to people of other municipalities, and the hours.
//! Anonymous: they count selections, never name anyone.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What the figures need of one klus.
#[derive(Debug, Clone)]
pub struct KlusFacts {
    /// The organisation that posted it.
    pub organisation_id: Uuid,
    /// When it was first opened (None: still a draft; drafts do not count).
    pub opened_at: Option<DateTime<Utc>>,
    /// When its last place was consented to.
    pub filled_at: Option<DateTime<Utc>>,
    /// Hours a week.
    pub hours_per_week: u32,
    /// Total hours of its period, when known.
    pub total_hours: Option<u32>,
    /// The organisation of each person consented to (erased people too: their organisation
    /// is kept on the selection).
    pub participants: Vec<Uuid>,
}

/// The figures of one organisation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrganisationFigures {
    /// Klussen posted (opened at least once).
    pub posted: u32,
    /// Of those, with at least one person consented to.
    pub with_participants: u32,
    /// Of those, every place taken.
    pub filled: u32,
    /// Median days from opening to filled, of the filled ones.
    pub median_days_to_fill: Option<f64>,
    /// People consented to.
    pub participants: u32,
    /// Of those, from another organisation.
    pub from_elsewhere: u32,
    /// Hours a week of all participants together.
    pub hours_per_week: u32,
    /// Hours in all, of participants in klussen whose period is known.
    pub total_hours: u32,
}

impl OrganisationFigures {
    /// Share of participants from another organisation, 0–1 (None without participants).
    pub fn share_across_borders(&self) -> Option<f64> {
        (self.participants > 0).then(|| f64::from(self.from_elsewhere) / f64::from(self.participants))
    }

    /// Share of posted klussen that were filled, 0–1.
    pub fn fill_rate(&self) -> Option<f64> {
        (self.posted > 0).then(|| f64::from(self.filled) / f64::from(self.posted))
    }
}

/// The median of some numbers (the mean of the middle two for an even count).
pub fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    Some(if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 })
}

/// The figures of the organisation `org` from the klussen it posted.
pub fn of(org: Uuid, klussen: &[KlusFacts]) -> OrganisationFigures {
    let mut f = OrganisationFigures::default();
    let mut days = Vec::new();
    for k in klussen.iter().filter(|k| k.organisation_id == org) {
        let Some(opened) = k.opened_at else { continue };
        f.posted += 1;
        if !k.participants.is_empty() {
            f.with_participants += 1;
        }
        if let Some(filled) = k.filled_at {
            f.filled += 1;
            days.push((filled - opened).num_minutes().max(0) as f64 / (24.0 * 60.0));
        }
        let n = k.participants.len() as u32;
        f.participants += n;
        f.from_elsewhere += k.participants.iter().filter(|o| **o != org).count() as u32;
        f.hours_per_week += k.hours_per_week * n;
        f.total_hours += k.total_hours.unwrap_or(0) * n;
    }
    f.median_days_to_fill = median(days);
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn figures_count_posted_filled_time_to_fill_and_people_from_elsewhere() {
        let (enkhuizen, nuenen) = (Uuid::now_v7(), Uuid::now_v7());
        let t = Utc::now();
        let klus = |opened: Option<i64>, filled: Option<i64>, participants: Vec<Uuid>| KlusFacts {
            organisation_id: enkhuizen,
            opened_at: opened.map(|d| t + Duration::days(d)),
            filled_at: filled.map(|d| t + Duration::days(d)),
            hours_per_week: 8,
            total_hours: Some(80),
            participants,
        };
        let list = [
            klus(Some(0), Some(4), vec![nuenen]),
            klus(Some(0), Some(10), vec![enkhuizen, nuenen]),
            klus(Some(0), None, vec![]),
            klus(None, None, vec![]),
            KlusFacts { organisation_id: nuenen, ..klus(Some(0), Some(1), vec![nuenen]) },
        ];
        let f = of(enkhuizen, &list);
        assert_eq!((f.posted, f.with_participants, f.filled), (3, 2, 2));
        assert_eq!(f.median_days_to_fill, Some(7.0));
        assert_eq!((f.participants, f.from_elsewhere), (3, 2));
        assert_eq!(f.share_across_borders(), Some(2.0 / 3.0));
        assert_eq!((f.hours_per_week, f.total_hours), (24, 240));
        assert_eq!(of(Uuid::now_v7(), &list), OrganisationFigures::default());
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
    }
}
