//! The wording of problems (moved here with the table from the domain's tests) and what every
//! problem response carries.

use super::*;
use chrono::{DateTime, Utc};
use leerweek_domain::attendance::AttendanceError;
use uuid::Uuid;

#[test]
fn a_code_of_another_session_names_that_session_in_both_languages() {
    let starts_at = DateTime::parse_from_rfc3339("2027-11-16T09:30:00Z").unwrap().with_timezone(&Utc);
    let other = Uuid::from_u128(2);
    let err = ApiError::Store(StoreError::Attendance(AttendanceError::OtherSession {
        session_id: other,
        title: "Grip op stress".into(),
        starts_at,
    }));
    let nl = err.render(Language::Nl);
    assert_eq!(
        (nl.kind.as_str(), nl.status, nl.field.as_deref()),
        ("/errors/check-in-code-other-session", 409, Some("code"))
    );
    assert_eq!(
        nl.detail,
        "Deze incheckcode hoort bij een andere sessie: “Grip op stress” op dinsdag 16 november 2027 om 10:30. \
         Deze persoon staat niet op deze lijst."
    );
    let extra = nl.extra.unwrap();
    assert_eq!(extra["session_id"], serde_json::json!(other));
    assert_eq!(extra["session_title"], "Grip op stress");
    let en = err.render(Language::En);
    assert!(en.detail.contains("“Grip op stress” on Tuesday 16 November 2027 at 10:30."), "{}", en.detail);
    assert_eq!(en.title, "Attendance not recorded");
}

#[test]
fn field_problems_word_the_rule_in_the_detail_and_per_field() {
    let err = ApiError::from(FieldError::new("quotas[1].seats", leerweek_domain::Invalid::TooLarge { max: 5 }));
    let nl = err.render(Language::Nl);
    assert_eq!((nl.kind.as_str(), nl.status), ("/errors/invalid-field", 422));
    assert_eq!(nl.detail, "quotas[1].seats: mag hoogstens 5 zijn");
    assert_eq!(
        (nl.errors[0].field.as_str(), nl.errors[0].detail.as_str()),
        ("quotas[1].seats", "mag hoogstens 5 zijn")
    );
    assert_eq!(err.render(Language::En).errors[0].detail, "must be at most 5");
}

#[test]
fn the_apis_own_failures_are_answered_as_internal_errors_without_their_cause() {
    let own = ApiError::Internal("rendering the programme: key must be a string".into());
    let db = ApiError::Store(StoreError::Config("cannot create data".into()));
    for lang in [Language::Nl, Language::En] {
        let p = own.render(lang);
        assert_eq!((p.kind.as_str(), p.status), ("/errors/internal", 500));
        assert!(!p.detail.contains("key must be"), "{}", p.detail);
        assert_eq!(serde_json::to_value(&p).unwrap(), serde_json::to_value(db.render(lang)).unwrap());
    }
    assert_eq!(own.render(Language::En).detail, "Something went wrong on our side; it has been logged.");
    assert_eq!(own.into_response().status(), StatusCode::INTERNAL_SERVER_ERROR);
}
