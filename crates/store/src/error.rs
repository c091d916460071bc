//! Errors of the store: domain refusals, conflicts, and database failures kept apart.

use leerweek_domain::enrolment::{CancelError, EnrolError};
use leerweek_domain::{FieldError, Language};
use sea_orm::{DbErr, SqlErr};

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
    /// Another unique rule of the database.
    #[error("this conflicts with existing data")]
    Duplicate,
}

impl Conflict {
    /// Stable slug for the problem `type`.
    pub fn slug(&self) -> &'static str {
        match self {
            Conflict::EmailTaken => "email-taken",
            Conflict::NameTaken => "name-taken",
            Conflict::CapacityBelowConfirmed { .. } => "capacity-below-confirmed",
            Conflict::StatusTransition { .. } => "invalid-status-transition",
            Conflict::IdempotencyKeyReused => "idempotency-key-reused",
            Conflict::Cancelled => "cancelled",
            Conflict::AttendanceRecorded => "attendance-recorded",
            Conflict::Duplicate => "duplicate",
        }
    }

    /// The field concerned, where there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Conflict::EmailTaken => Some("email"),
            Conflict::NameTaken => Some("name"),
            Conflict::CapacityBelowConfirmed { .. } => Some("capacity"),
            Conflict::StatusTransition { .. } => Some("status"),
            _ => None,
        }
    }

    /// The human message in `lang`.
    pub fn message(&self, lang: Language) -> String {
        match lang {
            Language::En => {
                let s = self.to_string();
                format!("{}{}.", s[..1].to_uppercase(), &s[1..])
            }
            Language::Nl => match self {
                Conflict::EmailTaken => "Er bestaat al iemand met dit e-mailadres.".into(),
                Conflict::NameTaken => "Deze naam is al in gebruik.".into(),
                Conflict::CapacityBelowConfirmed { confirmed } => {
                    format!("De capaciteit kan niet lager worden dan de {confirmed} bevestigde inschrijvingen.")
                }
                Conflict::StatusTransition { from, to } => format!("De status kan niet van {from} naar {to}."),
                Conflict::IdempotencyKeyReused => "Deze Idempotency-Key is al gebruikt voor een ander verzoek.".into(),
                Conflict::Cancelled => "Dit is geannuleerd en kan niet meer worden gewijzigd.".into(),
                Conflict::AttendanceRecorded => {
                    "De aanwezigheid is al vastgelegd, dus dit kan niet meer worden geannuleerd; pas de aanwezigheid aan."
                        .into()
                }
                Conflict::Duplicate => "Dit botst met bestaande gegevens.".into(),
            },
        }
    }
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
        match &e {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => StoreError::Unavailable(e.to_string()),
            _ => {
                let text = e.to_string();
                if text.contains("database is locked")
                    || text.contains("connection refused")
                    || text.contains("Connection refused")
                    || text.contains("pool timed out")
                    || text.contains("readonly database")
                    || text.contains("disk is full")
                    || text.contains("terminating connection")
                {
                    StoreError::Unavailable(text)
                } else {
                    StoreError::Db(e)
                }
            }
        }
    }
}
