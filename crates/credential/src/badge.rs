//! The certificate of attendance as an Open Badges 3.0 `OpenBadgeCredential`.

use chrono::{DateTime, Datelike as _, Duration, SecondsFormat, Timelike as _, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::status_list::STATUS_LIST_LENGTH;

/// The W3C Verifiable Credentials Data Model 2.0 context; first in `@context`.
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context, version 3.0.3 (the newest; OB 3.0 errata).
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The 1EdTech JSON Schema an OpenBadgeCredential declares in `credentialSchema`.
pub const OB_SCHEMA: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
/// The OB 3.0 `achievementType` of an attendance certificate: "Credential
/// that acknowledges completion of an assignment, training or other
/// activity" (OB 3.0 AchievementType vocabulary, CTDL `CertificateOfCompletion`).
pub const ACHIEVEMENT_TYPE: &str = "CertificateOfCompletion";
/// The `targetType` of a skill alignment to ESCO. OB 3.0's AlignmentTargetType
/// has no ESCO term (only CASE, CTDL and Credential Engine ones), so this is
/// an extension term in the spec's `ext:` naming convention.
pub const ESCO_TARGET_TYPE: &str = "ext:ESCO";

/// The installation as issuer: an OB 3.0 `Profile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The issuer's id, a URL of the installation, e.g.
    /// `https://leerweek.example.nl/api/v1/issuer`. It becomes the JWT `iss`.
    pub id: String,
    /// The organisation's name, e.g. "Gemeente Voorbeeld".
    pub name: String,
    /// The organisation's (or installation's) home page.
    pub url: String,
}

impl Issuer {
    /// The issuer as the OB 3.0 `Profile` object put in `issuer`.
    pub fn profile(&self) -> Value {
        json!({ "id": self.id, "type": ["Profile"], "name": self.name, "url": self.url })
    }
}

/// The language the certificate's texts are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Dutch.
    Nl,
    /// English.
    En,
}

impl Language {
    /// The BCP 47 code used in `inLanguage`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }
}

/// A skill the workshop works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    /// Its name as shown.
    pub name: String,
    /// Its ESCO concept URI, when it has one
    /// (e.g. `http://data.europa.eu/esco/skill/…`).
    pub esco_uri: Option<String>,
}

/// Where the certificate's revocation bit is: entry `index` of the
/// Bitstring Status List credential served at `list_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The URL of the `BitstringStatusListCredential`.
    pub list_url: String,
    /// The bit, below [`STATUS_LIST_LENGTH`]. The specification wants indexes
    /// assigned at random, so that a bit does not tell when it was issued.
    pub index: u32,
}

/// Everything one certificate of attendance says.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceAchievement {
    /// The certificate's id in Leerweek.
    pub certificate_id: Uuid,
    /// The URI of the achievement: one per workshop, the same for everyone
    /// who attended it (e.g. a public URL of the workshop).
    pub achievement_id: String,
    /// The workshop's title.
    pub workshop_title: String,
    /// What the workshop is about (OB 3.0 requires a description; the title
    /// is used when this is empty).
    pub description: String,
    /// How long the session lasted, in minutes.
    pub minutes: u32,
    /// The skills it works on; those with an ESCO URI become alignments.
    pub skills: Vec<Skill>,
    /// The language of the texts.
    pub language: Language,
    /// When the session started.
    pub session_start: DateTime<Utc>,
    /// The event's time zone, for the date and time in the criteria text.
    pub time_zone: Tz,
    /// The organisation that hosted the session.
    pub host_organisation: String,
    /// The attendee's name as it is to appear on the certificate.
    pub person_name: String,
    /// The public page where anyone can check the certificate; it is the
    /// credential's `id` (and so the JWT `jti`).
    pub verification_url: String,
    /// When the certificate is issued (`validFrom`); seconds precision.
    pub issued_at: DateTime<Utc>,
    /// Its revocation entry.
    pub status: StatusEntry,
}

/// Why a credential could not be made from an [`AttendanceAchievement`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CredentialError {
    /// A field that OB 3.0 requires is empty, or is not a URI where one must be.
    #[error("{0}")]
    Invalid(&'static str),
}

