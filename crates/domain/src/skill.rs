//! Skills: the installation's small shared vocabulary ("Schrijven voor inwoners",
//! "Wmo-wetgeving"), each optionally the same as an ESCO skill; the skills a workshop teaches;
//! the skills a person has or wants to grow in; and the dated ratings people give themselves.

use crate::SkillKind;
use crate::validation::{FieldError, Invalid};
use chrono::NaiveDate;
use uuid::Uuid;

/// Most skills one workshop names.
pub const MAX_PER_WORKSHOP: usize = 12;
/// Most skills in one of a person's lists (had, wanted).
pub const MAX_PER_LIST: usize = 50;
/// Most skills the installation keeps: a vocabulary people can still read.
pub const MAX_SKILLS: usize = 2000;

/// A skill of the installation's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    /// Id.
    pub id: Uuid,
    /// Dutch name (always there).
    pub name_nl: String,
    /// English name, where an admin gave one.
    pub name_en: Option<String>,
    /// What it covers (may be empty).
    pub description: String,
    /// The ESCO skill it is, if linked.
    pub esco_uri: Option<String>,
}

impl Skill {
    /// Its name in `lang` (the Dutch name where no English one was given).
    pub fn name(&self, lang: crate::Language) -> &str {
        match (lang, &self.name_en) {
            (crate::Language::En, Some(en)) => en,
            _ => &self.name_nl,
        }
    }
}

/// The key that makes two names the same skill: lower case, inner spaces collapsed
/// ("Coachend  Leidinggeven" = "coachend leidinggeven").
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The address of an ESCO skill: `http://data.europa.eu/esco/skill/` and a UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscoUri(String);

impl EscoUri {
    const PREFIX: &'static str = "http://data.europa.eu/esco/skill/";

    /// Parse an ESCO skill URI; `https` is accepted and written as ESCO writes it (`http`).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix(Self::PREFIX)
            .or_else(|| raw.strip_prefix("https://data.europa.eu/esco/skill/"))
            .ok_or(Invalid::NotOneOf { allowed: "ESCO skill addresses (http://data.europa.eu/esco/skill/…)" })?;
        let id = Uuid::try_parse(rest).map_err(|_| Invalid::NotOneOf {
            allowed: "ESCO skill addresses (http://data.europa.eu/esco/skill/…)",
        })?;
        Ok(Self(format!("{}{}", Self::PREFIX, id.hyphenated())))
    }

    /// The URI.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The owned URI.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A self-rating: 1 (just starting) to 5 (could teach it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Level(u8);

impl Level {
    /// Parse 1–5.
    pub fn parse(raw: i64) -> Result<Self, Invalid> {
        match raw {
            ..1 => Err(Invalid::TooSmall { min: 1 }),
            6.. => Err(Invalid::TooLarge { max: 5 }),
            n => Ok(Self(n as u8)),
        }
    }

