//! The words of the Klussenbank's refusals: `type` slug and detail in Dutch and English.

use leerweek_domain::assignment::AssignmentError as K;
use leerweek_domain::{AssignmentState, ConsentState, Language, ResponseState};

/// The problem `type`'s last segment.
pub(super) fn slug(e: &K) -> &'static str {
    match e {
        K::NotOpen => "assignment-not-open",
        K::PastClosingDate => "assignment-closing-date-passed",
        K::AlreadyResponded => "assignment-already-responded",
        K::OwnAssignment => "assignment-own",
        K::NotWithdrawable => "assignment-response-not-withdrawable",
        K::ResponseState(_) => "assignment-response-state",
        K::NotChoosing => "assignment-not-choosing",
        K::NoPlaceLeft => "assignment-no-place-left",
        K::ConsentNotPending(_) => "consent-not-pending",
        K::ConsentTooLate => "consent-too-late",
        K::NoParticipants => "assignment-no-participants",
        K::NotDone => "assignment-not-done",
        K::Transition { .. } => "assignment-invalid-transition",
        K::ClosingDateInPast => "assignment-closing-date-in-past",
    }
}

/// The request field at fault.
pub(super) fn field(e: &K) -> Option<&'static str> {
    match e {
        K::Transition { .. } | K::NoParticipants => Some("state"),
        K::ClosingDateInPast => Some("closes_on"),
        _ => None,
    }
}

fn state_nl(s: AssignmentState) -> &'static str {
    match s {
        AssignmentState::Draft => "concept",
        AssignmentState::Open => "open",
        AssignmentState::Closed => "gesloten",
        AssignmentState::Filled => "vervuld",
        AssignmentState::Done => "afgerond",
    }
}

fn response_nl(s: ResponseState) -> &'static str {
    match s {
        ResponseState::Submitted => "ingediend",
        ResponseState::Invited => "uitgenodigd",
        ResponseState::Selected => "gekozen",
        ResponseState::Declined => "afgewezen",
        ResponseState::Withdrawn => "ingetrokken",
    }
}

fn consent_nl(s: ConsentState) -> &'static str {
    match s {
        ConsentState::Pending => "wacht op instemming",
        ConsentState::Approved => "ingestemd",
        ConsentState::Declined => "niet ingestemd",
        ConsentState::Lapsed => "vervallen",
        ConsentState::Withdrawn => "ingetrokken",
    }
}

/// What happened, in `lang`.
pub(super) fn detail(e: &K, lang: Language) -> String {
    let (nl, en): (String, String) = match e {
        K::NotOpen => {
            ("Deze klus staat niet open voor reacties.".into(), "This assignment is not open for responses.".into())
        }
        K::PastClosingDate => (
            "De sluitingsdatum van deze klus is voorbij.".into(),
            "The closing date of this assignment has passed.".into(),
        ),
        K::AlreadyResponded => {
            ("Je hebt al op deze klus gereageerd.".into(), "You have responded to this assignment already.".into())
        }
        K::OwnAssignment => (
            "Op een klus die je zelf plaatst of waarvan je contactpersoon bent, reageer je niet.".into(),
            "You do not respond to an assignment you posted or are the contact for.".into(),
        ),
        K::NotWithdrawable => (
            "Deze reactie kan niet meer worden ingetrokken.".into(),
            "This response can no longer be withdrawn.".into(),
        ),
        K::ResponseState(s) => (
            format!("Dat kan niet met een reactie die {} is.", response_nl(*s)),
            format!("That is not possible with a response that is {s}."),
        ),
        K::NotChoosing => (
            "Kiezen kan terwijl de klus open of gesloten is.".into(),
            "Choosing is possible while the assignment is open or closed.".into(),
        ),
        K::NoPlaceLeft => (
            "Alle plaatsen zijn bezet of wachten op instemming.".into(),
            "Every place is taken or waiting for consent.".into(),
        ),
        K::ConsentNotPending(s) => (
            format!("Over deze keuze is al beslist ({}).", consent_nl(*s)),
            format!("This selection has been decided already ({s})."),
        ),
        K::ConsentTooLate => (
            "De vijf werkdagen om in te stemmen zijn voorbij.".into(),
            "The five working days to consent have passed.".into(),
        ),
        K::NoParticipants => (
            "Een klus is afgerond als er iemand aan heeft meegedaan.".into(),
            "An assignment is done when someone took part.".into(),
        ),
        K::NotDone => (
            "Een reflectie op een klus schrijf je als de klus is afgerond.".into(),
            "A reflection on an assignment is written once it is done.".into(),
        ),
        K::Transition { from, to } => (
            format!("Een klus gaat niet van {} naar {}.", state_nl(*from), state_nl(*to)),
            format!("An assignment does not go from {from} to {to}."),
        ),
        K::ClosingDateInPast => (
            "De sluitingsdatum ligt in het verleden; kies een datum vanaf vandaag.".into(),
            "The closing date lies in the past; choose a date from today.".into(),
        ),
    };
    match lang {
        Language::Nl => nl,
        Language::En => en,
    }
}
