//! The first run: an installation without an admin hands out a one-time set-up code (printed
//! by `leerweek serve` as an address), with which the first admin enters their name and e-mail
//! and is signed in. Codes are random, stored hashed, valid an hour, used once, and refused as
//! soon as the installation has an admin.

use super::hash_token;
use super::tokens::make_admin;
use crate::auth::{NewSession, insert_session, secret};
use crate::entities::{person_role, setup_code};
use crate::{Conflict, Result, Store, audit};
use chrono::{DateTime, Duration, Utc};
use leerweek_domain::Role;
use leerweek_domain::text::{EmailAddress, Name};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

/// How long a set-up code works.
pub const SETUP_CODE_VALIDITY: Duration = Duration::hours(1);

async fn has_admin(c: &impl ConnectionTrait) -> Result<bool> {
    Ok(person_role::Entity::find().filter(person_role::Column::Role.eq(Role::Admin.as_str())).count(c).await? > 0)
}

/// Whether the installation still needs its first admin.
pub async fn needs_setup(store: &Store) -> Result<bool> {
    Ok(!has_admin(store.conn()).await?)
}

/// A new one-time set-up code when the installation has no admin yet (else `None`). Each call
/// makes a new code; older unused ones keep working until they expire.
pub async fn issue_setup_code(store: &Store, now: DateTime<Utc>) -> Result<Option<String>> {
    let txn = store.write().await?;
    if has_admin(&*txn).await? {
        return Ok(None);
    }
    let code = secret("setup_");
    setup_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        code_hash: Set(hash_token(&code)),
        created_at: Set(now),
        expires_at: Set(now + SETUP_CODE_VALIDITY),
        used_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(Some(code))
}

/// Use a set-up code: the person named becomes the first admin and is signed in.
pub async fn complete_setup(
    store: &Store,
    code: &str,
    email: EmailAddress,
    name: Name,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let txn = store.write().await?;
    if has_admin(&*txn).await? {
        return Err(Conflict::AlreadySetUp.into());
    }
    let found = if code.starts_with("setup_") && code.len() <= 100 {
        setup_code::Entity::find().filter(setup_code::Column::CodeHash.eq(hash_token(code))).one(&*txn).await?
    } else {
        None
    };
    let Some(found) = found.filter(|c| c.used_at.is_none() && now < c.expires_at) else {
        return Err(Conflict::SetupCodeInvalid.into());
    };
    let mut used: setup_code::ActiveModel = found.into();
    used.used_at = Set(Some(now));
    used.update(&*txn).await?;
    let admin = make_admin(&*txn, email, name, now).await?;
    let session = insert_session(&*txn, admin.id, now).await?;
    audit::record(
        &*txn,
        Some(admin.id),
        "installation.setup",
        ("person", admin.id),
        None::<&()>,
        Some(&serde_json::json!({ "role": Role::Admin.as_str() })),
        now,
    )
    .await?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(session)
}
