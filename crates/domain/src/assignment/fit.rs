//! How well a person fits a klus, in parts anyone can check: for each skill the klus asks
//! for, whether the person has it, wants to grow in it, or neither, and the points that gives.
//!
//! | the klus asks it | has it | wants to grow in it |
//! |------------------|--------|---------------------|
//! | required         | 4      | 1                   |
//! | nice to have     | 2      | 1                   |
//!
//! The fit is the points as a percentage of the most a person could get (everything had).
//! A person has a skill when their own list says so, or when they say they bring it in their
//! response. Responses are ranked by fit, then by required skills had, then first come.

use super::Need;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use uuid::Uuid;

/// Points for a required skill one has.
pub const REQUIRED_HAS: u32 = 4;
/// Points for a nice-to-have skill one has.
pub const NICE_HAS: u32 = 2;
/// Points for a skill one wants to grow in (required or not).
pub const WANTS: u32 = 1;

/// How a person stands to one skill a klus asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// They have it.
    Has,
    /// They want to grow in it.
    Wants,
    /// Neither.
    Missing,
}

/// One part of a fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// The skill.
    pub skill_id: Uuid,
    /// Whether the klus requires it.
    pub required: bool,
    /// How the person stands to it.
    pub standing: Standing,
    /// What it gives.
    pub points: u32,
}

/// A fit with its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// One part per skill the klus asks for, in the klus's order.
    pub parts: Vec<Part>,
    /// Points had.
    pub points: u32,
    /// The most one could have.
    pub max: u32,
}

impl Fit {
    /// The fit as a whole percentage, 0–100 (0 for a klus that asks no skills).
    pub fn percent(&self) -> u8 {
        (self.points * 100 + self.max / 2).checked_div(self.max).unwrap_or(0).min(100) as u8
    }

    /// Required skills had.
    pub fn required_had(&self) -> usize {
        self.parts.iter().filter(|p| p.required && p.standing == Standing::Has).count()
    }

    /// Required skills asked.
    pub fn required_asked(&self) -> usize {
        self.parts.iter().filter(|p| p.required).count()
    }

    /// Skills of the klus one wants to grow in.
    pub fn growth(&self) -> usize {
        self.parts.iter().filter(|p| p.standing == Standing::Wants).count()
    }

    /// Whether the person has at least one skill the klus asks for: the least to be suggested.
    pub fn has_any(&self) -> bool {
        self.parts.iter().any(|p| p.standing == Standing::Has)
    }
}

/// The fit of a person who has `have` and wants `want` (their own lists, plus what they say
/// they bring) for a klus that asks `needs`.
pub fn fit(needs: &[Need], have: &HashSet<Uuid>, want: &HashSet<Uuid>) -> Fit {
    let mut parts = Vec::with_capacity(needs.len());
    let (mut points, mut max) = (0, 0);
    for n in needs {
        let full = if n.required { REQUIRED_HAS } else { NICE_HAS };
        let standing = if have.contains(&n.skill_id) {
            Standing::Has
        } else if want.contains(&n.skill_id) {
            Standing::Wants
        } else {
            Standing::Missing
        };
        let got = match standing {
            Standing::Has => full,
            Standing::Wants => WANTS,
            Standing::Missing => 0,
        };
        points += got;
        max += full;
        parts.push(Part { skill_id: n.skill_id, required: n.required, standing, points: got });
    }
    Fit { parts, points, max }
}

/// Order candidates best first: by fit, then by required skills had, then by who came first
/// (`at`), then by id so that equal candidates keep one order.
pub fn rank<T>(candidates: &mut [(T, Fit, DateTime<Utc>, Uuid)]) {
    candidates.sort_by(|a, b| {
        b.1.percent()
            .cmp(&a.1.percent())
            .then(b.1.required_had().cmp(&a.1.required_had()))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::now_v7()).collect()
    }

    #[test]
    fn each_skill_gives_its_points_and_the_parts_say_why() {
        let s = ids(4);
        let needs = [
            Need { skill_id: s[0], required: true },
            Need { skill_id: s[1], required: true },
            Need { skill_id: s[2], required: false },
            Need { skill_id: s[3], required: false },
        ];
        let have: HashSet<Uuid> = [s[0], s[2]].into();
        let want: HashSet<Uuid> = [s[1]].into();
        let f = fit(&needs, &have, &want);
        let standings: Vec<_> = f.parts.iter().map(|p| (p.standing, p.points)).collect();
        assert_eq!(standings, [(Standing::Has, 4), (Standing::Wants, 1), (Standing::Has, 2), (Standing::Missing, 0)]);
        assert_eq!((f.points, f.max, f.percent()), (7, 12, 58));
        assert_eq!((f.required_had(), f.required_asked(), f.growth(), f.has_any()), (1, 2, 1, true));
    }

    #[test]
    fn a_klus_without_skills_fits_nobody_in_particular() {
        let f = fit(&[], &HashSet::new(), &HashSet::new());
        assert_eq!((f.percent(), f.has_any()), (0, false));
    }

    #[test]
    fn ranking_is_by_fit_then_required_skills_then_first_come() {
        let s = ids(2);
        let needs = [Need { skill_id: s[0], required: true }, Need { skill_id: s[1], required: false }];
        let t = Utc::now();
        let full = fit(&needs, &[s[0], s[1]].into(), &HashSet::new());
        let required_only = fit(&needs, &[s[0]].into(), &HashSet::new());
        let none = fit(&needs, &HashSet::new(), &HashSet::new());
        let mut list = vec![
            ("none", none, t, Uuid::now_v7()),
            ("late", required_only.clone(), t + Duration::hours(1), Uuid::now_v7()),
            ("early", required_only, t, Uuid::now_v7()),
            ("full", full, t + Duration::days(1), Uuid::now_v7()),
        ];
        rank(&mut list);
        let order: Vec<_> = list.iter().map(|c| c.0).collect();
        assert_eq!(order, ["full", "early", "late", "none"]);
    }

    proptest! {
        #[test]
        fn a_fit_is_a_percentage_and_having_more_never_lowers_it(
            required in proptest::collection::vec(any::<bool>(), 0..12),
            had in proptest::collection::vec(0u8..3, 12),
            extra in 0usize..12,
        ) {
            let skills = ids(required.len());
            let needs: Vec<Need> = skills.iter().zip(&required).map(|(s, r)| Need { skill_id: *s, required: *r }).collect();
            let mut have = HashSet::new();
            let mut want = HashSet::new();
            for (i, s) in skills.iter().enumerate() {
                match had[i] { 0 => {}, 1 => { have.insert(*s); }, _ => { want.insert(*s); } }
            }
            let f = fit(&needs, &have, &want);
            prop_assert!(f.percent() <= 100);
            prop_assert_eq!(f.points, f.parts.iter().map(|p| p.points).sum::<u32>());
            if let Some(s) = skills.get(extra) {
                want.remove(s);
                have.insert(*s);
                prop_assert!(fit(&needs, &have, &want).points >= f.points);
            }
        }
    }
}
