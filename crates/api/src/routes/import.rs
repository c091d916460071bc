//! The people import: a CSV or Excel file previewed row by row, then imported all or nothing.

use super::now;
use crate::AppState;
use crate::extract::{ApiQuery, Auth, FileBody};
use crate::people_file::{self, Field};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use leerweek_domain::Language;
use leerweek_domain::access::Actor;
use leerweek_store::StoreError;
use leerweek_store::people::{self, ImportOptions, ImportReport, ImportRow, RowOutcome};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest file an import takes (the other routes take `server.max_body_bytes`): 20,000 rows
/// of an HR export with a few dozen columns fit with room to spare.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// What an import reads besides the file.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `mark`: mark the people of the file's organisations whom it does not list as gone (their
    /// sign-in ends, their history stays). Default `keep`.
    pub gone: Option<String>,
    /// The organisation of every row whose organisation cell is empty (the file then needs no
    /// organisation column).
    pub organisation_id: Option<Uuid>,
    /// The header of the column holding the e-mail address, when it is not recognised.
    pub col_email: Option<String>,
    /// The header of the name column.
    pub col_name: Option<String>,
    /// The header of the organisation column.
    pub col_organisation: Option<String>,
    /// The header of the unit column.
    pub col_org_unit: Option<String>,
    /// The header of the manager's e-mail column.
    pub col_manager_email: Option<String>,
}

/// One changed value.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    /// `name`, `organisation`, `org_unit`, `manager_email` or `left_at` (someone gone comes back).
    pub field: String,
    /// Before (`null`: empty).
    pub old: Option<String>,
    /// After (`null`: empty).
    pub new: Option<String>,
}

/// Why a row is invalid, in Dutch and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowErrorDto {
    /// `email`, `name`, `organisation`, `org_unit` or `manager_email`.
    pub field: String,
    /// In Dutch.
    pub nl: String,
    /// In English.
    pub en: String,
}

/// One row of an import report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowDto {
    /// Line in the file (header = 1; in a workbook, the sheet's row).
    pub line: usize,
    /// E-mail as given.
    pub email: String,
    /// `new`, `changed`, `unchanged` or `invalid`.
    pub status: String,
    /// What changes (status `changed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeDto>,
    /// Why not (status `invalid`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RowErrorDto>,
}

/// Someone an import marks as gone.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoneDto {
    /// Id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
}

/// The report of a preview or an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    /// Whether the file was imported (a preview never is; an import all rows or none).
    pub imported: bool,
    /// Rows that add a person.
    pub new: usize,
    /// Rows that change a person.
    pub changed: usize,
    /// Rows that change nothing.
    pub unchanged: usize,
    /// Invalid rows.
    pub invalid: usize,
    /// People marked (or to be marked) as gone (`gone=mark`).
    pub gone: usize,
    /// Every row, in file order.
    pub rows: Vec<ImportRowDto>,
    /// The people marked (or to be marked) as gone, by name.
    pub gone_people: Vec<GoneDto>,
}

impl From<ImportReport> for ImportReportDto {
    fn from(r: ImportReport) -> Self {
        let rows = r
            .rows
            .into_iter()
            .map(|row| {
                let status = row.outcome.as_str().to_owned();
                let (changes, errors) = match row.outcome {
                    RowOutcome::Changed(c) => (
                        c.into_iter()
                            .map(|c| ChangeDto { field: c.field.to_owned(), old: c.old, new: c.new })
                            .collect(),
                        vec![],
                    ),
                    RowOutcome::Invalid(e) => (
                        vec![],
                        e.iter()
                            .map(|e| RowErrorDto {
                                field: e.field.clone(),
                                nl: crate::problem::invalid(&e.problem, Language::Nl),
                                en: crate::problem::invalid(&e.problem, Language::En),
                            })
                            .collect(),
                    ),
                    RowOutcome::New | RowOutcome::Unchanged => (vec![], vec![]),
                };
                ImportRowDto { line: row.line, email: row.email, status, changes, errors }
            })
            .collect();
        ImportReportDto {
            imported: r.imported,
            new: r.new,
            changed: r.changed,
            unchanged: r.unchanged,
            invalid: r.invalid,
            gone: r.gone.len(),
            rows,
            gone_people: r.gone.into_iter().map(|g| GoneDto { id: g.id, email: g.email, name: g.name }).collect(),
        }
    }
}

/// The rows and options of an import request (admins and organisers; rows of organisations
/// the actor does not manage are invalid).
async fn read(
    s: &AppState,
    actor: &Actor,
    q: ImportQuery,
    FileBody(bytes, kind): FileBody,
) -> Result<(Vec<ImportRow>, ImportOptions), ApiError> {
    if !actor.may_import_people() {
        return Err(StoreError::Forbidden.into());
    }
    let mark_gone = match q.gone.as_deref() {
        None | Some("keep") => false,
        Some("mark") => true,
        Some(_) => {
            return Err(ApiError::InvalidQuery { field: "gone".into(), detail: "must be one of keep, mark".into() });
        }
    };
    let organisation = match q.organisation_id {
        Some(id) => Some(people::get_organisation(&s.store, id).await?.name),
        None => None,
    };
    let mapping: HashMap<Field, String> = [
        (Field::Email, q.col_email),
        (Field::Name, q.col_name),
        (Field::Organisation, q.col_organisation),
        (Field::OrgUnit, q.col_org_unit),
        (Field::ManagerEmail, q.col_manager_email),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.map(|c| (f, c)))
    .collect();
    // Unpacking a workbook of 20,000 rows takes a while: off the request threads.
    let rows = tokio::task::spawn_blocking(move || {
        let table = people_file::read(&bytes, kind)?;
        people_file::rows(&table, &mapping, organisation.as_deref())
    })
    .await
    .map_err(|e| ApiError::Internal(format!("reading a people file: {e}")))?
    .map_err(ApiError::ImportFile)?;
    Ok((rows, ImportOptions { mark_gone }))
}

/// What importing a file of people would do, row by row; writes nothing. The body is the file:
/// `text/csv` (`,` or `;`, UTF-8 or Windows-1252) or an Excel workbook (first sheet).
#[utoipa::path(post, path = "/api/v1/people/import/preview", tag = "people", params(ImportQuery),
    request_body(content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, body = ImportReportDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn preview_import(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    file: FileBody,
) -> Result<Json<ImportReportDto>, ApiError> {
    let (rows, options) = read(&s, &actor, q, file).await?;
    Ok(Json(people::preview_import(&s.store, &actor, &rows, options).await?.into()))
}

/// Import a file of people: all rows or none (any invalid row: 422 with the report, nothing
/// written). Known people (same e-mail) are updated; with `gone=mark` the people of the file's
/// organisations whom it leaves out are marked as gone. The body is as for the preview.
#[utoipa::path(post, path = "/api/v1/people/import", tag = "people", params(ImportQuery),
    request_body(content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, body = ImportReportDto), (status = 422, body = Problem, content_type = "application/problem+json"), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn import_people(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    file: FileBody,
) -> Result<Json<ImportReportDto>, ApiError> {
    let (rows, options) = read(&s, &actor, q, file).await?;
    let report: ImportReportDto = people::import_people(&s.store, &actor, &rows, options, now()).await?.into();
    if !report.imported {
        return Err(ApiError::ImportRejected(serde_json::to_value(&report).unwrap_or_default()));
    }
    Ok(Json(report))
}
