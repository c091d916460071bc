//! The one table from every store and domain error to its problem: the `type` slug, the HTTP
//! status, the title, the field at fault, extra members, and the detail in Dutch and English.
//!
//! The errors themselves carry no wording: their `Display` texts are for the log. Each column is
//! a `match` without a catch-all, so a new error kind does not compile until it is worded here.

use super::{FieldProblem, Problem, pick, problem};
use axum::http::StatusCode;
use leerweek_domain::approval::ApprovalError as P;
use leerweek_domain::attendance::AttendanceError as A;
use leerweek_domain::enrolment::{CancelError, EnrolError as E};
use leerweek_domain::feedback::FeedbackError as F;
use leerweek_domain::sso::SignInRefused as R;
use leerweek_domain::{Invalid, Language};
use leerweek_store::{Conflict as C, StoreError as S};

/// Title of every unexpected failure (500).
const INTERNAL_TITLE: (&str, &str) = ("Interne fout", "Internal error");
/// Detail of every unexpected failure (500): the cause is logged, never shown.
const INTERNAL_DETAIL: (&str, &str) =
    ("Er ging iets mis aan onze kant; het is gelogd.", "Something went wrong on our side; it has been logged.");

/// The problem document of a store or domain error, in `lang`.
pub(super) fn store_problem(e: &S, lang: Language) -> Problem {
    let mut p = problem(status(e), slug(e), title(e), lang);
    p.detail = detail(e, lang);
    p.field = field(e).map(str::to_owned);
    if let S::Invalid(fe) = e {
        p.errors = vec![FieldProblem { field: fe.field.clone(), detail: invalid(&fe.problem, lang) }];
    }
    p.extra = extra(e);
    p
}

/// The problem of an unexpected failure (500), whatever failed.
pub(super) fn internal(lang: Language) -> Problem {
    let mut p = problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", INTERNAL_TITLE, lang);
    p.detail = say(lang, INTERNAL_DETAIL);
    p
}

/// The problem `type`'s last segment (`/errors/<slug>`) of a store or domain error.
pub fn slug(e: &S) -> &'static str {
    match e {
        S::NotFound(_) => "not-found",
        S::UnknownReference { .. } => "unknown-reference",
        S::Forbidden => "forbidden",
        S::Invalid(_) => "invalid-field",
        S::Enrol(e) => match e {
            E::EventNotPublished => "event-not-published",
            E::SessionCancelled => "session-cancelled",
            E::SessionStarted => "session-started",
            E::EnrolmentNotYetOpen { .. } => "enrolment-not-open",
            E::EnrolmentClosed { .. } => "enrolment-closed",
            E::AwaitingAllocation { .. } => "awaiting-allocation",
            E::NotEligible => "not-eligible",
            E::Overlap { .. } => "session-overlap",
            E::LimitReached { .. } => "limit-reached",
        },
        S::Cancel(c) => match c {
            CancelError::DeadlinePassed { .. } => "cancellation-deadline-passed",
            CancelError::ReasonRequired => "cancellation-reason-required",
            CancelError::ReasonTooLong { .. } => "cancellation-reason-too-long",
        },
        S::Conflict(c) => match c {
            C::EmailTaken => "email-taken",
            C::NameTaken => "name-taken",
            C::CapacityBelowConfirmed { .. } => "capacity-below-confirmed",
            C::StatusTransition { .. } => "invalid-status-transition",
            C::IdempotencyKeyReused => "idempotency-key-reused",
            C::Cancelled => "cancelled",
            C::AttendanceRecorded => "attendance-recorded",
            C::Duplicate => "duplicate",
            C::SkillNameTaken => "skill-name-taken",
            C::EscoLinked => "esco-skill-linked",
            C::LastAdmin => "last-admin",
            C::UnitCycle => "unit-cycle",
            C::LeadStays => "lead-organisation-stays",
            C::OrganisationHasEnrolments => "organisation-has-enrolments",
            C::OrganisationHostsWorkshops => "organisation-hosts-workshops",
            C::AlreadySetUp => "already-set-up",
            C::ErasingYourself => "erasing-yourself",
            C::SetupCodeInvalid => "setup-code-invalid",
            C::NotALottery => "not-a-lottery",
            C::PreferencesClosed => "preferences-closed",
            C::AllocationDone => "allocation-done",
            C::PreferencesStillOpen { .. } => "preferences-still-open",
        },
        S::Attendance(a) => match a {
            A::TooEarly => "attendance-too-early",
            A::SessionCancelled => "session-cancelled",
            A::UnknownCode => "check-in-code-unknown",
            A::OtherSession { .. } => "check-in-code-other-session",
            A::NotConfirmed => "check-in-not-confirmed",
            A::NotOver => "attendance-list-not-over",
        },
        S::Assignment(k) => super::assignment::slug(k),
        S::Approval(P::NotPending(_)) => "approval-not-pending",
        S::Approval(P::TooLate) => "approval-too-late",
        S::Certificate(_) => "certificate-not-attended",
        S::Reflection(_) => "reflection-not-after-session",
        S::Feedback(f) => match f {
            F::NotAttended => "feedback-not-attended",
            F::AlreadyGiven => "feedback-given",
            F::UnknownLink => "feedback-link-invalid",
        },
        S::SignIn(r) => sign_in_slug(*r),
        S::Unavailable(_) => "unavailable",
        S::Config(_) | S::Db(_) => "internal",
    }
}

