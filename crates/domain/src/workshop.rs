//! A workshop of a week: what it is about, who hosts it, who may enrol.

use crate::model::{AudienceKind, Language, SessionStatus, WorkshopFormat};
use uuid::Uuid;

/// A workshop: what the store holds of it (its audience list aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workshop {
    /// Id.
    pub id: Uuid,
    /// Its week.
    pub event_id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Theme, lower case.
    pub theme: String,
    /// Trainer's name.
    pub trainer: Option<String>,
    /// Host organisation.
    pub host_organisation_id: Uuid,
    /// Language it is given in.
    pub language: Language,
    /// On site, online or hybrid.
    pub format: WorkshopFormat,
    /// Who may enrol.
    pub audience: AudienceKind,
    /// Scheduled or cancelled.
    pub status: SessionStatus,
    /// Manager approval for this workshop's seats, overriding the week's (`None`: as the week).
    pub approval: Option<crate::Approval>,
}
