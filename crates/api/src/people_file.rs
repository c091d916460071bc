//! Reading a file of people as HR systems and Excel write them: CSV (`,` or `;`, UTF-8 with or
//! without a byte-order mark, or Windows-1252 as Dutch Excel saves it) or XLSX (the first
//! sheet). The header is matched to the import's fields tolerantly (case, spaces and dashes do
//! not matter; the usual Dutch, AFAS and YouForce names are known), or by an explicit mapping.
//! Pure: bytes in, rows or a [`FileProblem`] out.

use leerweek_store::people::ImportRow;
use std::collections::HashMap;

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 50_000;

/// The kinds of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Comma- or semicolon-separated text.
    Csv,
    /// An Excel workbook (Office Open XML).
    Xlsx,
}

/// The media type of an Excel workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl FileKind {
    /// The kind a `Content-Type` names (`None`: not a kind we read). A workbook is recognised by
    /// its first bytes whatever the type says, since browsers and scripts often send CSV's or
    /// none.
    pub fn of(content_type: Option<&str>, bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"PK\x03\x04") {
            return Some(FileKind::Xlsx);
        }
        let media = content_type?.split(';').next()?.trim().to_ascii_lowercase();
        match media.as_str() {
            XLSX_TYPE => Some(FileKind::Xlsx),
            "text/csv" | "application/csv" | "text/plain" | "application/vnd.ms-excel" | "application/octet-stream" => {
                Some(FileKind::Csv)
            }
            _ => None,
        }
    }
}

/// A field of the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// E-mail address (required).
    Email,
    /// Name (required).
    Name,
    /// Organisation (required unless the request names one for all rows).
    Organisation,
    /// Unit.
    OrgUnit,
    /// The manager's e-mail address.
    ManagerEmail,
}

impl Field {
    /// Every field, in the order of the standard header.
    pub const ALL: [Field; 5] = [Field::Email, Field::Name, Field::Organisation, Field::OrgUnit, Field::ManagerEmail];

    /// Its name in the standard header and in problems.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Name => "name",
            Field::Organisation => "organisation",
            Field::OrgUnit => "org_unit",
            Field::ManagerEmail => "manager_email",
        }
    }

    /// The header names it is known by, normalised (see [`normalise`]).
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Email => &[
                "email",
                "emailadres",
                "emailaddress",
                "mail",
                "mailadres",
                "emailwerk",
                "werkemail",
                "emailzakelijk",
                "zakelijkemail",
                "zakelijkemailadres",
                "emailadreswerk",
                "emailadreszakelijk",
                "werkmail",
            ],
            Field::Name => &[
                "name",
                "naam",
                "volledigenaam",
                "fullname",
                "weergavenaam",
                "displayname",
                "naammedewerker",
                "medewerkernaam",
                "roepnaamachternaam",
            ],
            Field::Organisation => {
                &["organisation", "organization", "organisatie", "gemeente", "werkgever", "employer", "bedrijf"]
            }
            Field::OrgUnit => &[
                "orgunit",
                "unit",
                "afdeling",
                "organisatorischeeenheid",
                "organisatieeenheid",
                "department",
                "team",
                "afdelingsnaam",
                "organisatorischeeenheidomschrijving",
            ],
            Field::ManagerEmail => &[
                "manageremail",
                "emailmanager",
                "emailleidinggevende",
                "leidinggevendeemail",
                "emailadresleidinggevende",
                "leidinggevendeemailadres",
                "mailleidinggevende",
                "leidinggevendemail",
                "manageremailaddress",
            ],
        }
    }
}

/// Why a file cannot be read as people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Not a CSV or workbook we can read (the reader's own words).
    Unreadable(String),
    /// No header, or no rows below it.
    Empty,
    /// More than [`MAX_ROWS`] rows.
    TooManyRows,
    /// A required field has no column; `columns` are the file's header.
    MissingColumn { field: Field, columns: Vec<String> },
    /// A mapping names a column the file does not have.
    UnknownColumn { field: Field, column: String, columns: Vec<String> },
}

/// A read file: its header and its rows with their line numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header's cells.
    pub header: Vec<String>,
    /// Each non-empty row below it: line (header = 1 for CSV; the sheet's row number for XLSX) and cells.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Read a file.
pub fn read(bytes: &[u8], kind: FileKind) -> Result<Table, FileProblem> {
    match kind {
        FileKind::Csv => read_csv(bytes),
        FileKind::Xlsx => read_xlsx(bytes),
    }
}