/// The HTTP status of a store or domain error.
fn status(e: &S) -> StatusCode {
    use StatusCode as H;
    match e {
        S::NotFound(_) => H::NOT_FOUND,
        S::UnknownReference { .. } | S::Invalid(_) => H::UNPROCESSABLE_ENTITY,
        S::Forbidden | S::SignIn(_) => H::FORBIDDEN,
        // Every refusal by a rule is a conflict with the current state of the week.
        S::Cancel(CancelError::ReasonRequired | CancelError::ReasonTooLong { .. }) => H::UNPROCESSABLE_ENTITY,
        S::Enrol(_) | S::Cancel(_) => H::CONFLICT,
        S::Conflict(C::IdempotencyKeyReused) => H::UNPROCESSABLE_ENTITY,
        S::Conflict(_) => H::CONFLICT,
        S::Attendance(A::UnknownCode) => H::UNPROCESSABLE_ENTITY,
        S::Attendance(_) => H::CONFLICT,
        // Like an unknown sign-in link: a bad value, not a missing page.
        S::Feedback(F::UnknownLink) => H::BAD_REQUEST,
        S::Feedback(_) | S::Certificate(_) | S::Reflection(_) => H::CONFLICT,
        S::Approval(_) | S::Assignment(_) => H::CONFLICT,
        S::Unavailable(_) => H::SERVICE_UNAVAILABLE,
        S::Config(_) | S::Db(_) => H::INTERNAL_SERVER_ERROR,
    }
}

/// The title (Dutch, English): one per kind of error.
fn title(e: &S) -> (&'static str, &'static str) {
    match e {
        S::NotFound(_) => ("Niet gevonden", "Not found"),
        S::UnknownReference { .. } => ("Onbekende verwijzing", "Unknown reference"),
        S::Forbidden => ("Geen toegang", "Forbidden"),
        S::Invalid(_) => ("Ongeldige waarde", "Invalid value"),
        S::Enrol(_) => ("Inschrijving niet mogelijk", "Enrolment refused"),
        S::Cancel(_) => ("Afmelden niet mogelijk", "Cancellation refused"),
        S::Conflict(_) => ("Conflict", "Conflict"),
        S::Attendance(_) => ("Aanwezigheid niet vastgelegd", "Attendance not recorded"),
        S::Feedback(_) => ("Feedback niet mogelijk", "Feedback refused"),
        S::Certificate(_) => ("Geen bewijs van deelname", "No certificate"),
        S::Reflection(_) => ("Reflectie nog niet mogelijk", "Reflection not possible"),
        S::Approval(_) => ("Beslissen niet mogelijk", "Decision refused"),
        S::Assignment(_) => ("Niet mogelijk in de Klussenbank", "Not possible in the Klussenbank"),
        S::SignIn(_) => ("Aanmelden geweigerd", "Sign-in refused"),
        S::Unavailable(_) => ("Tijdelijk niet beschikbaar", "Temporarily unavailable"),
        S::Config(_) | S::Db(_) => INTERNAL_TITLE,
    }
}

