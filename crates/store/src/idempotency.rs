//! Stored answers to requests sent with an `Idempotency-Key`, kept per actor.

use crate::Result;
use crate::entities::idempotency_key;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// A stored answer.
pub(crate) struct Stored {
    pub fingerprint: String,
    pub body: serde_json::Value,
}

/// The stored answer for `(actor, key)`, if any.
pub(crate) async fn find(c: &impl ConnectionTrait, actor: Uuid, key: &str) -> Result<Option<Stored>> {
    Ok(idempotency_key::Entity::find_by_id((actor, key.to_owned())).one(c).await?.map(|m| Stored {
        fingerprint: m.request_fingerprint,
        body: serde_json::from_str(&m.response_body).unwrap_or(serde_json::Value::Null),
    }))
}

/// Store the answer in the caller's transaction.
pub(crate) async fn save(
    c: &impl ConnectionTrait,
    actor: Uuid,
    key: &str,
    fingerprint: &str,
    status: u16,
    body: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    idempotency_key::ActiveModel {
        actor_id: Set(actor),
        key: Set(key.to_owned()),
        request_fingerprint: Set(fingerprint.to_owned()),
        response_status: Set(status as i32),
        response_body: Set(body.to_string()),
        created_at: Set(now),
    }
    .insert(c)
    .await?;
    Ok(())
}