    /// The rating.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// The skills of a workshop, checked: none twice, at most [`MAX_PER_WORKSHOP`].
pub fn workshop_skills(ids: &[Uuid], field: &str) -> Result<Vec<Uuid>, FieldError> {
    distinct(ids, MAX_PER_WORKSHOP, field)
}

fn distinct(ids: &[Uuid], max: usize, field: &str) -> Result<Vec<Uuid>, FieldError> {
    if ids.len() > max {
        return Err(FieldError::new(field, Invalid::TooLarge { max: max as i64 }));
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    if let Some(i) = ids.iter().position(|id| !seen.insert(*id)) {
        return Err(FieldError::new(format!("{field}[{i}]"), Invalid::Duplicate));
    }
    Ok(ids.to_vec())
}

/// A person's two lists, checked: each without doubles and at most [`MAX_PER_LIST`] long, and
/// no skill both had and wanted (a skill one has and wants to grow further in is a skill one
/// has; the ratings show the growth).
pub fn person_skills(have: &[Uuid], want: &[Uuid]) -> Result<Vec<(Uuid, SkillKind)>, FieldError> {
    let have = distinct(have, MAX_PER_LIST, "have")?;
    let want = distinct(want, MAX_PER_LIST, "want")?;
    if let Some(i) = want.iter().position(|w| have.contains(w)) {
        return Err(FieldError::new(format!("want[{i}]"), Invalid::AlsoIn { other: "have" }));
    }
    Ok(have.into_iter().map(|s| (s, SkillKind::Have)).chain(want.into_iter().map(|s| (s, SkillKind::Want))).collect())
}

/// When two skills are merged, how a person who held both holds the one that stays: having it
/// wins over wanting it.
pub fn merged_kind(a: SkillKind, b: SkillKind) -> SkillKind {
    if a == SkillKind::Have || b == SkillKind::Have { SkillKind::Have } else { SkillKind::Want }
}

/// One self-rating of a skill on a day. A person rates a skill at most once a day: a second
/// rating that day replaces the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    /// The skill.
    pub skill_id: Uuid,
    /// The rating.
    pub level: Level,
    /// The day (Europe/Amsterdam).
    pub on: NaiveDate,
}

/// Growth of one skill over a person's ratings: the last rating minus the first (`None` with
/// fewer than two days rated).
pub fn growth(ratings: &[Assessment]) -> Option<i8> {
    let first = ratings.iter().min_by_key(|a| a.on)?;
    let last = ratings.iter().max_by_key(|a| a.on)?;
    (first.on != last.on).then(|| last.level.get() as i8 - first.level.get() as i8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_that_differ_only_in_case_and_spaces_are_one_skill() {
        assert_eq!(name_key("  Coachend   Leidinggeven "), name_key("coachend leidinggeven"));
        assert_ne!(name_key("Wmo-wetgeving"), name_key("Wmo wetgeving"));
    }

    #[test]
    fn esco_addresses_are_checked_and_written_the_way_esco_writes_them() {
        let u = "https://data.europa.eu/esco/skill/A5C2B16B-4D3E-4F6A-8B9C-0D1E2F3A4B5C";
        assert_eq!(
            EscoUri::parse(u).unwrap().as_str(),
            "http://data.europa.eu/esco/skill/a5c2b16b-4d3e-4f6a-8b9c-0d1e2f3a4b5c"
        );
        for bad in [
            "",
            "http://data.europa.eu/esco/skill/",
            "http://data.europa.eu/esco/occupation/a5c2b16b-4d3e-4f6a-8b9c-0d1e2f3a4b5c",
            "http://evil.example/esco/skill/a5c2b16b-4d3e-4f6a-8b9c-0d1e2f3a4b5c",
            "http://data.europa.eu/esco/skill/a5c2b16b-4d3e-4f6a-8b9c-0d1e2f3a4b5c/../x",
        ] {
            assert!(EscoUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ratings_run_from_one_to_five() {
        assert_eq!(Level::parse(0), Err(Invalid::TooSmall { min: 1 }));
        assert_eq!(Level::parse(6), Err(Invalid::TooLarge { max: 5 }));
        assert_eq!(Level::parse(3).unwrap().get(), 3);
    }

    #[test]
    fn a_skill_is_had_or_wanted_never_both_and_never_twice() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(person_skills(&[a], &[b]).unwrap(), vec![(a, SkillKind::Have), (b, SkillKind::Want)]);
        let e = person_skills(&[a], &[b, a]).unwrap_err();
        assert_eq!((e.field.as_str(), e.problem), ("want[1]", Invalid::AlsoIn { other: "have" }));
        let e = person_skills(&[a, b, a], &[]).unwrap_err();
        assert_eq!((e.field.as_str(), e.problem), ("have[2]", Invalid::Duplicate));
        let many: Vec<Uuid> = (0..=MAX_PER_LIST as u128).map(Uuid::from_u128).collect();
        assert_eq!(person_skills(&[], &many).unwrap_err().field, "want");
        let e = workshop_skills(&many[..MAX_PER_WORKSHOP + 1], "skills").unwrap_err();
        assert_eq!(e.problem, Invalid::TooLarge { max: MAX_PER_WORKSHOP as i64 });
    }

    #[test]
    fn merging_a_had_and_a_wanted_skill_keeps_it_had() {
        use SkillKind::*;
        assert_eq!(merged_kind(Want, Have), Have);
        assert_eq!(merged_kind(Have, Want), Have);
        assert_eq!(merged_kind(Want, Want), Want);
    }

    #[test]
    fn the_english_name_falls_back_to_the_dutch_one() {
        let mut s = Skill {
            id: Uuid::nil(),
            name_nl: "Schrijven voor inwoners".into(),
            name_en: None,
            description: String::new(),
            esco_uri: None,
        };
        assert_eq!(s.name(crate::Language::En), "Schrijven voor inwoners");
        s.name_en = Some("Writing for residents".into());
        assert_eq!(s.name(crate::Language::En), "Writing for residents");
        assert_eq!(s.name(crate::Language::Nl), "Schrijven voor inwoners");
    }

    proptest! {
        #[test]
        fn growth_is_the_last_day_minus_the_first(levels in proptest::collection::vec(1i64..=5, 0..8)) {
            let day = NaiveDate::from_ymd_opt(2026, 11, 9).unwrap();
            let ratings: Vec<Assessment> = levels
                .iter()
                .enumerate()
                .map(|(i, l)| Assessment {
                    skill_id: Uuid::nil(),
                    level: Level::parse(*l).unwrap(),
                    on: day + chrono::Days::new(i as u64 * 30),
                })
                .collect();
            let expected = (levels.len() >= 2).then(|| (levels[levels.len() - 1] - levels[0]) as i8);
            // Order of the slice does not matter: the days do.
            let mut shuffled = ratings.clone();
            shuffled.reverse();
            prop_assert_eq!(growth(&ratings), expected);
            prop_assert_eq!(growth(&shuffled), expected);
        }
    }
}
