//! Errors of the store: domain refusals, conflicts, and database failures kept apart.

use leerweek_domain::FieldError;
use leerweek_domain::enrolment::{CancelError, EnrolError};
use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// A state conflict a client can cause and resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// A person with this e-mail address exists.
    #[error("a person with this e-mail address already exists")]
    EmailTaken,
    /// A name that must be unique is taken.
    #[error("this name is already in use")]
    NameTaken,
    /// Capacity lower than the confirmed enrolments.
    #[error("capacity cannot go below the {confirmed} confirmed enrolments")]
    CapacityBelowConfirmed {
        /// Confirmed enrolments now.
        confirmed: u32,
    },
    /// A status change that the life cycle does not allow.
    #[error("cannot change status from {from} to {to}")]
    StatusTransition {
        /// Current status.
        from: String,
        /// Requested status.
        to: String,
    },
    /// The same Idempotency-Key was used for a different request.
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    /// The thing is cancelled and cannot be changed.
    #[error("it has been cancelled and can no longer be changed")]
    Cancelled,
    /// Attendance has been recorded: the enrolment or session took place and stays.
    #[error("attendance has been recorded, so it cannot be cancelled; correct the attendance instead")]
    AttendanceRecorded,
    /// The installation's last admin cannot lose the role.
    #[error("the last admin cannot lose the admin role")]
    LastAdmin,
    /// A unit cannot move under itself or one of its own units.
    #[error("a unit cannot be placed under itself or its own sub-unit")]
    UnitCycle,
    /// An admin cannot erase themself (another admin can; so the last admin never goes this way).
    #[error("you cannot erase yourself; another admin can")]
    ErasingYourself,
    /// The installation has an admin already: set-up is done.
    #[error("this installation has been set up already")]
    AlreadySetUp,
    /// The set-up code is unknown, used or expired.
    #[error("the set-up code is unknown, used or expired")]
    SetupCodeInvalid,
    /// The lead organisation cannot leave its week or be removed from it.
    #[error("the lead organisation stays in its week")]
    LeadStays,
    /// An organisation cannot leave a week while its workshops have enrolments or its people
    /// hold places there.
    #[error("the organisation's workshops or people have enrolments in this week")]
    OrganisationHasEnrolments,
    /// The lead removes a partner only while it hosts no workshops (the partner leaves itself).
    #[error("the organisation hosts workshops in this week")]
    OrganisationHostsWorkshops,
    /// The week is not a lottery week: people enrol instead of ranking preferences.
    #[error("this week is first come, first served; it has no preferences or allocation")]
    NotALottery,
    /// Preferences can be changed only while the week's window is open and before its allocation.
    #[error("preferences can only be changed while the preference window is open")]
    PreferencesClosed,
    /// The week's allocation has run already (once per week).
    #[error("the allocation of this week has run already")]
    AllocationDone,
    /// The real allocation waits until the preference window has closed.
    #[error("the preference window is still open until {closes_at}")]
    PreferencesStillOpen {
        /// When it closes.
        closes_at: chrono::DateTime<chrono::Utc>,
    },
    /// A skill with this name (case and spaces aside) exists.
    #[error("a skill with this name already exists")]
    SkillNameTaken,
    /// The ESCO skill is linked to another skill already.
    #[error("this ESCO skill is linked to another skill already")]
    EscoLinked,
    /// Another unique rule of the database.
    #[error("this conflicts with existing data")]
    Duplicate,
}

