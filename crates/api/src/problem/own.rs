//! The wording of the api's own failures: credentials, the shape of a request, limits.

use super::table::store_problem;
use super::{ApiError, FieldProblem, Problem, pick, problem};
use crate::people_file::{FileProblem, MAX_ROWS};
use axum::http::StatusCode;
use leerweek_domain::Language;
use leerweek_store::StoreError;

impl ApiError {
    /// The problem document in `lang`.
    pub fn render(&self, lang: Language) -> Problem {
        use StatusCode as S;
        match self {
            ApiError::Store(e) => store_problem(e, lang),
            ApiError::Unauthenticated => {
                let mut p = problem(S::UNAUTHORIZED, "unauthenticated", ("Niet aangemeld", "Not signed in"), lang);
                p.detail = pick(
                    lang,
                    (
                        "Stuur een geldige token mee: Authorization: Bearer <token>.",
                        "Send a valid token: Authorization: Bearer <token>.",
                    ),
                )
                .into();
                p
            }
            ApiError::MalformedJson(msg) => {
                let mut p = problem(S::BAD_REQUEST, "malformed-json", ("Ongeldige JSON", "Malformed JSON"), lang);
                p.detail =
                    format!("{}: {msg}", pick(lang, ("De body is geen geldige JSON", "The body is not valid JSON")));
                p
            }
            ApiError::InvalidJson { field, detail } => {
                let mut p =
                    problem(S::UNPROCESSABLE_ENTITY, "invalid-field", ("Ongeldige waarde", "Invalid value"), lang);
                p.detail = format!("{field}: {detail}");
                p.field = Some(field.clone());
                p.errors = vec![FieldProblem { field: field.clone(), detail: detail.clone() }];
                p
            }
            ApiError::UnsupportedMediaType(expected) => {
                let mut p = problem(
                    S::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    ("Verkeerd inhoudstype", "Unsupported media type"),
                    lang,
                );
                p.detail = format!("{} {expected}.", pick(lang, ("Verwacht Content-Type", "Expected Content-Type")));
                p
            }
            ApiError::PayloadTooLarge => {
                let mut p =
                    problem(S::PAYLOAD_TOO_LARGE, "payload-too-large", ("Verzoek te groot", "Payload too large"), lang);
                p.detail = pick(
                    lang,
                    (
                        "De body is groter dan de server toestaat (1 MiB; een bestand om te importeren 16 MiB).",
                        "The body is larger than the server allows (1 MiB; a file to import 16 MiB).",
                    ),
                )
                .into();
                p
            }
            ApiError::BodyTimeout => {
                let mut p =
                    problem(S::REQUEST_TIMEOUT, "request-timeout", ("Verzoek te traag", "Request body too slow"), lang);
                p.detail = pick(
                    lang,
                    ("De body van het verzoek kwam niet op tijd binnen.", "The request body did not arrive in time."),
                )
                .into();
                p
            }
            ApiError::Timeout => {
                let mut p = problem(
                    S::SERVICE_UNAVAILABLE,
                    "timeout",
                    ("Verzoek duurde te lang", "Request took too long"),
                    lang,
                );
                p.detail = pick(
                    lang,
                    (
                        "Het verzoek duurde te lang en is afgebroken. Probeer het zo opnieuw.",
                        "The request took too long and was stopped. Try again shortly.",
                    ),
                )
                .into();
                p
            }
            ApiError::NotFound(what) => store_problem(&StoreError::NotFound(what), lang),
            ApiError::InvalidQuery { field, detail } | ApiError::InvalidHeader { field, detail } => {
                let mut p =
                    problem(S::BAD_REQUEST, "invalid-parameter", ("Ongeldige parameter", "Invalid parameter"), lang);
                p.detail = format!("{field}: {detail}");
                p.field = Some(field.clone());
                p.errors = vec![FieldProblem { field: field.clone(), detail: detail.clone() }];
                p
            }
            ApiError::ImportRejected(report) => {
                let mut p =
                    problem(S::UNPROCESSABLE_ENTITY, "import-rejected", ("Import geweigerd", "Import rejected"), lang);
                p.detail = pick(
                    lang,
                    (
                        "Het bestand bevat ongeldige regels; er is niets geïmporteerd.",
                        "The file has invalid rows; nothing was imported.",
                    ),
                )
                .into();
                if let serde_json::Value::Object(m) = report {
                    p.extra = Some(m.clone());
                }
                p
            }
            ApiError::RateLimited(wait) => {
                let mut p =
                    problem(S::TOO_MANY_REQUESTS, "rate-limited", ("Te veel verzoeken", "Too many requests"), lang);
                let secs = wait.as_secs().max(1);
                p.detail = match lang {
                    Language::Nl => {
                        format!("Te veel aanvragen kort na elkaar. Probeer het over {secs} seconden opnieuw.")
                    }
                    Language::En => format!("Too many requests in a short time. Try again in {secs} seconds."),
                };
                p
            }
            ApiError::LinkInvalid => {
                let mut p = problem(
                    S::BAD_REQUEST,
                    "sign-in-link-invalid",
                    ("Aanmeldlink ongeldig", "Sign-in link invalid"),
                    lang,
                );
                p.detail = pick(
                    lang,
                    (
                        "Deze aanmeldlink is al gebruikt of verlopen. Vraag een nieuwe aan.",
                        "This sign-in link was used already or has expired. Ask for a new one.",
                    ),
                )
                .into();
                p.field = Some("token".into());
                p
            }
            ApiError::CsrfMissing => {
                let mut p =
                    problem(S::FORBIDDEN, "csrf", ("Beveiligingscontrole mislukt", "Security check failed"), lang);
                p.detail = pick(
                    lang,
                    (
                        "Stuur de X-CSRF-Token van je sessie mee (GET /api/v1/auth/session).",
                        "Send your session's X-CSRF-Token (GET /api/v1/auth/session).",
                    ),
                )
                .into();
                p.field = Some("X-CSRF-Token".into());
                p
            }
            ApiError::CrossSite => {
                let mut p = problem(
                    S::FORBIDDEN,
                    "cross-site-sign-in",
                    ("Aanmelden vanaf een andere site", "Sign-in from another site"),
                    lang,
                );
                p.detail = pick(
                    lang,
                    (
                        "Aanmelden kan alleen vanaf de aanmeldpagina van Leerweek zelf. Open de link uit je mail opnieuw.",
                        "You can only sign in from Leerweek's own sign-in page. Open the link from your mail again.",
                    ),
                )
                .into();
                p.field = Some("Origin".into());
                p
            }
            ApiError::Internal(_) => super::table::internal(lang),
            ApiError::ImportFile(f) => import_file(f, lang),
            ApiError::EscoFile(f) => esco_file(f, lang),
        }
    }
}

