//! Who may act as whom: roles granted and revoked, bearer tokens issued, and a person's
//! sign-ins (tokens and browser sessions) listed and revoked. A revoked role or sign-in stops
//! working at the next request.

use super::{at, now};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use leerweek_domain::Role;
use leerweek_domain::text::Name;
use leerweek_store::people::{self, NewToken, SignIn};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A role to grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRoleDto {
    /// `organiser`, `manager` or `admin`.
    pub role: String,
}

/// Roles of a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct RolesDto {
    /// The person.
    pub person_id: Uuid,
    /// Their roles beyond employee.
    pub roles: Vec<String>,
}

fn roles_dto(person_id: Uuid, roles: &[Role]) -> RolesDto {
    RolesDto { person_id, roles: roles.iter().map(|r| r.as_str().to_owned()).collect() }
}

/// A person's roles (admins; the person themselves).
#[utoipa::path(get, path = "/api/v1/people/{id}/roles", tag = "people", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = RolesDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn person_roles(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<RolesDto>, ApiError> {
    // Whoever may see the person (organisers of their organisation, their managers) sees their roles.
    people::get_person(&s.store, &actor, id).await?;
    Ok(Json(roles_dto(id, &people::roles(&s.store, id).await?)))
}

/// Grant a role (admins).
#[utoipa::path(post, path = "/api/v1/people/{id}/roles", tag = "people", request_body = GrantRoleDto, params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = RolesDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn grant_role(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<GrantRoleDto>,
) -> Result<Json<RolesDto>, ApiError> {
    let role = at("role", Role::parse(&b.role))?;
    let roles = people::grant_role(&s.store, &actor, id, role, now()).await?;
    Ok(Json(roles_dto(id, &roles)))
}

/// Revoke a role (admins). It stops working at the person's next request. The last admin keeps
/// the admin role.
#[utoipa::path(delete, path = "/api/v1/people/{id}/roles/{role}", tag = "people",
    params(("id" = Uuid, Path, description = "Person id"), ("role" = String, Path, description = "`organiser`, `manager` or `admin`")),
    responses((status = 200, body = RolesDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_role(
    State(s): State<AppState>,
    Auth(actor): Auth,
    path: Result<Path<(Uuid, String)>, axum::extract::rejection::PathRejection>,
) -> Result<Json<RolesDto>, ApiError> {
    let Ok(Path((id, role))) = path else { return Err(ApiError::NotFound("resource")) };
    let role = at("role", Role::parse(&role))?;
    let roles = people::revoke_role(&s.store, &actor, id, role, now()).await?;
    Ok(Json(roles_dto(id, &roles)))
}

/// Whom to issue a token for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenDto {
    /// The person.
    pub person_id: Uuid,
    /// What it is for (shown in the list of sign-ins), 1–100 characters.
    pub label: Option<String>,
    /// When it stops working by itself (in the future); absent: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A bearer token; shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Issue a bearer token for a person (admins).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "people", request_body = NewTokenDto,
    responses((status = 201, body = TokenDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn issue_token(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<NewTokenDto>,
) -> Result<(StatusCode, Json<TokenDto>), ApiError> {
    let label = match b.label {
        Some(l) => Some(at("label", Name::parse(&l).and_then(|n| short(n, 100)))?),
        None => None,
    };
    let t = NewToken { person_id: b.person_id, label, expires_at: b.expires_at };
    let token = people::issue_token(&s.store, &actor, t, now()).await?;
    Ok((StatusCode::CREATED, Json(TokenDto { token })))
}

fn short(n: Name, max: usize) -> Result<Name, leerweek_domain::Invalid> {
    if n.as_str().chars().count() > max { Err(leerweek_domain::Invalid::TooLong { max }) } else { Ok(n) }
}

/// One live sign-in of a person. The secret is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignInDto {
    /// Id, to revoke it with `DELETE /api/v1/tokens/{id}`.
    pub id: Uuid,
    /// `token` (a bearer token) or `browser` (a browser session).
    pub kind: String,
    /// What a token is for.
    pub label: Option<String>,
    /// Made.
    pub created_at: DateTime<Utc>,
    /// Last used (browser sessions).
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Stops working by itself then, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<SignIn> for SignInDto {
    fn from(s: SignIn) -> Self {
        Self {
            id: s.id,
            kind: s.kind.as_str().to_owned(),
            label: s.label,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        }
    }
}

/// A person's live sign-ins, newest first (admins; the person themselves).
#[utoipa::path(get, path = "/api/v1/people/{id}/tokens", tag = "people", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<SignInDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_sign_ins(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<Vec<SignInDto>>, ApiError> {
    Ok(Json(people::sign_ins(&s.store, &actor, id, now()).await?.into_iter().map(Into::into).collect()))
}

/// Revoke a sign-in (a bearer token or a browser session) by its id (admins; its owner). It
/// stops working at the next request.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "people", params(("id" = Uuid, Path, description = "Sign-in id")),
    responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_sign_in(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<StatusCode, ApiError> {
    people::revoke_sign_in(&s.store, &actor, id, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