/// The unsigned `OpenBadgeCredential` for one certificate of attendance; sign
/// it with [`crate::sign_vc_jwt`].
///
/// The attendee has no id of their own in Leerweek, so the subject is named
/// by an `identifier` of `identityType` "name", in plain text (`hashed`
/// false), and its `id` is a pseudonym that only this certificate uses
/// ([`subject_id`]). The attended time is `activityStartDate` and
/// `activityEndDate`; it is not put in `creditsAvailable`/`creditsEarned`,
/// which OB 3.0 defines as credit hours (academic credit), not clock hours.
pub fn credential_json(issuer: &Issuer, a: &AttendanceAchievement) -> Result<Value, CredentialError> {
    validate(issuer, a)?;
    let seconds = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let session_end = a.session_start + Duration::minutes(a.minutes.into());
    let description = if a.description.trim().is_empty() { &a.workshop_title } else { &a.description };
    let alignment: Vec<Value> = a
        .skills
        .iter()
        .filter_map(|skill| {
            let uri = skill.esco_uri.as_deref()?;
            Some(json!({
                "type": ["Alignment"],
                "targetName": skill.name,
                "targetUrl": uri,
                "targetFramework": "ESCO",
                "targetType": ESCO_TARGET_TYPE,
            }))
        })
        .collect();
    let tags: Vec<&str> = a.skills.iter().map(|s| s.name.as_str()).collect();

    let mut achievement = json!({
        "id": a.achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": a.workshop_title,
        "description": description,
        "criteria": { "narrative": criteria_narrative(a) },
        "inLanguage": a.language.code(),
    });
    if !alignment.is_empty() {
        achievement["alignment"] = Value::Array(alignment);
    }
    if !tags.is_empty() {
        achievement["tag"] = json!(tags);
    }
    let name = match a.language {
        Language::Nl => format!("Deelnamebewijs: {}", a.workshop_title),
        Language::En => format!("Certificate of attendance: {}", a.workshop_title),
    };
    Ok(json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": a.verification_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer.profile(),
        "validFrom": seconds(a.issued_at),
        "credentialSubject": {
            "id": subject_id(a.certificate_id),
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": a.person_name,
                "identityType": "name",
                "hashed": false,
            }],
            "activityStartDate": seconds(a.session_start),
            "activityEndDate": seconds(session_end),
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": format!("{}#{}", a.status.list_url, a.status.index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": a.status.index.to_string(),
            "statusListCredential": a.status.list_url,
        },
        "credentialSchema": [{ "id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019" }],
    }))
}

/// The `credentialSubject.id` of a certificate: `urn:uuid:` and a UUID v5
/// derived from the certificate id. It names "the person who attended" for
/// this certificate only, so that certificates of the same person cannot be
/// linked through it, and it gives OB 3.0 §8.2 the `sub` claim it requires.
pub fn subject_id(certificate_id: Uuid) -> String {
    format!("urn:uuid:{}", Uuid::new_v5(&certificate_id, b"leerweek:credentialSubject"))
}

/// The `criteria.narrative`: that the person attended the session, hosted by
/// whom, when (in the event's time zone) and for how long.
pub fn criteria_narrative(a: &AttendanceAchievement) -> String {
    let start = a.session_start.with_timezone(&a.time_zone);
    let (day, year) = (start.day(), start.year());
    let time = format!("{:02}:{:02}", start.hour(), start.minute());
    let month = start.month0() as usize;
    let (hours, minutes) = (a.minutes / 60, a.minutes % 60);
    match a.language {
        Language::Nl => {
            const MONTHS: [&str; 12] = [
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
            let duration = match (hours, minutes) {
                (0, m) => format!("{m} {}", if m == 1 { "minuut" } else { "minuten" }),
                (h, 0) => format!("{h} uur"),
                (h, m) => format!("{h} uur en {m} {}", if m == 1 { "minuut" } else { "minuten" }),
            };
            format!(
                "Heeft deelgenomen aan de sessie „{}” van {}, op {day} {} {year} om {time} ({duration}).",
                a.workshop_title, a.host_organisation, MONTHS[month]
            )
        }
        Language::En => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
            let duration = match (hours, minutes) {
                (0, m) => plural(m, "minute", "minutes"),
                (h, 0) => plural(h, "hour", "hours"),
                (h, m) => format!("{} and {}", plural(h, "hour", "hours"), plural(m, "minute", "minutes")),
            };
            format!(
                "Attended the session of “{}” hosted by {} on {day} {} {year} at {time} ({duration}).",
                a.workshop_title, a.host_organisation, MONTHS[month]
            )
        }
    }
}

fn validate(issuer: &Issuer, a: &AttendanceAchievement) -> Result<(), CredentialError> {
    let uri = |s: &str| {
        s.split_once(':').is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty())
            && !s.contains(char::is_whitespace)
    };
    let checks = [
        (uri(&issuer.id), "the issuer id is not a URI"),
        (!issuer.name.trim().is_empty(), "the issuer has no name"),
        (uri(&issuer.url), "the issuer url is not a URI"),
        (uri(&a.achievement_id), "the achievement id is not a URI"),
        (!a.workshop_title.trim().is_empty(), "the workshop has no title"),
        (!a.person_name.trim().is_empty(), "the person has no name"),
        (uri(&a.verification_url), "the verification url is not a URI"),
        (uri(&a.status.list_url), "the status list url is not a URI"),
        (a.status.index < STATUS_LIST_LENGTH, "the status index is outside the list"),
        (a.minutes > 0, "the session has no duration"),
        (a.skills.iter().all(|s| !s.name.trim().is_empty()), "a skill has no name"),
        (a.skills.iter().filter_map(|s| s.esco_uri.as_deref()).all(uri), "an ESCO URI is not a URI"),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, why)) => Err(CredentialError::Invalid(why)),
        None => Ok(()),
    }
}