/// The problem of an ESCO skills file that cannot be used.
fn esco_file(f: &crate::esco_file::EscoFileProblem, lang: Language) -> Problem {
    use crate::esco_file::EscoFileProblem as E;
    match f {
        E::File(f) => import_file(f, lang),
        E::MissingColumn { column, columns } => {
            let mut p = problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "esco-column-missing",
                ("Kolom ontbreekt", "Column missing"),
                lang,
            );
            p.detail = match lang {
                Language::Nl => format!(
                    "Dit lijkt geen ESCO-bestand met vaardigheden: de kolom {column} ontbreekt. Gebruik skills_nl.csv of skills_en.csv uit de ESCO-download."
                ),
                Language::En => format!(
                    "This does not look like an ESCO skills file: the column {column} is missing. Use skills_nl.csv or skills_en.csv from the ESCO download."
                ),
            };
            p.field = Some("file".into());
            let mut m = serde_json::Map::new();
            m.insert("columns".into(), serde_json::json!(columns));
            p.extra = Some(m);
            p
        }
        E::NoSkills => {
            let mut p =
                problem(StatusCode::UNPROCESSABLE_ENTITY, "esco-no-skills", ("Geen vaardigheden", "No skills"), lang);
            p.detail = pick(
                lang,
                (
                    "Geen enkele regel is een ESCO-vaardigheid (http://data.europa.eu/esco/skill/…) met een naam.",
                    "Not one row is an ESCO skill (http://data.europa.eu/esco/skill/…) with a label.",
                ),
            )
            .into();
            p.field = Some("file".into());
            p
        }
    }
}

/// The problem of a file of people that cannot be imported as it is.
fn import_file(f: &FileProblem, lang: Language) -> Problem {
    use StatusCode as S;
    let list = |columns: &[String]| {
        let mut m = serde_json::Map::new();
        m.insert("columns".into(), serde_json::json!(columns));
        Some(m)
    };
    match f {
        FileProblem::Unreadable(why) => {
            let mut p =
                problem(S::BAD_REQUEST, "import-file-unreadable", ("Bestand onleesbaar", "File unreadable"), lang);
            p.detail = format!(
                "{}: {why}",
                pick(lang, ("Dit is geen leesbaar CSV- of Excel-bestand", "This is not a readable CSV or Excel file"))
            );
            p.field = Some("file".into());
            p
        }
        FileProblem::Empty => {
            let mut p = problem(S::UNPROCESSABLE_ENTITY, "import-file-empty", ("Bestand leeg", "File empty"), lang);
            p.detail = pick(
                lang,
                (
                    "Het bestand heeft geen kopregel of geen regels daaronder.",
                    "The file has no header or no rows below it.",
                ),
            )
            .into();
            p.field = Some("file".into());
            p
        }
        FileProblem::TooManyRows => {
            let mut p =
                problem(S::UNPROCESSABLE_ENTITY, "import-too-many-rows", ("Te veel regels", "Too many rows"), lang);
            p.detail = match lang {
                Language::Nl => format!("Een import heeft hoogstens {} regels; splits het bestand.", MAX_ROWS),
                Language::En => format!("An import has at most {} rows; split the file.", MAX_ROWS),
            };
            p.field = Some("file".into());
            p
        }
        FileProblem::MissingColumn { field, columns } => {
            let mut p =
                problem(S::UNPROCESSABLE_ENTITY, "import-column-missing", ("Kolom ontbreekt", "Column missing"), lang);
            let name = field.as_str();
            p.detail = match lang {
                Language::Nl => {
                    format!("Geen kolom voor {name} gevonden in de kopregel. Geef aan welke kolom het is (col_{name}).")
                }
                Language::En => {
                    format!("No column for {name} found in the header. Say which column it is (col_{name}).")
                }
            };
            p.field = Some(name.into());
            p.extra = list(columns);
            p
        }
        FileProblem::UnknownColumn { field, column, columns } => {
            let mut p = problem(
                S::UNPROCESSABLE_ENTITY,
                "import-column-unknown",
                ("Kolom bestaat niet", "Unknown column"),
                lang,
            );
            let name = field.as_str();
            p.detail = match lang {
                Language::Nl => format!("Het bestand heeft geen kolom \"{column}\" (gekozen voor {name})."),
                Language::En => format!("The file has no column \"{column}\" (chosen for {name})."),
            };
            p.field = Some(format!("col_{name}"));
            p.extra = list(columns);
            p
        }
    }
}
