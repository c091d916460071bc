//! The pages that links in mails open, without signing in and without JavaScript: the
//! one-click cancel (`/afmelden?t=…`, [`cancel`]) and a manager's approve or decline
//! (`/beslissen?t=…`, [`decide`]), and a manager's consent to a klus (`/instemmen?t=…`, [`consent`]). A GET only shows what the link would do (mail scanners and
//! link previews open links too); the button on it posts the form that acts. The link's
//! signature is the key ([`leerweek_store::links`]); the pages speak their reader's language.

pub mod cancel;
pub mod consent;
pub mod decide;

use crate::page::{escape, page_in};
use crate::problem::ApiError;
use axum::http::StatusCode;
use axum::response::Response;
use leerweek_domain::Language;
use leerweek_mailer::render::when;
use leerweek_store::enrolments::LinkedEnrolment;
use serde::Deserialize;

/// The token of a link, in the address (`?t=`) or the posted form (`t=`), with a decline's
/// optional reason.
#[derive(Debug, Deserialize)]
pub struct LinkToken {
    /// The signed token.
    pub t: String,
    /// A manager's reason for declining (the decline page's form).
    pub reason: Option<String>,
}

pub(crate) const BUTTON: &str =
    "font-size:1.1rem;padding:0.6rem 1.2rem;background:#00466e;color:#fff;border:0;border-radius:4px;cursor:pointer";
pub(crate) const ALERT: &str = "border-left:4px solid #b00020;padding:0.5rem 1rem;background:#fdecee";

pub(crate) fn tr(lang: Language, nl: &str, en: &str) -> String {
    match lang {
        Language::Nl => nl.to_owned(),
        Language::En => en.to_owned(),
    }
}

/// A page of the links, titled `heading`.
pub(crate) fn link_page(lang: Language, status: StatusCode, heading: &str, body: &str) -> Response {
    page_in(lang, status, &format!("{heading} — Leerweek"), heading, body)
}

/// A link that does not work: in Dutch and English (whose link it was is not known).
pub(crate) fn invalid_page() -> Response {
    page_in(
        Language::Nl,
        StatusCode::BAD_REQUEST,
        "Deze link werkt niet — Leerweek",
        "Deze link werkt niet",
        &format!(
            r#"<div role="alert" style="{ALERT}"><p>Deze link is niet (helemaal) goed overgenomen uit de mail, of hoort niet bij Leerweek. Probeer hem opnieuw vanuit de mail, of open Leerweek en kijk bij <a href="/mijn-week">Mijn week</a> of <a href="/goedkeuren">Goedkeuren</a>.</p>
<p lang="en">This link is incomplete or not one of Leerweek's. Try it again from the mail, or open Leerweek and look in <a href="/mijn-week">My week</a> or <a href="/goedkeuren">Approvals</a>.</p></div>"#
        ),
    )
}

/// An error as a page, in `lang`, under `heading`.
pub(crate) fn problem_page(lang: Language, heading: &str, e: &ApiError) -> Response {
    let p = e.render(lang);
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
    link_page(
        lang,
        status,
        heading,
        &format!(r#"<div role="alert" style="{ALERT}"><p>{}</p></div>"#, escape(&p.detail)),
    )
}

/// The session a page is about, as a sentence part: "**title** (Monday 16 November, 09:00–11:00)".
pub(crate) fn session_words(l: &LinkedEnrolment, lang: Language) -> String {
    format!("<strong>{}</strong> ({})", escape(&l.title), escape(&when(l.starts_at, l.ends_at, l.time_zone, lang)))
}

/// The words of a decision page's form: where it posts, its buttons and the links to the other
/// decision, and the label of a decline's reason.
pub(crate) struct DecisionWords {
    /// The path the form posts to (`/beslissen`, `/instemmen`).
    pub path: &'static str,
    /// The yes button.
    pub yes: String,
    /// The no button.
    pub no: String,
    /// The link to decline instead, under the yes button.
    pub rather_no: String,
    /// The link to approve instead, under the no button.
    pub rather_yes: String,
    /// The label of the optional reason.
    pub reason: String,
}

/// The form that decides yes, or no with an optional reason (up to
/// [`leerweek_domain::approval::DeclineReason::MAX`] characters), for the link `token`; with a
/// link to the other decision (its own signed token, `other`).
pub(crate) fn decision_form(w: &DecisionWords, token: &str, yes: bool, other: &str) -> String {
    let token = escape(token);
    let path = w.path;
    if yes {
        format!(
            r#"<form method="post" action="{path}"><input type="hidden" name="t" value="{token}">
<button type="submit" style="{BUTTON}">{}</button></form>
<p><a href="{path}?t={other}">{}</a></p>"#,
            w.yes, w.rather_no,
        )
    } else {
        format!(
            r#"<form method="post" action="{path}"><input type="hidden" name="t" value="{token}">
<p><label for="reason">{}</label><br>
<textarea id="reason" name="reason" rows="4" maxlength="{max}" style="width:100%;font:inherit"></textarea></p>
<button type="submit" style="{BUTTON}">{}</button></form>
<p><a href="{path}?t={other}">{}</a></p>"#,
            w.reason,
            w.no,
            w.rather_yes,
            max = leerweek_domain::approval::DeclineReason::MAX,
        )
    }
}
