//! The keys that sign the installation's Open Badges credentials: Ed25519 seeds kept in the
//! database, number 1 made by whichever process needs it first (two at once agree: the second
//! insert does nothing and both read the row that won).

use crate::entities::credential_key;
use crate::{Result, Store, StoreError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement};

/// A signing key: its number (in its public address) and its 32-byte seed.
#[derive(Clone)]
pub struct SigningKey {
    /// Number.
    pub number: u32,
    /// The Ed25519 seed.
    pub seed: [u8; 32],
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("number", &self.number).finish_non_exhaustive()
    }
}

fn decode(row: &credential_key::Model) -> Result<SigningKey> {
    let bytes = URL_SAFE_NO_PAD
        .decode(&row.seed)
        .map_err(|e| StoreError::Config(format!("credential key {} is not base64url: {e}", row.number)))?;
    let seed: [u8; 32] =
        bytes.try_into().map_err(|_| StoreError::Config(format!("credential key {} is not 32 bytes", row.number)))?;
    Ok(SigningKey { number: row.number.max(1) as u32, seed })
}

/// The key that signs now (the newest not retired), made on first use.
pub async fn current(store: &Store) -> Result<SigningKey> {
    let c = store.conn();
    let newest = || {
        credential_key::Entity::find()
            .filter(credential_key::Column::RetiredAt.is_null())
            .order_by_desc(credential_key::Column::Number)
            .one(c)
    };
    if let Some(k) = newest().await? {
        return decode(&k);
    }
    let backend = c.get_database_backend();
    let insert = match backend {
        DbBackend::Postgres => {
            "INSERT INTO credential_keys (number, seed, created_at) VALUES (1, $1, $2) ON CONFLICT (number) DO NOTHING"
        }
        _ => "INSERT INTO credential_keys (number, seed, created_at) VALUES (1, ?, ?) ON CONFLICT (number) DO NOTHING",
    };
    c.execute_raw(Statement::from_sql_and_values(backend, insert, [crate::auth::secret("").into(), Utc::now().into()]))
        .await?;
    tracing::info!("made the installation's key for signing credentials");
    decode(&newest().await?.ok_or(StoreError::NotFound("credential key"))?)
}

/// A key by its number (also a retired one: it still verifies what it signed).
pub async fn by_number(store: &Store, number: u32) -> Result<Option<SigningKey>> {
    let Ok(n) = i32::try_from(number) else { return Ok(None) };
    credential_key::Entity::find_by_id(n).one(store.conn()).await?.as_ref().map(decode).transpose()
}