/// The request field at fault, where there is one.
fn field(e: &S) -> Option<&str> {
    match e {
        S::UnknownReference { field } => Some(field),
        S::Invalid(fe) => Some(&fe.field),
        S::Conflict(c) => match c {
            C::EmailTaken => Some("email"),
            C::NameTaken => Some("name"),
            C::SkillNameTaken => Some("name_nl"),
            C::EscoLinked => Some("esco_uri"),
            C::CapacityBelowConfirmed { .. } => Some("capacity"),
            C::StatusTransition { .. } => Some("status"),
            C::UnitCycle => Some("parent_id"),
            C::LeadStays | C::OrganisationHasEnrolments | C::OrganisationHostsWorkshops => Some("organisation_ids"),
            C::SetupCodeInvalid => Some("code"),
            C::AllocationDone => Some("allocation"),
            C::PreferencesStillOpen { .. } => Some("dry_run"),
            C::NotALottery | C::PreferencesClosed => None,
            C::IdempotencyKeyReused
            | C::Cancelled
            | C::AttendanceRecorded
            | C::Duplicate
            | C::LastAdmin
            | C::AlreadySetUp
            | C::ErasingYourself => None,
        },
        S::Attendance(A::UnknownCode | A::OtherSession { .. }) => Some("code"),
        S::Cancel(CancelError::ReasonRequired | CancelError::ReasonTooLong { .. }) => Some("reason"),
        S::Feedback(F::UnknownLink) => Some("token"),
        S::Assignment(k) => super::assignment::field(k),
        S::NotFound(_)
        | S::Forbidden
        | S::Enrol(_)
        | S::Cancel(_)
        | S::Attendance(_)
        | S::Feedback(_)
        | S::Certificate(_)
        | S::Reflection(_)
        | S::Approval(_)
        | S::SignIn(_)
        | S::Unavailable(_)
        | S::Config(_)
        | S::Db(_) => None,
    }
}

/// Members beyond the standard ones, for clients that act on them.
fn extra(e: &S) -> Option<serde_json::Map<String, serde_json::Value>> {
    use serde_json::json;
    match e {
        S::Enrol(E::Overlap { session_id }) => {
            Some(serde_json::Map::from_iter([("overlapping_session_id".to_owned(), json!(session_id))]))
        }
        S::Attendance(A::OtherSession { session_id, title, starts_at }) => Some(serde_json::Map::from_iter([
            ("session_id".to_owned(), json!(session_id)),
            ("session_title".to_owned(), json!(title)),
            ("session_starts_at".to_owned(), json!(starts_at)),
        ])),
        _ => None,
    }
}

