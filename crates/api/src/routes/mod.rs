//! Handlers, one module per resource: extract → call the store → map to a wire type.

pub mod access;
pub mod allocation;
pub mod approvals;
pub mod assignments;
pub mod attendance;
pub mod auth;
pub mod certificates;
pub mod enrolments;
pub mod events;
pub mod feedback;
pub mod import;
pub mod links;
pub mod mail;
pub mod organisations;
pub mod outbox;
pub mod people;
pub mod portfolio;
pub mod privacy;
pub mod programme;
pub mod reports;
pub mod sessions;
pub mod setup;
pub mod skills;
pub mod sso;
pub mod sso_trial;
pub mod workshops;

use leerweek_domain::{FieldError, Invalid};
use serde::{Deserialize, Deserializer};

/// Attach a field name to a parse result.
pub(crate) fn at<T>(field: &str, r: Result<T, Invalid>) -> Result<T, FieldError> {
    r.map_err(|e| FieldError::new(field, e))
}

/// Parse an optional value, naming the field on failure.
pub(crate) fn opt<T, R>(
    field: &str,
    v: Option<R>,
    f: impl FnOnce(R) -> Result<T, Invalid>,
) -> Result<Option<T>, FieldError> {
    v.map(|v| at(field, f(v))).transpose()
}

/// For PATCH bodies: absent → `None`, `null` → `Some(None)`, value → `Some(Some(v))`.
pub(crate) fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Current instant.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
