//! People: added one by one or by import, listed, and the signed-in person.

use super::{at, now, opt};
use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Auth, CsvBody, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{FieldError, Invalid, Language, Role};
use leerweek_store::people::{self, ImportRow, NewPerson, PeopleFilter, Person};
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

/// One row of an import report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowDto {
    /// Line in the file (header = 1).
    pub line: usize,
    /// E-mail as given.
    pub email: String,
    /// `created`, `updated` or `invalid`.
    pub status: String,
    /// Problems of an invalid row.
    pub errors: Vec<crate::problem::FieldProblem>,
}

/// The report of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    /// Whether anything was imported (all rows or none).
    pub imported: bool,
    /// Created.
    pub created: usize,
    /// Updated.
    pub updated: usize,
    /// Invalid rows.
    pub invalid: usize,
    /// Every row.
    pub rows: Vec<ImportRowDto>,
}

/// Largest number of rows in one import.
const MAX_IMPORT_ROWS: usize = 50_000;

fn read_csv(bytes: &[u8]) -> Result<Vec<ImportRow>, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::InvalidCsv("the file is not UTF-8 / het bestand is geen UTF-8".into()))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| ApiError::InvalidCsv(e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(ce), Some(cn), Some(co)) = (col("email"), col("name"), col("organisation")) else {
        return Err(ApiError::InvalidCsv("header must be email,name,organisation,org_unit,manager_email / kopregel moet email,name,organisation,org_unit,manager_email zijn".into()));
    };
    let (cu, cm) = (col("org_unit"), col("manager_email"));
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ApiError::InvalidCsv(e.to_string()))?;
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        if rows.len() >= MAX_IMPORT_ROWS {
            return Err(ApiError::InvalidCsv(format!(
                "more than {MAX_IMPORT_ROWS} rows / meer dan {MAX_IMPORT_ROWS} regels"
            )));
        }
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").to_owned();
        rows.push(ImportRow {
            line: i + 2,
            email: get(Some(ce)),
            name: get(Some(cn)),
            organisation: get(Some(co)),
            org_unit: get(cu),
            manager_email: get(cm),
        });
    }
    Ok(rows)
}

/// Import people from CSV (`email,name,organisation,org_unit,manager_email`): all rows or none.
#[utoipa::path(post, path = "/api/v1/people/import", tag = "people", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReportDto), (status = 422, body = Problem, content_type = "application/problem+json"), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn import_people(
    State(s): State<AppState>,
    Auth(actor): Auth,
    CsvBody(body): CsvBody,
) -> Result<Json<ImportReportDto>, ApiError> {
    if !actor.may_import_people() {
        return Err(leerweek_store::StoreError::Forbidden.into());
    }
    let rows = read_csv(&body)?;
    if rows.is_empty() {
        return Err(FieldError::new("body", Invalid::Empty).into());
    }
    let r = people::import_people(&s.store, &actor, rows, now()).await?;
    let dto = ImportReportDto {
        imported: r.imported,
        created: r.created,
        updated: r.updated,
        invalid: r.invalid,
        rows: r
            .rows
            .into_iter()
            .map(|row| ImportRowDto {
                line: row.line,
                email: row.email,
                status: row.status.to_owned(),
                errors: row
                    .errors
                    .iter()
                    .map(|e| crate::problem::FieldProblem {
                        field: e.field.clone(),
                        detail: crate::problem::invalid(&e.problem, Language::En),
                    })
                    .collect(),
            })
            .collect(),
    };
    if !dto.imported {
        return Err(ApiError::ImportRejected(serde_json::to_value(&dto).unwrap_or_default()));
    }
    Ok(Json(dto))
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