/// What happened, for people, in `lang`.
fn detail(e: &S, lang: Language) -> String {
    match e {
        S::NotFound(what) => not_found(what, lang),
        S::UnknownReference { field } => match lang {
            Language::Nl => format!("{field}: verwijst naar iets dat niet bestaat of niet zichtbaar is."),
            Language::En => format!("{field}: refers to something that does not exist or is not visible."),
        },
        S::Forbidden => say(lang, ("Je rol staat deze handeling niet toe.", "Your role does not allow this.")),
        S::Invalid(fe) => format!("{}: {}", fe.field, invalid(&fe.problem, lang)),
        S::Enrol(e) => enrol(e, lang),
        S::Cancel(e) => cancel(e, lang),
        S::Conflict(c) => conflict(c, lang),
        S::Attendance(a) => attendance(a, lang),
        S::Feedback(f) => say(lang, feedback(*f)),
        S::Reflection(_) => say(
            lang,
            (
                "Een reflectie schrijf je na een sessie waaraan je hebt deelgenomen.",
                "A reflection is written after a session you took part in.",
            ),
        ),
        S::Certificate(_) => say(
            lang,
            (
                "Een bewijs van deelname is er voor een sessie waarbij je aanwezig bent gemeld.",
                "A certificate is for a session at which you were recorded as present.",
            ),
        ),
        S::Approval(a) => say(lang, approval(*a)),
        S::Assignment(k) => super::assignment::detail(k, lang),
        S::SignIn(r) => match lang {
            Language::Nl => sign_in_nl(*r).to_owned(),
            Language::En => sign_in_en(*r).to_owned(),
        },
        S::Unavailable(_) => say(
            lang,
            (
                "De database is even niet bereikbaar. Probeer het zo opnieuw.",
                "The database cannot be reached right now. Try again shortly.",
            ),
        ),
        S::Config(_) | S::Db(_) => say(lang, INTERNAL_DETAIL),
    }
}

fn say(lang: Language, texts: (&str, &str)) -> String {
    pick(lang, texts).to_owned()
}

/// "This session does not exist or is not visible to you."
fn not_found(what: &str, lang: Language) -> String {
    match lang {
        Language::Nl => format!("Deze {} bestaat niet of is niet zichtbaar voor jou.", dutch(what)),
        Language::En => format!("This {what} does not exist or is not visible to you."),
    }
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
        "token" => "aanmelding",
        "unit" => "afdeling",
        "resource" => "bron",
        "skill" => "vaardigheid",
        "certificate" => "bewijs van deelname",
        "reflection" => "reflectie",
        "key" => "sleutel",
        "status list" => "statuslijst",
        "assignment" => "klus",
        "response" => "reactie",
        "selection" => "keuze",
        other => other,
    }
}

/// The Dutch of an `Invalid::Outside`'s range.
fn outside_nl(what: &str) -> &str {
    match what {
        "your organisation" => "je organisatie",
        "the known organisations" => "de bekende organisaties",
        "the people known or in this file" => "de bekende mensen en dit bestand",
        "the days of the event" => "de dagen van de week",
        "what a lottery week allows" => "wat een week met loting toestaat",
        "your own organisation" => "je eigen organisatie",
        "your own unit" => "je eigen afdeling (of een afdeling daaronder)",
        "two years after starts_on" => "twee jaar na starts_on",
        "the period (on or before ends_on)" => "de periode (op of vóór ends_on)",
        "the skills the assignment asks" => "de vaardigheden die de klus vraagt",
        other => other,
    }
}

/// What is wrong with one value, after its field name (`capacity: must be at least 1`).
pub(crate) fn invalid(i: &Invalid, lang: Language) -> String {
    use Invalid as I;
    match lang {
        Language::Nl => match i {
            I::Empty => "mag niet leeg zijn".into(),
            I::TooLong { max } => format!("is langer dan {max} tekens"),
            I::TooSmall { min } => format!("moet minstens {min} zijn"),
            I::TooLarge { max } => format!("mag hoogstens {max} zijn"),
            I::NotAnEmail => "is geen e-mailadres".into(),
            I::NotAfter { start_field } => format!("moet na {start_field} liggen"),
            I::Outside { what } => format!("valt buiten {}", outside_nl(what)),
            I::NotOneOf { allowed } => format!("moet een van {allowed} zijn"),
            I::NotAUrl => "is geen http(s)-link".into(),
            I::UnknownTimeZone => "is geen bekende tijdzone".into(),
            I::Duplicate => "bevat een dubbele waarde".into(),
            I::Required => "is verplicht".into(),
            I::SumExceeds { what } => format!("zijn samen meer dan {what}"),
            I::Unusable => "kan niet worden gebruikt".into(),
            I::AlsoIn { other } => format!("staat ook in {other}"),
            I::NotInFuture => "moet in de toekomst liggen".into(),
        },
        Language::En => match i {
            I::Empty => "must not be empty".into(),
            I::TooLong { max } => format!("is longer than {max} characters"),
            I::TooSmall { min } => format!("must be at least {min}"),
            I::TooLarge { max } => format!("must be at most {max}"),
            I::NotAnEmail => "is not an e-mail address".into(),
            I::NotAfter { start_field } => format!("must be after {start_field}"),
            I::Outside { what } => format!("lies outside {what}"),
            I::NotOneOf { allowed } => format!("must be one of {allowed}"),
            I::NotAUrl => "is not an http(s) link".into(),
            I::UnknownTimeZone => "is not a known time zone".into(),
            I::Duplicate => "contains a duplicate".into(),
            I::Required => "is required".into(),
            I::SumExceeds { what } => format!("together exceed {what}"),
            I::Unusable => "cannot be used".into(),
            I::AlsoIn { other } => format!("also appears in {other}"),
            I::NotInFuture => "must lie in the future".into(),
        },
    }
}

