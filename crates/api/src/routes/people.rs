//! People: added one by one or by import, listed, and the signed-in person.

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
use leerweek_store::people::{self, NewPerson, PeopleFilter, Person};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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
    /// Organisation whose people to list (admins may leave it out: everyone).
    pub organisation_id: Option<Uuid>,
    /// Text in the name or e-mail address.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only the people of this unit.
    pub org_unit_id: Option<Uuid>,
    /// Only the people holding this role: `organiser`, `manager` or `admin`.
    pub role: Option<String>,
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

/// People of an organisation (its organisers, admins) or of all (admins), by name; `q` searches
/// names and addresses; optionally only the people of a unit or holding a role.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleQuery),
    responses((status = 200, body = PeoplePage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_people(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> Result<Json<PeoplePage>, ApiError> {
    let (page, per_page) = crate::paging::check(q.page, q.per_page, 50, 500)?;
    let filter = PeopleFilter {
        query: crate::paging::search("q", q.q)?,
        org_unit_id: q.org_unit_id,
        role: opt("role", q.role, |r| Role::parse(&r))?,
    };
    let (rows, total) = people::list_people(&s.store, &actor, q.organisation_id, &filter, page, per_page).await?;
    Ok(Json(PeoplePage { items: rows.into_iter().map(Into::into).collect(), page, per_page, total }))
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

/// Changes to one's own settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeDto {
    /// The language of one's mail: `nl` or `en`.
    pub language: Option<String>,
}

/// Change one's own settings: the language of one's mail (audited).
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = UpdateMeDto,
    responses((status = 200, body = MeDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_me(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<UpdateMeDto>,
) -> Result<Json<MeDto>, ApiError> {
    let p = match opt("language", b.language, |l| Language::parse(&l))? {
        Some(language) => people::set_language(&s.store, &actor, language, now()).await?,
        None => people::get_person(&s.store, &actor, actor.person_id).await?,
    };
    Ok(Json(MeDto { person: p.into(), roles: actor.roles.iter().map(|r| r.as_str().to_owned()).collect() }))
}
