//! The audit log: who did what to which thing, when, with before and after.

use crate::Result;
use crate::entities::audit;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;
use uuid::Uuid;

/// Record one action in the caller's transaction.
pub(crate) async fn record<B: Serialize, A: Serialize>(
    c: &impl ConnectionTrait,
    actor: Option<Uuid>,
    action: &str,
    (subject_type, subject_id): (&str, Uuid),
    before: Option<&B>,
    after: Option<&A>,
    at: DateTime<Utc>,
) -> Result<()> {
    audit::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_id: Set(actor),
        action: Set(action.to_owned()),
        subject_type: Set(subject_type.to_owned()),
        subject_id: Set(subject_id),
        before: Set(before.and_then(|b| serde_json::to_string(b).ok())),
        after: Set(after.and_then(|a| serde_json::to_string(a).ok())),
        at: Set(at),
    }
    .insert(c)
    .await?;
    Ok(())
}
