//! Feedback after an attended session: by the mail's link (no sign-in: the token is the key; a
//! plain HTML form at `/feedback` and the JSON API) or signed in for one's own enrolment; and
//! what a workshop's organisers read (averages, distribution, comments without names).

use super::{at, now};
use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::page::escape;
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use leerweek_domain::Language;
use leerweek_domain::feedback::{Comment, FeedbackError, Rating};
use leerweek_store::feedback::Feedback;
use leerweek_store::{StoreError, feedback};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The token of a feedback link.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// From the mail's link.
    pub token: String,
}

/// What a feedback link is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackLinkDto {
    /// The workshop's title.
    pub title: String,
    /// The session's start.
    pub starts_at: DateTime<Utc>,
    /// Its end.
    pub ends_at: DateTime<Utc>,
    /// Feedback was given already (once per enrolment).
    pub given: bool,
}

/// What a feedback link is about (public: the token is the key).
#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback", params(TokenQuery), security(()),
    responses((status = 200, body = FeedbackLinkDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn link(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<TokenQuery>,
) -> Result<Json<FeedbackLinkDto>, ApiError> {
    let i = feedback::link_info(&s.store, &q.token).await?;
    Ok(Json(FeedbackLinkDto {
        title: i.title,
        starts_at: i.session.starts_at,
        ends_at: i.session.ends_at,
        given: i.given,
    }))
}

/// Feedback given.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDto {
    /// Id.
    pub id: Uuid,
    /// 1–5.
    pub rating: i32,
    /// The comment, if any.
    pub comment: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<Feedback> for FeedbackDto {
    fn from(f: Feedback) -> Self {
        Self { id: f.id, rating: f.rating, comment: f.comment, created_at: f.created_at }
    }
}

/// Feedback with the link's token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenFeedbackInput {
    /// From the mail's link.
    pub token: String,
    /// 1 (poor) to 5 (excellent).
    pub rating: i64,
    /// Optional, up to 2,000 characters.
    pub comment: Option<String>,
}

fn parse(rating: i64, comment: Option<&str>) -> Result<(Rating, Option<Comment>), ApiError> {
    Ok((at("rating", Rating::parse(rating))?, at("comment", Comment::parse(comment.unwrap_or("")))?))
}

/// Give feedback with the mail's link (public: the token is the key). Once per enrolment.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "feedback", request_body = TokenFeedbackInput, security(()),
    responses((status = 201, body = FeedbackDto), (status = 409, body = Problem, content_type = "application/problem+json", description = "Given already"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn give_by_token(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<TokenFeedbackInput>,
) -> Result<(StatusCode, Json<FeedbackDto>), ApiError> {
    let (rating, comment) = parse(b.rating, b.comment.as_deref())?;
    let f = feedback::give_by_token(&s.store, &b.token, rating, comment, now()).await?;
    Ok((StatusCode::CREATED, Json(f.into())))
}

/// Feedback on one's own enrolment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// 1 (poor) to 5 (excellent).
    pub rating: i64,
    /// Optional, up to 2,000 characters.
    pub comment: Option<String>,
}

/// Give feedback on one's own attended session (signed in). Once per enrolment.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/feedback", tag = "feedback", request_body = FeedbackInput,
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 201, body = FeedbackDto), (status = 409, body = Problem, content_type = "application/problem+json", description = "Given already, or not attended"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn give(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<FeedbackInput>,
) -> Result<(StatusCode, Json<FeedbackDto>), ApiError> {
    let (rating, comment) = parse(b.rating, b.comment.as_deref())?;
    let f = feedback::give(&s.store, &actor, id, rating, comment, now()).await?;
    Ok((StatusCode::CREATED, Json(f.into())))
}

/// A comment, without its author.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentDto {
    /// The session it is about.
    pub session_id: Uuid,
    /// The rating given with it.
    pub rating: i32,
    /// The comment.
    pub comment: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Feedback on a workshop.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopFeedbackDto {
    /// Answers.
    pub count: u64,
    /// Mean rating (1–5), none without answers.
    pub average: Option<f64>,
    /// How many rated 1, 2, 3, 4 and 5.
    pub distribution: Vec<u64>,
    /// Comments, newest first, never with names.
    pub comments: Vec<CommentDto>,
}

/// Feedback on a workshop (organisers of its host, admins): average, distribution, comments
/// without names.
#[utoipa::path(get, path = "/api/v1/workshops/{id}/feedback", tag = "feedback",
    params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = WorkshopFeedbackDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn of_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<WorkshopFeedbackDto>, ApiError> {
    let f = feedback::of_workshop(&s.store, &actor, id).await?;
    Ok(Json(WorkshopFeedbackDto {
        count: f.count,
        average: f.average.map(|a| (a * 100.0).round() / 100.0),
        distribution: f.distribution.to_vec(),
        comments: f
            .comments
            .into_iter()
            .map(|(session_id, rating, comment, created_at)| CommentDto { session_id, rating, comment, created_at })
            .collect(),
    }))
}

// --- The page the mail's link opens (works without JavaScript) ------------------------------

fn page(status: StatusCode, body: &str) -> Response {
    crate::page::page(status, "Feedback — Leerweek", "Feedback", body)
}

fn problem_page(e: &ApiError) -> Response {
    let (nl, en) = (e.render(Language::Nl), e.render(Language::En));
    let status = StatusCode::from_u16(nl.status).unwrap_or(StatusCode::BAD_REQUEST);
    page(
        status,
        &format!(
            r#"<div role="alert" style="border-left:4px solid #b00020;padding:0.5rem 1rem;background:#fdecee"><p>{}</p><p lang="en">{}</p></div>"#,
            escape(&nl.detail),
            escape(&en.detail)
        ),
    )
}

/// The feedback form of the mail's link.
pub async fn form_page(
    State(s): State<AppState>,
    q: Result<axum::extract::Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(axum::extract::Query(q)) = q else {
        return problem_page(&StoreError::Feedback(FeedbackError::UnknownLink).into());
    };
    let i = match feedback::link_info(&s.store, &q.token).await {
        Ok(i) => i,
        Err(e) => return problem_page(&e.into()),
    };
    if i.given {
        return problem_page(&StoreError::Feedback(FeedbackError::AlreadyGiven).into());
    }
    let local = i.session.starts_at.with_timezone(&chrono_tz::Europe::Amsterdam);
    let when = format!("{} om {}", leerweek_domain::dates::dutch_day(local.date_naive()), local.format("%H:%M"));
    let labels = ["1 — slecht", "2 — matig", "3 — redelijk", "4 — goed", "5 — uitstekend"];
    let radios: String = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                r#"<div><input type="radio" id="r{n}" name="rating" value="{n}" required><label for="r{n}" style="margin-left:0.4rem">{l}</label></div>"#,
                n = i + 1
            )
        })
        .collect();
    page(
        StatusCode::OK,
        &format!(
            r#"<p>Hoe was <strong>{title}</strong> ({when})?</p><p lang="en">How was this session? Rate it from 1 (poor) to 5 (excellent).</p>
<form method="post" action="/feedback">
<input type="hidden" name="token" value="{token}">
<fieldset style="border:1px solid #767676;border-radius:4px;padding:0.75rem 1rem;margin:1rem 0"><legend>Je beoordeling</legend>{radios}</fieldset>
<p><label for="comment">Toelichting (niet verplicht; wordt zonder je naam gedeeld met de organisatoren)</label><br>
<textarea id="comment" name="comment" rows="5" maxlength="2000" style="width:100%;font:inherit"></textarea></p>
<button type="submit" style="font-size:1.1rem;padding:0.6rem 1.2rem;background:#00466e;color:#fff;border:0;border-radius:4px">Versturen</button>
</form>"#,
            title = escape(&i.title),
            token = escape(&q.token),
        ),
    )
}

/// The form's fields.
#[derive(Debug, Deserialize)]
pub struct FeedbackForm {
    /// From the link.
    pub token: String,
    /// 1–5.
    pub rating: Option<String>,
    /// Optional.
    pub comment: Option<String>,
}

/// The form, posted.
pub async fn form_post(
    State(s): State<AppState>,
    form: Result<axum::Form<FeedbackForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(axum::Form(f)) = form else {
        return problem_page(&ApiError::InvalidJson { field: "rating".into(), detail: "missing".into() });
    };
    let rating = f.rating.as_deref().and_then(|r| r.trim().parse::<i64>().ok()).unwrap_or(0);
    let given = match parse(rating, f.comment.as_deref()) {
        Ok((rating, comment)) => {
            feedback::give_by_token(&s.store, &f.token, rating, comment, now()).await.map_err(ApiError::from)
        }
        Err(e) => Err(e),
    };
    match given {
        Ok(_) => page(
            StatusCode::OK,
            r#"<p role="status">Dank je wel voor je feedback! De organisatoren gebruiken die om de volgende week nog beter te maken.</p><p lang="en">Thank you for your feedback.</p>"#,
        ),
        Err(e) => problem_page(&e),
    }
}
