//! The OpenBadgeCredential JSON against the Open Badges 3.0 requirements.

mod common;

use chrono::{TimeZone as _, Utc};
use leerweek_credential::{CredentialError, Language, credential_json, criteria_narrative, subject_id};
use serde_json::Value;

use common::{achievement, issuer};

// The `required` lists of the 1EdTech JSON Schema for AchievementCredential
// (https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json,
// $id .../json-ld/ob_v3p0_achievementcredential_schema.json), copied as data
// from the copy committed in the public repository educredentials/obv3-examples
// (schemas/ob_v3p0_achievementcredential_schema.json, commit a5a6b6d5). Each
// entry: the JSON pointer of an object in our credential, the schema
// definition it must satisfy, and that definition's required members.
const REQUIRED: &[(&str, &str, &[&str])] = &[
    ("", "AchievementCredential", &["@context", "id", "type", "credentialSubject", "issuer", "validFrom"]),
    ("/issuer", "Profile", &["id", "type"]),
    ("/credentialSubject", "AchievementSubject", &["type", "achievement"]),
    ("/credentialSubject/identifier/0", "IdentityObject", &["type", "hashed", "identityHash", "identityType"]),
    ("/credentialSubject/achievement", "Achievement", &["id", "type", "criteria", "description", "name"]),
    ("/credentialSubject/achievement/alignment/0", "Alignment", &["type", "targetName", "targetUrl"]),
    ("/credentialStatus", "CredentialStatus", &["id", "type"]),
    ("/credentialSchema/0", "CredentialSchema", &["id", "type"]),
];

// The schema's AchievementType enumeration (same source); "ext:" terms are
// also allowed.
const ACHIEVEMENT_TYPES: &[&str] = &[
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
];

// The schema's AlignmentTargetType enumeration (same source).
const ALIGNMENT_TARGET_TYPES: &[&str] = &[
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
];

fn credential() -> Value {
    credential_json(&issuer(), &achievement()).unwrap()
}

// The schema's pattern for extension terms: (ext:)[a-z|A-Z|0-9|.|-|_]+
fn is_extension_term(term: &str) -> bool {
    term.strip_prefix("ext:")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || ".|-_".contains(c)))
}

fn strings(value: &Value) -> Vec<&str> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect()
}

#[test]
fn every_object_has_the_members_the_1edtech_schema_requires() {
    let credential = credential();
    for (pointer, definition, required) in REQUIRED {
        let object = credential.pointer(pointer).unwrap_or_else(|| panic!("no {definition} at {pointer:?}"));
        for member in *required {
            let value = object.get(member).unwrap_or_else(|| panic!("{definition} at {pointer:?} lacks {member}"));
            assert!(!value.is_null(), "{definition}.{member} is null");
            if let Some(text) = value.as_str() {
                assert!(!text.trim().is_empty(), "{definition}.{member} is empty");
            }
        }
    }
}

#[test]
fn contexts_and_types_are_those_of_an_open_badge_3_credential() {
    let credential = credential();
    assert_eq!(
        strings(&credential["@context"]),
        ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    );
    assert_eq!(strings(&credential["type"]), ["VerifiableCredential", "OpenBadgeCredential"]);
    assert_eq!(strings(&credential["issuer"]["type"]), ["Profile"]);
    assert_eq!(strings(&credential["credentialSubject"]["type"]), ["AchievementSubject"]);
    assert_eq!(strings(&credential["credentialSubject"]["achievement"]["type"]), ["Achievement"]);
    assert_eq!(credential["credentialSchema"][0]["type"], "1EdTechJsonSchemaValidator2019");
}

#[test]
fn the_issuer_is_the_installation_profile() {
    let credential = credential();
    let issuer = issuer();
    assert_eq!(credential["issuer"]["id"], issuer.id);
    assert_eq!(credential["issuer"]["name"], issuer.name);
    assert_eq!(credential["issuer"]["url"], issuer.url);
}

#[test]
fn the_subject_is_named_in_plain_text_and_never_by_e_mail() {
    let a = achievement();
    let credential = credential();
    let subject = &credential["credentialSubject"];
    assert_eq!(subject["identifier"].as_array().unwrap().len(), 1);
    let identity = &subject["identifier"][0];
    assert_eq!(identity["type"], "IdentityObject");
    assert_eq!(identity["identityType"], "name");
    assert_eq!(identity["hashed"], false);
    assert_eq!(identity["identityHash"], a.person_name);
    let text = credential.to_string().replace("\"@context\"", "");
    assert!(!text.contains('@') && !text.contains("emailAddress"), "no e-mail address");

    let id = subject["id"].as_str().unwrap();
    assert_eq!(id, subject_id(a.certificate_id));
    assert!(id.starts_with("urn:uuid:"));
    assert_ne!(id, format!("urn:uuid:{}", a.certificate_id));
    let mut other = a.clone();
    other.certificate_id = uuid::Uuid::from_u128(a.certificate_id.as_u128() + 1);
    assert_ne!(subject_id(other.certificate_id), id, "one pseudonym per certificate");
}

