//! A manager's approve or decline from the approval mail (`/beslissen?t=…`): the link names
//! the enrolment, the decision and the manager it was mailed to; its page shows who asked for
//! which session, and its button decides as that manager (who must still be the one who decides).

use super::{ALERT, LinkToken, invalid_page, link_page, session_words, tr};
use crate::AppState;
use crate::page::escape;
use crate::problem::ApiError;
use crate::routes::now;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leerweek_domain::approval::DeclineReason;
use leerweek_domain::{ApprovalState, Language};
use leerweek_mailer::render::moment;
use leerweek_store::enrolments::approval::Verdict;
use leerweek_store::enrolments::{self, DecisionView};
use leerweek_store::links::{self, LinkAction, LinkError, SignedLink};
use uuid::Uuid;

fn heading(lang: Language) -> String {
    tr(lang, "Goedkeuren", "Approval")
}

fn problem_page(lang: Language, e: &ApiError) -> Response {
    super::problem_page(lang, &heading(lang), e)
}

/// A checked decision link with what its page shows; or the page to answer instead.
async fn checked(s: &AppState, token: &str) -> Result<(SignedLink, Uuid, DecisionView), Response> {
    let signer = links::signer(&s.store).await.map_err(|e| problem_page(Language::Nl, &e.into()))?;
    let (link, expired) = match signer.check(token, now()) {
        Ok(link) => (link, false),
        Err(LinkError::Expired(link)) => (link, true),
        Err(LinkError::Invalid) => return Err(invalid_page()),
    };
    let (LinkAction::Approve | LinkAction::Decline, Some(by)) = (link.action, link.by) else {
        return Err(invalid_page());
    };
    let view = enrolments::decision_view(&s.store, link.subject, by)
        .await
        .map_err(|e| problem_page(Language::Nl, &e.into()))?;
    let lang = view.language;
    let state = view.linked.enrolment.approval;
    if state != Some(ApprovalState::Pending) {
        let said = match state {
            Some(ApprovalState::Approved) => tr(lang, "is al goedgekeurd", "has been approved already"),
            Some(ApprovalState::Declined) => tr(lang, "is al afgewezen", "has been declined already"),
            Some(ApprovalState::Lapsed) => {
                tr(lang, "is vervallen: er is niet op tijd beslist", "lapsed: nobody decided in time")
            }
            Some(ApprovalState::Withdrawn) => {
                tr(lang, "is ingetrokken: de medewerker meldde zich af", "was withdrawn: the employee cancelled")
            }
            Some(ApprovalState::Pending) | None => tr(lang, "wacht niet op goedkeuring", "does not wait for approval"),
        };
        return Err(link_page(
            lang,
            StatusCode::OK,
            &heading(lang),
            &format!(
                r#"<p role="status">{} {} {said}.</p><p><a href="/goedkeuren">{}</a></p>"#,
                tr(lang, "De inschrijving van", "The enrolment of"),
                tr(
                    lang,
                    &format!("{} voor {}", escape(&view.person_name), session_words(&view.linked, lang)),
                    &format!("{} in {}", escape(&view.person_name), session_words(&view.linked, lang)),
                ),
                tr(lang, "Naar alles wat op jou wacht", "To everything waiting for you"),
            ),
        ));
    }
    if expired {
        let until = escape(&moment(link.expires_at, view.linked.time_zone));
        return Err(link_page(
            lang,
            StatusCode::GONE,
            &heading(lang),
            &format!(
                r#"<div role="alert" style="{ALERT}"><p>{}</p></div>"#,
                tr(
                    lang,
                    &format!("Beslissen kon tot {until}; de plek wordt vrijgegeven."),
                    &format!("Deciding was possible until {until}; the seat is being released."),
                ),
            ),
        ));
    }
    Ok((link, by, view))
}

