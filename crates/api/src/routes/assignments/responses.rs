//! Responding to a klus, and the poster's side: responses ranked by fit, suggestions of
//! findable people, and inviting, selecting or declining.

use super::dto::{AssignmentSummaryDto, NeedDto, ResponseDto, SelectionBriefDto, needs};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id, OptionalJson};
use crate::problem::{ApiError, Problem};
use crate::routes::now;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use leerweek_domain::assignment::Choice;
use leerweek_store::assignments::matching;
use leerweek_store::assignments::responses::{self, MyResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A response.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RespondDto {
    /// Why you respond, what you bring (1–2,000 characters).
    pub motivation: String,
    /// Skills of the klus you bring (besides those in your own list).
    #[serde(default)]
    pub skills: Vec<Uuid>,
}

/// One's own response.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyResponseDto {
    pub id: Uuid,
    /// The klus.
    pub assignment: AssignmentSummaryDto,
    pub motivation: String,
    /// `submitted`, `invited`, `selected`, `declined` or `withdrawn`.
    pub state: String,
    /// The poster's last message.
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The last selection and its consent.
    pub selection: Option<SelectionBriefDto>,
}

impl From<MyResponse> for MyResponseDto {
    fn from(r: MyResponse) -> Self {
        let a = r.assignment;
        Self {
            id: r.id,
            assignment: AssignmentSummaryDto {
                id: a.id,
                title: a.title,
                organisation_id: a.organisation_id,
                organisation_name: r.organisation_name,
                unit_name: None,
                hours_per_week: a.hours_per_week as u8,
                starts_on: a.starts_on,
                ends_on: a.ends_on,
                place: a.place,
                closes_on: a.closes_on,
                state: a.state,
                skills: vec![],
                places: a.places as u32,
                taken: 0,
                pending: 0,
                fit: None,
                responded: r.state.as_str() != "withdrawn",
            },
            motivation: r.motivation,
            state: r.state.as_str().into(),
            message: r.message,
            created_at: r.created_at,
            selection: r.selection.map(Into::into),
        }
    }
}

/// Respond to an open klus your organisation may respond to (once; a withdrawn response may be
/// sent again). The poster and the contact person get a mail.
#[utoipa::path(operation_id = "respond_to_assignment", post, path = "/api/v1/assignments/{id}/responses", tag = "assignments", request_body = RespondDto,
    params(("id" = Uuid, Path, description = "Klus id")),
    responses((status = 201, body = MyResponseDto),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Not open, past its closing date, responded already, your own klus"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn respond(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<RespondDto>,
) -> Result<(StatusCode, Json<MyResponseDto>), ApiError> {
    let r = responses::respond(&s.store, &actor, id, &b.motivation, b.skills, now()).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// Withdraw your response while it is not final; a selection waiting for your manager is
/// withdrawn with it.
#[utoipa::path(operation_id = "withdraw_response", post, path = "/api/v1/assignment-responses/{id}/withdraw", tag = "assignments",
    params(("id" = Uuid, Path, description = "Response id")),
    responses((status = 200, body = MyResponseDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<MyResponseDto>, ApiError> {
    Ok(Json(responses::withdraw(&s.store, &actor, id, now()).await?.into()))
}

/// My responses, newest first.
#[utoipa::path(operation_id = "my_assignment_responses", get, path = "/api/v1/me/assignment-responses", tag = "assignments",
    responses((status = 200, body = Vec<MyResponseDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn mine(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<Vec<MyResponseDto>>, ApiError> {
    Ok(Json(responses::mine(&s.store, &actor).await?.into_iter().map(Into::into).collect()))
}

/// The responses to a klus, ranked by fit (its managers: the organisers of its organisation,
/// its contact person, whoever posted it).
#[utoipa::path(operation_id = "list_assignment_responses", get, path = "/api/v1/assignments/{id}/responses", tag = "assignments",
    params(("id" = Uuid, Path, description = "Klus id")),
    responses((status = 200, body = Vec<ResponseDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<Vec<ResponseDto>>, ApiError> {
    Ok(Json(responses::list(&s.store, &actor, id).await?.into_iter().map(Into::into).collect()))
}

/// A findable person suggested for a klus: name, unit and the matching skills, nothing more.
#[derive(Debug, Serialize, ToSchema)]
pub struct KlusSuggestionDto {
    pub person_id: Uuid,
    pub name: String,
    pub unit_name: Option<String>,
    pub organisation_name: String,
    /// The klus's skills they have.
    pub matching: Vec<NeedDto>,
    /// Their fit, 0–100.
    pub percent: u8,
}

/// Findable people who have a skill the klus asks for, from the organisations it admits, best
/// fit first, at most 20 (its managers). Nobody appears who did not opt in.
#[utoipa::path(operation_id = "assignment_suggestions", get, path = "/api/v1/assignments/{id}/suggestions", tag = "assignments",
    params(("id" = Uuid, Path, description = "Klus id")),
    responses((status = 200, body = Vec<KlusSuggestionDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn suggestions(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<Vec<KlusSuggestionDto>>, ApiError> {
    let list = matching::suggestions(&s.store, &actor, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|x| KlusSuggestionDto {
                person_id: x.person_id,
                name: x.name,
                unit_name: x.unit_name,
                organisation_name: x.organisation_name,
                matching: needs(&x.matching),
                percent: x.fit.percent(),
            })
            .collect(),
    ))
}

/// A message to the candidate with a choice (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceDto {
    /// Up to 2,000 characters; in the candidate's mail.
    pub message: Option<String>,
}

async fn choose(
    s: AppState,
    actor: leerweek_domain::access::Actor,
    id: Uuid,
    choice: Choice,
    b: Option<ChoiceDto>,
) -> Result<Json<ResponseDto>, ApiError> {
    let b = b.unwrap_or_default();
    let r = responses::choose(&s.store, &actor, id, choice, b.message.as_deref(), now()).await?;
    Ok(Json(r.into()))
}

/// Invite a respondent for a talk (the klus's managers); they get a mail with the message.
#[utoipa::path(operation_id = "invite_respondent", post, path = "/api/v1/assignment-responses/{id}/invite", tag = "assignments", request_body = ChoiceDto,
    params(("id" = Uuid, Path, description = "Response id")),
    responses((status = 200, body = ResponseDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn invite(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    OptionalJson(b): OptionalJson<ChoiceDto>,
) -> Result<Json<ResponseDto>, ApiError> {
    choose(s, actor, id, Choice::Invite, b).await
}

/// Select a respondent: their manager is asked to consent within five working days (without a
/// manager: the organisers of their organisation). Within the klus's places.
#[utoipa::path(operation_id = "select_respondent", post, path = "/api/v1/assignment-responses/{id}/select", tag = "assignments", request_body = ChoiceDto,
    params(("id" = Uuid, Path, description = "Response id")),
    responses((status = 200, body = ResponseDto),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "No place left, or not possible in the response's state"),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn select(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    OptionalJson(b): OptionalJson<ChoiceDto>,
) -> Result<Json<ResponseDto>, ApiError> {
    choose(s, actor, id, Choice::Select, b).await
}

/// Decline a respondent (with a message, optional); they get a mail.
#[utoipa::path(operation_id = "decline_respondent", post, path = "/api/v1/assignment-responses/{id}/decline", tag = "assignments", request_body = ChoiceDto,
    params(("id" = Uuid, Path, description = "Response id")),
    responses((status = 200, body = ResponseDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn decline(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    OptionalJson(b): OptionalJson<ChoiceDto>,
) -> Result<Json<ResponseDto>, ApiError> {
    choose(s, actor, id, Choice::Decline, b).await
}