#[test]
fn the_achievement_describes_the_attended_workshop() {
    let a = achievement();
    let credential = credential();
    let achievement = &credential["credentialSubject"]["achievement"];
    assert_eq!(achievement["id"], a.achievement_id);
    assert_eq!(achievement["name"], a.workshop_title);
    assert_eq!(achievement["description"], a.description);
    assert_eq!(achievement["inLanguage"], "nl");
    let kind = achievement["achievementType"].as_str().unwrap();
    assert!(ACHIEVEMENT_TYPES.contains(&kind) || is_extension_term(kind));
    assert_eq!(kind, "CertificateOfCompletion");
    assert_eq!(achievement["criteria"]["narrative"], criteria_narrative(&a));
    assert!(achievement.get("creditsAvailable").is_none());
}

#[test]
fn skills_with_an_esco_uri_are_alignments_and_all_skills_are_tags() {
    let a = achievement();
    let credential = credential();
    let achievement = &credential["credentialSubject"]["achievement"];
    let alignments = achievement["alignment"].as_array().unwrap();
    let with_uri: Vec<_> = a.skills.iter().filter(|s| s.esco_uri.is_some()).collect();
    assert_eq!(alignments.len(), with_uri.len());
    for (alignment, skill) in alignments.iter().zip(with_uri) {
        assert_eq!(strings(&alignment["type"]), ["Alignment"]);
        assert_eq!(alignment["targetName"], skill.name);
        assert_eq!(alignment["targetUrl"], skill.esco_uri.as_deref().unwrap());
        assert_eq!(alignment["targetFramework"], "ESCO");
        let target = alignment["targetType"].as_str().unwrap();
        assert!(ALIGNMENT_TARGET_TYPES.contains(&target) || is_extension_term(target));
    }
    let tags = strings(&achievement["tag"]);
    assert_eq!(tags, a.skills.iter().map(|s| s.name.as_str()).collect::<Vec<_>>());

    let mut no_skills = a.clone();
    no_skills.skills.clear();
    let bare = credential_json(&issuer(), &no_skills).unwrap();
    assert!(bare["credentialSubject"]["achievement"].get("alignment").is_none());
    assert!(bare["credentialSubject"]["achievement"].get("tag").is_none());
}

#[test]
fn the_attended_time_is_the_activity_period() {
    let a = achievement();
    let subject = &credential()["credentialSubject"];
    let start = chrono::DateTime::parse_from_rfc3339(subject["activityStartDate"].as_str().unwrap()).unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(subject["activityEndDate"].as_str().unwrap()).unwrap();
    assert_eq!(start, a.session_start);
    assert_eq!((end - start).num_minutes(), i64::from(a.minutes));
}

#[test]
fn validity_id_and_status_entry() {
    let a = achievement();
    let credential = credential();
    assert_eq!(credential["id"], a.verification_url);
    assert_eq!(credential["validFrom"], "2026-03-12T16:30:00Z");
    assert!(credential.get("validUntil").is_none(), "attendance does not expire");
    let status = &credential["credentialStatus"];
    assert_eq!(status["type"], "BitstringStatusListEntry");
    assert_eq!(status["statusPurpose"], "revocation");
    assert_eq!(status["statusListIndex"], "94567", "a base-10 string, per the spec");
    assert_eq!(status["statusListCredential"], common::LIST_URL);
    assert_eq!(status["id"], format!("{}#94567", common::LIST_URL));
}

#[test]
fn the_criteria_are_told_in_the_events_language_and_time_zone() {
    let mut a = achievement();
    // 13:00 UTC on 12 March 2026 is 14:00 in Amsterdam (CET).
    assert_eq!(
        criteria_narrative(&a),
        "Heeft deelgenomen aan de sessie „Schrijven in begrijpelijke taal” van Team Communicatie, \
         op 12 maart 2026 om 14:00 (1 uur en 30 minuten)."
    );
    a.language = Language::En;
    a.minutes = 120;
    // Summer time: 22:30 UTC on 31 July is 00:30 on 1 August in Amsterdam.
    a.session_start = Utc.with_ymd_and_hms(2026, 7, 31, 22, 30, 0).unwrap();
    assert_eq!(
        criteria_narrative(&a),
        "Attended the session of “Schrijven in begrijpelijke taal” hosted by Team Communicatie \
         on 1 August 2026 at 00:30 (2 hours)."
    );
    let credential = credential_json(&issuer(), &a).unwrap();
    assert!(credential["name"].as_str().unwrap().starts_with("Certificate of attendance"));
    assert_eq!(credential["credentialSubject"]["achievement"]["inLanguage"], "en");
}

type Change = fn(&mut leerweek_credential::AttendanceAchievement);

#[test]
fn input_that_would_make_an_invalid_badge_is_refused() {
    let cases: [(Change, &str); 6] = [
        (|a| a.person_name = " ".into(), "person"),
        (|a| a.workshop_title.clear(), "title"),
        (|a| a.achievement_id = "workshop 42".into(), "achievement id"),
        (|a| a.status.index = leerweek_credential::STATUS_LIST_LENGTH, "status index"),
        (|a| a.minutes = 0, "duration"),
        (|a| a.skills[0].esco_uri = Some("not a uri".into()), "ESCO"),
    ];
    for (change, about) in cases {
        let mut a = achievement();
        change(&mut a);
        let Err(CredentialError::Invalid(why)) = credential_json(&issuer(), &a) else {
            panic!("accepted bad {about}");
        };
        assert!(why.contains(about), "{why} should be about {about}");
    }
}
