//! A manager's consent from the consent mail (`/instemmen?t=…`): the link names the selection,
//! the decision and the manager it was mailed to; its page shows who was chosen for which klus,
//! and its button decides as that manager (who must still be the one who consents).

use super::{ALERT, LinkToken, invalid_page, link_page, tr};
use crate::AppState;
use crate::page::escape;
use crate::problem::ApiError;
use crate::routes::now;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leerweek_domain::approval::DeclineReason;
use leerweek_domain::{ConsentState, Language};
use leerweek_mailer::render::moment;
use leerweek_store::assignments::consent::{self, SelectionView};
use leerweek_store::links::{self, LinkAction, LinkError, SignedLink};
use uuid::Uuid;

fn heading(lang: Language) -> String {
    tr(lang, "Instemmen met een klus", "Consent to an assignment")
}

fn problem_page(lang: Language, e: &ApiError) -> Response {
    super::problem_page(lang, &heading(lang), e)
}

/// "**Eva de Vries** voor de klus **Projectondersteuning Omgevingswet** (Gemeente Enkhuizen, 8 uur per week)".
fn words(v: &SelectionView, lang: Language) -> String {
    let who = v.person.as_ref().map(|p| escape(&p.1)).unwrap_or_default();
    let hours = v.hours_per_week;
    match lang {
        Language::Nl => format!(
            "<strong>{who}</strong> voor de klus <strong>{}</strong> ({}, {hours} uur per week)",
            escape(&v.title),
            escape(&v.organisation_name)
        ),
        Language::En => format!(
            "<strong>{who}</strong> for the assignment <strong>{}</strong> ({}, {hours} hours a week)",
            escape(&v.title),
            escape(&v.organisation_name)
        ),
    }
}

/// A checked consent link with what its page shows; or the page to answer instead.
async fn checked(s: &AppState, token: &str) -> Result<(SignedLink, Uuid, SelectionView), Response> {
    let signer = links::signer(&s.store).await.map_err(|e| problem_page(Language::Nl, &e.into()))?;
    let (link, expired) = match signer.check(token, now()) {
        Ok(link) => (link, false),
        Err(LinkError::Expired(link)) => (link, true),
        Err(LinkError::Invalid) => return Err(invalid_page()),
    };
    let (LinkAction::ConsentApprove | LinkAction::ConsentDecline, Some(by)) = (link.action, link.by) else {
        return Err(invalid_page());
    };
    let view =
        consent::view_for_link(&s.store, link.subject, by).await.map_err(|e| problem_page(Language::Nl, &e.into()))?;
    let lang = view.language;
    let state = view.selection.state;
    if state != ConsentState::Pending {
        let said = match state {
            ConsentState::Approved => tr(lang, "Je hebt al ingestemd", "You consented already"),
            ConsentState::Declined => tr(lang, "Je hebt al niet ingestemd", "You declined already"),
            ConsentState::Lapsed => tr(lang, "Er is niet op tijd beslist", "Nobody decided in time"),
            ConsentState::Withdrawn | ConsentState::Pending => {
                tr(lang, "Niet meer nodig: de reactie is ingetrokken", "No longer needed: the response was withdrawn")
            }
        };
        return Err(link_page(
            lang,
            StatusCode::OK,
            &heading(lang),
            &format!(
                r#"<p role="status">{said}: {}.</p><p><a href="/goedkeuren">{}</a></p>"#,
                words(&view, lang),
                tr(lang, "Naar alles wat op jou wacht", "To everything waiting for you"),
            ),
        ));
    }
    if expired {
        let until = escape(&moment(link.expires_at, leerweek_store::assignments::ZONE));
        return Err(link_page(
            lang,
            StatusCode::GONE,
            &heading(lang),
            &format!(
                r#"<div role="alert" style="{ALERT}"><p>{}</p></div>"#,
                tr(
                    lang,
                    &format!("Instemmen kon tot {until}; de plaatser hoort dat er niet op tijd is beslist."),
                    &format!("Consenting was possible until {until}; the poster is told nobody decided in time."),
                ),
            ),
        ));
    }
    Ok((link, by, view))
}

/// What a consent link would do, with the button that does it.
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
    let until = escape(&moment(view.selection.due_at, leerweek_store::assignments::ZONE));
    let asks = tr(
        lang,
        &format!("Gekozen: {}. Stem je in? Beslis vóór {until}.", words(&view, lang)),
        &format!("Chosen: {}. Do you consent? Please decide before {until}.", words(&view, lang)),
    );
    let other = match links::signer(&s.store).await {
        Ok(signer) => {
            let action = if link.action == LinkAction::ConsentApprove {
                LinkAction::ConsentDecline
            } else {
                LinkAction::ConsentApprove
            };
            signer.sign_for(action, link.subject, by, link.expires_at)
        }
        Err(e) => return problem_page(lang, &e.into()),
    };
    let words = super::DecisionWords {
        path: "/instemmen",
        yes: tr(lang, "Instemmen", "Consent"),
        no: tr(lang, "Niet instemmen", "Decline"),
        rather_no: tr(lang, "Liever niet instemmen?", "Decline instead?"),
        rather_yes: tr(lang, "Toch instemmen?", "Consent instead?"),
        reason: tr(
            lang,
            "Reden (niet verplicht; de medewerker en de plaatser lezen hem)",
            "Reason (optional; the employee and the poster read it)",
        ),
    };
    let form = super::decision_form(&words, &q.t, link.action == LinkAction::ConsentApprove, &other);
    link_page(lang, StatusCode::OK, &heading(lang), &format!("<p>{asks}</p>\n{form}"))
}

/// The consent page's button: decides as the manager the link was mailed to.
pub async fn post(
    State(s): State<AppState>,
    headers: HeaderMap,
    form: Result<axum::Form<LinkToken>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(axum::Form(f)) = form else { return invalid_page() };
    if crate::routes::auth::from_another_site(&headers, &s.public_url) {
        tracing::warn!("a consent form posted from another site was refused");
        return problem_page(Language::Nl, &ApiError::CrossSite);
    }
    let (link, by, view) = match checked(&s, &f.t).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let lang = view.language;
    let approve = link.action == LinkAction::ConsentApprove;
    let reason = if approve {
        None
    } else {
        match DeclineReason::parse(f.reason.as_deref()) {
            Ok(r) => r,
            Err(e) => return problem_page(lang, &e.into()),
        }
    };
    match consent::decide_by_link(&s.store, link.subject, by, approve, reason, now()).await {
        Ok(after) => {
            tracing::info!(selection = %link.subject, approve, "consent decided through a consent mail's link");
            let said = match (approve, lang) {
                (true, Language::Nl) => {
                    format!("Ingestemd: {}. We laten het de medewerker en de plaatser weten.", words(&after, lang))
                }
                (true, Language::En) => {
                    format!("Consented: {}. We let the employee and the poster know.", words(&after, lang))
                }
                (false, Language::Nl) => {
                    format!("Niet ingestemd: {}. We laten het de medewerker en de plaatser weten.", words(&after, lang))
                }
                (false, Language::En) => {
                    format!("Declined: {}. We let the employee and the poster know.", words(&after, lang))
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
