//! The people of the participating organisations, and the organisations themselves.

use crate::model::Language;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An employee of one of the organisations: what the store holds of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Id.
    pub id: Uuid,
    /// E-mail address, lower case.
    pub email: String,
    /// Name.
    pub name: String,
    /// Their organisation.
    pub organisation_id: Uuid,
    /// Their unit within it.
    pub org_unit_id: Option<Uuid>,
    /// Their manager.
    pub manager_id: Option<Uuid>,
    /// The language their mail is written in.
    pub language: Language,
    /// When they were added.
    pub created_at: DateTime<Utc>,
    /// When an import marked them as gone (no longer in their organisation's file): they
    /// cannot sign in; their history stays.
    pub left_at: Option<DateTime<Utc>>,
}

/// A municipality or other organisation taking part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Whether its people may sign in by mail link (else only through its own provider, while
    /// that is switched on; admins always may).
    pub mail_link_sign_in: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A unit (department, team) of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    /// Id.
    pub id: Uuid,
    /// Its organisation.
    pub organisation_id: Uuid,
    /// The unit it is part of.
    pub parent_id: Option<Uuid>,
    /// Name.
    pub name: String,
}
