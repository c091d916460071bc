//! Importing people from a file: every row checked first, then all rows or none.
//!
//! An import runs in two steps. [`preview_import`] reads what the database holds now (on a
//! reader connection, no write lock), checks every row and says what would happen to it: new,
//! changed (with the changes), unchanged or invalid, and with `mark_gone` the people who would
//! be marked as gone. [`import_people`] makes the same plan and, when no row is invalid, writes
//! it in short transactions (each bounded to about [`write::BATCH_TIME`]) so that enrolments keep
//! flowing during a large import; when any row is invalid it writes nothing.
//!
//! **All or nothing, as users see it.** The file is refused as a whole when any row is invalid.
//! Once valid, it is written in batches; if the database fails between two batches (it went
//! away, the disk filled up) the batches already written stay and the request fails. The
//! import is idempotent by e-mail address: importing the same file again completes it (rows
//! already written are then `unchanged`). One audit row (`people.import`, with the planned
//! counts) is written with the first batch, so a partial import is audited too.

mod plan;
mod write;

use crate::{Result, Store};
use chrono::{DateTime, Utc};
use leerweek_domain::FieldError;
use leerweek_domain::access::Actor;
use uuid::Uuid;

/// One row of a people import, as read from a file.
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    /// Line number in the file (the header is line 1).
    pub line: usize,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Organisation name.
    pub organisation: String,
    /// Unit name (created when missing; empty: none). `None`: the file has no such column, and
    /// the unit of someone already known stays as it is.
    pub org_unit: Option<String>,
    /// The manager's e-mail (in the database or elsewhere in the file; empty: none). `None`:
    /// the file has no such column, and the manager of someone already known stays.
    pub manager_email: Option<String>,
}

/// What an import does besides the rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Mark the people of the file's organisations whom the file does not list as gone
    /// (`left_at`): their tokens and sessions end, they cannot sign in, their history stays.
    /// Never the person importing, nor the stand-ins of erased and anonymised people.
    pub mark_gone: bool,
}

/// One changed value of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `name`, `organisation`, `org_unit`, `manager_email` or `left_at` (someone gone comes back).
    pub field: &'static str,
    /// The value before (names and addresses, not ids); `None`: empty.
    pub old: Option<String>,
    /// The value after; `None`: empty.
    pub new: Option<String>,
}

/// What happens (or happened) to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// A person is added.
    New,
    /// A known person changes.
    Changed(Vec<Change>),
    /// A known person stays as they are.
    Unchanged,
    /// The row cannot be imported, for these reasons.
    Invalid(Vec<FieldError>),
}

impl RowOutcome {
    /// `new`, `changed`, `unchanged` or `invalid`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RowOutcome::New => "new",
            RowOutcome::Changed(_) => "changed",
            RowOutcome::Unchanged => "unchanged",
            RowOutcome::Invalid(_) => "invalid",
        }
    }
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct ImportRowReport {
    /// Line number in the file.
    pub line: usize,
    /// The row's e-mail as given.
    pub email: String,
    /// What happens to it.
    pub outcome: RowOutcome,
    /// The person (known, or the id a new person gets) of a valid row.
    pub person_id: Option<Uuid>,
}

/// Someone the import marks (or would mark) as gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GonePerson {
    /// Id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
}

/// The report of a preview or an import. When any row is invalid nothing is imported.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Whether the file was imported (always `false` for a preview).
    pub imported: bool,
    /// Rows that add a person.
    pub new: usize,
    /// Rows that change a person.
    pub changed: usize,
    /// Rows that change nothing.
    pub unchanged: usize,
    /// Invalid rows.
    pub invalid: usize,
    /// Every row, in file order.
    pub rows: Vec<ImportRowReport>,
    /// With `mark_gone`: the people marked (or to be marked) as gone.
    pub gone: Vec<GonePerson>,
}

/// What importing `rows` would do, writing nothing (admins, organisers of every organisation
/// the file names).
pub async fn preview_import(
    store: &Store,
    actor: &Actor,
    rows: &[ImportRow],
    options: ImportOptions,
) -> Result<ImportReport> {
    Ok(plan::plan(store, actor, rows, options).await?.report)
}

/// Import people: all rows or none. Known people (same e-mail) are updated, missing units
/// created, and with `mark_gone` the people the file leaves out are marked as gone. Written in
/// short transactions; see the module's documentation for what a failure midway leaves.
pub async fn import_people(
    store: &Store,
    actor: &Actor,
    rows: &[ImportRow],
    options: ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let plan = plan::plan(store, actor, rows, options).await?;
    if plan.report.invalid > 0 || rows.is_empty() {
        return Ok(plan.report);
    }
    let report = write::write(store, actor, plan, now).await?;
    // An import is how a table grows most at once: the planner learns of it now, not within
    // the hour (a failure to refresh leaves the import done, and is only logged).
    if report.new > 0
        && let Err(e) = store.statistics_after_bulk_write(&["people", "org_units"]).await
    {
        tracing::warn!(error = %e, "refreshing query statistics after an import failed");
    }
    Ok(report)
}
