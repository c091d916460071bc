//! Organisations and their tree of units.

use super::{at, double_option, now};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use leerweek_domain::text::Name;
use leerweek_store::people::{self, OrgUnit, Organisation, UnitChange};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A municipality or shared service organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Whether its people may sign in by mail link. Off: only through the organisation's own
    /// provider, while that is switched on (admins always may use a mail link).
    pub mail_link_sign_in: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Its people (shown to admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<u64>,
    /// Its units (shown to admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<u64>,
}

impl From<Organisation> for OrganisationDto {
    fn from(m: Organisation) -> Self {
        Self {
            id: m.id,
            name: m.name,
            mail_link_sign_in: m.mail_link_sign_in,
            created_at: m.created_at,
            people: None,
            units: None,
        }
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

/// All organisations, by name; admins also see how many people and units each has.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations",
    responses((status = 200, body = Vec<OrganisationDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_organisations(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Vec<OrganisationDto>>, ApiError> {
    let list = people::list_organisations(&s.store).await?;
    let counts = if actor.may_administer() { Some(people::organisation_counts(&s.store, None).await?) } else { None };
    Ok(Json(
        list.into_iter()
            .map(|o| {
                let n = counts
                    .as_ref()
                    .map(|c| c.get(&o.id).copied().unwrap_or(people::OrganisationCounts { people: 0, units: 0 }));
                OrganisationDto { people: n.map(|n| n.people), units: n.map(|n| n.units), ..o.into() }
            })
            .collect(),
    ))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_organisation(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<OrganisationDto>, ApiError> {
    let o = people::get_organisation(&s.store, id).await?;
    let mut dto = OrganisationDto::from(o);
    if actor.may_administer() {
        let n = people::organisation_counts(&s.store, Some(id)).await?.get(&id).copied();
        dto.people = Some(n.map_or(0, |n| n.people));
        dto.units = Some(n.map_or(0, |n| n.units));
    }
    Ok(Json(dto))
}

/// What changes in an organisation; a member left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChangeDto {
    /// Name, 1–200 characters, unique.
    pub name: Option<String>,
    /// Whether its people may sign in by mail link. Switch it off when the organisation's own
    /// provider signs them in: it applies only while that provider is switched on, and admins
    /// always keep the mail link as their way back in.
    pub mail_link_sign_in: Option<bool>,
}

/// Rename an organisation or choose how its people sign in (admins).
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations", request_body = OrganisationChangeDto,
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_organisation(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<OrganisationChangeDto>,
) -> Result<Json<OrganisationDto>, ApiError> {
    let change = people::OrganisationChange {
        name: b.name.as_deref().map(|n| at("name", Name::parse(n))).transpose()?,
        mail_link_sign_in: b.mail_link_sign_in,
    };
    Ok(Json(people::update_organisation(&s.store, &actor, id, change, now()).await?.into()))
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

/// A change to a unit: each field given is changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitChangeDto {
    /// New name, unique within the organisation.
    pub name: Option<String>,
    /// New parent unit of the same organisation; `null` moves it to the top.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
}

/// Rename a unit or move it in the tree (admins, organisers of the organisation).
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "organisations", request_body = UnitChangeDto,
    params(("id" = Uuid, Path, description = "Unit id")),
    responses((status = 200, body = UnitDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_unit(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<UnitChangeDto>,
) -> Result<Json<UnitDto>, ApiError> {
    let change = UnitChange { name: b.name.map(|n| at("name", Name::parse(&n))).transpose()?, parent_id: b.parent_id };
    Ok(Json(people::update_unit(&s.store, &actor, id, change, now()).await?.into()))
}

/// Which unit takes over.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeUnitDto {
    /// The unit of the same organisation that stays.
    pub into: Uuid,
}

/// What a merge moved.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergedDto {
    /// The unit that stays.
    pub into: Uuid,
    /// People moved.
    pub people: u64,
    /// Sub-units moved.
    pub units: u64,
    /// Past enrolments now counted for the unit that stays.
    pub enrolments: u64,
}

/// Merge a unit into another of the same organisation, with its people and sub-units; the
/// merged unit is removed (admins, organisers of the organisation).
#[utoipa::path(post, path = "/api/v1/units/{id}/merge", tag = "organisations", request_body = MergeUnitDto,
    params(("id" = Uuid, Path, description = "The unit that is merged away")),
    responses((status = 200, body = MergedDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn merge_unit(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<MergeUnitDto>,
) -> Result<Json<MergedDto>, ApiError> {
    let m = people::merge_units(&s.store, &actor, id, b.into, now()).await?;
    Ok(Json(MergedDto { into: b.into, people: m.people, units: m.units, enrolments: m.enrolments }))
}
