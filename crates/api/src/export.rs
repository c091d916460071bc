//! Tables as downloads: CSV (RFC 4180, UTF-8 with a byte-order mark so Excel reads accents
//! right) and XLSX. A table is the JSON form of its rows plus a list of columns, so a report is
//! defined once and every format shows the same numbers.

use crate::problem::ApiError;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::IntoParams;

/// The media type of XLSX.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Answer format of a report or list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON (default).
    #[default]
    Json,
    /// CSV download.
    Csv,
    /// Excel download.
    Xlsx,
}

/// `?format=` and paging of a report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `json` (default), `csv` or `xlsx`; downloads hold every row (no paging).
    #[param(inline)]
    pub format: Option<Format>,
    /// Page, from 1 (JSON only).
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Rows per page, 1–1000 (default 100; JSON only).
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u64>,
}

impl ReportQuery {
    /// The format asked for.
    pub fn format(&self) -> Format {
        self.format.unwrap_or_default()
    }

    /// `(page, per_page)` for JSON, or `None` (all rows) for downloads.
    pub fn paging(&self) -> Result<Option<(u64, u64)>, ApiError> {
        if self.format() != Format::Json {
            return Ok(None);
        }
        crate::paging::check(self.page, self.per_page, 100, 1000).map(Some)
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// A number.
    Number,
    /// A share 0–1 (a percentage in Excel).
    Share,
    /// An instant, shown in Amsterdam time.
    Time,
}

/// A column: the JSON field, its (Dutch) header, its kind.
#[derive(Debug, Clone, Copy)]
pub struct Column(pub &'static str, pub &'static str, pub Kind);

fn text_of(v: &Value, kind: Kind) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) if kind == Kind::Time => local_time(s),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(|i| text_of(i, Kind::Text)).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn local_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// Rows as a download in `format` (CSV or XLSX) named `name`.
pub fn download<T: Serialize>(
    name: &str,
    format: Format,
    columns: &[Column],
    rows: &[T],
) -> Result<Response, ApiError> {
    let rows: Vec<Value> = rows.iter().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).collect();
    let file = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect::<String>();
    let (body, media, ext) = match format {
        Format::Xlsx => (xlsx(columns, &rows)?, XLSX, "xlsx"),
        _ => (csv(columns, &rows)?, "text/csv; charset=utf-8", "csv"),
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}.{ext}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(media)), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("export: {e}"))
}

/// A text cell that a spreadsheet would take for a formula (it begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading `'`, as OWASP advises against CSV injection: a name or
/// title someone typed must not run when an organiser opens the file in Excel. Numbers and
/// times are Leerweek's own and stay as they are; XLSX cells are typed strings and need nothing.
fn neutralised(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell }
}

fn csv(columns: &[Column], rows: &[Value]) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    w.write_record(columns.iter().map(|c| c.1)).map_err(internal)?;
    for r in rows {
        let cells = columns.iter().map(|c| match c.2 {
            Kind::Text => neutralised(text_of(&r[c.0], c.2)),
            _ => text_of(&r[c.0], c.2),
        });
        w.write_record(cells).map_err(internal)?;
    }
    w.into_inner().map_err(internal)
}

fn xlsx(columns: &[Column], rows: &[Value]) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Style::new().set_bold();
    let percent = Style::new().set_num_format("0.0%");
    for (c, col) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, col.1, &bold).map_err(internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, col) in columns.iter().enumerate() {
            let c = c as u16;
            let v = &row[col.0];
            match (col.2, v.as_f64()) {
                (Kind::Share, Some(n)) => sheet.write_number_with_format(r, c, n, &percent).map(|_| ()),
                (Kind::Number, Some(n)) => sheet.write_number(r, c, n).map(|_| ()),
                _ if v.is_null() => Ok(()),
                _ => sheet.write_string(r, c, text_of(v, col.2)).map(|_| ()),
            }
            .map_err(internal)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(internal)?;
    sheet.autofit();
    book.save_to_buffer().map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_headers_and_local_times() {
        let rows =
            vec![serde_json::json!({"a": "Ël", "t": "2027-11-15T09:00:00Z", "n": 1.5, "l": ["x", "y"], "z": null})];
        let cols = [
            Column("a", "Naam", Kind::Text),
            Column("t", "Begin", Kind::Time),
            Column("n", "Uren", Kind::Number),
            Column("l", "Lijst", Kind::Text),
            Column("z", "Leeg", Kind::Text),
        ];
        let out = String::from_utf8(csv(&cols, &rows).unwrap()).unwrap();
        assert_eq!(out, "\u{feff}Naam,Begin,Uren,Lijst,Leeg\nËl,2027-11-15 10:00,1.5,x; y,\n");
    }

    #[test]
    fn text_a_spreadsheet_would_run_as_a_formula_is_neutralised_and_numbers_are_not() {
        let cols = [Column("a", "Naam", Kind::Text), Column("n", "Uren", Kind::Number)];
        for (bad, safe) in [
            ("=HYPERLINK(\"http://x\",\"klik\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\""),
            ("+31 6 1234", "'+31 6 1234"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tTab", "'\tTab"),
            ("\rCR", "\"'\rCR\""),
            ("Jan = Jan", "Jan = Jan"),
        ] {
            let rows = vec![serde_json::json!({"a": bad, "n": -1.5})];
            let out = String::from_utf8(csv(&cols, &rows).unwrap()).unwrap();
            assert_eq!(out, format!("\u{feff}Naam,Uren\n{safe},-1.5\n"), "{bad:?}");
        }
    }
}
