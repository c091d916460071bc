//! Fixtures shared by the integration tests.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone as _, Utc};
use leerweek_credential::{AttendanceAchievement, Issuer, IssuerKey, Language, Skill, StatusEntry};
use uuid::Uuid;

pub const SEED: [u8; 32] = [7; 32];
pub const OTHER_SEED: [u8; 32] = [8; 32];
pub const KEY_URL: &str = "https://leerweek.example.nl/api/v1/issuer/keys/1";
pub const LIST_URL: &str = "https://leerweek.example.nl/api/v1/status/1";

pub fn key() -> IssuerKey {
    IssuerKey::from_seed(SEED).with_key_url(KEY_URL)
}

pub fn issuer() -> Issuer {
    Issuer {
        id: "https://leerweek.example.nl/api/v1/issuer".into(),
        name: "Gemeente Voorbeeld".into(),
        url: "https://leerweek.example.nl/".into(),
    }
}

pub fn issued_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 12, 16, 30, 0).unwrap()
}

pub fn achievement() -> AttendanceAchievement {
    let certificate_id = Uuid::parse_str("0195d6a8-3c1e-7b2a-9f10-5e6d7c8b9a01").unwrap();
    AttendanceAchievement {
        certificate_id,
        achievement_id: "https://leerweek.example.nl/api/v1/workshops/42/achievement".into(),
        workshop_title: "Schrijven in begrijpelijke taal".into(),
        description: "Korte, heldere brieven aan inwoners.".into(),
        minutes: 90,
        skills: vec![
            Skill {
                name: "schriftelijk communiceren".into(),
                esco_uri: Some("http://data.europa.eu/esco/skill/a4f6a2e4-2b7d-4d8b-9c3e-1f0a6b5c4d3e".into()),
            },
            Skill { name: "empathie".into(), esco_uri: None },
        ],
        language: Language::Nl,
        session_start: Utc.with_ymd_and_hms(2026, 3, 12, 13, 0, 0).unwrap(),
        time_zone: chrono_tz::Europe::Amsterdam,
        host_organisation: "Team Communicatie".into(),
        person_name: "Anna de Vries".into(),
        verification_url: format!("https://leerweek.example.nl/verify/{certificate_id}"),
        issued_at: issued_at(),
        status: StatusEntry { list_url: LIST_URL.into(), index: 94_567 },
    }
}
