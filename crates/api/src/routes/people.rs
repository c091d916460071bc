//! Organisations, units, people, roles, tokens and the signed-in person.

use super::{at, now, opt};
use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{Language, Role};
use leerweek_store::people::{self, NewPerson, OrgUnit, Organisation, Person};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A municipality or shared service organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<Organisation> for OrganisationDto {
    fn from(m: Organisation) -> Self {
        Self { id: m.id, name: m.name, created_at: m.created_at }
    }
}

/// New organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationDto {
    /// Name, 1–200 characters, unique.
    pub name: String,
}

/// Create an organisation (admins).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = NewOrganisationDto,
    responses((status = 201, body = OrganisationDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_organisation(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<NewOrganisationDto>,
) -> Result<(StatusCode, Json<OrganisationDto>), ApiError> {
    let name = at("name", Name::parse(&b.name))?;
    let m = people::create_organisation(&s.store, &actor, name, now()).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// All organisations.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations",
    responses((status = 200, body = Vec<OrganisationDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_organisations(
    State(s): State<AppState>,
    _auth: Auth,
) -> Result<Json<Vec<OrganisationDto>>, ApiError> {
    Ok(Json(people::list_organisations(&s.store).await?.into_iter().map(Into::into).collect()))
}

/// A department of an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// Id.
    pub id: Uuid,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Parent unit.
    pub parent_id: Option<Uuid>,
    /// Name.
    pub name: String,
}

impl From<OrgUnit> for UnitDto {
    fn from(m: OrgUnit) -> Self {
        Self { id: m.id, organisation_id: m.organisation_id, parent_id: m.parent_id, name: m.name }
    }
}

/// New unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnitDto {
    /// Name, unique within the organisation.
    pub name: String,
    /// Parent unit of the same organisation.
    pub parent_id: Option<Uuid>,
}

/// Create a unit (admins, organisers of the organisation).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/units", tag = "organisations", request_body = NewUnitDto,
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 201, body = UnitDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_unit(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(org): Id,
    ApiJson(b): ApiJson<NewUnitDto>,
) -> Result<(StatusCode, Json<UnitDto>), ApiError> {
    let name = at("name", Name::parse(&b.name))?;
    let m = people::create_unit(&s.store, &actor, org, name, b.parent_id, now()).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// Units of an organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/units", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, body = Vec<UnitDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_units(State(s): State<AppState>, _auth: Auth, Id(org): Id) -> Result<Json<Vec<UnitDto>>, ApiError> {
    Ok(Json(people::list_units(&s.store, org).await?.into_iter().map(Into::into).collect()))
}

/// A person.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    /// Id.
    pub id: Uuid,
    /// E-mail, lower case.
    pub email: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Unit.
    pub org_unit_id: Option<Uuid>,
    /// Manager.
    pub manager_id: Option<Uuid>,
    /// `nl` or `en`.
    pub language: String,
    /// When an import marked them as gone (no longer in their organisation's file); they
    /// cannot sign in. `null`: they work there.
    pub left_at: Option<DateTime<Utc>>,
}

impl From<Person> for PersonDto {
    fn from(m: Person) -> Self {
        Self {
            id: m.id,
            email: m.email,
            name: m.name,
            organisation_id: m.organisation_id,
            org_unit_id: m.org_unit_id,
            manager_id: m.manager_id,
            language: m.language.as_str().to_owned(),
            left_at: m.left_at,
        }
    }
}

/// New person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonDto {
    /// E-mail, unique regardless of case.
    pub email: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Unit of that organisation.
    pub org_unit_id: Option<Uuid>,
    /// Manager.
    pub manager_id: Option<Uuid>,
    /// `nl` (default) or `en`.
    pub language: Option<String>,
}

/// Create a person (admins, organisers of the organisation).
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = NewPersonDto,
    responses((status = 201, body = PersonDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_person(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<NewPersonDto>,
) -> Result<(StatusCode, Json<PersonDto>), ApiError> {
    let p = NewPerson {
        email: at("email", EmailAddress::parse(&b.email))?,
        name: at("name", Name::parse(&b.name))?,
        organisation_id: b.organisation_id,
        org_unit_id: b.org_unit_id,
        manager_id: b.manager_id,
        language: opt("language", b.language, |l| Language::parse(&l))?.unwrap_or_default(),
    };
    let m = people::create_person(&s.store, &actor, p, now()).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// One person (themselves, their organisers, their manager, admins).
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = PersonDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_person(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<PersonDto>, ApiError> {
    Ok(Json(people::get_person(&s.store, &actor, id).await?.into()))
}

/// Paging and organisation of a people list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Organisation whose people to list.
    pub organisation_id: Uuid,
    /// Page, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Rows per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

/// A page of people.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeoplePage {
    /// People on this page.
    pub items: Vec<PersonDto>,
    /// Page number.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// All matching people.
    pub total: u64,
}

/// People of an organisation, by name (its organisers, admins).
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleQuery),
    responses((status = 200, body = PeoplePage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_people(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> Result<Json<PeoplePage>, ApiError> {
    let (page, per_page) = crate::paging::check(q.page, q.per_page, 50, 500)?;
    let (rows, total) = people::list_people(&s.store, &actor, q.organisation_id, page, per_page).await?;
    Ok(Json(PeoplePage { items: rows.into_iter().map(Into::into).collect(), page, per_page, total }))
}

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
    Ok(Json(RolesDto { person_id: id, roles: roles.iter().map(|r| r.as_str().to_owned()).collect() }))
}

/// Whom to issue a token for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenDto {
    /// The person.
    pub person_id: Uuid,
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
    let token = people::issue_token(&s.store, &actor, b.person_id, now()).await?;
    Ok((StatusCode::CREATED, Json(TokenDto { token })))
}

/// The signed-in person with roles.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    /// The person.
    #[serde(flatten)]
    pub person: PersonDto,
    /// Roles beyond employee.
    pub roles: Vec<String>,
}

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = MeDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn me(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<MeDto>, ApiError> {
    let p = people::get_person(&s.store, &actor, actor.person_id).await?;
    Ok(Json(MeDto { person: p.into(), roles: actor.roles.iter().map(|r| r.as_str().to_owned()).collect() }))
}