/// A moment in a refusal: `2027-11-15 09:00 UTC`.
fn utc(at: &chrono::DateTime<chrono::Utc>) -> impl std::fmt::Display {
    at.format("%Y-%m-%d %H:%M UTC")
}

fn enrol(e: &E, lang: Language) -> String {
    match lang {
        Language::Nl => match e {
            E::EventNotPublished => "Voor deze week kun je je nu niet inschrijven.".into(),
            E::SessionCancelled => "Deze sessie is geannuleerd.".into(),
            E::SessionStarted => "Deze sessie is al begonnen.".into(),
            E::EnrolmentNotYetOpen { opens_at } => format!("De inschrijving opent op {}.", utc(opens_at)),
            E::EnrolmentClosed { closed_at } => format!("De inschrijving is gesloten sinds {}.", utc(closed_at)),
            E::AwaitingAllocation { closes_at } => format!(
                "In deze week worden de plaatsen verloot. Geef tot {} je voorkeuren op; na de loting kun je je inschrijven voor de plaatsen die over zijn.",
                utc(closes_at)
            ),
            E::NotEligible => "Deze workshop staat niet open voor jouw organisatie.".into(),
            E::Overlap { .. } => "Je hebt op dat moment al een andere sessie.".into(),
            E::LimitReached { limit } => {
                format!("Je hebt het maximum van {limit} inschrijvingen voor deze week bereikt.")
            }
        },
        // The English moments keep their seconds (`2027-11-15 09:00:00 UTC`), as they always had.
        Language::En => match e {
            E::EventNotPublished => "The event is not open for enrolment.".into(),
            E::SessionCancelled => "The session has been cancelled.".into(),
            E::SessionStarted => "The session has already started.".into(),
            E::EnrolmentNotYetOpen { opens_at } => format!("Enrolment opens at {opens_at}."),
            E::EnrolmentClosed { closed_at } => format!("Enrolment closed at {closed_at}."),
            E::AwaitingAllocation { closes_at } => format!(
                "Places in this week are allocated by lottery. Rank your preferences until {}; after the lottery you can enrol for the places that are left.",
                utc(closes_at)
            ),
            E::NotEligible => "This workshop is not open to your organisation.".into(),
            E::Overlap { .. } => "You already have a session at that time.".into(),
            E::LimitReached { limit } => format!("You have reached the limit of {limit} enrolments for this event."),
        },
    }
}

