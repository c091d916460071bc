//! The one-click cancel (`/afmelden?t=…`): what the link would do, and its button.

use super::{ALERT, BUTTON, LinkToken, invalid_page, link_page, session_words, tr};
use crate::AppState;
use crate::page::escape;
use crate::problem::ApiError;
use crate::routes::now;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leerweek_domain::{EnrolmentStatus, Language};
use leerweek_mailer::render::moment;
use leerweek_store::enrolments::{self, LinkedEnrolment};
use leerweek_store::links::{self, LinkAction, LinkError, SignedLink};

fn cancel_page(lang: Language, status: StatusCode, body: &str) -> Response {
    link_page(lang, status, &tr(lang, "Afmelden", "Cancel your place"), body)
}

fn problem_page(lang: Language, e: &ApiError) -> Response {
    super::problem_page(lang, &tr(lang, "Afmelden", "Cancel your place"), e)
}

/// The link of a cancel page, checked, with its enrolment; or the page to answer instead.
async fn checked(s: &AppState, token: &str) -> Result<(SignedLink, LinkedEnrolment), Response> {
    let signer = links::signer(&s.store).await.map_err(|e| problem_page(Language::Nl, &e.into()))?;
    let (link, expired) = match signer.check(token, now()) {
        Ok(link) => (link, false),
        Err(LinkError::Expired(link)) => (link, true),
        Err(LinkError::Invalid) => return Err(invalid_page()),
    };
    if link.action != LinkAction::Cancel {
        return Err(invalid_page());
    }
    let linked = match enrolments::linked(&s.store, link.subject).await {
        Ok(l) => l,
        Err(e) => return Err(problem_page(Language::Nl, &e.into())),
    };
    let lang = linked.language;
    if linked.enrolment.status == EnrolmentStatus::Cancelled {
        return Err(cancel_page(
            lang,
            StatusCode::OK,
            &format!(
                r#"<p role="status">{}</p><p><a href="/">{}</a></p>"#,
                tr(
                    lang,
                    &format!("Je bent al afgemeld voor {}.", session_words(&linked, lang)),
                    &format!("You have already cancelled your place in {}.", session_words(&linked, lang)),
                ),
                tr(lang, "Naar het programma", "To the programme"),
            ),
        ));
    }
    if expired {
        let until = escape(&moment(link.expires_at, linked.time_zone));
        return Err(cancel_page(
            lang,
            StatusCode::GONE,
            &format!(
                r#"<div role="alert" style="{ALERT}"><p>{}</p></div>"#,
                tr(
                    lang,
                    &format!(
                        "Afmelden voor {} kon via deze link tot {until}. Kun je toch niet komen? Laat het de organisator weten.",
                        session_words(&linked, lang)
                    ),
                    &format!(
                        "This link could cancel your place in {} until {until}. Can you not come after all? Let the organiser know.",
                        session_words(&linked, lang)
                    ),
                ),
            ),
        ));
    }
    Ok((link, linked))
}

/// What a cancel link would do, with the button that does it.
pub async fn page(
    State(s): State<AppState>,
    q: Result<axum::extract::Query<LinkToken>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(axum::extract::Query(q)) = q else { return invalid_page() };
    let (_, l) = match checked(&s, &q.t).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let lang = l.language;
    let (question, consequence) = if l.enrolment.status == EnrolmentStatus::Waitlisted {
        (
            tr(
                lang,
                &format!("Wil je van de wachtlijst af voor {}?", session_words(&l, lang)),
                &format!("Do you want to leave the waiting list of {}?", session_words(&l, lang)),
            ),
            tr(lang, "Je plaats op de wachtlijst vervalt.", "Your place on the waiting list goes."),
        )
    } else {
        (
            tr(
                lang,
                &format!("Wil je je afmelden voor {}?", session_words(&l, lang)),
                &format!("Do you want to cancel your place in {}?", session_words(&l, lang)),
            ),
            tr(
                lang,
                "Je plek gaat dan naar de volgende op de wachtlijst. Je krijgt een bevestiging per mail.",
                "Your seat then goes to the next person on the waiting list. You get a confirmation by mail.",
            ),
        )
    };
    cancel_page(
        lang,
        StatusCode::OK,
        &format!(
            r#"<p>{question}</p><p>{consequence}</p>
<form method="post" action="/afmelden">
<input type="hidden" name="t" value="{token}">
<button type="submit" style="{BUTTON}">{yes}</button>
</form>
<p><a href="/sessies/{session}">{no}</a></p>"#,
            token = escape(&q.t),
            yes = tr(lang, "Ja, meld mij af", "Yes, cancel my place"),
            no = tr(lang, "Nee, terug naar de sessie", "No, back to the session"),
            session = l.session_id,
        ),
    )
}

/// The cancel page's button: cancels as the person would in the app.
pub async fn post(
    State(s): State<AppState>,
    headers: HeaderMap,
    form: Result<axum::Form<LinkToken>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(axum::Form(f)) = form else { return invalid_page() };
    // The token is the key, so another site could only post one it already has; still, a
    // form that another site makes a browser post is never acted on.
    if crate::routes::auth::from_another_site(&headers, &s.public_url) {
        tracing::warn!("a cancel form posted from another site was refused");
        return problem_page(Language::Nl, &ApiError::CrossSite);
    }
    let (link, before) = match checked(&s, &f.t).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let lang = before.language;
    match enrolments::cancel_by_link(&s.store, link.subject, now()).await {
        Ok(after) => {
            tracing::info!(enrolment = %link.subject, "cancelled through a mail's link");
            let moved = before.enrolment.status == EnrolmentStatus::Confirmed;
            cancel_page(
                lang,
                StatusCode::OK,
                &format!(
                    r#"<p role="status">{}</p><p>{}</p><p><a href="/">{}</a></p>"#,
                    tr(
                        lang,
                        &format!("Je bent afgemeld voor {}.", session_words(&after, lang)),
                        &format!("Your place in {} is cancelled.", session_words(&after, lang)),
                    ),
                    match (moved, lang) {
                        (true, Language::Nl) =>
                            "Je plek gaat naar de volgende op de wachtlijst. Je krijgt een bevestiging per mail.",
                        (true, Language::En) =>
                            "Your seat goes to the next person on the waiting list. You get a confirmation by mail.",
                        (false, Language::Nl) => "Je krijgt een bevestiging per mail.",
                        (false, Language::En) => "You get a confirmation by mail.",
                    },
                    tr(lang, "Naar het programma", "To the programme"),
                ),
            )
        }
        Err(e) => problem_page(lang, &e.into()),
    }
}
