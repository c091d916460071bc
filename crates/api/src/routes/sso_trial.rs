//! An admin tests an organisation's provider before (or after) switching it on: the same
//! flow as signing in, from the admin's own browser, but the callback signs nobody in. It keeps
//! what the provider said and what Leerweek would have done, and goes back to the organisation's
//! sign-in page in the console, which shows it.

use super::now;
use super::sso::{clear_binding, failure_message, redirect_uri, remember};
use crate::AppState;
use crate::extract::{Auth, Id};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_domain::sso::SignIn;
use leerweek_store::sso::{self, PendingLogin, SsoProvider, TestClaims, TestResult};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// What the provider said about the test account.
#[derive(Debug, Serialize, ToSchema)]
pub struct SsoTestClaimsDto {
    /// `sub`: the account's stable identifier at the provider.
    pub subject: String,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`.
    pub email_verified: Option<bool>,
    /// `name`.
    pub name: Option<String>,
}

/// The last test sign-in of a provider (kept until its connection settings change).
#[derive(Debug, Serialize, ToSchema)]
pub struct SsoTestDto {
    /// When it ran.
    pub at: DateTime<Utc>,
    /// `would-sign-in`, `would-link`, `would-create`, or the sign-in page's failure slug
    /// (`sso-provider-unavailable`, `sso-domain-not-allowed`, …).
    pub outcome: String,
    /// Whether a real sign-in with this account would have succeeded.
    pub ok: bool,
    /// What it means, in Dutch.
    pub message_nl: String,
    /// What it means, in English.
    pub message_en: String,
    /// What the provider said, when the flow got that far (never the client secret).
    pub claims: Option<SsoTestClaimsDto>,
}

impl From<TestResult> for SsoTestDto {
    fn from(t: TestResult) -> Self {
        let (nl, en) = outcome_message(&t.outcome);
        SsoTestDto {
            at: t.at,
            ok: t.ok,
            message_nl: nl.to_owned(),
            message_en: en.to_owned(),
            outcome: t.outcome,
            claims: t.claims.map(|c| SsoTestClaimsDto {
                subject: c.subject,
                email: c.email,
                email_verified: c.email_verified,
                name: c.name,
            }),
        }
    }
}

/// A test's outcome in words: (Dutch, English).
fn outcome_message(outcome: &str) -> (&'static str, &'static str) {
    match outcome {
        "would-sign-in" => (
            "Gelukt. Dit account is al gekoppeld aan een persoon in Leerweek; die zou nu zijn aangemeld.",
            "It works. This account is already linked to a person in Leerweek, who would now be signed in.",
        ),
        "would-link" => (
            "Gelukt. Het e-mailadres hoort bij een persoon in Leerweek; bij de eerste echte aanmelding wordt het account aan die persoon gekoppeld.",
            "It works. The e-mail address belongs to a person in Leerweek; their first real sign-in links the account to them.",
        ),
        "would-create" => (
            "Gelukt. Leerweek kent dit e-mailadres nog niet; bij de eerste echte aanmelding wordt de persoon aangemaakt in deze organisatie.",
            "It works. Leerweek does not know this address yet; the first real sign-in creates the person in this organisation.",
        ),
        slug => failure_message(slug).unwrap_or((
            "De test is mislukt om een onbekende reden; zie het serverlog.",
            "The test failed for an unknown reason; see the server log.",
        )),
    }
}

/// A test sign-in, started.
#[derive(Debug, Serialize, ToSchema)]
pub struct SsoTestStarted {
    /// Send the browser here to sign in at the provider with a test account; `null` when the
    /// provider could not even be asked (then `last_test` says why).
    pub authorization_url: Option<String>,
    /// The test's outcome when it ended before the provider was asked.
    pub last_test: Option<SsoTestDto>,
}

/// Start a test sign-in with an organisation's provider (admins; also while it is switched off).
/// Sets the browser binding cookie; send the browser to `authorization_url`. Afterwards the
/// provider's `last_test` tells what happened. Nobody is signed in by a test.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/sso/test", tag = "admin",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, body = SsoTestStarted),
        (status = "4XX", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn start_test(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(org): Id,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Admins only, like reading the provider; others learn nothing about it.
    let provider = sso::get_provider(&s.store, &actor, org).await?;
    let started = match s.sso.start(&provider, &redirect_uri(&s)).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(organisation_id = %org, issuer = %provider.issuer, error = %e, "test sign-in could not start");
            let result = TestResult { at: now(), outcome: e.slug().to_owned(), ok: false, claims: None };
            sso::record_test(&s.store, actor.person_id, org, &result, now()).await?;
            let body = SsoTestStarted { authorization_url: None, last_test: Some(result.into()) };
            return Ok(Json(body).into_response());
        }
    };
    let url = started.url.clone();
    let binding = remember(&s, &headers, org, started, back(org), Some(actor.person_id)).await?;
    tracing::info!(organisation_id = %org, person_id = %actor.person_id, "test sign-in started");
    let mut res = Json(SsoTestStarted { authorization_url: Some(url), last_test: None }).into_response();
    if let Some(v) = binding {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The console page a test returns to.
fn back(org: Uuid) -> String {
    format!("/beheer/organisaties/{org}/inloggen?getest=1")
}

/// How a test's callback went before Leerweek's rules: the provider's verified answer, or the
/// failure slug of the step that failed.
pub(super) type Answer = Result<leerweek_domain::sso::Asserted, &'static str>;

/// The callback of a test: keep the outcome and go back to the console. Signs nobody in.
pub(super) async fn finish_test(
    s: &AppState,
    login: &PendingLogin,
    tester: Uuid,
    provider: Option<&SsoProvider>,
    answer: Answer,
) -> Response {
    let org = login.organisation_id;
    let result = match answer {
        Err(slug) => TestResult { at: now(), outcome: slug.to_owned(), ok: false, claims: None },
        Ok(asserted) => {
            let claims = Some(TestClaims::of(&asserted));
            let outcome = match provider {
                Some(p) => match sso::preview(&s.store, p, &asserted).await {
                    Ok(Ok(SignIn::Linked(_))) => Ok("would-sign-in"),
                    Ok(Ok(SignIn::Link(_))) => Ok("would-link"),
                    Ok(Ok(SignIn::Create { .. })) => Ok("would-create"),
                    Ok(Err(r)) => Err(crate::problem::sign_in_slug(r)),
                    Err(e) => {
                        tracing::error!(error = %e, "test sign-in: could not preview the decision");
                        Err("internal")
                    }
                },
                None => Err("sso-not-configured"),
            };
            let (outcome, ok) = match outcome {
                Ok(o) => (o, true),
                Err(o) => (o, false),
            };
            TestResult { at: now(), outcome: outcome.to_owned(), ok, claims }
        }
    };
    tracing::info!(organisation_id = %org, outcome = %result.outcome, "test sign-in finished");
    if let Err(e) = sso::record_test(&s.store, tester, org, &result, now()).await {
        tracing::warn!(organisation_id = %org, error = %e, "test sign-in: could not keep the outcome");
    }
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, login.return_to.clone())]).into_response();
    res.headers_mut().append(header::SET_COOKIE, clear_binding());
    res
}

/// The provider under test, switched on or not.
pub(super) async fn provider(s: &AppState, org: Uuid) -> Option<SsoProvider> {
    match sso::provider_for_test(&s.store, org).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(organisation_id = %org, error = %e, "test sign-in: provider not readable");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_a_test_keeps_has_words() {
        for o in ["would-sign-in", "would-link", "would-create", "sso-provider-unavailable", "sso-person-left"] {
            let (nl, en) = outcome_message(o);
            assert!(!nl.contains("onbekende reden") && !en.is_empty(), "{o}");
        }
        assert!(outcome_message("<script>").0.contains("onbekende reden"));
    }
}