/// The text of a CSV file: UTF-8 (a byte-order mark dropped), else Windows-1252.
pub fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// The separator of a CSV file: whichever of `;`, `,` and tab its first line (outside quotes)
/// holds most of; `,` when none.
pub fn separator(text: &str) -> u8 {
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => counts[0] += 1,
            ',' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let most = *counts.iter().max().unwrap_or(&0);
    if most == 0 || counts[1] == most {
        b','
    } else if counts[0] == most {
        b';'
    } else {
        b'\t'
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, FileProblem> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(h) => h.map_err(|e| FileProblem::Unreadable(e.to_string()))?.iter().map(|c| c.trim().to_owned()).collect(),
        None => return Err(FileProblem::Empty),
    };
    let mut rows = Vec::new();
    // The line a record starts on, counted here: the reader's own count lags behind after a
    // `\r\n` (it starts the next record at the `\n`).
    let (bytes, mut counted, mut line) = (text.as_bytes(), 0, 1);
    for rec in records {
        let rec = rec.map_err(|e| FileProblem::Unreadable(e.to_string()))?;
        let mut start = rec.position().map(|p| p.byte() as usize).unwrap_or(counted).min(bytes.len());
        while bytes.get(start).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            start += 1;
        }
        line += bytes[counted.min(start)..start].iter().filter(|b| **b == b'\n').count();
        counted = counted.max(start);
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        rows.push((line, rec.iter().map(|c| c.trim().to_owned()).collect()));
    }
    Ok(Table { header, rows })
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileProblem> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| FileProblem::Unreadable(e.to_string()))?;
    let sheet = match book.worksheet_range_at(0) {
        Some(s) => s.map_err(|e| FileProblem::Unreadable(e.to_string()))?,
        None => return Err(FileProblem::Empty),
    };
    let first = sheet.start().map(|(row, _)| row as usize + 1).unwrap_or(1);
    let mut lines = sheet.rows().enumerate().map(|(i, r)| (first + i, r.iter().map(cell).collect::<Vec<String>>()));
    // The header is the first row with anything in it.
    let Some((_, header)) = lines.by_ref().find(|(_, cells)| cells.iter().any(|c| !c.is_empty())) else {
        return Err(FileProblem::Empty);
    };
    let mut rows = Vec::new();
    for (line, cells) in lines {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        rows.push((line, cells));
    }
    Ok(Table { header, rows })
}

/// A cell as text: numbers without a needless `.0`, dates as `YYYY-MM-DD` (with the time when it has one).
fn cell(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// A header name without case, spaces, dashes, dots, underscores or accents.
pub fn normalise(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'ï' | 'í' => 'i',
            'ö' | 'ó' => 'o',
            'ü' | 'ú' => 'u',
            'á' | 'à' | 'ä' => 'a',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Which column holds each field: an explicit mapping (field → header) wins, else the header
/// names. A required field without a column, or a mapping to a column the file lacks, is a
/// problem. `organisation_given`: every row's organisation comes from the request, so the file
/// need not have that column.
pub fn columns(
    header: &[String],
    mapping: &HashMap<Field, String>,
    organisation_given: bool,
) -> Result<HashMap<Field, usize>, FileProblem> {
    let normalised: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let mut out = HashMap::new();
    for field in Field::ALL {
        let found = match mapping.get(&field).map(|c| c.trim()).filter(|c| !c.is_empty()) {
            Some(column) => {
                let wanted = normalise(column);
                let at = header
                    .iter()
                    .position(|h| h.trim() == column)
                    .or_else(|| normalised.iter().position(|h| !wanted.is_empty() && *h == wanted));
                match at {
                    Some(at) => Some(at),
                    None => {
                        return Err(FileProblem::UnknownColumn {
                            field,
                            column: column.to_owned(),
                            columns: header.to_vec(),
                        });
                    }
                }
            }
            None => normalised.iter().position(|h| field.names().contains(&h.as_str())),
        };
        match found {
            Some(at) => {
                out.insert(field, at);
            }
            None if matches!(field, Field::Email | Field::Name)
                || (field == Field::Organisation && !organisation_given) =>
            {
                return Err(FileProblem::MissingColumn { field, columns: header.to_vec() });
            }
            None => {}
        }
    }
    Ok(out)
}

/// The import rows of a table. An empty organisation cell (or no such column) takes
/// `organisation` when given.
pub fn rows(
    table: &Table,
    mapping: &HashMap<Field, String>,
    organisation: Option<&str>,
) -> Result<Vec<ImportRow>, FileProblem> {
    let cols = columns(&table.header, mapping, organisation.is_some())?;
    if table.rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    let get = |cells: &[String], f: Field| cols.get(&f).map(|&c| cells.get(c).cloned().unwrap_or_default());
    Ok(table
        .rows
        .iter()
        .map(|(line, cells)| {
            let org = get(cells, Field::Organisation).filter(|o| !o.trim().is_empty());
            ImportRow {
                line: *line,
                email: get(cells, Field::Email).unwrap_or_default(),
                name: get(cells, Field::Name).unwrap_or_default(),
                organisation: org.or_else(|| organisation.map(str::to_owned)).unwrap_or_default(),
                org_unit: get(cells, Field::OrgUnit),
                manager_email: get(cells, Field::ManagerEmail),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests;