fn cancel(e: &CancelError, lang: Language) -> String {
    let deadline = match e {
        CancelError::DeadlinePassed { deadline } => deadline,
        CancelError::ReasonRequired => {
            return say(
                lang,
                (
                    "Geef een reden op; die komt in de mail aan de deelnemer.",
                    "Give a reason; it goes into the mail to the participant.",
                ),
            );
        }
        CancelError::ReasonTooLong { max } => {
            return match lang {
                Language::Nl => format!("De reden is te lang: hoogstens {max} tekens."),
                Language::En => format!("The reason is too long: at most {max} characters."),
            };
        }
    };
    match lang {
        Language::Nl => format!(
            "De annuleringstermijn is verstreken op {}; vraag de organisator om je af te melden.",
            utc(deadline)
        ),
        Language::En => {
            format!("The cancellation deadline passed at {}; ask the organiser to cancel for you.", utc(deadline))
        }
    }
}

fn conflict(c: &C, lang: Language) -> String {
    match lang {
        Language::Nl => match c {
            C::EmailTaken => "Er bestaat al iemand met dit e-mailadres.".into(),
            C::NameTaken => "Deze naam is al in gebruik.".into(),
            C::CapacityBelowConfirmed { confirmed } => {
                format!("De capaciteit kan niet lager worden dan de {confirmed} bevestigde inschrijvingen.")
            }
            C::StatusTransition { from, to } => format!("De status kan niet van {from} naar {to}."),
            C::IdempotencyKeyReused => "Deze Idempotency-Key is al gebruikt voor een ander verzoek.".into(),
            C::Cancelled => "Dit is geannuleerd en kan niet meer worden gewijzigd.".into(),
            C::AttendanceRecorded => {
                "De aanwezigheid is al vastgelegd, dus dit kan niet meer worden geannuleerd; pas de aanwezigheid aan."
                    .into()
            }
            C::Duplicate => "Dit botst met bestaande gegevens.".into(),
            C::SkillNameTaken => "Er is al een vaardigheid met deze naam (hoofdletters en spaties tellen niet).".into(),
            C::EscoLinked => "Deze ESCO-vaardigheid hoort al bij een andere vaardigheid; voeg ze samen of kies een andere.".into(),
            C::LastAdmin => "Dit is de laatste beheerder: maak eerst iemand anders beheerder.".into(),
            C::UnitCycle => "Een afdeling kan niet onder zichzelf of onder een eigen onderdeel komen te staan.".into(),
            C::LeadStays => {
                "De organisatie die deze week leidt, blijft erin. Een beheerder kan de leiding eerst aan een andere organisatie geven.".into()
            }
            C::OrganisationHasEnrolments => {
                "Deze organisatie kan de week niet verlaten: voor haar workshops zijn inschrijvingen gedaan (ook geannuleerde tellen), of haar medewerkers staan in deze week ingeschreven of op een wachtlijst.".into()
            }
            C::OrganisationHostsWorkshops => {
                "Deze organisatie verzorgt workshops in deze week. Alleen zij zelf (of een beheerder) kan de week verlaten en haar workshops meenemen.".into()
            }
            C::AlreadySetUp => "Leerweek is hier al ingericht: log in als beheerder.".into(),
            C::ErasingYourself => "Je kunt jezelf niet wissen: vraag een andere beheerder.".into(),
            C::SetupCodeInvalid => {
                "Dit inrichtingsadres is onbekend, al gebruikt of verlopen. Start de server opnieuw voor een nieuw adres."
                    .into()
            }
            C::NotALottery => {
                "In deze week geldt wie het eerst komt, het eerst maalt: er zijn geen voorkeuren en er is geen loting.".into()
            }
            C::PreferencesClosed => {
                "Je kunt je voorkeuren alleen opgeven of wijzigen zolang de voorkeursronde open is.".into()
            }
            C::AllocationDone => "De loting van deze week is al gedaan; dat kan maar één keer.".into(),
            C::PreferencesStillOpen { closes_at } => format!(
                "De voorkeursronde loopt nog tot {}. Doe tot dan alleen een proefloting (dry_run).",
                utc(closes_at)
            ),
        },
        Language::En => match c {
            C::EmailTaken => "A person with this e-mail address already exists.".into(),
            C::NameTaken => "This name is already in use.".into(),
            C::CapacityBelowConfirmed { confirmed } => {
                format!("Capacity cannot go below the {confirmed} confirmed enrolments.")
            }
            C::StatusTransition { from, to } => format!("Cannot change status from {from} to {to}."),
            C::IdempotencyKeyReused => "This Idempotency-Key was used for a different request.".into(),
            C::Cancelled => "It has been cancelled and can no longer be changed.".into(),
            C::AttendanceRecorded => {
                "Attendance has been recorded, so it cannot be cancelled; correct the attendance instead.".into()
            }
            C::Duplicate => "This conflicts with existing data.".into(),
            C::SkillNameTaken => "A skill with this name exists already (case and spaces aside).".into(),
            C::EscoLinked => "This ESCO skill belongs to another skill already; merge them or pick another.".into(),
            C::LastAdmin => "This is the last admin: make someone else admin first.".into(),
            C::UnitCycle => "A unit cannot be placed under itself or one of its own units.".into(),
            C::LeadStays => {
                "The organisation that leads this week stays in it. An admin can hand the lead to another organisation first.".into()
            }
            C::OrganisationHasEnrolments => {
                "This organisation cannot leave the week: its workshops have had enrolments (cancelled ones count), or its people are enrolled or waiting in this week.".into()
            }
            C::OrganisationHostsWorkshops => {
                "This organisation hosts workshops in this week. Only it (or an admin) can leave the week and take its workshops along.".into()
            }
            C::AlreadySetUp => "Leerweek has been set up here already: sign in as an admin.".into(),
            C::ErasingYourself => "You cannot erase yourself: ask another admin.".into(),
            C::SetupCodeInvalid => {
                "This set-up address is unknown, used or expired. Restart the server for a new address.".into()
            }
            C::NotALottery => "This week is first come, first served: it has no preferences and no lottery.".into(),
            C::PreferencesClosed => "You can only give or change your preferences while the preference window is open.".into(),
            C::AllocationDone => "The lottery of this week has run already; it runs only once.".into(),
            C::PreferencesStillOpen { closes_at } => format!(
                "The preference window is open until {}. Until then, only a trial run (dry_run) is possible.",
                utc(closes_at)
            ),
        },
    }
}