/// What an approve or decline link would do, with the button that does it.
pub async fn page(
    State(s): State<AppState>,
    q: Result<axum::extract::Query<LinkToken>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(axum::extract::Query(q)) = q else { return invalid_page() };
    let (link, by, view) = match checked(&s, &q.t).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let lang = view.language;
    let until = view.linked.enrolment.approval_due_at.unwrap_or(link.expires_at);
    let asks = tr(
        lang,
        &format!(
            "<strong>{}</strong> heeft een plek in {} en vraagt je goedkeuring. Beslis vóór {}.",
            escape(&view.person_name),
            session_words(&view.linked, lang),
            escape(&moment(until, view.linked.time_zone))
        ),
        &format!(
            "<strong>{}</strong> has a seat in {} and asks for your approval. Please decide before {}.",
            escape(&view.person_name),
            session_words(&view.linked, lang),
            escape(&moment(until, view.linked.time_zone))
        ),
    );
    // The other decision is one click away: its link is signed here, for the same manager.
    let other = match links::signer(&s.store).await {
        Ok(signer) => {
            let action = if link.action == LinkAction::Approve { LinkAction::Decline } else { LinkAction::Approve };
            signer.sign_for(action, link.subject, by, link.expires_at)
        }
        Err(e) => return problem_page(lang, &e.into()),
    };
    let words = super::DecisionWords {
        path: "/beslissen",
        yes: tr(lang, "Goedkeuren", "Approve"),
        no: tr(lang, "Afwijzen", "Decline"),
        rather_no: tr(lang, "Liever afwijzen?", "Decline instead?"),
        rather_yes: tr(lang, "Toch goedkeuren?", "Approve instead?"),
        reason: tr(
            lang,
            "Reden (niet verplicht; de medewerker leest hem in de mail)",
            "Reason (optional; the employee reads it in the mail)",
        ),
    };
    let form = super::decision_form(&words, &q.t, link.action == LinkAction::Approve, &other);
    link_page(lang, StatusCode::OK, &heading(lang), &format!("<p>{asks}</p>\n{form}"))
}

/// The decision page's button: decides as the manager the link was mailed to.
pub async fn post(
    State(s): State<AppState>,
    headers: HeaderMap,
    form: Result<axum::Form<LinkToken>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(axum::Form(f)) = form else { return invalid_page() };
    if crate::routes::auth::from_another_site(&headers, &s.public_url) {
        tracing::warn!("a decision form posted from another site was refused");
        return problem_page(Language::Nl, &ApiError::CrossSite);
    }
    let (link, by, view) = match checked(&s, &f.t).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let lang = view.language;
    let verdict = match link.action {
        LinkAction::Approve => Verdict::Approve,
        _ => match DeclineReason::parse(f.reason.as_deref()) {
            Ok(reason) => Verdict::Decline(reason),
            Err(e) => return problem_page(lang, &e.into()),
        },
    };
    let approved = matches!(verdict, Verdict::Approve);
    match enrolments::decide_by_link(&s.store, link.subject, by, verdict, now()).await {
        Ok(after) => {
            tracing::info!(enrolment = %link.subject, approved, "decided through an approval mail's link");
            s.programme.invalidate();
            let who = escape(&view.person_name);
            let what = session_words(&after, lang);
            let said = match (approved, lang) {
                (true, Language::Nl) => {
                    format!("Goedgekeurd: {who} heeft de plek in {what}. We sturen de bevestiging.")
                }
                (true, Language::En) => format!("Approved: {who} has the seat in {what}. We send the confirmation."),
                (false, Language::Nl) => {
                    format!("Afgewezen: de plek van {who} in {what} is vrijgegeven. We laten het {who} weten.")
                }
                (false, Language::En) => {
                    format!("Declined: the seat of {who} in {what} was released. We let {who} know.")
                }
            };
            link_page(
                lang,
                StatusCode::OK,
                &heading(lang),
                &format!(
                    r#"<p role="status">{said}</p><p><a href="/goedkeuren">{}</a></p>"#,
                    tr(lang, "Naar alles wat op jou wacht", "To everything waiting for you")
                ),
            )
        }
        Err(e) => problem_page(lang, &e.into()),
    }
}
