//! The wording of store and domain errors: problem `type`, status, field and text.

use super::{FieldProblem, Problem, pick, problem};
use axum::http::StatusCode;
use leerweek_domain::{FieldError, Language};
use leerweek_store::{Conflict, StoreError};

pub(super) fn not_found(what: &str, lang: Language) -> Problem {
    let mut p = problem(StatusCode::NOT_FOUND, "not-found", ("Niet gevonden", "Not found"), lang);
    p.detail = match lang {
        Language::Nl => format!("Deze {} bestaat niet of is niet zichtbaar voor jou.", dutch(what)),
        Language::En => format!("This {what} does not exist or is not visible to you."),
    };
    p
}

fn dutch(what: &str) -> &str {
    match what {
        "organisation" => "organisatie",
        "person" => "persoon",
        "event" => "week",
        "workshop" => "workshop",
        "session" => "sessie",
        "enrolment" => "inschrijving",
        "route" => "pagina",
        "resource" => "bron",
        other => other,
    }
}

fn field_problem(e: &FieldError, lang: Language) -> Problem {
    let mut p = problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", ("Ongeldige waarde", "Invalid value"), lang);
    let detail = e.problem.message(lang);
    p.detail = format!("{}: {detail}", e.field);
    p.field = Some(e.field.clone());
    p.errors = vec![FieldProblem { field: e.field.clone(), detail }];
    p
}

pub(super) fn store_problem(e: &StoreError, lang: Language) -> Problem {
    use StatusCode as S;
    match e {
        StoreError::NotFound(what) => not_found(what, lang),
        StoreError::UnknownReference { field } => {
            let mut p = problem(
                S::UNPROCESSABLE_ENTITY,
                "unknown-reference",
                ("Onbekende verwijzing", "Unknown reference"),
                lang,
            );
            p.detail = match lang {
                Language::Nl => format!("{field}: verwijst naar iets dat niet bestaat of niet zichtbaar is."),
                Language::En => format!("{field}: refers to something that does not exist or is not visible."),
            };
            p.field = Some(field.clone());
            p
        }
        StoreError::Forbidden => {
            let mut p = problem(S::FORBIDDEN, "forbidden", ("Geen toegang", "Forbidden"), lang);
            p.detail = pick(lang, ("Je rol staat deze handeling niet toe.", "Your role does not allow this.")).into();
            p
        }
        StoreError::Invalid(fe) => field_problem(fe, lang),
        StoreError::Enrol(err) => {
            use leerweek_domain::enrolment::EnrolError as E;
            // Every refusal by a rule is a conflict with the current state of the week.
            let mut p = problem(S::CONFLICT, err.slug(), ("Inschrijving niet mogelijk", "Enrolment refused"), lang);
            p.detail = err.message(lang);
            if let E::Overlap { session_id } = err {
                p.extra = Some(serde_json::Map::from_iter([(
                    "overlapping_session_id".to_owned(),
                    serde_json::json!(session_id),
                )]));
            }
            p
        }
        StoreError::Cancel(err) => {
            let mut p = problem(S::CONFLICT, err.slug(), ("Afmelden niet mogelijk", "Cancellation refused"), lang);
            p.detail = err.message(lang);
            p
        }
        StoreError::Conflict(c) => {
            let status =
                if matches!(c, Conflict::IdempotencyKeyReused) { S::UNPROCESSABLE_ENTITY } else { S::CONFLICT };
            let mut p = problem(status, c.slug(), ("Conflict", "Conflict"), lang);
            p.detail = c.message(lang);
            p.field = c.field().map(str::to_owned);
            p
        }
        StoreError::Attendance(err) => {
            use leerweek_domain::attendance::AttendanceError as A;
            let status = if matches!(err, A::UnknownCode) { S::UNPROCESSABLE_ENTITY } else { S::CONFLICT };
            let mut p = problem(status, err.slug(), ("Aanwezigheid niet vastgelegd", "Attendance not recorded"), lang);
            p.detail = err.message(lang);
            if matches!(err, A::UnknownCode | A::OtherSession { .. }) {
                p.field = Some("code".into());
            }
            if let A::OtherSession { session_id, title, starts_at } = err {
                p.extra = Some(serde_json::Map::from_iter([
                    ("session_id".to_owned(), serde_json::json!(session_id)),
                    ("session_title".to_owned(), serde_json::json!(title)),
                    ("session_starts_at".to_owned(), serde_json::json!(starts_at)),
                ]));
            }
            p
        }
        StoreError::Feedback(err) => {
            use leerweek_domain::feedback::FeedbackError as F;
            // Like an unknown sign-in link: a bad value, not a missing page.
            let status = if matches!(err, F::UnknownLink) { S::BAD_REQUEST } else { S::CONFLICT };
            let mut p = problem(status, err.slug(), ("Feedback niet mogelijk", "Feedback refused"), lang);
            p.detail = err.message(lang);
            if matches!(err, F::UnknownLink) {
                p.field = Some("token".into());
            }
            p
        }
        StoreError::SignIn(r) => {
            let mut p = problem(S::FORBIDDEN, r.slug(), ("Aanmelden geweigerd", "Sign-in refused"), lang);
            p.detail = match lang {
                Language::Nl => r.message_nl().to_owned(),
                Language::En => r.to_string(),
            };
            p
        }
        StoreError::Unavailable(_) => {
            let mut p = problem(
                S::SERVICE_UNAVAILABLE,
                "unavailable",
                ("Tijdelijk niet beschikbaar", "Temporarily unavailable"),
                lang,
            );
            p.detail = pick(
                lang,
                (
                    "De database is even niet bereikbaar. Probeer het zo opnieuw.",
                    "The database cannot be reached right now. Try again shortly.",
                ),
            )
            .into();
            p
        }
        StoreError::Config(_) | StoreError::Db(_) => {
            let mut p = problem(S::INTERNAL_SERVER_ERROR, "internal", ("Interne fout", "Internal error"), lang);
            p.detail = pick(
                lang,
                (
                    "Er ging iets mis aan onze kant; het is gelogd.",
                    "Something went wrong on our side; it has been logged.",
                ),
            )
            .into();
            p
        }
    }
}