fn attendance(a: &A, lang: Language) -> String {
    match lang {
        Language::Nl => match a {
            A::TooEarly => "Aanwezigheid kan vanaf een uur voor het begin van de sessie worden vastgelegd.".into(),
            A::SessionCancelled => "Deze sessie is geannuleerd.".into(),
            A::UnknownCode => "Deze incheckcode is onbekend.".into(),
            A::OtherSession { title, starts_at, .. } => {
                let at = starts_at.with_timezone(&chrono_tz::Europe::Amsterdam);
                format!(
                    "Deze incheckcode hoort bij een andere sessie: “{title}” op {} om {}. Deze persoon staat niet op deze lijst.",
                    leerweek_domain::dates::dutch_day(at.date_naive()),
                    at.format("%H:%M")
                )
            }
            A::NotConfirmed => "Deze inschrijving heeft geen plaats in de sessie (wachtlijst, afgemeld of nog niet goedgekeurd door de leidinggevende).".into(),
            A::NotOver => "De aanwezigheidslijst kan pas worden gesloten als de sessie voorbij is.".into(),
        },
        Language::En => match a {
            A::TooEarly => "Attendance can be recorded from one hour before the session starts.".into(),
            A::SessionCancelled => "This session has been cancelled.".into(),
            A::UnknownCode => "This check-in code is unknown.".into(),
            A::OtherSession { title, starts_at, .. } => {
                let at = starts_at.with_timezone(&chrono_tz::Europe::Amsterdam);
                format!(
                    "This check-in code belongs to another session: “{title}” on {}. This person is not on this list.",
                    at.format("%A %-d %B %Y at %H:%M")
                )
            }
            A::NotConfirmed => "This enrolment has no seat in the session (waiting list, cancelled, or not yet approved by the manager).".into(),
            A::NotOver => "The attendance list can be closed once the session has ended.".into(),
        },
    }
}