/// Everything a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing (named) does not exist or is not visible to the actor.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A referenced id in the request (named field) does not exist or is not visible.
    #[error("{field} refers to nothing")]
    UnknownReference {
        /// The request field holding the id.
        field: String,
    },
    /// The actor may see it but not do this.
    #[error("forbidden")]
    Forbidden,
    /// A value broke a field rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// An enrolment rule refused.
    #[error(transparent)]
    Enrol(#[from] EnrolError),
    /// A cancellation rule refused.
    #[error(transparent)]
    Cancel(#[from] CancelError),
    /// A state conflict.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// Attendance cannot be recorded, or a check-in is refused.
    #[error(transparent)]
    Attendance(#[from] leerweek_domain::attendance::AttendanceError),
    /// Feedback refused.
    #[error(transparent)]
    Feedback(#[from] leerweek_domain::feedback::FeedbackError),
    /// A certificate refused.
    #[error(transparent)]
    Certificate(#[from] leerweek_domain::certificate::CertificateError),
    /// A reflection refused.
    #[error(transparent)]
    Reflection(#[from] leerweek_domain::reflection::ReflectionError),
    /// The Klussenbank refused (a klus not open, no place left, consent given already).
    #[error(transparent)]
    Assignment(#[from] leerweek_domain::assignment::AssignmentError),
    /// A manager's decision refused.
    #[error(transparent)]
    Approval(#[from] leerweek_domain::approval::ApprovalError),
    /// A single sign-on answer that signs nobody in.
    #[error(transparent)]
    SignIn(#[from] leerweek_domain::sso::SignInRefused),
    /// Misconfiguration (bad URL, unwritable directory).
    #[error("configuration: {0}")]
    Config(String),
    /// The database cannot be reached or is overloaded; try again later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// An unexpected database error.
    #[error("database error: {0}")]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        if let Some(sql) = e.sql_err() {
            match sql {
                SqlErr::UniqueConstraintViolation(msg) => {
                    if msg.contains("name_key") {
                        return StoreError::Conflict(Conflict::SkillNameTaken);
                    }
                    if msg.contains("esco_uri") {
                        return StoreError::Conflict(Conflict::EscoLinked);
                    }
                    if msg.contains("email") {
                        return StoreError::Conflict(Conflict::EmailTaken);
                    }
                    if msg.contains("name") {
                        return StoreError::Conflict(Conflict::NameTaken);
                    }
                    return StoreError::Conflict(Conflict::Duplicate);
                }
                SqlErr::ForeignKeyConstraintViolation(_) => {
                    return StoreError::UnknownReference { field: "id".into() };
                }
                _ => {}
            }
        }
        if is_outage(&e) {
            let text = e.to_string();
            if text.contains("readonly database") {
                crate::db::read_only_seen();
            }
            return StoreError::Unavailable(text);
        }
        StoreError::Db(e)
    }
}

impl From<leerweek_domain::rules::RuleError> for StoreError {
    fn from(e: leerweek_domain::rules::RuleError) -> Self {
        match e {
            leerweek_domain::rules::RuleError::Invalid(f) => StoreError::Invalid(f),
            leerweek_domain::rules::RuleError::UnknownReference { field } => StoreError::UnknownReference { field },
        }
    }
}

/// Whether a database error is a condition of the moment rather than a bug: the server is
/// unreachable, shutting down or restarting, the connection broke, the pool is exhausted, or the
/// disk is full or read-only. Such errors are answered 503 with `Retry-After`, never 500.
pub fn is_outage(e: &DbErr) -> bool {
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) if sqlx_outage(s) => {
            return true;
        }
        _ => {}
    }
    // Errors that reach us as text only (e.g. wrapped by sea-orm's transaction helpers).
    let text = e.to_string();
    [
        "database is locked",
        "connection refused",
        "Connection refused",
        "pool timed out",
        "readonly database",
        "disk is full",
        "disk I/O error",
        "unable to open database file",
        "terminating connection",
        "connection closed",
        "Connection closed",
        "broken pipe",
        "Broken pipe",
        "connection reset",
        "Connection reset",
        "unexpected end of file",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

fn sqlx_outage(e: &sqlx::Error) -> bool {
    use sqlx::Error as E;
    match e {
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::BeginFailed => true,
        E::Database(d) => {
            if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                return pg_outage(pg.code());
            }
            if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                return d.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(sqlite_outage);
            }
            false
        }
        _ => false,
    }
}

/// PostgreSQL SQLSTATEs of an outage: connection exceptions (08), insufficient resources such as
/// a full disk or too many connections (53), operator intervention such as a shutdown or a
/// restart (57P), system errors (58), and a read-only (standby) server (25006).
fn pg_outage(sqlstate: &str) -> bool {
    sqlstate.starts_with("08")
        || sqlstate.starts_with("53")
        || sqlstate.starts_with("57P")
        || sqlstate.starts_with("58")
        || sqlstate == "25006"
}

/// SQLite primary result codes of an outage (the extended code's low byte): BUSY (5), LOCKED (6),
/// READONLY (8), IOERR (10), FULL (13), CANTOPEN (14).
fn sqlite_outage(extended: i32) -> bool {
    matches!(extended & 0xff, 5 | 6 | 8 | 10 | 13 | 14)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outage_codes_are_told_apart_from_bugs() {
        assert!(pg_outage("57P01") && pg_outage("08006") && pg_outage("53100") && pg_outage("25006"));
        assert!(!pg_outage("23505") && !pg_outage("40001") && !pg_outage("42P01"));
        // SQLITE_FULL, SQLITE_READONLY_DBMOVED (1032), SQLITE_IOERR_WRITE (778), SQLITE_CANTOPEN
        assert!(sqlite_outage(13) && sqlite_outage(1032) && sqlite_outage(778) && sqlite_outage(14));
        // SQLITE_CONSTRAINT_UNIQUE (2067), SQLITE_ERROR
        assert!(!sqlite_outage(2067) && !sqlite_outage(1));
    }

    #[test]
    fn a_refused_connection_is_unavailable_not_internal() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(sqlx::Error::Io(io))));
        assert!(matches!(StoreError::from(e), StoreError::Unavailable(_)));
        let e = DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(sqlx::Error::RowNotFound)));
        assert!(matches!(StoreError::from(e), StoreError::Db(_)));
    }
}
