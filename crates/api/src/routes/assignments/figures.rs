//! The Klussenbank's figures per organisation, as JSON or CSV/XLSX.

use crate::AppState;
use crate::export::{Column, Format, Kind, XLSX, download};
use crate::extract::{ApiQuery, Auth};
use crate::problem::{ApiError, Problem};
use crate::routes::reports::Rows;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use leerweek_store::assignments::figures;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One organisation's figures for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentFiguresDto {
    pub organisation_id: Uuid,
    pub organisation: String,
    /// Klussen posted (opened) in the year.
    pub posted: u32,
    /// Of those, with at least one participant.
    pub with_participants: u32,
    /// Of those, every place taken.
    pub filled: u32,
    /// `filled / posted`, 0–1.
    pub fill_rate: Option<f64>,
    /// Median days from opening to filled.
    pub median_days_to_fill: Option<f64>,
    /// People consented to.
    pub participants: u32,
    /// Of those, from another organisation.
    pub from_elsewhere: u32,
    /// `from_elsewhere / participants`, 0–1: filled across municipal borders.
    pub share_across_borders: Option<f64>,
    /// Hours a week of all participants together.
    pub hours_per_week: u32,
    /// Hours in all (klussen with a known period).
    pub total_hours: u32,
}

const COLUMNS: [Column; 10] = [
    Column("organisation", "Organisatie", Kind::Text),
    Column("posted", "Geplaatst", Kind::Number),
    Column("with_participants", "Met deelnemers", Kind::Number),
    Column("filled", "Vervuld", Kind::Number),
    Column("fill_rate", "Vervuld (aandeel)", Kind::Share),
    Column("median_days_to_fill", "Mediaan dagen tot vervuld", Kind::Number),
    Column("participants", "Deelnemers", Kind::Number),
    Column("share_across_borders", "Over gemeentegrenzen", Kind::Share),
    Column("hours_per_week", "Uren per week", Kind::Number),
    Column("total_hours", "Uren totaal", Kind::Number),
];

/// Which year, in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Calendar year (2000–2100; default this year): klussen first opened in it.
    pub year: Option<i32>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<Format>,
}

/// The Klussenbank per organisation: posted, filled, time to fill, share filled across
/// municipal borders, hours. Admins: every organisation; organisers: their own.
#[utoipa::path(operation_id = "assignment_figures", get, path = "/api/v1/reports/assignments", tag = "reports", params(FiguresQuery),
    responses((status = 200, content((Rows<AssignmentFiguresDto> = "application/json"), (String = "text/csv"), (String = XLSX))),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Response, ApiError> {
    let year = q.year.unwrap_or_else(|| chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).year());
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::InvalidQuery { field: "year".into(), detail: "must be 2000–2100".into() });
    }
    let rows = figures::of_year(&s.store, &actor, year).await?;
    let items: Vec<AssignmentFiguresDto> = rows
        .into_iter()
        .map(|r| {
            let f = r.figures;
            AssignmentFiguresDto {
                organisation_id: r.organisation_id,
                organisation: r.organisation_name,
                fill_rate: f.fill_rate(),
                share_across_borders: f.share_across_borders(),
                posted: f.posted,
                with_participants: f.with_participants,
                filled: f.filled,
                median_days_to_fill: f.median_days_to_fill,
                participants: f.participants,
                from_elsewhere: f.from_elsewhere,
                hours_per_week: f.hours_per_week,
                total_hours: f.total_hours,
            }
        })
        .collect();
    match q.format.unwrap_or_default() {
        Format::Json => Ok(Json(Rows { items }).into_response()),
        f => download(&format!("klussenbank-{year}"), f, &COLUMNS, &items),
    }
}