fn approval(a: P) -> (&'static str, &'static str) {
    use leerweek_domain::ApprovalState as St;
    match a {
        P::NotPending(Some(St::Approved)) => {
            ("Deze inschrijving is al goedgekeurd.", "This enrolment has been approved already.")
        }
        P::NotPending(Some(St::Declined)) => {
            ("Deze inschrijving is al afgewezen.", "This enrolment has been declined already.")
        }
        P::NotPending(Some(St::Lapsed)) => {
            ("Er is niet op tijd beslist: de plek is vrijgegeven.", "No decision came in time: the seat was released.")
        }
        P::NotPending(Some(St::Withdrawn)) => {
            ("De medewerker heeft zich zelf al afgemeld.", "The employee cancelled the enrolment themselves.")
        }
        P::NotPending(Some(St::Pending) | None) => {
            ("Deze inschrijving wacht niet op goedkeuring.", "This enrolment does not wait for approval.")
        }
        P::TooLate => (
            "De tijd om te beslissen is voorbij: de plek wordt vrijgegeven.",
            "The time to decide has passed: the seat is being released.",
        ),
    }
}

fn feedback(f: F) -> (&'static str, &'static str) {
    match f {
        F::NotAttended => (
            "Feedback geven kan nadat je de sessie hebt bijgewoond.",
            "Feedback can be given after attending the session.",
        ),
        F::AlreadyGiven => (
            "Je hebt al feedback gegeven op deze sessie. Dank je wel!",
            "Feedback on this session has been given already.",
        ),
        F::UnknownLink => ("Deze feedbacklink is niet geldig.", "This feedback link is not valid."),
    }
}

/// The slug of a refused single sign-on: the problem `type`, and the sign-in page's `fout`.
pub(crate) fn sign_in_slug(r: R) -> &'static str {
    match r {
        R::NoEmail => "sso-no-email",
        R::EmailNotVerified => "sso-email-not-verified",
        R::DomainNotAllowed => "sso-domain-not-allowed",
        R::OtherOrganisation => "sso-other-organisation",
        R::SubjectConflict => "sso-account-conflict",
        R::Unknown => "sso-unknown-person",
        R::Left => "sso-person-left",
    }
}

/// Why a single sign-on was refused, in Dutch: the problem's detail and the sign-in page's text.
pub(crate) fn sign_in_nl(r: R) -> &'static str {
    match r {
        R::NoEmail => "De aanmeldservice van je organisatie gaf geen e-mailadres door.",
        R::EmailNotVerified => "De aanmeldservice van je organisatie heeft dit e-mailadres niet bevestigd.",
        R::DomainNotAllowed => "Met de aanmeldservice van deze organisatie kun je niet met dit e-mailadres inloggen.",
        R::OtherOrganisation => "Je hoort bij een andere organisatie: meld je aan via die organisatie.",
        R::SubjectConflict => "Dit e-mailadres is al gekoppeld aan een ander account van de aanmeldservice.",
        R::Unknown => "Leerweek kent niemand met dit e-mailadres. Vraag je organisator je toe te voegen.",
        R::Left => {
            "Je staat bij je organisatie niet meer als medewerker geregistreerd. Vraag je organisator als dat niet klopt."
        }
    }
}

/// Why a single sign-on was refused, in English, as the problem's detail (the sign-in page has
/// sentences of its own).
fn sign_in_en(r: R) -> &'static str {
    match r {
        R::NoEmail => "the sign-in service did not give an e-mail address",
        R::EmailNotVerified => "the sign-in service has not verified this e-mail address",
        R::DomainNotAllowed => "this organisation's sign-in service may not sign in this e-mail address",
        R::OtherOrganisation => "this person belongs to another organisation",
        R::SubjectConflict => "this person is linked to another account of the sign-in service",
        R::Unknown => "nobody with this e-mail address is known to Leerweek",
        R::Left => "this person no longer works at the organisation",
    }
}
